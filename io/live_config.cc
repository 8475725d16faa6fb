#include "io/live_config.h"

// toml++ with its default exceptions, as Debian's shared library is built; toml::parse_error
// is caught here (no exception crosses a module boundary).
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <utility>
#include <vector>

#include "core/timestamp.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "io/atomic_file.h"
#include "io/scenario_file.h"
#include "live/requests.h"

namespace q50::io {
namespace {

namespace fs = std::filesystem;

// The schema: every table and its keys.
const std::map<std::string, std::vector<std::string>>& schema() {
  static const auto* kSchema = new std::map<std::string, std::vector<std::string>>{
      {"", {"live"}},
      {"live",
       {"strategy", "symbol", "interval", "client_id_prefix", "base_url", "paper", "first_bar", "warmup_bars",
        "max_bars", "poll_interval", "signal_grace", "reconcile_every_bars", "seed",
        "on_signal_unavailable", "recv_window", "connect_timeout", "read_timeout", "signals",
        "monitor", "pacing"}},
      {"live.signals", {"file", "instrument", "tolerance", "max_staleness"}},
      {"live.monitor", {"enabled", "port"}},
      {"live.pacing", {"weight_fraction", "weight_window", "backoff_base", "backoff_max"}},
  };
  return *kSchema;
}

// Typed, located access to one table of the file.
class Reader {
 public:
  Reader(const std::string& path, const toml::table* table, std::string name)
      : path_(path), table_(table), name_(std::move(name)) {}

  absl::Status check_keys() const {
    const std::vector<std::string>& known = schema().at(name_);
    if (table_ == nullptr) return absl::OkStatus();
    for (const auto& [key, node] : *table_) {
      if (std::find(known.begin(), known.end(), std::string(key.str())) != known.end()) continue;
      (void)node;
      return error_at(key.source(), fmt::format("unknown key '{}' in [{}] (known: {})", key.str(),
                                                name_.empty() ? "the document" : name_,
                                                fmt::join(known, ", ")));
    }
    return absl::OkStatus();
  }
  Reader sub(const std::string& key) const {
    const toml::table* t = table_ == nullptr ? nullptr : (*table_)[key].as_table();
    return Reader(path_, t, name_.empty() ? key : name_ + "." + key);
  }
  const toml::node* get(const std::string& key) const {
    return table_ == nullptr ? nullptr : table_->get(key);
  }
  absl::Status error(const toml::node& node, const std::string& what) const {
    return error_at(node.source(), what);
  }
  absl::Status error_at(const toml::source_region& r, const std::string& what) const {
    return absl::InvalidArgumentError(fmt::format("{}:{}:{}: {}", path_, r.begin.line,
                                                  r.begin.column, what));
  }
  absl::Status text(const std::string& key, std::string& out) const {
    const toml::node* n = get(key);
    if (n == nullptr) return absl::OkStatus();
    if (!n->is_string()) return error(*n, fmt::format("[{}].{}: expected a string", name_, key));
    out = n->as_string()->get();
    return absl::OkStatus();
  }
  absl::Status flag(const std::string& key, bool& out) const {
    const toml::node* n = get(key);
    if (n == nullptr) return absl::OkStatus();
    if (!n->is_boolean()) return error(*n, fmt::format("[{}].{}: expected true or false", name_, key));
    out = n->as_boolean()->get();
    return absl::OkStatus();
  }
  absl::Status integer(const std::string& key, std::int64_t& out, std::int64_t lo,
                       std::int64_t hi) const {
    const toml::node* n = get(key);
    if (n == nullptr) return absl::OkStatus();
    if (!n->is_integer() || n->as_integer()->get() < lo || n->as_integer()->get() > hi) {
      return error(*n, fmt::format("[{}].{}: expected an integer in [{}, {}]", name_, key, lo, hi));
    }
    out = n->as_integer()->get();
    return absl::OkStatus();
  }
  absl::Status fraction(const std::string& key, double& out) const {
    const toml::node* n = get(key);
    if (n == nullptr) return absl::OkStatus();
    const auto v = n->value<double>();
    if (!v || !(*v > 0.0 && *v <= 1.0)) {
      return error(*n, fmt::format("[{}].{}: expected a number in (0, 1]", name_, key));
    }
    out = *v;
    return absl::OkStatus();
  }
  // A duration string ("20ms", "5m") in [lo_ms, hi_ms], stored in milliseconds.
  absl::Status millis(const std::string& key, std::int64_t& out_ms, std::int64_t lo_ms,
                      std::int64_t hi_ms) const {
    const toml::node* n = get(key);
    if (n == nullptr) return absl::OkStatus();
    const auto ns = n->is_string() ? parse_duration(n->as_string()->get()) : std::nullopt;
    if (!ns || *ns % 1'000'000 != 0 || *ns / 1'000'000 < lo_ms || *ns / 1'000'000 > hi_ms) {
      return error(*n, fmt::format("[{}].{}: expected a duration of whole milliseconds between "
                                   "{} and {} (e.g. \"250ms\", \"5s\")",
                                   name_, key, format_duration(lo_ms * 1'000'000),
                                   format_duration(hi_ms * 1'000'000)));
    }
    out_ms = *ns / 1'000'000;
    return absl::OkStatus();
  }

 private:
  const std::string& path_;
  const toml::table* table_;
  std::string name_;
};

#define Q50_LIVE_TRY(expr)                                            \
  do {                                                                \
    if (absl::Status status_ = (expr); !status_.ok()) return status_; \
  } while (false)

std::string resolve(const std::string& config_path, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(config_path).parent_path() / path).lexically_normal().string();
}

absl::Status read_live(const Reader& live, LiveConfig& c) {
  live::NodeConfig& n = c.node;
  Q50_LIVE_TRY(live.check_keys());
  Q50_LIVE_TRY(live.text("strategy", c.strategy_file));
  Q50_LIVE_TRY(live.text("symbol", n.symbol));
  Q50_LIVE_TRY(live.text("interval", n.interval));
  Q50_LIVE_TRY(live.text("client_id_prefix", n.client_id_prefix));
  Q50_LIVE_TRY(live.text("base_url", c.rest.base_url));
  Q50_LIVE_TRY(live.flag("paper", n.paper));
  if (const toml::node* first = live.get("first_bar")) {
    const auto* text = first->as_string();
    const bool empty = text != nullptr && text->get().empty();  // "": the bar in progress
    const std::optional<TimestampNs> ts =
        text == nullptr || empty ? std::nullopt : parse_timestamp(text->get());
    if (!empty && (!ts || *ts % (kNsPerHour) != 0)) {
      return live.error(*first,
                        "[live].first_bar: expected the close of an hourly bar, "
                        "\"YYYY-MM-DD HH:00:00\" (UTC), or \"\" for the bar in progress");
    }
    if (ts) n.first_bar_close_ms = *ts / 1'000'000;
  }
  Q50_LIVE_TRY(live.integer("warmup_bars", n.warmup_bars, 0, 1000));
  Q50_LIVE_TRY(live.integer("max_bars", n.max_bars, 0, 100'000'000));
  Q50_LIVE_TRY(live.millis("poll_interval", n.poll_interval_ms, 1, 3'600'000));
  Q50_LIVE_TRY(live.millis("signal_grace", n.signal_grace_ms, 0, 86'400'000));
  Q50_LIVE_TRY(live.integer("reconcile_every_bars", n.reconcile_every_bars, 0, 1'000'000));
  std::int64_t seed = 1;
  Q50_LIVE_TRY(live.integer("seed", seed, 0, INT64_MAX));
  n.seed = static_cast<std::uint64_t>(seed);
  std::string policy = "cached";
  Q50_LIVE_TRY(live.text("on_signal_unavailable", policy));
  if (policy != "cached" && policy != "flat") {
    return live.error(*live.get("on_signal_unavailable"),
                      "[live].on_signal_unavailable: expected \"cached\" or \"flat\"");
  }
  n.on_signal_unavailable =
      policy == "flat" ? live::SignalUnavailablePolicy::kFlat : live::SignalUnavailablePolicy::kCached;
  Q50_LIVE_TRY(live.millis("recv_window", c.rest.recv_window_ms, 1, 60'000));
  Q50_LIVE_TRY(live.millis("connect_timeout", c.rest.connect_timeout_ms, 1, 600'000));
  Q50_LIVE_TRY(live.millis("read_timeout", c.rest.read_timeout_ms, 1, 600'000));
  if (n.interval != "1h") {
    return live.error(*live.get("interval"), "[live].interval: only \"1h\" bars are traded");
  }
  if (auto st = live::validate_client_order_id(n.client_id_prefix + "1"); !st.ok() ||
      n.client_id_prefix.size() > 20) {
    const toml::node* where = live.get("client_id_prefix");
    const std::string what =
        "[live].client_id_prefix: expected 1 to 20 characters of [A-Za-z0-9_-]";
    return where != nullptr ? live.error(*where, what) : absl::InvalidArgumentError(what);
  }
  return absl::OkStatus();
}

absl::Status read_sections(const Reader& live, LiveConfig& c) {
  const Reader signals = live.sub("signals");
  Q50_LIVE_TRY(signals.check_keys());
  Q50_LIVE_TRY(signals.text("file", c.signals_file));
  Q50_LIVE_TRY(signals.text("instrument", c.signals_instrument));
  std::int64_t tolerance_ms = c.lookup.tolerance_ns / 1'000'000;
  std::int64_t staleness_ms = c.lookup.max_staleness_ns / 1'000'000;
  Q50_LIVE_TRY(signals.millis("tolerance", tolerance_ms, 0, 86'400'000));
  Q50_LIVE_TRY(signals.millis("max_staleness", staleness_ms, 0, 30LL * 86'400'000));
  if (staleness_ms < tolerance_ms) {
    return absl::InvalidArgumentError(
        fmt::format("{}: [live.signals]: max_staleness must be >= tolerance", c.path));
  }
  c.lookup = {tolerance_ms * 1'000'000, staleness_ms * 1'000'000};
  const Reader monitor = live.sub("monitor");
  Q50_LIVE_TRY(monitor.check_keys());
  Q50_LIVE_TRY(monitor.flag("enabled", c.monitor));
  std::int64_t port = c.monitor_port;
  Q50_LIVE_TRY(monitor.integer("port", port, 0, 65535));
  c.monitor_port = static_cast<int>(port);
  const Reader pacing = live.sub("pacing");
  Q50_LIVE_TRY(pacing.check_keys());
  live::NodeConfig& n = c.node;
  Q50_LIVE_TRY(pacing.fraction("weight_fraction", n.pace_weight_fraction));
  Q50_LIVE_TRY(pacing.millis("weight_window", n.weight_window_ms, 1, 3'600'000));
  Q50_LIVE_TRY(pacing.millis("backoff_base", n.backoff_base_ms, 1, 600'000));
  Q50_LIVE_TRY(pacing.millis("backoff_max", n.backoff_max_ms, 1, 3'600'000));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<LiveConfig> read_live_config(const std::string& path) {
  auto text = read_file(path);
  if (!text.ok()) return text.status();
  toml::table doc;
  try {
    doc = toml::parse(*text, std::string_view(path));
  } catch (const toml::parse_error& e) {
    const auto& r = e.source();
    return absl::InvalidArgumentError(
        fmt::format("{}:{}:{}: {}", path, r.begin.line, r.begin.column, e.description()));
  }
  LiveConfig c;
  c.path = path;
  const Reader root(path, &doc, "");
  Q50_LIVE_TRY(root.check_keys());
  const Reader live = root.sub("live");
  Q50_LIVE_TRY(read_live(live, c));
  Q50_LIVE_TRY(read_sections(live, c));
  if (c.strategy_file.empty() || c.signals_file.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: [live].strategy and [live.signals].file are required", path));
  }
  c.strategy_file = resolve(path, c.strategy_file);
  c.signals_file = resolve(path, c.signals_file);
  auto scenario = read_scenario(c.strategy_file);
  if (!scenario.ok()) return scenario.status();
  c.node.strategy = scenario->strategy;
  return c;
}

std::vector<std::string> live_config_keys() {
  std::vector<std::string> keys;
  for (const auto& [table, names] : schema()) {
    for (const std::string& k : names) {
      const std::string full = table.empty() ? k : table + "." + k;
      if (schema().count(full) == 0) keys.push_back(full);
    }
  }
  return keys;
}

}  // namespace q50::io
