// Agreement of the metrics ports with the existing system's own metrics (shared/reference,
// README §5-§8): for every backtest_hb case, calculate_metrics recomputed from the case's
// expected_bars.csv (portfolio_value, hold_reason) and expected_trades.csv (pnl, the final
// state after BACKTEST_END); for every backtest_quantile case, _calculate_metrics recomputed
// from expected_trades.csv. Every key of expected_metrics.json, nested ones included, is
// compared: integers and strings exactly, floats to rtol 1e-12 (README §7), null = NaN, and
// the key sets must be equal. Run with --log_level=message for per-case figures.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/metrics.h"
#include "io/csv.h"
#include "core/number_format.h"
#include "tests/support/test_env.h"

namespace q50 {
namespace {

using nlohmann::json;

constexpr double kRtol = 1e-12;  // README §7: metrics (both backtesters)

struct Agreement {
  std::size_t values = 0;
  std::size_t bit_exact = 0;
  std::size_t failures = 0;
  double max_rel = 0;
  std::string worst;
  std::vector<std::string> problems;  // first few, for the failure message

  void fail(const std::string& what) {
    if (failures++ < 5) problems.push_back(what);
  }
};

json number_or_null(double v) { return std::isnan(v) ? json(nullptr) : json(v); }

void compare(const json& want, const json& have, const std::string& path, Agreement& a) {
  if (want.is_object()) {
    if (!have.is_object()) return a.fail(path + ": expected an object");
    for (const auto& [k, v] : want.items()) {
      if (!have.contains(k)) {
        a.fail(path + "/" + k + ": missing");
        continue;
      }
      compare(v, have.at(k), path + "/" + k, a);
    }
    for (const auto& [k, v] : have.items()) {
      if (!want.contains(k)) a.fail(path + "/" + k + ": not in the reference");
    }
    return;
  }
  ++a.values;
  if (want.is_null() || want.is_string() || want.is_number_integer()) {
    // Discrete: exact, and an integer must stay an integer (JSON 8275, not 8275.0).
    const bool same_kind =
        want.is_number_integer() ? have.is_number_integer() : want.type() == have.type();
    if (same_kind && want == have) {
      ++a.bit_exact;
    } else {
      a.fail(path + ": want " + want.dump() + " have " + have.dump());
    }
    return;
  }
  if (!want.is_number_float() || !have.is_number_float()) {
    return a.fail(path + ": want " + want.dump() + " have " + have.dump());
  }
  const double w = want.get<double>();
  const double h = have.get<double>();
  if (std::memcmp(&w, &h, sizeof w) == 0) {
    ++a.bit_exact;
    return;
  }
  const double rel = w != 0 ? std::fabs(h - w) / std::fabs(w) : std::fabs(h);
  if (!(rel <= a.max_rel)) {
    a.max_rel = rel;
    a.worst = path;
  }
  if (!(rel <= kRtol)) a.fail(path + ": want " + want.dump() + " have " + have.dump());
}

io::CsvTable read_csv(const std::string& path) {
  auto t = io::CsvTable::read(path);
  BOOST_REQUIRE_MESSAGE(t.ok(), t.status().ToString());
  return *std::move(t);
}

std::vector<double> f64_column(const io::CsvTable& t, std::string_view name) {
  auto c = t.require_column(name);
  BOOST_REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  std::vector<double> out;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    auto v = t.f64(r, *c, io::FloatPolicy::kAllowNan);
    BOOST_REQUIRE_MESSAGE(v.ok(), v.status().ToString());
    out.push_back(*v);
  }
  return out;
}

std::vector<std::string> case_dirs(const std::string& kind) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(testing::reference_dir() + "/" + kind)) {
    if (e.is_directory()) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  BOOST_REQUIRE(!out.empty());
  return out;
}

json read_json(const std::string& path) { return json::parse(testing::read_text(path)); }

// HummingbotQuantileBacktester
json to_json(const HbMetrics& m) {
  json reasons = json::object();
  for (const auto& [reason, count] : m.hold_reasons) reasons[reason] = count;
  return {{"total_return", m.total_return},
          {"annualized_return", m.annualized_return},
          {"volatility", number_or_null(m.volatility)},
          {"sharpe_ratio", m.sharpe_ratio},
          {"max_drawdown", m.max_drawdown},
          {"total_trades", m.total_trades},
          {"total_holds", m.total_holds},
          {"total_periods", m.total_periods},
          {"trade_frequency", m.trade_frequency},
          {"hold_frequency", m.hold_frequency},
          {"hold_reasons", reasons},
          {"win_rate", m.win_rate},
          {"final_balance", m.final_balance},
          {"final_position", m.final_position},
          {"final_portfolio_value", m.final_portfolio_value}};
}

struct HbCaseData {
  std::vector<double> portfolio_value;
  std::vector<double> returns_column;
  std::vector<double> drawdown_column;
  std::vector<std::string> hold_reasons;
  std::vector<double> trade_pnl;
  bool last_is_backtest_end = false;
  double initial_balance = 0;
  double final_balance = 0;
  double final_position = 0;
};

HbCaseData load_hb(const std::string& dir) {
  HbCaseData d;
  const io::CsvTable bars = read_csv(dir + "/expected_bars.csv");
  const io::CsvTable trades = read_csv(dir + "/expected_trades.csv");
  d.portfolio_value = f64_column(bars, "portfolio_value");
  d.returns_column = f64_column(bars, "returns");
  d.drawdown_column = f64_column(bars, "drawdown");
  const std::size_t reason_col = *bars.find_column("hold_reason");
  for (std::size_t r = 0; r < bars.rows(); ++r) {
    // README §5: the hold records are exactly the bars with a non-empty hold_reason.
    if (!bars.field(r, reason_col).empty()) d.hold_reasons.emplace_back(bars.field(r, reason_col));
  }
  d.trade_pnl = f64_column(trades, "pnl");
  d.initial_balance = read_json(dir + "/config.json").at("initial_balance").get<double>();
  // The state after the loop: after the BACKTEST_END close if there was one, else the last bar.
  d.final_balance = f64_column(bars, "balance").back();
  d.final_position = f64_column(bars, "position").back();
  if (trades.rows() > 0 &&
      trades.field(trades.rows() - 1, *trades.find_column("original_signal")) == "BACKTEST_END") {
    d.last_is_backtest_end = true;
    d.final_balance = f64_column(trades, "balance_after").back();
    d.final_position = f64_column(trades, "position_after").back();
  }
  return d;
}

HbMetrics hb_from(const HbCaseData& d, std::span<const double> trade_pnl) {
  std::vector<std::string_view> reasons(d.hold_reasons.begin(), d.hold_reasons.end());
  return hb_metrics({d.portfolio_value, trade_pnl, reasons, d.initial_balance, d.final_balance,
                     d.final_position});
}

BOOST_AUTO_TEST_CASE(hb_metrics_reproduce_every_case) {
  std::size_t cases = 0;
  for (const auto& dir : case_dirs("backtest_hb")) {
    const std::string name = std::filesystem::path(dir).filename().string();
    const HbCaseData d = load_hb(dir);
    BOOST_REQUIRE(d.last_is_backtest_end);
    Agreement a;
    compare(read_json(dir + "/expected_metrics.json"), to_json(hb_from(d, d.trade_pnl)), name, a);
    BOOST_TEST_MESSAGE("backtest_hb/" << name << ": values=" << a.values
                                      << " bit_exact=" << a.bit_exact << " max_rel=" << a.max_rel
                                      << (a.worst.empty() ? "" : " at " + a.worst));
    BOOST_TEST(a.values >= 15u);  // 14 scalars + at least one hold reason
    BOOST_TEST(a.failures == 0u, name << ": " << a.failures << " values outside the gate, e.g. "
                                      << (a.problems.empty() ? "" : a.problems.front()));
    // Stronger than the gate: with numpy's blocked pairwise mean and bottleneck's std every
    // value is bit-identical; pandas' own two-pass std would drift by up to ~1.5e-15 here and
    // 1.7e-13 on the QB runs, inside the gate but a sign the summation order was lost.
    BOOST_TEST(a.bit_exact == a.values,
               name << ": " << a.values - a.bit_exact << " values not bit-identical");

    // The generic building blocks against the bar columns they stand for: pct_change and the
    // expanding-max drawdown, bit for bit.
    const std::vector<double> r = simple_returns(d.portfolio_value);
    const std::vector<double> dd = drawdowns(d.portfolio_value);
    BOOST_REQUIRE_EQUAL(r.size() + 1, d.returns_column.size());
    BOOST_TEST(std::isnan(d.returns_column[0]));
    BOOST_TEST(std::equal(r.begin(), r.end(), d.returns_column.begin() + 1),
               name << ": pct_change differs from the returns column");
    BOOST_TEST(dd == d.drawdown_column, name << ": drawdowns differ from the drawdown column");
    ++cases;
  }
  BOOST_TEST(cases == 9u);
}

// Counterfactual: leaving the BACKTEST_END close out of the trade list (README §8 HB 10) must
// fail the gate, or the test above could not catch that slip.
BOOST_AUTO_TEST_CASE(hb_without_backtest_end_fails_the_gate) {
  for (const auto& dir : case_dirs("backtest_hb")) {
    const HbCaseData d = load_hb(dir);
    const std::span<const double> without(d.trade_pnl.data(), d.trade_pnl.size() - 1);
    Agreement a;
    compare(read_json(dir + "/expected_metrics.json"), to_json(hb_from(d, without)), dir, a);
    BOOST_TEST(a.failures >= 1u, dir << ": dropping BACKTEST_END went unnoticed");
  }
}

// QuantileBacktester
json to_json(const QbMetrics& m) {
  json tiers = {{"pnl_sum", json::object()},
                {"pnl_mean", json::object()},
                {"pnl_count", json::object()},
                {"tier_confidence_mean", json::object()}};
  for (const auto& t : m.tier_performance) {
    const std::string k = std::to_string(t.tier);
    tiers["pnl_sum"][k] = t.pnl_sum;
    tiers["pnl_mean"][k] = t.pnl_mean;
    tiers["pnl_count"][k] = t.pnl_count;
    tiers["tier_confidence_mean"][k] = t.tier_confidence_mean;
  }
  json calibration = json::object();
  for (const auto& b : m.probability_calibration) {
    // str(pandas.Interval): "(left, right]" with Python float repr.
    std::string label = "(";
    label += q50::py_repr(b.label_left);
    label += ", ";
    label += q50::py_repr(b.label_right);
    label += "]";
    calibration[label] = number_or_null(b.up_fraction);
  }
  return {{"total_return", m.total_return},
          {"annualized_return", m.annualized_return},
          {"volatility", m.volatility},
          {"sharpe_ratio", m.sharpe_ratio},
          {"max_drawdown", m.max_drawdown},
          {"total_trades", m.total_trades},
          {"win_rate", m.win_rate},
          {"avg_win", m.avg_win},
          {"avg_loss", m.avg_loss},
          {"profit_factor", m.profit_factor},
          {"data_frequency", m.data_frequency},
          {"prediction_horizon_hours", m.prediction_horizon_hours},
          {"periods_per_year", m.periods_per_year},
          {"tier_performance", tiers},
          {"probability_calibration", calibration}};
}

struct QbCaseData {
  std::vector<QbMetricsRow> rows;
  std::vector<double> total_cost;
  QbMetricsConfig config;
};

QbCaseData load_qb(const std::string& dir) {
  QbCaseData d;
  const io::CsvTable t = read_csv(dir + "/expected_trades.csv");
  const std::vector<double> pnl = f64_column(t, "pnl");
  const std::vector<double> dd = f64_column(t, "drawdown");
  const std::vector<double> pv = f64_column(t, "portfolio_value");
  const std::vector<double> tier = f64_column(t, "tier");
  const std::vector<double> conf = f64_column(t, "tier_confidence");
  const std::vector<double> prob_up = f64_column(t, "prob_up");
  d.total_cost = f64_column(t, "total_cost");
  const std::size_t side = *t.find_column("side");
  for (std::size_t r = 0; r < t.rows(); ++r) {
    d.rows.push_back({t.field(r, side) == "HOLD", pnl[r], dd[r], pv[r],
                      static_cast<std::int64_t>(tier[r]), conf[r], prob_up[r]});
  }
  const json cfg = read_json(dir + "/config.json");
  d.config.initial_capital = cfg.at("initial_capital").get<double>();
  d.config.prediction_horizon_hours =
      cfg.at("run_backtest").at("prediction_horizon_hours").get<double>();
  d.config.data_frequency = cfg.at("run_backtest").at("data_frequency").get<std::string>();
  return d;
}

BOOST_AUTO_TEST_CASE(qb_metrics_reproduce_every_case) {
  std::size_t cases = 0;
  for (const auto& dir : case_dirs("backtest_quantile")) {
    const std::string name = std::filesystem::path(dir).filename().string();
    const QbCaseData d = load_qb(dir);
    Agreement a;
    compare(read_json(dir + "/expected_metrics.json"), to_json(qb_metrics(d.rows, d.config)), name,
            a);
    BOOST_TEST_MESSAGE("backtest_quantile/"
                       << name << ": values=" << a.values << " bit_exact=" << a.bit_exact
                       << " max_rel=" << a.max_rel << (a.worst.empty() ? "" : " at " + a.worst));
    BOOST_TEST(a.values == 13u + 16u + 10u);  // scalars + 4x4 tier table + 10 bins
    BOOST_TEST(a.failures == 0u, name << ": " << a.failures << " values outside the gate, e.g. "
                                      << (a.problems.empty() ? "" : a.problems.front()));
    BOOST_TEST(a.bit_exact == a.values,
               name << ": " << a.values - a.bit_exact << " values not bit-identical");
    ++cases;
  }
  BOOST_TEST(cases == 3u);
}

// Counterfactual: metrics on returns net of costs instead of the original's gross pnl
// (README §8 QB 4). Costs are ~1e-6 of the pnl here, yet the gate must see it.
BOOST_AUTO_TEST_CASE(qb_net_of_cost_returns_fail_the_gate) {
  for (const auto& dir : case_dirs("backtest_quantile")) {
    QbCaseData d = load_qb(dir);
    for (std::size_t i = 0; i < d.rows.size(); ++i) d.rows[i].pnl -= d.total_cost[i];
    Agreement a;
    compare(read_json(dir + "/expected_metrics.json"), to_json(qb_metrics(d.rows, d.config)), dir,
            a);
    BOOST_TEST(a.failures >= 1u, dir << ": net-of-cost returns went unnoticed");
  }
}

}  // namespace
}  // namespace q50
