// q50sim live: the strategy traded on the Binance spot testnet (or a loopback mock of it) by the
// live node (live/node.h), which drives the same runtime as the simulator.
#include <csignal>
#include <cinttypes>
#include <cstdio>
#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "app/args.h"
#include "app/command_output.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "fmt/format.h"
#include "io/api_keys.h"
#include "io/live_config.h"
#include "io/live_files.h"
#include "io/signal_file_source.h"
#include "live/clock.h"
#include "live/monitor.h"
#include "live/node.h"

namespace q50::app {
namespace {

constexpr std::string_view kHelp =
    "usage: q50sim live --config LIVE.toml --state DIR [--venue testnet|mock] [--base-url URL]\n"
    "                   [--paper] [--max-bars N] [--key-file FILE] [--signals FILE]\n"
    "                   [--monitor-port P]\n"
    "\n"
    "Trades the Q50 strategy on the Binance spot testnet (or on `q50sim venue`, a loopback\n"
    "mock): closed 1h klines and the existing system's signal file go through the same runtime\n"
    "the simulator runs (scenarios/live/testnet.toml and mock.toml document the config).\n"
    "\n"
    "  --config FILE    the live config: symbol, the scenario file whose strategy is traded, the\n"
    "                   signal file, polling, pacing, monitoring\n"
    "  --state DIR      state.bin (resumed after a crash or kill), journal.log, bars.csv,\n"
    "                   trades.csv, live_metrics.json; one node per directory\n"
    "  --venue V        testnet (default: https://testnet.binance.vision) or mock (a loopback\n"
    "                   `q50sim venue`; needs --base-url or [live].base_url on 127.0.0.1)\n"
    "  --base-url URL   overrides the config's venue address\n"
    "  --paper          validate every order with POST /api/v3/order/test and fill it on a local\n"
    "                   paper book: nothing is placed\n"
    "  --max-bars N     stop after N bars (state saved), exit 0\n"
    "  --signals FILE   the signal file, instead of the config's [live.signals].file\n"
    "  --monitor-port P serve the status page and /metrics on 127.0.0.1:P (0: any free port),\n"
    "                   instead of the config's [live.monitor]\n"
    "  --key-file FILE  `api_key = ...` and `api_secret = ...`, mode 0600; without it the keys\n"
    "                   come from BINANCE_API_KEY and BINANCE_API_SECRET (never the command line)\n"
    "\n"
    "SIGINT/SIGTERM stop it cleanly (state saved, nothing half-written). Prints 'seed= "
    "scenario= version='\n"
    "first and the monitoring address ('monitor on http://127.0.0.1:P/', with /metrics for\n"
    "Prometheus) when monitoring is on.\n"
    "exit codes: 0 stopped cleanly, 2 bad command line, 3 bad config or state file, 4 the venue\n"
    "could not be reached or refused the keys, or a file could not be written\n";

constexpr CommandOutput kCli("live", kHelp);

std::atomic<bool> g_stop{false};

extern "C" void request_stop(int) { g_stop.store(true); }

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = request_stop;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a sleeping node wakes up at once
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// What the command line asks, checked before any file is read.
struct Flags {
  std::string config;
  std::string state;
  bool mock = false;
  std::optional<std::string> base_url;
  bool paper = false;
  std::int64_t max_bars = 0;
  std::optional<std::string> key_file;
  std::optional<std::string> signals;
  std::optional<int> monitor_port;
};

absl::StatusOr<Flags> parse_flags(const Args& args) {
  Flags f;
  for (auto [name, out] : {std::pair{"config", &f.config}, std::pair{"state", &f.state}}) {
    auto v = args.require(name);
    if (!v.ok()) return v.status();
    *out = *v;
  }
  const std::string venue = args.get("venue").value_or("testnet");
  if (venue != "testnet" && venue != "mock") {
    return absl::InvalidArgumentError(fmt::format("--venue: expected testnet or mock (got '{}')", venue));
  }
  f.mock = venue == "mock";
  f.base_url = args.get("base-url");
  f.paper = args.has("paper");
  if (args.has("max-bars")) {
    auto n = args.get_int("max-bars", 0);
    if (!n.ok() || *n < 1) return absl::InvalidArgumentError("--max-bars: expected N >= 1");
    f.max_bars = *n;
  }
  f.key_file = args.get("key-file");
  f.signals = args.get("signals");
  if (args.has("monitor-port")) {
    auto port = args.get_int("monitor-port", 0);
    if (!port.ok() || *port < 0 || *port > 65535) {
      return absl::InvalidArgumentError("--monitor-port: expected a port in 0..65535");
    }
    f.monitor_port = static_cast<int>(*port);
  }
  return f;
}

absl::StatusOr<io::LiveConfig> configure(const Flags& f) {
  auto config = io::read_live_config(f.config);
  if (!config.ok()) return config.status();
  if (f.base_url) config->rest.base_url = *f.base_url;
  const std::string& url = config->rest.base_url;
  if (f.mock && url.rfind("http://127.0.0.1", 0) != 0 && url.rfind("http://localhost", 0) != 0) {
    return absl::InvalidArgumentError(
        fmt::format("{}: --venue mock needs a loopback base URL (http://127.0.0.1:P)", f.config));
  }
  if (f.paper) config->node.paper = true;
  if (f.max_bars > 0) config->node.max_bars = f.max_bars;
  if (f.signals) config->signals_file = *f.signals;
  if (f.monitor_port) {
    config->monitor = true;
    config->monitor_port = *f.monitor_port;
  }
  return config;
}

int run_node(const io::LiveConfig& config, const io::ApiKeys& keys, const std::string& state_dir) {
  live::SystemClock clock;
  auto rest = live::RestClient::create(config.rest, live::Credentials(keys.api_key, keys.api_secret),
                                       clock);
  if (!rest.ok()) return kCli.fail(rest.status());
  auto files = io::LiveFiles::open(state_dir);
  if (!files.ok()) return kCli.fail(files.status());
  io::SignalFileSource signals(config.signals_file, config.lookup, config.signals_instrument);
  live::LiveNode node(config.node, **rest, clock, signals, **files, **files, g_stop);
  std::unique_ptr<live::MonitorServer> monitor;
  if (config.monitor) {
    auto started = live::MonitorServer::start(config.monitor_port, {keys.api_key, keys.api_secret});
    if (!started.ok()) return kCli.fail(started.status());
    monitor = std::move(*started);
    std::printf("monitor on http://127.0.0.1:%d/ (Prometheus: /metrics)\n", monitor->port());
    std::fflush(stdout);
    node.on_snapshot([&](const live::NodeSnapshot& s) { monitor->publish(s); });
  }
  install_stop_handlers();
  const absl::Status st = node.run();
  const live::NodeCounters& c = node.state().counters;
  std::printf("live: bars=%" PRId64 " orders=%" PRId64 " fills=%" PRId64
              " reconciliations=%" PRId64 " restarts=%" PRId64 " -> %s\n",
              c.bars, c.orders, c.fills, c.reconciliations, c.restarts, state_dir.c_str());
  return st.ok() ? kExitOk : kCli.fail(st);
}

}  // namespace

int run_live(const std::vector<std::string_view>& argv) {
  const Args::Spec spec{{"config", "state", "venue", "base-url", "max-bars", "key-file", "signals", "monitor-port"}, {"paper"}, 0};
  auto args = Args::parse(argv, spec);
  if (!args.ok()) return kCli.usage_error(args.status());
  if (args->help()) return kCli.help();
  auto flags = parse_flags(*args);
  if (!flags.ok()) return kCli.usage_error(flags.status());
  auto config = configure(*flags);
  if (!config.ok()) return kCli.fail(config.status());
  auto keys = io::load_api_keys(flags->key_file, io::process_env());
  if (!keys.ok()) return kCli.fail(keys.status());
  std::printf("seed=%" PRIu64 " scenario=%s version=%s\n", config->node.seed, config->path.c_str(),
              Q50SIM_VERSION);
  std::fflush(stdout);
  return run_node(*config, *keys, flags->state);
}

}  // namespace q50::app
