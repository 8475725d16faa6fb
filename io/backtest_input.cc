#include "io/backtest_input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <string_view>
#include <utility>

#include "fmt/format.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "nlohmann/json.hpp"

namespace q50::io {
namespace {

using nlohmann::json;

absl::StatusOr<json> parse_json_object(const std::string& path, std::string_view text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
  if (!doc.is_object()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: expected a JSON object at the top level (got {})", path, doc.dump()));
  }
  return doc;
}

absl::StatusOr<double> number(const json& obj, const std::string& key, const std::string& path) {
  const auto it = obj.find(key);
  if (it == obj.end()) {
    return absl::InvalidArgumentError(fmt::format("{}: missing key '{}'", path, key));
  }
  if (!it->is_number() || !std::isfinite(it->get<double>())) {
    return absl::InvalidArgumentError(
        fmt::format("{}: key '{}': expected a finite number (got {})", path, key, it->dump()));
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
  if (!it->is_string()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: key '{}': expected a string (got {})", path, key, it->dump()));
  }
  return it->get<std::string>();
}

absl::Status require(bool ok, const std::string& path, const std::string& key, double v,
                     std::string_view what) {
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      fmt::format("{}: key '{}': expected {} (got {})", path, key, what, v));
}

// Reads each key of `keys` into the matching double of `out`, in order.
absl::Status numbers(const json& obj, const std::string& path,
                     std::initializer_list<std::pair<const char*, double*>> keys) {
  for (const auto& [key, out] : keys) {
    auto v = number(obj, key, path);
    if (!v.ok()) return v.status();
    *out = *v;
  }
  return absl::OkStatus();
}

// A regular file's bytes in one buffer of its size. io::read_file streams through an
// ostringstream, which copies the 1.3 MB input frame twice and grows by doubling (each fresh
// page a fault, costly on a paravirtualised VM): a third of the CSV read. Same messages as
// read_file; anything but a regular file (a pipe, a directory) goes through read_file itself.
absl::StatusOr<std::string> read_regular_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return absl::NotFoundError(fmt::format("{}: no such file", path));
    return absl::UnavailableError(
        fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return read_file(path);
  }
  // One byte to spare, so that the read which meets the end needs no bigger buffer.
  std::string content(static_cast<std::size_t>(st.st_size) + 1, '\0');
  std::size_t got = 0;
  while (true) {
    if (got == content.size()) content.resize(2 * content.size());  // the file grew
    const ssize_t n = ::read(fd, content.data() + got, content.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return absl::UnavailableError(fmt::format("{}: read error", path));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  content.resize(got);
  return content;
}

absl::StatusOr<CsvTable> read_table(const std::string& path) {
  auto content = read_regular_file(path);
  if (!content.ok()) return content.status();
  return CsvTable::parse(path, *std::move(content));
}

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
  bar.signal_tier = *tier;
  auto truth = t.f64(r, c.truth, FloatPolicy::kAllowNan);
  if (!truth.ok()) return truth.status();
  bar.truth = *truth;
  return absl::OkStatus();
}

absl::Status no_bars(const CsvTable& t, std::string_view why) {
  return absl::InvalidArgumentError(
      fmt::format("{}:2: no bar to replay ({}; expected at least one)", t.path(), why));
}

}  // namespace

absl::StatusOr<HbBacktestConfig> read_hb_config(const std::string& path) {
  auto text = read_file(path);
  if (!text.ok()) return text.status();
  return parse_hb_config(path, *text);
}

absl::StatusOr<HbBacktestConfig> parse_hb_config(const std::string& path,
                                                  std::string_view json_text) {
  auto doc = parse_json_object(path, json_text);
  if (!doc.ok()) return doc.status();
  HbBacktestConfig c;
  if (auto st = numbers(*doc, path, {{"initial_balance", &c.initial_balance},
                                     {"max_position_pct", &c.max_position_pct},
                                     {"fee_rate", &c.fee_rate},
                                     {"min_confidence_hold", &c.min_confidence_hold}});
      !st.ok()) {
    return st;
  }
  if (auto st = require(c.initial_balance > 0, path, "initial_balance", c.initial_balance,
                        "a positive amount");
      !st.ok()) {
    return st;
  }
  if (auto st = require(c.fee_rate >= 0 && c.fee_rate < 1, path, "fee_rate", c.fee_rate,
                        "a fraction in [0, 1)");
      !st.ok()) {
    return st;
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

absl::StatusOr<QbBacktestConfig> read_qb_config(const std::string& path) {
  auto text = read_file(path);
  if (!text.ok()) return text.status();
  return parse_qb_config(path, *text);
}

absl::StatusOr<QbBacktestConfig> parse_qb_config(const std::string& path,
                                                  std::string_view json_text) {
  auto doc = parse_json_object(path, json_text);
  if (!doc.ok()) return doc.status();
  QbBacktestConfig c;
  legacy::QbParams& p = c.params;
  if (auto st = numbers(*doc, path, {{"initial_capital", &p.initial_capital},
                                     {"position_limit", &p.sizing.position_limit},
                                     {"fee_rate", &p.fee_rate},
                                     {"slippage_rate", &p.slippage_rate},
                                     {"long_threshold", &p.sizing.long_threshold},
                                     {"short_threshold", &p.sizing.short_threshold},
                                     {"max_drawdown_limit", &p.max_drawdown_limit},
                                     {"base_position_size", &p.sizing.base_position_size},
                                     {"confidence_multiplier", &p.sizing.confidence_multiplier}});
      !st.ok()) {
    return st;
  }
  if (auto st = require(p.initial_capital > 0, path, "initial_capital", p.initial_capital,
                        "a positive amount");
      !st.ok()) {
    return st;
  }
  const auto run = doc->find("run_backtest");
  if (run == doc->end() || !run->is_object()) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: key 'run_backtest': expected an object with price_col, data_frequency and "
        "prediction_horizon_hours (got {})",
        path, run == doc->end() ? std::string("nothing") : run->dump()));
  }
  auto price_col = text(*run, "price_col", path, nullptr);
  if (!price_col.ok()) return price_col.status();
  c.price_col = *price_col;
  auto freq = text(*run, "data_frequency", path, nullptr);
  if (!freq.ok()) return freq.status();
  c.data_frequency = *freq;
  auto horizon = number(*run, "prediction_horizon_hours", path);
  if (!horizon.ok()) return horizon.status();
  if (auto st = require(*horizon > 0, path, "run_backtest.prediction_horizon_hours", *horizon,
                        "a positive number of hours");
      !st.ok()) {
    return st;
  }
  c.prediction_horizon_hours = *horizon;
  return c;
}

absl::StatusOr<std::vector<legacy::MarketBar>> read_hb_bars(const std::string& path,
                                                              const HbBacktestConfig& config) {
  auto t = read_table(path);
  if (!t.ok()) return t.status();
  return hb_bars_from_table(*t, config, FrameWindow{});
}

absl::StatusOr<std::vector<legacy::MarketBar>> hb_bars_from_table(const CsvTable& t,
                                                                    const HbBacktestConfig& config,
                                                                    const FrameWindow& window) {
  auto c = common_columns(t, config.return_col);
  if (!c.ok()) return c.status();
  auto side_col = t.require_column("side");
  if (!side_col.ok()) return side_col.status();
  auto thresh_col = t.require_column("signal_thresh_adaptive");
  if (!thresh_col.ok()) return thresh_col.status();
  std::size_t price_col = 0;
  if (config.real_prices) {
    auto pc = t.require_column(config.price_col);
    if (!pc.ok()) return pc.status();
    price_col = *pc;
  }
  auto ts = t.increasing_timestamps(c->ts);
  if (!ts.ok()) return ts.status();
  std::vector<legacy::MarketBar> bars;
  bars.reserve(t.rows());
  double simulated_price = 100.0;
  bool first_row = true;  // of the window
  for (std::size_t r = 0; r < t.rows(); ++r) {
    legacy::MarketBar bar;
    bar.ts_ns = (*ts)[r];
    if (auto st = read_common(t, *c, r, bar); !st.ok()) return st;
    auto side = t.i64(r, *side_col);
    if (!side.ok()) return side.status();
    bar.side = *side;
    auto thresh = t.f64(r, *thresh_col, FloatPolicy::kAllowNan);
    if (!thresh.ok()) return thresh.status();
    bar.signal_thresh = *thresh;
    double price = 0;
    if (config.real_prices) {
      auto v = t.f64(r, price_col, FloatPolicy::kAllowNan);
      if (!v.ok()) return v.status();
      price = *v;
    }
    if (!window.contains(bar.ts_ns)) continue;
    if (config.real_prices) {
      if (std::isnan(price)) continue;  // existing system: "Missing price ... skipping"
      bar.price = price;
    } else {
      // Existing system: the first row keeps 100 whatever its truth; later rows compound.
      if (!first_row && !std::isnan(bar.truth)) simulated_price *= (1 + bar.truth);
      bar.price = simulated_price;
    }
    first_row = false;
    bar.index = static_cast<std::int64_t>(bars.size());
    bars.push_back(bar);
  }
  if (bars.empty()) return no_bars(t, "every row was skipped or the file has no rows");
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
