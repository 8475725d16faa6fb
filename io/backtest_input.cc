#include "io/backtest_input.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <utility>

#include "core/limits.h"
#include "fmt/format.h"
#include "io/csv.h"
#include "io/json_doc.h"
#include "nlohmann/json.hpp"

namespace q50::io {
namespace {

using nlohmann::json;

absl::StatusOr<json> read_json_object(const std::string& path) {
  auto doc = read_json_document(path);
  if (!doc.ok()) return doc.status();
  if (!doc->is_object()) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: expected a JSON object at the top level (got a {})", path, doc->type_name()));
  }
  return doc;
}

absl::StatusOr<json> parse_json_object(const std::string& path, std::string_view text) {
  auto doc = parse_json_document(path, text);
  if (!doc.ok()) return doc.status();
  if (!doc->is_object()) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: expected a JSON object at the top level (got a {})", path, doc->type_name()));
  }
  return doc;
}

// A value shown in a message: short, one line.
std::string shown(const json& v) {
  std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

// Every key of obj must be one of `known` (a typo is an error, not a silent default).
absl::Status known_keys(const json& obj, std::initializer_list<std::string_view> known,
                        const std::string& path, std::string_view where) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list;
    for (const std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    return absl::InvalidArgumentError(
        fmt::format("{}: unknown key '{}'{} (known: {})", path, key, where, list));
  }
  return absl::OkStatus();
}

// A finite number in [lo, hi] (lo excluded when lo_open).
struct Range {
  double lo;
  double hi;
  bool lo_open = false;
  bool contains(double v) const { return (lo_open ? v > lo : v >= lo) && v <= hi; }
  std::string text() const { return fmt::format("{}{}, {}]", lo_open ? '(' : '[', lo, hi); }
};

absl::StatusOr<double> number(const json& obj, const std::string& key, const std::string& path,
                              Range range) {
  const auto it = obj.find(key);
  if (it == obj.end()) {
    return absl::InvalidArgumentError(fmt::format("{}: missing key '{}'", path, key));
  }
  if (!it->is_number() || !std::isfinite(it->get<double>()) || !range.contains(it->get<double>())) {
    return absl::InvalidArgumentError(fmt::format("{}: key '{}': expected a number in {} (got {})",
                                                  path, key, range.text(), shown(*it)));
  }
  return it->get<double>();
}

absl::StatusOr<std::string> text(const json& obj, const std::string& key, const std::string& path,
                                 const char* fallback) {
  const auto it = obj.find(key);
  if (it == obj.end()) {
    if (fallback != nullptr) return std::string(fallback);
    return absl::InvalidArgumentError(fmt::format("{}: missing key '{}'", path, key));
  }
  if (!it->is_string() || it->get<std::string>().empty()) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: key '{}': expected a non-empty string (got {})", path, key, shown(*it)));
  }
  return it->get<std::string>();
}

struct NumberKey {
  const char* key;
  double* out;
  Range range;
};

// Reads each key into its double, in order, each within its range.
absl::Status numbers(const json& obj, const std::string& path,
                     std::initializer_list<NumberKey> keys) {
  for (const NumberKey& k : keys) {
    auto v = number(obj, k.key, path, k.range);
    if (!v.ok()) return v.status();
    *k.out = *v;
  }
  return absl::OkStatus();
}

// Optional keys the ported code does not use, checked all the same.
absl::Status unused_number(const json& obj, const std::string& key, const std::string& path,
                           Range range, bool integer) {
  const auto it = obj.find(key);
  if (it == obj.end()) return absl::OkStatus();
  const bool whole = it->is_number_integer() ||
                     (it->is_number_float() && it->get<double>() == std::trunc(it->get<double>()));
  if (!it->is_number() || !std::isfinite(it->get<double>()) || !range.contains(it->get<double>()) ||
      (integer && !whole)) {
    return absl::InvalidArgumentError(fmt::format("{}: key '{}': expected {} in {} (got {})", path,
                                                  key, integer ? "an integer" : "a number",
                                                  range.text(), shown(*it)));
  }
  return absl::OkStatus();
}

constexpr Range kAmount{0.0, limits::kMaxLegacyAmount, true};
constexpr Range kRate{0.0, 0.5};
constexpr Range kProbability{0.0, 1.0};

absl::StatusOr<CsvTable> read_table(const std::string& path) { return CsvTable::read(path); }

struct Columns {
  std::size_t ts, q10, q50, q90, tier, truth;
};

absl::StatusOr<Columns> common_columns(const CsvTable& t, const std::string& return_col) {
  Columns c{};
  const std::pair<const char*, std::size_t*> wanted[] = {
      {"timestamp", &c.ts}, {"q10", &c.q10},         {"q50", &c.q50},
      {"q90", &c.q90},      {"signal_tier", &c.tier}, {return_col.c_str(), &c.truth}};
  for (const auto& [name, out] : wanted) {
    auto col = t.require_column(name);
    if (!col.ok()) return col.status();
    *out = *col;
  }
  return c;
}

// The fields every bar has; price and the HB-only columns are filled by the caller.
absl::Status read_common(const CsvTable& t, const Columns& c, std::size_t r,
                         legacy::MarketBar& bar) {
  for (const auto& [col, out] : {std::pair{c.q10, &bar.q10}, std::pair{c.q50, &bar.q50},
                                 std::pair{c.q90, &bar.q90}}) {
    auto v = t.f64(r, col, FloatPolicy::kFinite);
    if (!v.ok()) return v.status();
    *out = *v;
  }
  auto tier = t.i64(r, c.tier);
  if (!tier.ok()) return tier.status();
  if (*tier < 0 || *tier > 3) return t.field_error(r, c.tier, "expected a tier in [0, 3]");
  bar.signal_tier = *tier;
  auto truth = t.f64(r, c.truth, FloatPolicy::kAllowNan);
  if (!truth.ok()) return truth.status();
  // A per-bar return: -100% or worse would make a price zero or negative.
  if (!std::isnan(*truth) && !(*truth > -1.0 && *truth <= 10.0)) {
    return t.field_error(r, c.truth, "expected a return in (-1, 10] or empty (NaN)");
  }
  bar.truth = *truth;
  return absl::OkStatus();
}

absl::Status no_bars(const CsvTable& t, std::string_view why) {
  return absl::InvalidArgumentError(
      fmt::format("{}:2: no bar to replay ({}; expected at least one)", t.path(), why));
}

absl::StatusOr<HbBacktestConfig> hb_config_from(const absl::StatusOr<json>& doc,
                                                const std::string& path) {
  if (!doc.ok()) return doc.status();
  if (auto st = known_keys(*doc,
                           {"initial_balance", "max_position_pct", "fee_rate", "sizing_method",
                            "min_confidence_hold", "price_mode", "price_col", "return_col",
                            "trading_pair", "long_threshold", "short_threshold"},
                           path, "");
      !st.ok()) {
    return st;
  }
  HbBacktestConfig c;
  // min_confidence_hold is compared with the tier confidences 3, 5, 7 and 10.
  if (auto st = numbers(*doc, path,
                        {{"initial_balance", &c.initial_balance, kAmount},
                         {"max_position_pct", &c.max_position_pct, Range{0.0, 1.0, true}},
                         {"fee_rate", &c.fee_rate, kRate},
                         {"min_confidence_hold", &c.min_confidence_hold, Range{0.0, 100.0}}});
      !st.ok()) {
    return st;
  }
  for (const char* unused : {"long_threshold", "short_threshold"}) {
    if (auto st = unused_number(*doc, unused, path, kProbability, false); !st.ok()) return st;
  }
  if (doc->contains("trading_pair")) {
    if (auto pair = text(*doc, "trading_pair", path, nullptr); !pair.ok()) return pair.status();
  }
  auto sizing = text(*doc, "sizing_method", path, nullptr);
  if (!sizing.ok()) return sizing.status();
  const auto method = parse_hb_sizing_method(*sizing);
  if (!method.has_value()) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: key 'sizing_method': expected simple, kelly, volatility, sharpe, risk_parity or "
        "enhanced (got '{}')",
        path, *sizing));
  }
  c.sizing = *method;
  auto mode = text(*doc, "price_mode", path, nullptr);
  if (!mode.ok()) return mode.status();
  if (*mode != "simulated" && *mode != "real") {
    return absl::InvalidArgumentError(fmt::format(
        "{}: key 'price_mode': expected 'simulated' or 'real' (got '{}')", path, *mode));
  }
  c.real_prices = *mode == "real";
  auto price_col = text(*doc, "price_col", path, "close");
  if (!price_col.ok()) return price_col.status();
  c.price_col = *price_col;
  auto return_col = text(*doc, "return_col", path, "truth");
  if (!return_col.ok()) return return_col.status();
  c.return_col = *return_col;
  return c;
}

absl::Status read_run_backtest(const json& doc, const std::string& path, QbBacktestConfig& c) {
  const auto run = doc.find("run_backtest");
  if (run == doc.end() || !run->is_object()) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: key 'run_backtest': expected an object with price_col, data_frequency and "
        "prediction_horizon_hours (got {})",
        path, run == doc.end() ? std::string("nothing") : shown(*run)));
  }
  if (auto st = known_keys(*run, {"price_col", "data_frequency", "prediction_horizon_hours"},
                           path, " in run_backtest");
      !st.ok()) {
    return st;
  }
  auto price_col = text(*run, "price_col", path, nullptr);
  if (!price_col.ok()) return price_col.status();
  c.price_col = *price_col;
  auto freq = text(*run, "data_frequency", path, nullptr);
  if (!freq.ok()) return freq.status();
  c.data_frequency = *freq;
  auto horizon = number(*run, "prediction_horizon_hours", path, Range{0.0, 1e6, true});
  if (!horizon.ok()) return horizon.status();
  c.prediction_horizon_hours = *horizon;
  return absl::OkStatus();
}

absl::StatusOr<QbBacktestConfig> qb_config_from(const absl::StatusOr<json>& doc,
                                                const std::string& path) {
  if (!doc.ok()) return doc.status();
  if (auto st = known_keys(*doc,
                           {"initial_capital", "position_limit", "fee_rate", "slippage_rate",
                            "long_threshold", "short_threshold", "max_drawdown_limit",
                            "volatility_lookback", "base_position_size", "confidence_multiplier",
                            "run_backtest"},
                           path, "");
      !st.ok()) {
    return st;
  }
  QbBacktestConfig c;
  legacy::QbParams& p = c.params;
  if (auto st = numbers(*doc, path,
                        {{"initial_capital", &p.initial_capital, kAmount},
                         // the sizing clips a size to [0.01, position_limit]
                         {"position_limit", &p.sizing.position_limit, Range{0.01, 100.0}},
                         {"fee_rate", &p.fee_rate, kRate},
                         {"slippage_rate", &p.slippage_rate, kRate},
                         {"long_threshold", &p.sizing.long_threshold, kProbability},
                         {"short_threshold", &p.sizing.short_threshold, kProbability},
                         {"max_drawdown_limit", &p.max_drawdown_limit, Range{0.0, 1.0, true}},
                         {"base_position_size", &p.sizing.base_position_size,
                          Range{0.0, 100.0, true}},
                         {"confidence_multiplier", &p.sizing.confidence_multiplier,
                          Range{0.0, 1000.0}}});
      !st.ok()) {
    return st;
  }
  // The original's BacktestConfig.volatility_lookback: a window length (unused by the port).
  if (auto st = unused_number(*doc, "volatility_lookback", path, Range{1.0, 1e6}, true); !st.ok()) {
    return st;
  }
  if (auto st = read_run_backtest(*doc, path, c); !st.ok()) return st;
  return c;
}

}  // namespace

absl::StatusOr<HbBacktestConfig> read_hb_config(const std::string& path) {
  return hb_config_from(read_json_object(path), path);
}

absl::StatusOr<HbBacktestConfig> parse_hb_config(const std::string& path,
                                                  std::string_view json_text) {
  return hb_config_from(parse_json_object(path, json_text), path);
}

absl::StatusOr<QbBacktestConfig> read_qb_config(const std::string& path) {
  return qb_config_from(read_json_object(path), path);
}

absl::StatusOr<QbBacktestConfig> parse_qb_config(const std::string& path,
                                                  std::string_view json_text) {
  return qb_config_from(parse_json_object(path, json_text), path);
}

absl::StatusOr<std::vector<legacy::MarketBar>> read_hb_bars(const std::string& path,
                                                              const HbBacktestConfig& config) {
  auto t = read_table(path);
  if (!t.ok()) return t.status();
  return hb_bars_from_table(*t, config, FrameWindow{});
}

absl::StatusOr<std::vector<legacy::MarketBar>> hb_bars_from_table(const CsvTable& table,
                                                                    const HbBacktestConfig& config,
                                                                    const FrameWindow& window) {
  const CsvTable* t = &table;
  auto c = common_columns(*t, config.return_col);
  if (!c.ok()) return c.status();
  auto side_col = t->require_column("side");
  if (!side_col.ok()) return side_col.status();
  auto thresh_col = t->require_column("signal_thresh_adaptive");
  if (!thresh_col.ok()) return thresh_col.status();
  std::size_t price_col = 0;
  if (config.real_prices) {
    auto pc = t->require_column(config.price_col);
    if (!pc.ok()) return pc.status();
    price_col = *pc;
  }
  auto ts = t->increasing_timestamps(c->ts);
  if (!ts.ok()) return ts.status();
  std::vector<legacy::MarketBar> bars;
  bars.reserve(t->rows());
  double simulated_price = 100.0;
  bool first_row = true;  // of the window
  for (std::size_t r = 0; r < t->rows(); ++r) {
    legacy::MarketBar bar;
    bar.ts_ns = (*ts)[r];
    if (auto st = read_common(*t, *c, r, bar); !st.ok()) return st;
    auto side = t->i64(r, *side_col);
    if (!side.ok()) return side.status();
    if (*side < -1 || *side > 1) {
      return t->field_error(r, *side_col, "expected -1 (HOLD), 0 (SHORT) or 1 (LONG)");
    }
    bar.side = *side;
    auto thresh = t->f64(r, *thresh_col, FloatPolicy::kAllowNan);
    if (!thresh.ok()) return thresh.status();
    bar.signal_thresh = *thresh;
    double price = 0;
    if (config.real_prices) {
      auto v = t->f64(r, price_col, FloatPolicy::kAllowNan);
      if (!v.ok()) return v.status();
      price = *v;
      if (!std::isnan(price) &&
          !(price >= limits::kMinLegacyPrice && price <= limits::kMaxLegacyPrice)) {
        return t->field_error(r, price_col,
                              fmt::format("expected a price in [{}, {}] or empty (NaN)",
                                          limits::kMinLegacyPrice, limits::kMaxLegacyPrice));
      }
    }
    if (!window.contains(bar.ts_ns)) continue;
    if (config.real_prices) {
      if (std::isnan(price)) continue;  // existing system: "Missing price ... skipping"
      bar.price = price;
    } else {
      // Existing system: the first row keeps 100 whatever its truth; later rows compound.
      if (!first_row && !std::isnan(bar.truth)) simulated_price *= (1 + bar.truth);
      if (!(simulated_price >= limits::kMinLegacyPrice &&
            simulated_price <= limits::kMaxLegacyPrice)) {
        return t->field_error(
            r, c->truth,
            fmt::format("the simulated price (100 compounded by this column) reaches {}, "
                        "outside [{}, {}]",
                        simulated_price, limits::kMinLegacyPrice, limits::kMaxLegacyPrice));
      }
      bar.price = simulated_price;
    }
    first_row = false;
    bar.index = static_cast<std::int64_t>(bars.size());
    bars.push_back(bar);
  }
  if (bars.empty()) return no_bars(*t, "every row was skipped or none is in the window");
  return bars;
}

absl::StatusOr<std::vector<legacy::MarketBar>> read_qb_bars(const std::string& path,
                                                              const QbBacktestConfig& config) {
  auto t = read_table(path);
  if (!t.ok()) return t.status();
  return qb_bars_from_table(*t, config, FrameWindow{});
}

absl::StatusOr<std::vector<legacy::MarketBar>> qb_bars_from_table(const CsvTable& t,
                                                                    const QbBacktestConfig& config,
                                                                    const FrameWindow& window) {
  auto c = common_columns(t, config.price_col);
  if (!c.ok()) return c.status();
  auto ts = t.increasing_timestamps(c->ts);
  if (!ts.ok()) return ts.status();
  std::vector<legacy::MarketBar> rows;
  rows.reserve(t.rows());
  for (std::size_t r = 0; r < t.rows(); ++r) {
    legacy::MarketBar row;
    row.ts_ns = (*ts)[r];
    if (auto st = read_common(t, *c, r, row); !st.ok()) return st;
    if (window.contains(row.ts_ns)) rows.push_back(row);
  }
  std::vector<legacy::MarketBar> bars;
  bars.reserve(rows.size());
  for (std::size_t r = 0; r + 1 < rows.size(); ++r) {
    if (std::isnan(rows[r + 1].truth)) continue;  // future_return NaN -> dropna drops the row
    rows[r].index = static_cast<std::int64_t>(bars.size());
    bars.push_back(rows[r]);
  }
  if (bars.empty()) {
    return no_bars(t, "the last row only gives the one before it a future return");
  }
  return bars;
}

}  // namespace q50::io
