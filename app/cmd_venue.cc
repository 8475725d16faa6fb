// q50sim venue: the loopback mock of Binance's spot REST API (mockvenue/), serving a scenario's
// market on an accelerated clock until SIGINT or SIGTERM.
#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "app/args.h"
#include "app/command_output.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "fmt/format.h"
#include "io/scenario_file.h"
#include "io/scenario_inputs.h"
#include "live/clock.h"
#include "mockvenue/api_keys.h"
#include "mockvenue/market_tape.h"
#include "mockvenue/server.h"
#include "mockvenue/venue_clock.h"
#include "mockvenue/venue_service.h"
#include "sim/scenario_run.h"

namespace q50::app {
namespace {

constexpr std::string_view kHelp =
    "usage: q50sim venue SCENARIO.toml --port P [--speed X] [--seed N] [--signals-out FILE]\n"
    "                    [--key-file FILE] [--wait-for-client]\n"
    "\n"
    "Serves a loopback mock of Binance's spot REST API (ping, time, exchangeInfo, klines,\n"
    "account, order, order/test, openOrders, myTrades) on 127.0.0.1, backed by the simulator's\n"
    "mock exchange and the scenario's market on an accelerated clock, with the scenario's venue\n"
    "faults and [venue] faults injected. GET /q50sim/books shows the mock's books as JSON.\n"
    "Prints 'listening on 127.0.0.1:P' once it accepts connections; SIGINT or SIGTERM stop it.\n"
    "\n"
    "  --port P            the port (0: a free one, printed)\n"
    "  --speed X           venue seconds per wall second (default 3600: one hourly bar per\n"
    "                      second; up to 1e7); recvWindow and the 1 s 'ahead' allowance scale\n"
    "                      with it\n"
    "  --seed N            overrides the scenario's seed (market, signals, every fault)\n"
    "  --signals-out FILE  appends the scenario's signal rows to FILE as their bars close\n"
    "                      (header datetime,q10,q50,q90), with the [venue.signal_file] faults\n"
    "  --key-file FILE     the API key pair requests must be signed with (mode 0600;\n"
    "                      api_key=/api_secret= lines or two lines); default: the environment\n"
    "                      variables BINANCE_API_KEY and BINANCE_API_SECRET\n"
    "  --wait-for-client   the venue clock starts at the first /api request, not at start-up\n"
    "\n"
    "README.md ('The mock venue') and scenarios/live/README.md describe the clock, the faults\n"
    "and the books.\n"
    "exit codes: 0 stopped by a signal, 2 bad command line, 3 bad scenario, input or key file,\n"
    "4 a file could not be read or written (or the key file is readable by others, or the port\n"
    "cannot be bound)\n";

constexpr CommandOutput kCli("venue", kHelp);

struct Options {
  std::string scenario;
  int port = 0;
  double speed = 3600;
  std::optional<std::uint64_t> seed;
  std::string signals_out;
  std::optional<std::string> key_file;
  bool wait_for_client = false;
};

absl::StatusOr<Options> read_options(const Args& args) {
  Options o;
  if (args.positional().size() != 1) return absl::InvalidArgumentError("missing SCENARIO.toml");
  o.scenario = args.positional()[0];
  if (auto port = args.require("port"); !port.ok()) return port.status();
  auto p = args.get_u64("port");
  if (!p.ok()) return p.status();
  if (**p > 65535) return absl::InvalidArgumentError("--port: expected 0..65535");
  o.port = static_cast<int>(**p);
  auto speed = args.get_double("speed", 3600);
  if (!speed.ok()) return speed.status();
  if (!std::isfinite(*speed) || *speed <= 0 || *speed > mockvenue::VenueClock::kMaxSpeed) {
    return absl::InvalidArgumentError("--speed: expected a number in (0, 1e7]");
  }
  o.speed = *speed;
  auto seed = args.get_u64("seed");
  if (!seed.ok()) return seed.status();
  if (*seed) o.seed = **seed;
  o.signals_out = args.get("signals-out").value_or("");
  o.key_file = args.get("key-file");
  o.wait_for_client = args.has("wait-for-client");
  return o;
}

// The scenario, its inputs and keys into a service ready to serve.
absl::StatusOr<std::unique_ptr<mockvenue::VenueService>> build_service(const Options& o) {
  auto scenario = io::read_scenario(o.scenario);
  if (!scenario.ok()) return scenario.status();
  if (o.seed) sim::apply_seed(*scenario, *o.seed);
  std::fprintf(stderr, "seed=%" PRIu64 " scenario=%s version=%s\n", scenario->seed,
               scenario->name.c_str(), Q50SIM_VERSION);
  const io::EnvLookup env = io::process_env();
  if (auto missing = io::missing_reference_data(*scenario, env)) {
    return absl::NotFoundError(fmt::format("{}: {}", scenario->path, *missing));
  }
  auto inputs = io::load_scenario_inputs(*scenario, env);
  if (!inputs.ok()) return inputs.status();
  auto tape = mockvenue::build_market_tape(*scenario, *inputs);
  if (!tape.ok()) return tape.status();
  auto keys = mockvenue::load_api_keys(o.key_file, env);
  if (!keys.ok()) return keys.status();
  mockvenue::VenueSetup setup{*std::move(scenario), *std::move(tape), *std::move(keys), o.speed,
                              o.signals_out, o.wait_for_client};
  return mockvenue::VenueService::create(std::move(setup));
}

}  // namespace

int run_venue(const std::vector<std::string_view>& argv) {
  const Args::Spec spec{{"port", "speed", "seed", "signals-out", "key-file"},
                        {"wait-for-client"},
                        1};
  auto args = Args::parse(argv, spec);
  if (!args.ok()) return kCli.usage_error(args.status());
  if (args->help()) return kCli.help();
  auto options = read_options(*args);
  if (!options.ok()) return kCli.usage_error(options.status());
  auto service = build_service(*options);
  if (!service.ok()) return kCli.fail(service.status());
  live::SystemClock clock;
  const absl::Status served = mockvenue::serve_until_signal(
      *std::move(service), options->port, clock,
      [](int port) {
        std::printf("listening on 127.0.0.1:%d\n", port);
        std::fflush(stdout);
      },
      [](const std::string& books) { std::fprintf(stderr, "books: %s\n", books.c_str()); });
  if (!served.ok()) return kCli.fail(served);
  return kExitOk;
}

}  // namespace q50::app
