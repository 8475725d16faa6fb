#include "io/scenario_file.h"

// toml++ is included by io/ .cc files only (here, io/scenario_template.cc, io/sweep_file.cc),
// through io/scenario_toml.h or directly, all with the package's defaults: TOML_EXCEPTIONS must
// agree across every file that includes it (and with Debian's shared library, built with
// exceptions). toml::parse_error is caught at each boundary (ARCHITECTURE.md: no exception
// crosses a module boundary).
#include "io/scenario_toml.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <utility>

#include "fmt/format.h"
#include "fmt/ranges.h"
#include "core/fixed_point.h"
#include "core/limits.h"
#include "core/prng.h"
#include "io/input_file.h"
#include "io/toml_depth.h"

namespace q50::io {
namespace {

// Returns the status of expr from the enclosing function when it is not OK.
#define Q50_SCENARIO_TRY(expr)                                        \
  do {                                                                \
    if (absl::Status status_ = (expr); !status_.ok()) return status_; \
  } while (false)

using Region = toml::source_region;

std::string where(const std::string& path, const Region& r) {
  return fmt::format("{}:{}:{}", path, r.begin.line, r.begin.column);
}

// The schema: every table and its keys, in documentation order
struct TableKeys {
  std::string_view table;  // dotted path; "" is the document itself
  std::vector<std::string_view> keys;
};

const std::vector<TableKeys>& schema() {
  static const std::vector<TableKeys> kSchema = {
      {"",
       {"scenario", "market", "signals", "strategy", "risk", "exchange", "faults", "assertions",
        "venue"}},
      {"scenario",
       {"name", "description", "seed", "bars", "start", "end", "checkpoint_every_bars"}},
      {"market", {"source", "synthetic", "csv", "qlib"}},
      {"market.synthetic",
       {"start_price", "bar_interval", "wick", "base_volume", "reversion", "regimes", "jumps"}},
      {"market.synthetic.regimes", {"regime", "bars"}},
      {"market.synthetic.jumps", {"at_bar", "jump_pct"}},
      {"market.csv", {"path", "columns"}},
      {"market.csv.columns", {"ts", "open", "high", "low", "close", "volume"}},
      {"market.qlib", {"dir", "instrument", "freq"}},
      {"signals", {"source", "synthetic", "file", "percentiles"}},
      {"signals.synthetic", {"skill", "noise", "calibration"}},
      {"signals.file", {"path", "tolerance", "max_staleness"}},
      {"signals.percentiles", {"p30", "p70", "p90"}},
      {"strategy",
       {"sizing", "hb_max_position_pct", "hold", "min_confidence_hold", "position_rule",
        "max_position_fraction", "allow_short", "on_missing_signal", "use_stale",
        "rebalance_min_fraction", "risk_mode"}},
      {"risk",
       {"max_order_fraction", "max_exposure_fraction", "max_leverage", "max_drawdown_fraction",
        "min_order_qty", "min_notional"}},
      {"exchange",
       {"account", "margin_checks_quote", "initial_base", "initial_quote", "instrument", "fees",
        "slippage", "latency", "fill", "rate_limit"}},
      {"exchange.instrument",
       {"symbol", "tick_size", "min_price", "max_price", "step_size", "min_qty", "max_qty",
        "min_notional", "apply_min_to_market"}},
      {"exchange.fees", {"maker_ppm", "taker_ppm"}},
      {"exchange.slippage", {"model", "base_ppm", "full_participation_ppm", "cap_ppm"}},
      {"exchange.latency", {"constant", "jitter"}},
      {"exchange.fill", {"price", "limit_touch_fills", "max_participation_ppm"}},
      {"exchange.rate_limit", {"kind", "max_orders", "window"}},
      {"faults",
       {"kind", "at", "until", "duration", "probability", "count", "reason", "fill_fraction",
        "latency", "max_orders", "window", "lag", "copies", "delay_items", "policy", "skew",
        "restart_after"}},
      {"assertions",
       {"no_invariant_violations", "faults_recovered", "deterministic", "flat_at_end", "min_trades",
        "max_trades", "max_drawdown_at_most", "final_equity_at_least", "final_equity_at_most",
        "sharpe_at_least", "expect_rejects", "expect_risk_rejects"}},
      {"venue", {"base_asset", "quote_asset", "rate_limits", "faults", "signal_file"}},
      {"venue.rate_limits",
       {"weight_limit", "weight_window", "order_limit", "order_window", "ban_after_429s", "ban"}},
      {"venue.faults",
       {"timeout_unprocessed", "timeout_processed", "timeout_delay", "error_5xx", "lost_response",
        "lost_response_mode", "skew_1021", "restart", "restart_down", "wipe"}},
      {"venue.signal_file", {"late", "late_by", "missing", "corrupt"}},
  };
  return kSchema;
}

std::span<const std::string_view> keys_of(std::string_view table) {
  for (const TableKeys& t : schema()) {
    if (t.table == table) return t.keys;
  }
  return {};
}

// Value rendering and conversions
std::string describe(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return fmt::format("\"{}\"", n.as_string()->get());
    case toml::node_type::integer:
      return fmt::format("{}", n.as_integer()->get());
    case toml::node_type::floating_point:
      return fmt::format("{}", n.as_floating_point()->get());
    case toml::node_type::boolean:
      return n.as_boolean()->get() ? "true" : "false";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::date: {
      const toml::date d = n.as_date()->get();
      return fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
    }
    case toml::node_type::time: {
      const toml::time t = n.as_time()->get();
      return fmt::format("{:02}:{:02}:{:02}", t.hour, t.minute, t.second);
    }
    case toml::node_type::date_time: {
      const toml::date_time dt = n.as_date_time()->get();
      std::string offset;
      if (dt.offset) offset = fmt::format(" (UTC offset {} min)", dt.offset->minutes);
      return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}{}", dt.date.year, dt.date.month,
                         dt.date.day, dt.time.hour, dt.time.minute, dt.time.second, offset);
    }
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

bool placeholder_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// Why the "${NAME}" placeholders of a path are malformed (nullopt: they are fine), naming the
// character where the problem starts.
std::optional<std::string> placeholder_problem(std::string_view path) {
  for (std::size_t open = path.find("${"); open != std::string_view::npos;
       open = path.find("${", open + 2)) {
    const std::size_t close = path.find('}', open + 2);
    if (close == std::string_view::npos) {
      return fmt::format("a path whose '${{' at character {} is closed by '}}' (unterminated "
                         "placeholder, expected ${{NAME}})",
                         open + 1);
    }
    const std::string_view name = path.substr(open + 2, close - open - 2);
    if (name.empty() || !std::all_of(name.begin(), name.end(), placeholder_char)) {
      return fmt::format("a placeholder name of [A-Za-z0-9_]+ at character {} (got '${{{}}}')",
                         open + 1, name);
    }
  }
  return std::nullopt;
}

// A TOML date-time (local, or offset Z) as UTC ns; nullopt when it has another offset.
std::optional<TimestampNs> date_time_ns(const toml::date_time& dt) {
  if (dt.offset && dt.offset->minutes != 0) return std::nullopt;
  const std::string text =
      fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", dt.date.year, dt.date.month, dt.date.day,
                  dt.time.hour, dt.time.minute, dt.time.second);
  const std::optional<TimestampNs> ts = parse_timestamp(text);
  if (!ts) return std::nullopt;
  return *ts + static_cast<TimestampNs>(dt.time.nanosecond);
}

struct IntBounds {
  std::int64_t lo = std::numeric_limits<std::int64_t>::min();
  std::int64_t hi = std::numeric_limits<std::int64_t>::max();

  bool contains(std::int64_t v) const { return v >= lo && v <= hi; }
  std::string text(std::string_view what) const {
    constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
    constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
    if (lo != kMin && hi != kMax) return fmt::format("{} in [{}, {}]", what, lo, hi);
    if (lo != kMin) return fmt::format("{} >= {}", what, lo);
    if (hi != kMax) return fmt::format("{} <= {}", what, hi);
    return std::string(what);
  }
};

struct Bounds {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;

  bool contains(double v) const {
    return std::isfinite(v) && (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  }
  std::string text() const {
    const bool has_lo = std::isfinite(lo);
    const bool has_hi = std::isfinite(hi);
    if (has_lo && has_hi) {
      return fmt::format("a number in {}{}, {}{}", lo_open ? '(' : '[', lo, hi,
                         hi_open ? ')' : ']');
    }
    if (has_lo) return fmt::format("a number {} {}", lo_open ? ">" : ">=", lo);
    if (has_hi) return fmt::format("a number {} {}", hi_open ? "<" : "<=", hi);
    return "a finite number";
  }
};

constexpr Bounds kNonNegative{0.0, std::numeric_limits<double>::infinity(), false, false};
constexpr Bounds kUnit{0.0, 1.0, false, false};
constexpr IntBounds kNonNegativeInt{0, std::numeric_limits<std::int64_t>::max()};
constexpr IntBounds kPositiveInt{1, std::numeric_limits<std::int64_t>::max()};
constexpr IntBounds kPpmRange{0, q50::kPpm};
constexpr IntBounds kBarCount{1, limits::kMaxBars};
constexpr IntBounds kBarIndex{0, limits::kMaxBars};
constexpr IntBounds kDuration{1, limits::kMaxDurationNs};
constexpr IntBounds kLatency{1, limits::kMaxLatencyNs};
constexpr IntBounds kOrderCount{1, 1'000'000'000};

template <typename E>
using Choice = sim::Named<E>;

template <typename E>
std::string choice_list(std::span<const Choice<E>> choices) {
  std::vector<std::string> names;
  for (const Choice<E>& c : choices) names.push_back(fmt::format("\"{}\"", c.name));
  return fmt::format("one of {}", fmt::join(names, ", "));
}

// Table: typed, located access to one TOML table
// One TOML table of the scenario (nullptr reads as an empty table). Getters leave `out`
// unchanged when the key is absent and return InvalidArgument, located at the value, when it is
// present but wrong.
class Table {
 public:
  Table(const std::string& path, const toml::table* table, std::string schema_name,
        std::string label, Region region)
      : path_(&path),
        table_(table),
        schema_name_(std::move(schema_name)),
        label_(std::move(label)),
        region_(table != nullptr ? table->source() : region) {}

  const std::string& label() const { return label_; }
  const Region& region() const { return region_; }
  bool present() const { return table_ != nullptr; }
  bool has(std::string_view key) const { return find(key) != nullptr; }

  const toml::node* find(std::string_view key) const {
    return table_ == nullptr ? nullptr : table_->get(key);
  }

  // The earliest key (in file order) that is not in `known`.
  absl::Status check_keys(std::span<const std::string_view> known) const {
    const toml::key* first = nullptr;
    if (table_ == nullptr) return absl::OkStatus();
    for (auto&& [k, v] : *table_) {
      if (std::find(known.begin(), known.end(), k.str()) != known.end()) continue;
      if (first == nullptr || before(k.source(), first->source())) first = &k;
    }
    if (first == nullptr) return absl::OkStatus();
    return absl::InvalidArgumentError(fmt::format("{}: unknown key '{}' in {} (known: {})",
                                                  where(*path_, first->source()), first->str(),
                                                  label_, fmt::join(known, ", ")));
  }
  absl::Status check_keys() const { return check_keys(keys_of(schema_name_)); }

  absl::Status bad(std::string_view key, std::string_view expected) const {
    const toml::node& n = *find(key);
    return absl::InvalidArgumentError(fmt::format("{}: {}: expected {}, got {}",
                                                  where(*path_, n.source()), qualified(key),
                                                  expected, describe(n)));
  }
  absl::Status error(std::string_view message) const {
    return absl::InvalidArgumentError(
        fmt::format("{}: {}: {}", where(*path_, region_), label_, message));
  }
  absl::Status error_at_key(std::string_view key, std::string_view message) const {
    const toml::node& n = *find(key);
    return absl::InvalidArgumentError(
        fmt::format("{}: {}: {}", where(*path_, n.source()), qualified(key), message));
  }
  absl::Status require(std::string_view key) const {
    if (has(key)) return absl::OkStatus();
    return error(fmt::format("missing required key '{}'", key));
  }

  absl::Status get(std::string_view key, std::string& out) const;
  absl::Status get(std::string_view key, bool& out) const;
  absl::Status get(std::string_view key, std::int64_t& out, IntBounds bounds) const;
  absl::Status get(std::string_view key, double& out, Bounds bounds) const;
  absl::Status get_seed(std::string_view key, std::uint64_t& out) const;
  absl::Status get_duration(std::string_view key, TimestampNs& out, IntBounds bounds) const;
  absl::Status get_time(std::string_view key, TimestampNs& out) const;
  absl::Status get_point(std::string_view key, ScenarioPoint& out) const;
  absl::Status get_decimal(std::string_view key, std::int64_t& out, std::int64_t lo,
                           std::int64_t hi) const;
  absl::Status get_path(std::string_view key, const std::string& dir, std::string& out) const;

  template <typename E>
  absl::Status get_choice(std::string_view key, E& out, std::span<const Choice<E>> choices) const {
    const toml::node* n = find(key);
    if (n == nullptr) return absl::OkStatus();
    if (const auto* s = n->as_string()) {
      for (const Choice<E>& c : choices) {
        if (s->get() == c.name) {
          out = c.value;
          return absl::OkStatus();
        }
      }
    }
    return bad(key, choice_list(choices));
  }

  // The sub-table `key` (an absent key gives an absent table).
  absl::StatusOr<Table> sub(std::string_view key) const;
  // The array of tables `key`, as [[key]] or an array of inline tables.
  absl::StatusOr<std::vector<Table>> tables(std::string_view key) const;

 private:
  static bool before(const Region& a, const Region& b) {
    return a.begin.line != b.begin.line ? a.begin.line < b.begin.line
                                        : a.begin.column < b.begin.column;
  }
  // "[table].key"; a top-level key is named by itself.
  std::string qualified(std::string_view key) const {
    return schema_name_.empty() ? std::string(key) : fmt::format("{}.{}", label_, key);
  }
  std::string child_schema(std::string_view key) const {
    return schema_name_.empty() ? std::string(key) : fmt::format("{}.{}", schema_name_, key);
  }

  const std::string* path_;
  const toml::table* table_;
  std::string schema_name_;
  std::string label_;
  Region region_;
};

absl::Status Table::get(std::string_view key, std::string& out) const {
  const toml::node* n = find(key);
  if (n == nullptr) return absl::OkStatus();
  const auto* s = n->as_string();
  if (s == nullptr) return bad(key, "a string");
  out = s->get();
  return absl::OkStatus();
}

absl::Status Table::get(std::string_view key, bool& out) const {
  const toml::node* n = find(key);
  if (n == nullptr) return absl::OkStatus();
  const auto* b = n->as_boolean();
  if (b == nullptr) return bad(key, "true or false");
  out = b->get();
  return absl::OkStatus();
}

absl::Status Table::get(std::string_view key, std::int64_t& out, IntBounds bounds) const {
  const toml::node* n = find(key);
  if (n == nullptr) return absl::OkStatus();
  const auto* i = n->as_integer();
  if (i == nullptr || !bounds.contains(i->get())) return bad(key, bounds.text("an integer"));
  out = i->get();
  return absl::OkStatus();
}

absl::Status Table::get(std::string_view key, double& out, Bounds bounds) const {
  const toml::node* n = find(key);
  if (n == nullptr) return absl::OkStatus();
  std::optional<double> v;
  if (const auto* f = n->as_floating_point()) v = f->get();
  if (const auto* i = n->as_integer()) v = static_cast<double>(i->get());
  if (!v || !bounds.contains(*v)) return bad(key, bounds.text());
  out = *v;
  return absl::OkStatus();
}

// A seed is a uint64: a non-negative TOML integer, or a string "0x..." for the top half.
absl::Status Table::get_seed(std::string_view key, std::uint64_t& out) const {
  const toml::node* n = find(key);
  if (n == nullptr) return absl::OkStatus();
  constexpr std::string_view kExpected = "an integer >= 0 or a hex string \"0x...\" (uint64)";
  if (const auto* i = n->as_integer()) {
    if (i->get() < 0) return bad(key, kExpected);
    out = static_cast<std::uint64_t>(i->get());
    return absl::OkStatus();
  }
  const auto* s = n->as_string();
  if (s == nullptr || !s->get().starts_with("0x") || s->get().size() < 3) {
    return bad(key, kExpected);
  }
  const std::string& text = s->get();
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data() + 2, text.data() + text.size(), v, 16);
  if (ec != std::errc() || end != text.data() + text.size()) return bad(key, kExpected);
  out = v;
  return absl::OkStatus();
}

absl::Status Table::get_duration(std::string_view key, TimestampNs& out, IntBounds bounds) const {
  const toml::node* n = find(key);
  if (n == nullptr) return absl::OkStatus();
  const auto* s = n->as_string();
  const std::optional<TimestampNs> ns = s != nullptr ? parse_duration(s->get()) : std::nullopt;
  if (ns && bounds.contains(*ns)) {
    out = *ns;
    return absl::OkStatus();
  }
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  const auto shown = [](TimestampNs v) { return v == 0 ? std::string("0") : format_duration(v); };
  std::string what = "a duration";
  if (bounds.lo != kMin && bounds.hi != kMax) {
    what = bounds.lo == 1 ? fmt::format("a positive duration <= {}", shown(bounds.hi))
                          : fmt::format("a duration in [{}, {}]", shown(bounds.lo), shown(bounds.hi));
  } else if (bounds.lo == 1) {
    what = "a positive duration";
  } else if (bounds.lo != kMin) {
    what += fmt::format(" >= {}", shown(bounds.lo));
  } else if (bounds.hi != kMax) {
    what += fmt::format(" <= {}", shown(bounds.hi));
  }
  return bad(key, what + " such as \"250ms\" (units ns, us, ms, s, m, h, d)");
}

absl::Status Table::get_time(std::string_view key, TimestampNs& out) const {
  const toml::node* n = find(key);
  if (n == nullptr) return absl::OkStatus();
  std::optional<TimestampNs> ts;
  if (const auto* s = n->as_string()) ts = parse_timestamp(s->get());
  if (const auto* dt = n->as_date_time()) ts = date_time_ns(dt->get());
  if (!ts) return bad(key, fmt::format("a time \"YYYY-MM-DD HH:MM:SS\" (UTC) in {}", kTimestampRangeText));
  out = *ts;
  return absl::OkStatus();
}

absl::Status Table::get_point(std::string_view key, ScenarioPoint& out) const {
  const toml::node* n = find(key);
  if (n == nullptr) return absl::OkStatus();
  if (const auto* i = n->as_integer(); i != nullptr && kBarIndex.contains(i->get())) {
    out = {ScenarioPoint::Kind::kBar, i->get(), 0};
    return absl::OkStatus();
  }
  std::optional<TimestampNs> ts;
  if (const auto* s = n->as_string()) ts = parse_timestamp(s->get());
  if (const auto* dt = n->as_date_time()) ts = date_time_ns(dt->get());
  if (!ts) {
    return bad(key, fmt::format("a bar index in [0, {}] or a time \"YYYY-MM-DD HH:MM:SS\" (UTC) in {}",
                                limits::kMaxBars, kTimestampRangeText));
  }
  out = {ScenarioPoint::Kind::kTime, 0, *ts};
  return absl::OkStatus();
}

// Decimal amounts in 1e-8 units: a string is parsed exactly; a TOML number must be exactly a
// multiple of 1e-8 once read as the nearest double to its decimal text.
absl::Status Table::get_decimal(std::string_view key, std::int64_t& out, std::int64_t lo,
                               std::int64_t hi) const {
  const toml::node* n = find(key);
  if (n == nullptr) return absl::OkStatus();
  std::optional<std::int64_t> v;
  if (const auto* s = n->as_string()) v = q50::parse_decimal(s->get());
  if (const auto* i = n->as_integer()) {
    std::int64_t e8 = 0;
    if (!__builtin_mul_overflow(i->get(), q50::kFixedScale, &e8)) v = e8;
  }
  if (const auto* f = n->as_floating_point()) {
    const double x = f->get();
    if (std::isfinite(x) && std::fabs(x) < 9.0e10) {
      const std::int64_t e8 = q50::from_double(x, q50::Rounding::kHalfEven);
      if (static_cast<double>(e8) / static_cast<double>(q50::kFixedScale) == x) v = e8;
    }
  }
  if (!v || *v < lo || *v > hi) {
    return bad(key, fmt::format("a decimal in [{}, {}] with at most 8 decimals (e.g. \"0.00001\")",
                                q50::format_decimal(lo), q50::format_decimal(hi)));
  }
  out = *v;
  return absl::OkStatus();
}

// Relative paths are anchored at the scenario's directory; "${NAME}/..." is left for the
// runner (expand_scenario_path).
absl::Status Table::get_path(std::string_view key, const std::string& dir, std::string& out) const {
  std::string text;
  Q50_SCENARIO_TRY(get(key, text));
  if (!has(key)) return absl::OkStatus();
  const std::size_t placeholder = text.find("${");
  if (text.empty() || (placeholder != std::string::npos && placeholder != 0)) {
    return bad(key, "a non-empty path, with a \"${NAME}\" placeholder only at its start");
  }
  if (auto problem = placeholder_problem(text)) return bad(key, *problem);
  const std::filesystem::path p(text);
  if (placeholder == 0 || p.is_absolute() || dir.empty()) {
    out = text;
  } else {
    out = (std::filesystem::path(dir) / p).lexically_normal().string();
  }
  return absl::OkStatus();
}

absl::StatusOr<Table> Table::sub(std::string_view key) const {
  const std::string schema = child_schema(key);
  const std::string label = fmt::format("[{}]", schema);
  const toml::node* n = find(key);
  if (n == nullptr) return Table(*path_, nullptr, schema, label, region_);
  if (!n->is_table()) return bad(key, "a table");
  return Table(*path_, n->as_table(), schema, label, n->source());
}

absl::StatusOr<std::vector<Table>> Table::tables(std::string_view key) const {
  std::vector<Table> out;
  const toml::node* n = find(key);
  if (n == nullptr) return out;
  const auto* array = n->as_array();
  if (array == nullptr) return bad(key, "an array of tables");
  const std::string schema = child_schema(key);
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    const std::string label = fmt::format("[{}[{}]]", schema, i);
    if (!element.is_table()) {
      return absl::InvalidArgumentError(fmt::format("{}: {}: expected a table, got {}",
                                                    where(*path_, element.source()), label,
                                                    describe(element)));
    }
    out.emplace_back(*path_, element.as_table(), schema, label, element.source());
  }
  return out;
}

// [scenario]
absl::Status read_scenario_table(const Table& root, Scenario& sc) {
  auto t = root.sub("scenario");
  if (!t.ok()) return t.status();
  if (!t->present()) return root.error("missing required table [scenario]");
  Q50_SCENARIO_TRY(t->check_keys());
  Q50_SCENARIO_TRY(t->require("name"));
  Q50_SCENARIO_TRY(t->require("seed"));
  Q50_SCENARIO_TRY(t->get("name", sc.name));
  if (sc.name.empty()) return t->bad("name", "a non-empty string");
  Q50_SCENARIO_TRY(t->get("description", sc.description));
  Q50_SCENARIO_TRY(t->get_seed("seed", sc.seed));
  std::int64_t bars = 0;
  Q50_SCENARIO_TRY(t->get("bars", bars, kBarCount));
  if (t->has("bars")) sc.bars = bars;
  TimestampNs ts = 0;
  Q50_SCENARIO_TRY(t->get_time("start", ts));
  if (t->has("start")) sc.start_ts_ns = ts;
  Q50_SCENARIO_TRY(t->get_time("end", ts));
  if (t->has("end")) {
    if (sc.start_ts_ns && ts <= *sc.start_ts_ns) {
      return t->bad("end",
                    fmt::format("a time after start ({})", format_timestamp(*sc.start_ts_ns)));
    }
    sc.end_ts_ns = ts;
  }
  return t->get("checkpoint_every_bars", sc.checkpoint_every_bars, kBarIndex);
}

// [market]
constexpr Choice<MarketSourceKind> kMarketSources[] = {{"synthetic", MarketSourceKind::kSynthetic},
                                                   {"csv", MarketSourceKind::kCsv},
                                                   {"qlib", MarketSourceKind::kQlib}};

constexpr Choice<sim::MarketRegime> kRegimes[] = {{"quiet", sim::MarketRegime::kQuiet},
                                                  {"normal", sim::MarketRegime::kNormal},
                                                  {"trending", sim::MarketRegime::kTrending},
                                                  {"volatile", sim::MarketRegime::kVolatile},
                                                  {"crash", sim::MarketRegime::kCrash}};

absl::Status read_regimes(const Table& t, sim::SyntheticMarketParams& p) {
  auto spans = t.tables("regimes");
  if (!spans.ok()) return spans.status();
  if (t.has("regimes") && spans->empty()) return t.bad("regimes", "at least one regime table");
  if (spans->size() > static_cast<std::size_t>(limits::kMaxRegimeSpans)) {
    return t.bad("regimes", fmt::format("at most {} regime tables", limits::kMaxRegimeSpans));
  }
  for (const Table& s : *spans) {
    Q50_SCENARIO_TRY(s.check_keys());
    Q50_SCENARIO_TRY(s.require("regime"));
    Q50_SCENARIO_TRY(s.require("bars"));
    sim::RegimeSpan span{sim::MarketRegime::kNormal, 0};
    Q50_SCENARIO_TRY(s.get_choice<sim::MarketRegime>("regime", span.regime, kRegimes));
    Q50_SCENARIO_TRY(s.get("bars", span.bars, kBarCount));
    p.schedule.push_back(span);
  }
  return absl::OkStatus();
}

absl::Status read_jumps(const Table& t, MarketConfig& m) {
  auto jumps = t.tables("jumps");
  if (!jumps.ok()) return jumps.status();
  if (jumps->size() > static_cast<std::size_t>(limits::kMaxJumps)) {
    return t.bad("jumps", fmt::format("at most {} jump tables", limits::kMaxJumps));
  }
  for (const Table& j : *jumps) {
    Q50_SCENARIO_TRY(j.check_keys());
    Q50_SCENARIO_TRY(j.require("at_bar"));
    Q50_SCENARIO_TRY(j.require("jump_pct"));
    PriceJump jump;
    IntBounds in_run{0, m.synthetic.bars - 1};
    Q50_SCENARIO_TRY(j.get("at_bar", jump.at_bar, in_run));
    Q50_SCENARIO_TRY(j.get("jump_pct", jump.jump_pct, Bounds{-100.0, 1e6, true, false}));
    m.jumps.push_back(jump);
  }
  std::stable_sort(m.jumps.begin(), m.jumps.end(),
                   [](const PriceJump& a, const PriceJump& b) { return a.at_bar < b.at_bar; });
  return absl::OkStatus();
}

// The synthetic generator's length: [scenario] bars, or the bars before [scenario] end (the
// fewer when both are given), or one pass of the regime schedule. Without a schedule the market is
// "normal" throughout.
absl::Status synthetic_length(const Table& market, Scenario& sc) {
  sim::SyntheticMarketParams& p = sc.market.synthetic;
  const bool synthetic = sc.market.source == MarketSourceKind::kSynthetic;
  p.bars = 0;
  if (sc.end_ts_ns) {
    if (!sc.start_ts_ns) {
      if (synthetic) return market.error("a synthetic market with [scenario] end needs start");
    } else {
      p.bars = (*sc.end_ts_ns - p.start_ts_ns) / p.bar_ns;
      if (p.bars <= 0 && synthetic) {
        return market.error("[scenario] end leaves no synthetic bar after start");
      }
    }
  }
  if (sc.bars) {
    p.bars = sc.end_ts_ns ? std::min(p.bars, *sc.bars) : *sc.bars;
  } else if (!sc.end_ts_ns) {
    for (const sim::RegimeSpan& s : p.schedule) p.bars += s.bars;  // <= 1000 * 1e9: no overflow
  }
  if (p.bars == 0 && synthetic) {
    return market.error(
        "a synthetic market needs a length: [scenario] bars or end, or a regime schedule");
  }
  if (synthetic && p.bars > limits::kMaxBars) {
    return market.error(fmt::format("the synthetic market has {} bars; at most {}", p.bars,
                                    limits::kMaxBars));
  }
  // The last bar's time start + (bars - 1) * bar_interval must be a supported timestamp.
  const Int128 last = static_cast<Int128>(p.start_ts_ns) +
                      static_cast<Int128>(std::max<std::int64_t>(p.bars - 1, 0)) * p.bar_ns;
  if (synthetic && last > kMaxTimestampNs) {
    return market.error(fmt::format(
        "{} bars of {} from {} end after {}, the last supported time (fewer bars or a shorter "
        "bar_interval)",
        p.bars, format_duration(p.bar_ns), format_timestamp(p.start_ts_ns),
        format_timestamp(kMaxTimestampNs)));
  }
  if (p.schedule.empty())
    p.schedule.push_back({sim::MarketRegime::kNormal, std::max<std::int64_t>(p.bars, 1)});
  return absl::OkStatus();
}

absl::Status read_synthetic_market(const Table& market, Scenario& sc) {
  auto t = market.sub("synthetic");
  if (!t.ok()) return t.status();
  Q50_SCENARIO_TRY(t->check_keys());
  sim::SyntheticMarketParams& p = sc.market.synthetic;
  p.seed = sc.seed;
  if (sc.start_ts_ns) p.start_ts_ns = *sc.start_ts_ns;
  // Two orders of magnitude inside the simulator's price range each way: room for the path
  // to wander before a run stops (sim/range_guard.h).
  Q50_SCENARIO_TRY(t->get("start_price", p.start_price,
                          Bounds{100 * limits::kMinPrice, limits::kMaxPrice / 100}));
  Q50_SCENARIO_TRY(t->get_duration("bar_interval", p.bar_ns, IntBounds{1, limits::kMaxBarIntervalNs}));
  // high/low = price * (1 +- wick * vol * u) with vol <= 0.022: a wick above 40 could make a
  // low negative.
  Q50_SCENARIO_TRY(t->get("wick", sc.market.ohlcv.wick, Bounds{0.0, 20.0}));
  // volume <= base_volume * 1.5 * 0.022 / 0.005 stays below the venue's volume bound.
  Q50_SCENARIO_TRY(t->get("base_volume", sc.market.ohlcv.base_volume, Bounds{0.0, 1e9, true, false}));
  Q50_SCENARIO_TRY(t->get("reversion", sc.market.ohlcv.reversion, Bounds{0.0, 1.0, false, true}));
  Q50_SCENARIO_TRY(read_regimes(*t, p));
  Q50_SCENARIO_TRY(synthetic_length(market, sc));
  return read_jumps(*t, sc.market);
}

absl::Status read_csv_market(const Table& market, const std::string& dir, MarketConfig& m) {
  auto t = market.sub("csv");
  if (!t.ok()) return t.status();
  if (!t->present()) return absl::OkStatus();
  Q50_SCENARIO_TRY(t->check_keys());
  Q50_SCENARIO_TRY(t->require("path"));
  CsvMarket csv;
  Q50_SCENARIO_TRY(t->get_path("path", dir, csv.path));
  auto cols = t->sub("columns");
  if (!cols.ok()) return cols.status();
  Q50_SCENARIO_TRY(cols->check_keys());
  const std::pair<std::string_view, std::string*> fields[] = {
      {"ts", &csv.ts_column},   {"open", &csv.open_column},   {"high", &csv.high_column},
      {"low", &csv.low_column}, {"close", &csv.close_column}, {"volume", &csv.volume_column}};
  for (const auto& [key, out] : fields) {
    Q50_SCENARIO_TRY(cols->get(key, *out));
    const bool may_be_empty = key != "ts" && key != "close";
    if (out->empty() && !may_be_empty) return cols->bad(key, "a non-empty column name");
  }
  m.csv = std::move(csv);
  return absl::OkStatus();
}

absl::Status read_qlib_market(const Table& market, const std::string& dir, MarketConfig& m) {
  auto t = market.sub("qlib");
  if (!t.ok()) return t.status();
  if (!t->present()) return absl::OkStatus();
  Q50_SCENARIO_TRY(t->check_keys());
  Q50_SCENARIO_TRY(t->require("dir"));
  QlibMarket q;
  Q50_SCENARIO_TRY(t->get_path("dir", dir, q.dir));
  Q50_SCENARIO_TRY(t->get("instrument", q.instrument));
  Q50_SCENARIO_TRY(t->get("freq", q.freq));
  if (q.instrument.empty()) return t->bad("instrument", "a non-empty instrument name");
  if (q.freq.empty()) return t->bad("freq", "a non-empty frequency such as \"60min\"");
  m.qlib = std::move(q);
  return absl::OkStatus();
}

absl::Status read_market(const Table& root, Scenario& sc) {
  auto t = root.sub("market");
  if (!t.ok()) return t.status();
  Q50_SCENARIO_TRY(t->check_keys());
  Q50_SCENARIO_TRY(t->get_choice<MarketSourceKind>("source", sc.market.source, kMarketSources));
  Q50_SCENARIO_TRY(read_synthetic_market(*t, sc));
  Q50_SCENARIO_TRY(read_csv_market(*t, sc.dir, sc.market));
  Q50_SCENARIO_TRY(read_qlib_market(*t, sc.dir, sc.market));
  if (sc.market.source == MarketSourceKind::kCsv && !sc.market.csv) {
    return t->error("source = \"csv\" needs a [market.csv] table with a path");
  }
  if (sc.market.source == MarketSourceKind::kQlib && !sc.market.qlib) {
    return t->error("source = \"qlib\" needs a [market.qlib] table with a dir");
  }
  if (sc.market.source != MarketSourceKind::kSynthetic && !sc.market.jumps.empty()) {
    return t->error("[market.synthetic] jumps apply to source = \"synthetic\" only");
  }
  return absl::OkStatus();
}

// [signals]
constexpr Choice<SignalSourceKind> kSignalSources[] = {{"synthetic", SignalSourceKind::kSynthetic},
                                                   {"file", SignalSourceKind::kFile}};

absl::Status read_signal_file(const Table& signals, const std::string& dir, SignalConfig& s) {
  auto t = signals.sub("file");
  if (!t.ok()) return t.status();
  Q50_SCENARIO_TRY(t->check_keys());
  Q50_SCENARIO_TRY(t->get_duration("tolerance", s.lookup.tolerance_ns,
                                   IntBounds{0, limits::kMaxDurationNs}));
  // max_staleness defaults to the tolerance: no stale-but-used rows unless asked for.
  s.lookup.max_staleness_ns = s.lookup.tolerance_ns;
  Q50_SCENARIO_TRY(t->get_duration("max_staleness", s.lookup.max_staleness_ns,
                                   IntBounds{s.lookup.tolerance_ns, limits::kMaxDurationNs}));
  if (!t->present()) return absl::OkStatus();
  Q50_SCENARIO_TRY(t->require("path"));
  SignalFileSource file;
  Q50_SCENARIO_TRY(t->get_path("path", dir, file.path));
  s.file = std::move(file);
  return absl::OkStatus();
}

absl::Status read_percentiles(const Table& signals, VariancePercentiles& p) {
  auto t = signals.sub("percentiles");
  if (!t.ok()) return t.status();
  Q50_SCENARIO_TRY(t->check_keys());
  // vol_risk is a variance of hourly log returns (~1e-5): 1 is far above any real one.
  constexpr Bounds kVariance{0.0, 1.0, true, false};
  Q50_SCENARIO_TRY(t->get("p30", p.p30, kVariance));
  Q50_SCENARIO_TRY(t->get("p70", p.p70, kVariance));
  Q50_SCENARIO_TRY(t->get("p90", p.p90, kVariance));
  if (!(p.p30 < p.p70)) {
    return t->has("p70") ? t->bad("p70", fmt::format("a number > p30 ({})", p.p30))
                         : t->error(fmt::format("p30 = {} is not below p70 = {}", p.p30, p.p70));
  }
  if (!(p.p70 < p.p90)) {
    return t->has("p90") ? t->bad("p90", fmt::format("a number > p70 ({})", p.p70))
                         : t->error(fmt::format("p70 = {} is not below p90 = {}", p.p70, p.p90));
  }
  return absl::OkStatus();
}

absl::Status read_signals(const Table& root, Scenario& sc) {
  auto t = root.sub("signals");
  if (!t.ok()) return t.status();
  Q50_SCENARIO_TRY(t->check_keys());
  SignalConfig& s = sc.signals;
  Q50_SCENARIO_TRY(t->get_choice<SignalSourceKind>("source", s.source, kSignalSources));
  auto syn = t->sub("synthetic");
  if (!syn.ok()) return syn.status();
  Q50_SCENARIO_TRY(syn->check_keys());
  s.synthetic.seed = sc.seed;
  Q50_SCENARIO_TRY(syn->get("skill", s.synthetic.skill, Bounds{-1.0, 1.0}));
  Q50_SCENARIO_TRY(syn->get("noise", s.synthetic.noise, Bounds{0.0, 1000.0}));
  Q50_SCENARIO_TRY(syn->get("calibration", s.synthetic.calibration, Bounds{0.0, 1000.0, true}));
  Q50_SCENARIO_TRY(read_signal_file(*t, sc.dir, s));
  Q50_SCENARIO_TRY(read_percentiles(*t, sc.strategy.percentiles));
  if (s.source == SignalSourceKind::kFile && !s.file) {
    return t->error("source = \"file\" needs a [signals.file] table with a path");
  }
  return absl::OkStatus();
}

// [strategy] and [risk]
struct SizingChoice {
  strategy::SizingRule rule;
  HbSizingMethod hb;
};
constexpr Choice<SizingChoice> kSizings[] = {
    {"kelly_position_size", {strategy::SizingRule::kKellyPositionSize, HbSizingMethod::kEnhanced}},
    {"position_size_suggestion",
     {strategy::SizingRule::kPositionSizeSuggestion, HbSizingMethod::kEnhanced}},
    {"simple", {strategy::SizingRule::kHb, HbSizingMethod::kSimple}},
    {"kelly", {strategy::SizingRule::kHb, HbSizingMethod::kKelly}},
    {"volatility", {strategy::SizingRule::kHb, HbSizingMethod::kVolatility}},
    {"sharpe", {strategy::SizingRule::kHb, HbSizingMethod::kSharpe}},
    {"risk_parity", {strategy::SizingRule::kHb, HbSizingMethod::kRiskParity}},
    {"enhanced", {strategy::SizingRule::kHb, HbSizingMethod::kEnhanced}}};

constexpr Choice<HoldPolicy> kHolds[] = {
    {"keep", HoldPolicy::kKeep},
    {"close", HoldPolicy::kAlwaysClose},
    {"legacy_min_confidence", HoldPolicy::kLegacyMinConfidence}};

constexpr Choice<PositionRule> kRules[] = {
    {"target", PositionRule::kTargetPosition},
    {"pyramid", PositionRule::kLegacyPyramid}};

constexpr Choice<strategy::NoSignalPolicy> kMissing[] = {
    {"hold", strategy::NoSignalPolicy::kKeep}, {"flat", strategy::NoSignalPolicy::kFlat}};

constexpr Choice<strategy::RiskMode> kRiskModes[] = {{"clamp", strategy::RiskMode::kClamp},
                                                     {"check", strategy::RiskMode::kCheck}};

// [strategy] into the core's parameters (file key -> Params field where they differ:
// sizing -> sizing + hb_method, max_position_fraction -> max_abs_fraction,
// on_missing_signal -> no_signal, position_rule -> rule).
absl::Status read_strategy(const Table& root, strategy::Params& s) {
  auto t = root.sub("strategy");
  if (!t.ok()) return t.status();
  Q50_SCENARIO_TRY(t->check_keys());
  SizingChoice sizing{s.sizing, s.hb_method};
  Q50_SCENARIO_TRY(t->get_choice<SizingChoice>("sizing", sizing, kSizings));
  s.sizing = sizing.rule;
  s.hb_method = sizing.hb;
  Q50_SCENARIO_TRY(t->get("hb_max_position_pct", s.hb_max_position_pct, Bounds{0.0, 1.0, true}));
  Q50_SCENARIO_TRY(t->get_choice<HoldPolicy>("hold", s.hold, kHolds));
  Q50_SCENARIO_TRY(t->get("min_confidence_hold", s.min_confidence_hold, kUnit));
  Q50_SCENARIO_TRY(t->get_choice<PositionRule>("position_rule", s.rule, kRules));
  Q50_SCENARIO_TRY(
      t->get("max_position_fraction", s.max_abs_fraction, Bounds{0.0, 10.0, false, false}));
  Q50_SCENARIO_TRY(t->get("allow_short", s.allow_short));
  Q50_SCENARIO_TRY(
      t->get_choice<strategy::NoSignalPolicy>("on_missing_signal", s.no_signal, kMissing));
  Q50_SCENARIO_TRY(t->get("use_stale", s.use_stale));
  Q50_SCENARIO_TRY(t->get("rebalance_min_fraction", s.rebalance_min_fraction, kUnit));
  return t->get_choice<strategy::RiskMode>("risk_mode", s.risk_mode, kRiskModes);
}

absl::Status read_risk(const Table& root, RiskLimits& r) {
  auto t = root.sub("risk");
  if (!t.ok()) return t.status();
  Q50_SCENARIO_TRY(t->check_keys());
  constexpr Bounds kFractionOfEquity{0.0, 100.0, true, false};
  Q50_SCENARIO_TRY(t->get("max_order_fraction", r.max_order_fraction, kFractionOfEquity));
  Q50_SCENARIO_TRY(t->get("max_exposure_fraction", r.max_exposure_fraction, kFractionOfEquity));
  Q50_SCENARIO_TRY(t->get("max_leverage", r.max_leverage, kFractionOfEquity));
  Q50_SCENARIO_TRY(
      t->get("max_drawdown_fraction", r.max_drawdown_fraction, Bounds{0.0, 1.0, true, false}));
  Q50_SCENARIO_TRY(t->get("min_order_qty", r.min_order_qty, Bounds{0.0, 4e6}));
  return t->get("min_notional", r.min_notional, Bounds{0.0, 1e10});
}

// [exchange]
constexpr Choice<sim::AccountMode> kAccounts[] = {{"spot", sim::AccountMode::kSpot},
                                                  {"margin", sim::AccountMode::kMargin}};
constexpr Choice<sim::SlippageModel::Kind> kSlippages[] = {
    {"none", sim::SlippageModel::Kind::kNone},
    {"fixed", sim::SlippageModel::Kind::kFixed},
    {"volume", sim::SlippageModel::Kind::kVolume}};
constexpr Choice<sim::FillPrice> kFillPrices[] = {{"bar_close", sim::FillPrice::kBarClose},
                                                  {"next_bar_open", sim::FillPrice::kNextBarOpen}};
constexpr Choice<sim::RateLimit::Kind> kRateLimits[] = {
    {"none", sim::RateLimit::Kind::kNone},
    {"fixed_window", sim::RateLimit::Kind::kFixedWindow},
    {"token_bucket", sim::RateLimit::Kind::kTokenBucket}};

// Rejects the keys of t outside `allowed`, naming what does not take them.
absl::Status check_takes(const Table& t, std::span<const std::string_view> all,
                         std::span<const std::string_view> allowed, std::string_view what) {
  for (const std::string_view key : all) {
    if (!t.has(key) || std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    return t.error_at_key(
        key, fmt::format("{} does not take this key (takes: {})", what, fmt::join(allowed, ", ")));
  }
  return absl::OkStatus();
}

absl::Status read_instrument(const Table& ex, sim::Instrument& ins) {
  auto t = ex.sub("instrument");
  if (!t.ok()) return t.status();
  Q50_SCENARIO_TRY(t->check_keys());
  Q50_SCENARIO_TRY(t->get("symbol", ins.symbol));
  if (ins.symbol.empty()) return t->bad("symbol", "a non-empty symbol");
  const std::pair<std::string_view, std::int64_t*> fields[] = {
      {"tick_size", &ins.tick_size_e8},      {"min_price", &ins.min_price_e8},
      {"max_price", &ins.max_price_e8},      {"step_size", &ins.step_size_e8},
      {"min_qty", &ins.min_qty_e8},          {"max_qty", &ins.max_qty_e8},
      {"min_notional", &ins.min_notional_e8}};
  for (const auto& [key, out] : fields) {
    const bool qty = key == "step_size" || key == "min_qty" || key == "max_qty";
    const std::int64_t hi = qty ? limits::kMaxPositionE8
                                : key == "min_notional" ? limits::kMaxNotionalE8
                                                        : limits::kMaxPriceE8;
    Q50_SCENARIO_TRY(t->get_decimal(key, *out, 0, hi));
  }
  return t->get("apply_min_to_market", ins.apply_min_to_market);
}

absl::Status read_slippage(const Table& ex, sim::SlippageModel& s) {
  auto t = ex.sub("slippage");
  if (!t.ok()) return t.status();
  Q50_SCENARIO_TRY(t->check_keys());
  Q50_SCENARIO_TRY(t->get_choice<sim::SlippageModel::Kind>("model", s.kind, kSlippages));
  static constexpr std::string_view kRates[] = {"base_ppm", "full_participation_ppm", "cap_ppm"};
  const std::size_t takes = s.kind == sim::SlippageModel::Kind::kVolume  ? 3
                            : s.kind == sim::SlippageModel::Kind::kFixed ? 1
                                                                         : 0;
  const std::string what =
      fmt::format("model \"{}\"", s.kind == sim::SlippageModel::Kind::kVolume  ? "volume"
                                  : s.kind == sim::SlippageModel::Kind::kFixed ? "fixed"
                                                                               : "none");
  Q50_SCENARIO_TRY(check_takes(*t, kRates, std::span(kRates).first(takes), what));
  Q50_SCENARIO_TRY(t->get("base_ppm", s.base_ppm, kPpmRange));
  Q50_SCENARIO_TRY(t->get("full_participation_ppm", s.full_participation_ppm, kPpmRange));
  return t->get("cap_ppm", s.cap_ppm, kPpmRange);
}

absl::Status read_venue_models(const Table& ex, std::uint64_t seed, sim::ExchangeConfig& c) {
  auto fees = ex.sub("fees");
  if (!fees.ok()) return fees.status();
  Q50_SCENARIO_TRY(fees->check_keys());
  Q50_SCENARIO_TRY(fees->get("maker_ppm", c.fee.maker_ppm, kPpmRange));
  Q50_SCENARIO_TRY(fees->get("taker_ppm", c.fee.taker_ppm, kPpmRange));
  Q50_SCENARIO_TRY(read_slippage(ex, c.slippage));
  auto lat = ex.sub("latency");
  if (!lat.ok()) return lat.status();
  Q50_SCENARIO_TRY(lat->check_keys());
  TimestampNs constant_ns = 0;
  TimestampNs jitter_ns = 0;
  Q50_SCENARIO_TRY(lat->get_duration("constant", constant_ns, IntBounds{0, limits::kMaxLatencyNs}));
  Q50_SCENARIO_TRY(lat->get_duration("jitter", jitter_ns, IntBounds{0, limits::kMaxLatencyNs}));
  // Uniform on [constant, constant + jitter], drawn from the run's "latency" stream.
  c.latency = sim::LatencyModel::uniform(constant_ns, constant_ns + jitter_ns,
                                         q50::Prng(seed).fork("latency"));
  auto fill = ex.sub("fill");
  if (!fill.ok()) return fill.status();
  Q50_SCENARIO_TRY(fill->check_keys());
  Q50_SCENARIO_TRY(fill->get_choice<sim::FillPrice>("price", c.fill.price, kFillPrices));
  Q50_SCENARIO_TRY(fill->get("limit_touch_fills", c.fill.limit_touch_fills));
  Q50_SCENARIO_TRY(fill->get("max_participation_ppm", c.fill.max_participation_ppm, kPpmRange));
  auto rate = ex.sub("rate_limit");
  if (!rate.ok()) return rate.status();
  Q50_SCENARIO_TRY(rate->check_keys());
  Q50_SCENARIO_TRY(rate->get_choice<sim::RateLimit::Kind>("kind", c.rate_limit.kind, kRateLimits));
  if (c.rate_limit.kind != sim::RateLimit::Kind::kNone) {
    Q50_SCENARIO_TRY(rate->require("max_orders"));
    Q50_SCENARIO_TRY(rate->require("window"));
  }
  Q50_SCENARIO_TRY(rate->get("max_orders", c.rate_limit.max_orders, kOrderCount));
  return rate->get_duration("window", c.rate_limit.window_ns, kDuration);
}

absl::Status read_exchange(const Table& root, Scenario& sc) {
  auto t = root.sub("exchange");
  if (!t.ok()) return t.status();
  Q50_SCENARIO_TRY(t->check_keys());
  sim::ExchangeConfig& c = sc.exchange;
  c.instrument = sim::btcusdt_spot();
  c.account.initial_quote_e8 = 10'000 * q50::kFixedScale;
  Q50_SCENARIO_TRY(t->get_choice<sim::AccountMode>("account", c.account.mode, kAccounts));
  Q50_SCENARIO_TRY(t->get("margin_checks_quote", c.account.margin_checks_quote));
  Q50_SCENARIO_TRY(t->get_decimal("initial_base", c.account.initial_base_e8, 0,
                                   limits::kMaxInitialBaseE8));
  Q50_SCENARIO_TRY(t->get_decimal("initial_quote", c.account.initial_quote_e8, 0,
                                   limits::kMaxInitialQuoteE8));
  Q50_SCENARIO_TRY(read_instrument(*t, c.instrument));
  Q50_SCENARIO_TRY(read_venue_models(*t, sc.seed, c));
  if (absl::Status s = sim::validate_exchange_config(c); !s.ok()) {
    return t->error(std::string(s.message()));
  }
  return absl::OkStatus();
}

// [[faults]]
constexpr Choice<sim::RejectCode> kRejectCodes[] = {
    {"invalid_request", sim::RejectCode::kInvalidRequest},
    {"filter_failure", sim::RejectCode::kFilterFailure},
    {"insufficient_balance", sim::RejectCode::kInsufficientBalance},
    {"duplicate_order", sim::RejectCode::kDuplicateOrder},
    {"rate_limited", sim::RejectCode::kRateLimited},
    {"venue_down", sim::RejectCode::kVenueDown},
    {"unknown_order", sim::RejectCode::kUnknownOrder},
    {"order_already_filled", sim::RejectCode::kOrderAlreadyFilled}};

constexpr Choice<SignalFailurePolicy> kPolicies[] = {{"cached", SignalFailurePolicy::kCached},
                                                     {"flat", SignalFailurePolicy::kFlat}};

bool is_data_fault(FaultKind k) {
  return k >= FaultKind::kStaleBar && k <= FaultKind::kOutOfOrderSignal;
}

// The keys each kind takes besides kind and at.
std::vector<std::string_view> fault_keys(FaultKind k) {
  std::vector<std::string_view> keys;
  if (k != FaultKind::kProcessCrash) keys = {"until", "duration"};
  auto add = [&keys](std::initializer_list<std::string_view> more) {
    keys.insert(keys.end(), more.begin(), more.end());
  };
  if (is_data_fault(k)) add({"count", "probability"});
  switch (k) {
    case FaultKind::kOrderReject:
      add({"probability", "count", "reason"});
      break;
    case FaultKind::kPartialFill:
      add({"probability", "count", "fill_fraction"});
      break;
    case FaultKind::kLatencySpike:
      add({"latency"});
      break;
    case FaultKind::kRateLimit:
      add({"max_orders", "window"});
      break;
    case FaultKind::kStaleBar:
    case FaultKind::kStaleSignal:
      add({"lag"});
      break;
    case FaultKind::kDuplicateBar:
    case FaultKind::kDuplicateSignal:
      add({"copies"});
      break;
    case FaultKind::kOutOfOrderBar:
    case FaultKind::kOutOfOrderSignal:
      add({"delay_items"});
      break;
    case FaultKind::kSignalFileMissing:
    case FaultKind::kSignalFileCorrupt:
      add({"policy"});
      break;
    case FaultKind::kClockSkew:
      add({"skew"});
      break;
    case FaultKind::kProcessCrash:
      add({"restart_after"});
      break;
    default:
      break;
  }
  return keys;
}

// at, until/duration and count: the fault's window.
absl::Status read_fault_window(const Table& t, Fault& f) {
  Q50_SCENARIO_TRY(t.get_point("at", f.at));
  if (t.has("until") && t.has("duration")) {
    return t.error_at_key("duration", "give until or duration, not both");
  }
  if (t.has("until")) {
    ScenarioPoint until;
    Q50_SCENARIO_TRY(t.get_point("until", until));
    const bool bars = f.at.kind == ScenarioPoint::Kind::kBar;
    if (until.kind != f.at.kind) {
      return t.bad("until", bars ? "a bar index, as at is" : "a time, as at is");
    }
    if ((bars && until.bar <= f.at.bar) || (!bars && until.ts_ns <= f.at.ts_ns)) {
      return t.bad("until",
                   bars ? fmt::format("a bar index after at ({})", f.at.bar)
                        : fmt::format("a time after at ({})", format_timestamp(f.at.ts_ns)));
    }
    f.until = until;
  }
  TimestampNs duration_ns = 0;
  Q50_SCENARIO_TRY(t.get_duration("duration", duration_ns, kDuration));
  if (t.has("duration")) f.duration_ns = duration_ns;
  std::int64_t count = 0;
  Q50_SCENARIO_TRY(t.get("count", count, kBarCount));
  if (t.has("count")) {
    if (is_data_fault(f.kind) && (f.until || f.duration_ns)) {
      return t.error_at_key("count", "give count or until/duration, not both");
    }
    f.count = count;
  }
  const bool needs_end = f.kind == FaultKind::kVenueOutage || f.kind == FaultKind::kLatencySpike;
  if (needs_end && !f.until && !f.duration_ns) {
    return t.error("missing 'until' or 'duration' (when does it recover?)");
  }
  return absl::OkStatus();
}

absl::Status read_fault_params(const Table& t, Fault& f) {
  Q50_SCENARIO_TRY(t.get("probability", f.probability, kUnit));
  Q50_SCENARIO_TRY(t.get_choice<sim::RejectCode>("reason", f.reason, kRejectCodes));
  Q50_SCENARIO_TRY(t.get("fill_fraction", f.fill_fraction, Bounds{0.0, 1.0, true, true}));
  if (f.kind == FaultKind::kLatencySpike) Q50_SCENARIO_TRY(t.require("latency"));
  Q50_SCENARIO_TRY(t.get_duration("latency", f.latency_ns, kLatency));
  Q50_SCENARIO_TRY(t.get("max_orders", f.max_orders, kOrderCount));
  Q50_SCENARIO_TRY(t.get_duration("window", f.window_ns, kDuration));
  Q50_SCENARIO_TRY(t.get_duration("lag", f.lag_ns, kDuration));
  Q50_SCENARIO_TRY(t.get("copies", f.copies, IntBounds{1, limits::kMaxCopies}));
  Q50_SCENARIO_TRY(t.get("delay_items", f.delay_items, IntBounds{1, limits::kMaxDelayItems}));
  Q50_SCENARIO_TRY(t.get_choice<SignalFailurePolicy>("policy", f.policy, kPolicies));
  if (f.kind == FaultKind::kClockSkew) Q50_SCENARIO_TRY(t.require("skew"));
  Q50_SCENARIO_TRY(t.get_duration("skew", f.skew_ns,
                                  IntBounds{-limits::kMaxLatencyNs, limits::kMaxLatencyNs}));
  if (f.kind == FaultKind::kClockSkew && f.skew_ns == 0)
    return t.bad("skew", "a non-zero duration");
  return t.get_duration("restart_after", f.restart_after_ns, IntBounds{0, limits::kMaxDurationNs});
}

absl::Status read_faults(const Table& root, const std::string& path, Scenario& sc) {
  auto faults = root.tables("faults");
  if (!faults.ok()) return faults.status();
  if (faults->size() > static_cast<std::size_t>(limits::kMaxFaults)) {
    return root.bad("faults", fmt::format("at most {} [[faults]] tables", limits::kMaxFaults));
  }
  for (const Table& t : *faults) {
    Q50_SCENARIO_TRY(t.check_keys());
    Q50_SCENARIO_TRY(t.require("kind"));
    Fault f;
    f.origin = where(path, t.region());
    Q50_SCENARIO_TRY(t.get_choice<FaultKind>("kind", f.kind, sim::kFaultKinds));
    const std::vector<std::string_view> takes = fault_keys(f.kind);
    std::vector<std::string_view> allowed = {"kind", "at"};
    allowed.insert(allowed.end(), takes.begin(), takes.end());
    Q50_SCENARIO_TRY(check_takes(t, keys_of("faults"), allowed,
                                 fmt::format("fault kind \"{}\"", fault_kind_name(f.kind))));
    Q50_SCENARIO_TRY(t.require("at"));
    Q50_SCENARIO_TRY(read_fault_window(t, f));
    Q50_SCENARIO_TRY(read_fault_params(t, f));
    sc.faults.push_back(std::move(f));
  }
  return absl::OkStatus();
}

// [assertions]
constexpr Choice<RejectReason> kRiskReasons[] = {
    {"invalid_input", RejectReason::kInvalidInput},
    {"zero_quantity", RejectReason::kZeroQuantity},
    {"kill_switch", RejectReason::kKillSwitch},
    {"below_min_qty", RejectReason::kBelowMinQty},
    {"below_min_notional", RejectReason::kBelowMinNotional},
    {"non_positive_equity", RejectReason::kNonPositiveEquity},
    {"order_cap", RejectReason::kOrderCap},
    {"exposure_cap", RejectReason::kExposureCap},
    {"leverage_cap", RejectReason::kLeverageCap}};

// A table {name = count_at_least} whose names come from `choices`.
template <typename E>
absl::Status read_expectations(const Table& parent, std::string_view key,
                               std::span<const Choice<E>> choices, std::map<E, std::int64_t>& out) {
  auto t = parent.sub(key);
  if (!t.ok()) return t.status();
  std::vector<std::string_view> names;
  for (const Choice<E>& c : choices) names.push_back(c.name);
  Q50_SCENARIO_TRY(t->check_keys(names));
  for (const Choice<E>& c : choices) {
    std::int64_t at_least = 0;
    Q50_SCENARIO_TRY(t->get(c.name, at_least, kPositiveInt));
    if (t->has(c.name)) out[c.value] = at_least;
  }
  return absl::OkStatus();
}

absl::Status read_assertions(const Table& root, Assertions& a) {
  auto t = root.sub("assertions");
  if (!t.ok()) return t.status();
  Q50_SCENARIO_TRY(t->check_keys());
  Q50_SCENARIO_TRY(t->get("no_invariant_violations", a.no_invariant_violations));
  Q50_SCENARIO_TRY(t->get("faults_recovered", a.faults_recovered));
  Q50_SCENARIO_TRY(t->get("deterministic", a.deterministic));
  Q50_SCENARIO_TRY(t->get("flat_at_end", a.flat_at_end));
  const std::pair<std::string_view, std::optional<std::int64_t>*> counts[] = {
      {"min_trades", &a.min_trades}, {"max_trades", &a.max_trades}};
  for (const auto& [key, out] : counts) {
    std::int64_t v = 0;
    Q50_SCENARIO_TRY(t->get(key, v, kNonNegativeInt));
    if (t->has(key)) *out = v;
  }
  if (a.min_trades && a.max_trades && *a.max_trades < *a.min_trades) {
    return t->bad("max_trades", fmt::format("an integer >= min_trades ({})", *a.min_trades));
  }
  const std::pair<std::string_view, std::pair<std::optional<double>*, Bounds>> reals[] = {
      {"max_drawdown_at_most", {&a.max_drawdown_at_most, kUnit}},
      {"final_equity_at_least", {&a.final_equity_at_least, kNonNegative}},
      {"final_equity_at_most", {&a.final_equity_at_most, kNonNegative}},
      {"sharpe_at_least", {&a.sharpe_at_least, Bounds{}}}};
  for (const auto& [key, target] : reals) {
    double v = 0;
    Q50_SCENARIO_TRY(t->get(key, v, target.second));
    if (t->has(key)) *target.first = v;
  }
  Q50_SCENARIO_TRY(
      read_expectations<sim::RejectCode>(*t, "expect_rejects", kRejectCodes, a.expect_rejects));
  return read_expectations<RejectReason>(*t, "expect_risk_rejects", kRiskReasons,
                                         a.expect_risk_rejects);
}

// [venue]
constexpr Choice<sim::LostResponseMode> kLostResponseModes[] = {
    {"drop", sim::LostResponseMode::kDrop},
    {"5xx", sim::LostResponseMode::kServerError},
    {"either", sim::LostResponseMode::kEither}};

// A window of the mock's rate limiter: whole seconds, at most a day.
constexpr IntBounds kRateWindow{kNsPerSecond, 24 * kNsPerHour};

absl::Status whole_seconds(const Table& t, std::string_view key, TimestampNs ns) {
  if (ns % kNsPerSecond == 0) return absl::OkStatus();
  return t.bad(key, "a whole number of seconds such as \"10s\" or \"1m\"");
}

absl::Status read_venue_rate_limits(const Table& venue, sim::VenueRateLimits& r) {
  auto t = venue.sub("rate_limits");
  if (!t.ok()) return t.status();
  Q50_SCENARIO_TRY(t->check_keys());
  Q50_SCENARIO_TRY(t->get("weight_limit", r.weight_limit, kPositiveInt));
  Q50_SCENARIO_TRY(t->get_duration("weight_window", r.weight_window_ns, kRateWindow));
  Q50_SCENARIO_TRY(whole_seconds(*t, "weight_window", r.weight_window_ns));
  Q50_SCENARIO_TRY(t->get("order_limit", r.order_limit, kPositiveInt));
  Q50_SCENARIO_TRY(t->get_duration("order_window", r.order_window_ns, kRateWindow));
  Q50_SCENARIO_TRY(whole_seconds(*t, "order_window", r.order_window_ns));
  Q50_SCENARIO_TRY(t->get("ban_after_429s", r.ban_after_429s, kNonNegativeInt));
  return t->get_duration("ban", r.ban_ns, IntBounds{kNsPerSecond, 3 * 24 * kNsPerHour});
}

absl::Status read_venue_faults(const Table& venue, sim::VenueRequestFaults& f) {
  auto t = venue.sub("faults");
  if (!t.ok()) return t.status();
  Q50_SCENARIO_TRY(t->check_keys());
  const std::pair<std::string_view, double*> rates[] = {
      {"timeout_unprocessed", &f.timeout_unprocessed}, {"timeout_processed", &f.timeout_processed},
      {"error_5xx", &f.error_5xx},  {"lost_response", &f.lost_response},
      {"skew_1021", &f.skew_1021},  {"restart", &f.restart},
      {"wipe", &f.wipe}};
  for (const auto& [key, out] : rates) Q50_SCENARIO_TRY(t->get(key, *out, kUnit));
  Q50_SCENARIO_TRY(t->get_duration("timeout_delay", f.timeout_delay_ns,
                                   IntBounds{1'000'000, 10 * kNsPerMinute}));
  Q50_SCENARIO_TRY(t->get_choice<sim::LostResponseMode>("lost_response_mode",
                                                        f.lost_response_mode, kLostResponseModes));
  return t->get_duration("restart_down", f.restart_down_ns, IntBounds{1'000'000, kNsPerMinute});
}

absl::Status read_venue_signal_file(const Table& venue, sim::VenueSignalFileFaults& f) {
  auto t = venue.sub("signal_file");
  if (!t.ok()) return t.status();
  Q50_SCENARIO_TRY(t->check_keys());
  Q50_SCENARIO_TRY(t->get("late", f.late, kUnit));
  Q50_SCENARIO_TRY(t->get_duration("late_by", f.late_by_ns, kPositiveInt));
  Q50_SCENARIO_TRY(t->get("missing", f.missing, kUnit));
  return t->get("corrupt", f.corrupt, kUnit);
}

// An asset name as Binance spells one: 1 to 20 upper-case letters or digits.
absl::Status read_asset(const Table& t, std::string_view key, std::string& out) {
  Q50_SCENARIO_TRY(t.get(key, out));
  const bool ok = !out.empty() && out.size() <= 20 &&
                  std::all_of(out.begin(), out.end(), [](char c) {
                    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                  });
  if (t.has(key) && !ok) return t.bad(key, "1 to 20 upper-case letters or digits, e.g. \"BTC\"");
  return absl::OkStatus();
}

absl::Status read_venue(const Table& root, sim::VenueConfig& v) {
  auto t = root.sub("venue");
  if (!t.ok()) return t.status();
  Q50_SCENARIO_TRY(t->check_keys());
  Q50_SCENARIO_TRY(read_asset(*t, "base_asset", v.base_asset));
  Q50_SCENARIO_TRY(read_asset(*t, "quote_asset", v.quote_asset));
  Q50_SCENARIO_TRY(read_venue_rate_limits(*t, v.rate_limits));
  Q50_SCENARIO_TRY(read_venue_faults(*t, v.faults));
  return read_venue_signal_file(*t, v.signal_file);
}

// Document
absl::StatusOr<toml::table> parse_toml(const std::string& path, std::string_view text) {
  if (auto st = check_toml_depth(path, text); !st.ok()) return st;
  try {
    return toml::parse(text, std::string_view(path));
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(
        fmt::format("{}: {}", where(path, e.source()), e.description()));
  }
}

absl::StatusOr<Scenario> build(const std::string& path, const toml::table& doc) {
  Scenario sc;
  sc.path = path;
  sc.dir = std::filesystem::path(path).parent_path().string();
  const Table root(path, &doc, "", "the document", doc.source());
  Q50_SCENARIO_TRY(root.check_keys());
  Q50_SCENARIO_TRY(read_scenario_table(root, sc));
  Q50_SCENARIO_TRY(read_market(root, sc));
  Q50_SCENARIO_TRY(read_signals(root, sc));
  Q50_SCENARIO_TRY(read_strategy(root, sc.strategy));
  Q50_SCENARIO_TRY(read_risk(root, sc.strategy.limits));
  Q50_SCENARIO_TRY(read_exchange(root, sc));
  Q50_SCENARIO_TRY(read_faults(root, path, sc));
  Q50_SCENARIO_TRY(read_assertions(root, sc.assertions));
  Q50_SCENARIO_TRY(read_venue(root, sc.venue));
  return sc;
}

void collect_keys(const toml::table& t, const std::string& prefix, std::vector<std::string>& out) {
  for (auto&& [k, v] : t) {
    const std::string key =
        prefix.empty() ? std::string(k.str()) : fmt::format("{}.{}", prefix, k.str());
    out.push_back(key);
    if (key == "assertions.expect_rejects" || key == "assertions.expect_risk_rejects") continue;
    if (const auto* sub = v.as_table()) collect_keys(*sub, key, out);
    if (const auto* array = v.as_array()) {
      for (const toml::node& e : *array) {
        if (const auto* sub = e.as_table()) collect_keys(*sub, key, out);
      }
    }
  }
}

#undef Q50_SCENARIO_TRY

}  // namespace

absl::StatusOr<Scenario> parse_scenario(const std::string& path, std::string_view text) {
  text = strip_utf8_bom(text);
  if (text.size() > kMaxConfigBytes) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: file too large ({} bytes; a scenario may have at most {})", path, text.size(),
        kMaxConfigBytes));
  }
  auto doc = parse_toml(path, text);
  if (!doc.ok()) return doc.status();
  return build(path, *doc);
}

absl::StatusOr<toml::table> parse_scenario_toml(const std::string& path, std::string_view text) {
  return parse_toml(path, text);
}

absl::StatusOr<Scenario> scenario_from_toml(const std::string& path, const toml::table& doc) {
  return build(path, doc);
}

absl::StatusOr<Scenario> read_scenario(const std::string& path) {
  auto text = read_text_input(path, kMaxConfigBytes);
  if (!text.ok()) return text.status();
  return parse_scenario(path, *text);
}

std::span<const std::string_view> scenario_known_keys() {
  static const std::vector<std::string> kStorage = [] {
    std::vector<std::string> keys;
    for (const TableKeys& t : schema()) {
      for (const std::string_view k : t.keys) {
        keys.push_back(t.table.empty() ? std::string(k) : fmt::format("{}.{}", t.table, k));
      }
    }
    return keys;
  }();
  static const std::vector<std::string_view> kKeys(kStorage.begin(), kStorage.end());
  return kKeys;
}

absl::StatusOr<std::vector<std::string>> scenario_key_paths(const std::string& path,
                                                            std::string_view text) {
  auto doc = parse_toml(path, strip_utf8_bom(text));
  if (!doc.ok()) return doc.status();
  std::vector<std::string> keys;
  collect_keys(*doc, "", keys);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

absl::StatusOr<std::string> expand_scenario_path(
    std::string_view path,
    const std::function<std::optional<std::string>(std::string_view)>& lookup) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t open = path.find("${", pos);
    out.append(path.substr(pos, open == std::string_view::npos ? path.size() - pos : open - pos));
    if (open == std::string_view::npos) return out;
    const std::size_t close = path.find('}', open + 2);
    if (close == std::string_view::npos) {
      return absl::InvalidArgumentError(fmt::format("path '{}': unterminated '${{'", path));
    }
    const std::string_view name = path.substr(open + 2, close - open - 2);
    const bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!valid) {
      return absl::InvalidArgumentError(
          fmt::format("path '{}': bad placeholder name '{}' (expected [A-Za-z0-9_]+)", path, name));
    }
    const std::optional<std::string> value = lookup(name);
    if (!value) {
      return absl::InvalidArgumentError(
          fmt::format("path '{}': placeholder ${{{}}} is not set", path, name));
    }
    out += *value;
    pos = close + 1;
  }
}

}  // namespace q50::io
