// core/metrics: the numpy/pandas/bottleneck primitives on cases worked by hand from their
// algorithms, the generic metrics, and both calculate_metrics ports on small hand-made runs
// (the reference runs are in metrics_agreement_test).
#include "core/metrics.h"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

namespace q50 {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

bool close(double a, double b, double rtol = 1e-15) {
  return std::fabs(a - b) <= rtol * std::fabs(b);
}

// primitives
BOOST_AUTO_TEST_CASE(numpy_sum_is_pairwise_with_eight_accumulators) {
  // np.sum(np.full(10, 0.1)) == 1.0: eight accumulators of 0.1, tree-combined to 0.8, then
  // the tail; a plain left-to-right loop gives 0.9999999999999999.
  const std::vector<double> tenths(10, 0.1);
  BOOST_TEST(numpy_sum(tenths) == 1.0);
  double naive = 0;
  for (const double v : tenths) naive += v;
  BOOST_TEST(naive != 1.0);
  // Below 8 elements it is the plain loop: (1e16 + 1) + 1 rounds twice to 1e16.
  BOOST_TEST(numpy_sum(std::vector<double>{1e16, 1, 1}) == 1e16);
  BOOST_TEST(numpy_sum(std::vector<double>{}) == 0.0);
}

BOOST_AUTO_TEST_CASE(numpy_sum_adds_8192_element_blocks_in_order) {
  // x[0] = x[4096] = 1, x[8192] = 2^53. Blocked (numpy): (1 + 1) + 2^53 = 2^53 + 2 exactly.
  // One pairwise tree over all 8193 would pair 1 with 2^53 first (1 + 2^53 rounds to 2^53,
  // ties to even) and lose both ones.
  std::vector<double> x(8193, 0.0);
  x[0] = 1;
  x[4096] = 1;
  x[8192] = 9007199254740992.0;
  BOOST_TEST(numpy_sum(x) == 9007199254740994.0);
}

BOOST_AUTO_TEST_CASE(pandas_mean_and_std_skip_nan) {
  BOOST_TEST(pandas_mean(std::vector<double>{1, kNan, 3}) == 2.0);
  BOOST_TEST(std::isnan(pandas_mean(std::vector<double>{kNan})));
  BOOST_TEST(std::isnan(pandas_mean(std::vector<double>{})));
  // ddof 1: sum of squares 5 over 3.
  BOOST_TEST(pandas_std(std::vector<double>{1, 2, kNan, 3, 4}) == std::sqrt(5.0 / 3.0));
  BOOST_TEST(pandas_std(std::vector<double>{1, 2, 3, 4}, 0) == std::sqrt(5.0 / 4.0));
  BOOST_TEST(std::isnan(pandas_std(std::vector<double>{1})));
  BOOST_TEST(std::isnan(pandas_std(std::vector<double>{kNan, 2})));
  BOOST_TEST(pandas_std(std::vector<double>{3, 3, 3}) == 0.0);
}

BOOST_AUTO_TEST_CASE(kahan_sum_recovers_lost_low_bits) {
  // 1 + 1e-16 + ... (10 times): a plain loop stays at 1.0, the compensated sum does not.
  std::vector<double> x{1.0};
  for (int i = 0; i < 10; ++i) x.push_back(1e-16);
  BOOST_TEST(kahan_sum(x) == 1.000000000000001);
  BOOST_TEST(kahan_sum(std::vector<double>{1, kNan, 2}) == 3.0);
}

BOOST_AUTO_TEST_CASE(numpy_round_is_half_even_on_the_scaled_value) {
  BOOST_TEST(numpy_round(0.125, 2) == 0.12);  // 12.5 -> 12
  BOOST_TEST(numpy_round(0.375, 2) == 0.38);  // 37.5 -> 38
  BOOST_TEST(numpy_round(2.5, 0) == 2.0);
  BOOST_TEST(numpy_round(3.5, 0) == 4.0);
  BOOST_TEST(std::signbit(numpy_round(-0.4, 0)));
  BOOST_TEST(numpy_round(1.23456789, 4) == 1.2346);
  BOOST_TEST(numpy_round(1.23456789012345, 10) == 1.2345678901);  // power_of_ten's loop
  BOOST_TEST(std::isnan(numpy_round(kNan, 4)));
}

// generic metrics
BOOST_AUTO_TEST_CASE(returns_and_drawdowns) {
  const std::vector<double> pv{100, 125, 100, 150};
  const auto r = simple_returns(pv);
  BOOST_TEST(r.size() == 3u);
  BOOST_TEST(r[0] == 0.25);
  BOOST_TEST(close(r[1], -0.2));
  BOOST_TEST(r[2] == 0.5);
  const auto dd = drawdowns(pv);
  BOOST_TEST(dd == (std::vector<double>{0.0, 0.0, -0.2, 0.0}));
  BOOST_TEST(max_drawdown(pv) == -0.2);
  BOOST_TEST(max_drawdown(std::vector<double>{}) == 0.0);
  BOOST_TEST(simple_returns(std::vector<double>{100}).empty());
}

BOOST_AUTO_TEST_CASE(return_stats_compound_and_annualise) {
  const std::vector<double> r{0.1, -0.5, kNan, 1.0};
  const ReturnStats s = return_stats(r, 12);
  BOOST_TEST(s.periods == 3);
  BOOST_TEST(close(s.total_return, 0.1));   // 1.1 * 0.5 * 2 - 1
  BOOST_TEST(close(s.max_drawdown, -0.5));  // 1.1 -> 0.55
  BOOST_TEST(close(s.mean, 0.2));
  const double sd = std::sqrt((0.01 + 0.49 + 0.64) / 2);
  BOOST_TEST(close(s.std, sd, 1e-14));
  BOOST_TEST(close(s.volatility, sd * std::sqrt(12.0), 1e-14));
  BOOST_TEST(close(s.sharpe_ratio, 0.2 * 12 / (sd * std::sqrt(12.0)), 1e-14));
  BOOST_TEST(sharpe_ratio(std::vector<double>{0.01, 0.01}, 252) == 0.0);  // std 0
  BOOST_TEST(sharpe_ratio(std::vector<double>{0.01}, 252) == 0.0);        // std NaN
}

BOOST_AUTO_TEST_CASE(trade_stats_profit_factor_and_win_rate) {
  const TradeStats s = trade_stats(std::vector<double>{10, -5, 0, kNan, 5});
  BOOST_TEST(s.count == 4);
  BOOST_TEST(s.wins == 2);
  BOOST_TEST(s.losses == 1);
  BOOST_TEST(s.win_rate == 0.5);
  BOOST_TEST(s.avg_win == 7.5);
  BOOST_TEST(s.avg_loss == -5.0);
  BOOST_TEST(s.gross_profit == 15.0);
  BOOST_TEST(s.gross_loss == -5.0);
  BOOST_TEST(s.profit_factor == 3.0);
  BOOST_TEST(trade_stats(std::vector<double>{1, 2}).profit_factor == kInf);
  const TradeStats none = trade_stats(std::vector<double>{});
  BOOST_TEST(none.profit_factor == 0.0);
  BOOST_TEST(none.win_rate == 0.0);
}

BOOST_AUTO_TEST_CASE(breakdowns_group_by_ascending_key) {
  const std::vector<std::int64_t> keys{2, 1, 2, 1, 3};
  const std::vector<double> pnl{4, -1, -2, 3, 0};
  const auto by = trade_stats_by_key(keys, pnl);
  BOOST_REQUIRE_EQUAL(by.size(), 3u);
  BOOST_TEST(by[0].first == 1);
  BOOST_TEST(by[1].first == 2);
  BOOST_TEST(by[2].first == 3);
  BOOST_TEST(by[0].second.profit_factor == 3.0);
  BOOST_TEST(by[1].second.profit_factor == 2.0);
  BOOST_TEST(by[2].second.wins == 0);
  const auto rs = return_stats_by_key(keys, pnl, 1);
  BOOST_REQUIRE_EQUAL(rs.size(), 3u);
  BOOST_TEST(rs[1].second.mean == return_stats(std::vector<double>{4, -2}, 1).mean);
}

// HummingbotQuantileBacktester.calculate_metrics
BOOST_AUTO_TEST_CASE(hb_metrics_small_run) {
  const std::vector<double> pv{100, 125, 100};
  const std::vector<double> pnl{-1, 5, 0};  // the last one is the BACKTEST_END close
  const std::vector<std::string_view> holds{"HOLD_POSITION", "HOLD_NO_POSITION", "HOLD_POSITION"};
  const HbMetrics m = hb_metrics({pv, pnl, holds, 100, 99, 0});
  BOOST_TEST(m.total_return == 0.0);
  BOOST_TEST(m.annualized_return == 0.0);
  // returns 0.25 and -0.2: mean 0.025, std 0.225*sqrt(2).
  BOOST_TEST(close(m.volatility, 0.225 * std::sqrt(2.0 * 8760), 1e-14));
  BOOST_TEST(close(m.sharpe_ratio, std::sqrt(4380.0) / 9, 1e-14));
  BOOST_TEST(m.max_drawdown == -0.2);
  BOOST_TEST(m.total_trades == 3);
  BOOST_TEST(m.total_holds == 3);
  BOOST_TEST(m.total_periods == 3);
  BOOST_TEST(m.trade_frequency == 1.0);
  BOOST_TEST(m.hold_frequency == 1.0);
  BOOST_REQUIRE_EQUAL(m.hold_reasons.size(), 2u);  // first-appearance order, like the dict
  BOOST_TEST(m.hold_reasons[0].first == "HOLD_POSITION");
  BOOST_TEST(m.hold_reasons[0].second == 2);
  BOOST_TEST(m.hold_reasons[1].first == "HOLD_NO_POSITION");
  BOOST_TEST(m.win_rate == 1.0 / 3.0);  // the BACKTEST_END trade counts
  BOOST_TEST(m.final_balance == 99.0);
  BOOST_TEST(m.final_position == 0.0);
  BOOST_TEST(m.final_portfolio_value == 100.0);  // before the BACKTEST_END close
}

BOOST_AUTO_TEST_CASE(hb_metrics_single_bar_has_no_sharpe) {
  const std::vector<double> pv{101};
  const HbMetrics m = hb_metrics({pv, {}, {}, 100, 101, 0});
  BOOST_TEST(std::isnan(m.volatility));  // std of no return
  BOOST_TEST(m.sharpe_ratio == 0.0);     // `if returns.std() > 0` is False for NaN
  BOOST_TEST(m.win_rate == 0.0);
  BOOST_TEST(close(m.annualized_return, std::pow(1.01, 8760.0) - 1));
}

// QuantileBacktester._calculate_metrics
BOOST_AUTO_TEST_CASE(qb_metrics_small_run_with_its_quirks) {
  const std::vector<QbMetricsRow> rows{
      {true, 0, 0, 100000, 1, 5, 0.2},          // HOLD
      {false, 10, 0, 100010, 0, 5, 0.6},        // BUY
      {true, 20, 0, 100030, 1, 5, 0.6},         // HOLD, but still a "win"
      {false, -5, 0.00005, 100025, 3, 4, 0.9},  // LIQUIDATE counts as a trade
      {true, 1, 0, 100026, 1, 5, 0.6},          // HOLD
  };
  const QbMetrics m = qb_metrics(rows, {100000, 24, "hourly"});
  BOOST_TEST(m.periods_per_year == 252.0);
  BOOST_TEST(m.total_trades == 2);
  BOOST_TEST(m.win_rate == 1.5);  // 3 positive rows / 2 trades: above 1, as in the original
  BOOST_TEST(close(m.avg_win, 31.0 / 3));
  BOOST_TEST(m.avg_loss == -5.0);
  BOOST_TEST(close(m.profit_factor, 6.2));
  BOOST_TEST(m.max_drawdown == 0.00005);
  BOOST_TEST(close(m.total_return, 0.00026, 1e-12));
  BOOST_TEST(m.data_frequency == "hourly");

  BOOST_REQUIRE_EQUAL(m.tier_performance.size(), 3u);
  BOOST_TEST(m.tier_performance[0].tier == 0);
  BOOST_TEST(m.tier_performance[1].tier == 1);
  BOOST_TEST(m.tier_performance[1].pnl_sum == 21.0);
  BOOST_TEST(m.tier_performance[1].pnl_mean == 7.0);
  BOOST_TEST(m.tier_performance[1].pnl_count == 3);
  BOOST_TEST(m.tier_performance[2].tier_confidence_mean == 4.0);

  // prob_up spans [0.2, 0.9]: ten bins of 0.07, the first widened by 0.0007 to 0.1993, labels
  // at 3 significant digits after the leading zeros.
  BOOST_REQUIRE_EQUAL(m.probability_calibration.size(), 10u);
  const auto& b = m.probability_calibration;
  BOOST_TEST(b[0].label_left == 0.199);
  BOOST_TEST(b[0].label_right == 0.27);
  BOOST_TEST(b[9].label_right == 0.9);
  BOOST_TEST(b[0].count == 1);
  BOOST_TEST(b[0].up_fraction == 0.0);
  BOOST_TEST(b[5].count == 3);  // 0.6 in (0.55, 0.62]
  BOOST_TEST(b[5].up_fraction == 1.0);
  BOOST_TEST(b[9].up_fraction == 0.0);
  BOOST_TEST(std::isnan(b[1].up_fraction));  // empty bin -> JSON null
}

BOOST_AUTO_TEST_CASE(qb_profit_factor_is_inf_without_losses) {
  const std::vector<QbMetricsRow> rows{{false, 3, 0, 100003, 0, 5, 0.7},
                                       {false, 2, 0, 100005, 0, 5, 0.7}};
  const QbMetrics m = qb_metrics(rows, {100000, 1, "hourly"});
  BOOST_TEST(m.profit_factor == kInf);
  BOOST_TEST(m.periods_per_year == 6048.0);
}

// pd.cut
BOOST_AUTO_TEST_CASE(calibration_bins_match_the_pandas_documentation_example) {
  // pd.cut(np.array([1, 7, 5, 4, 6, 3]), 3) -> [(0.994, 3.0] < (3.0, 5.0] < (5.0, 7.0]]
  const std::vector<double> x{1, 7, 5, 4, 6, 3};
  const std::vector<double> outcome{1, -1, 1, 0, 1, 1};
  const auto bins = calibration_bins(x, outcome, 3);
  BOOST_REQUIRE_EQUAL(bins.size(), 3u);
  BOOST_TEST(bins[0].label_left == 0.994);
  BOOST_TEST(bins[0].edge_left == 1 - 6 * 0.001);
  BOOST_TEST(bins[0].label_right == 3.0);
  BOOST_TEST(bins[1].label_right == 5.0);
  BOOST_TEST(bins[2].label_right == 7.0);
  BOOST_TEST(bins[0].count == 2);  // 1, 3 (right-closed)
  BOOST_TEST(bins[1].count == 2);  // 5, 4
  BOOST_TEST(bins[2].count == 2);  // 7, 6
  BOOST_TEST(bins[0].up_fraction == 1.0);
  BOOST_TEST(bins[1].up_fraction == 0.5);
  BOOST_TEST(bins[2].up_fraction == 0.5);
}

BOOST_AUTO_TEST_CASE(calibration_bins_edge_cases) {
  // A constant input is widened by 0.1% on both sides before binning.
  const auto c = calibration_bins(std::vector<double>{5, 5}, std::vector<double>{1, 1}, 2);
  BOOST_REQUIRE_EQUAL(c.size(), 2u);
  BOOST_TEST(c[0].label_left == 4.995);
  BOOST_TEST(c[1].label_right == 5.005);
  BOOST_TEST(c[0].count == 2);
  // Labels need more digits when 3 would merge two edges (pandas' _infer_precision).
  const auto p = calibration_bins(std::vector<double>{1.0, 1.0001}, std::vector<double>{0, 0}, 2);
  BOOST_REQUIRE_EQUAL(p.size(), 2u);
  BOOST_TEST(p[1].label_left == 1.00005);
  // NaN is in no bin; no finite value or an infinity gives no bins (pandas raises).
  BOOST_TEST(calibration_bins(std::vector<double>{kNan}, std::vector<double>{1}, 10).empty());
  BOOST_TEST(calibration_bins(std::vector<double>{0, kInf}, std::vector<double>{1, 1}, 10).empty());
  const auto n = calibration_bins(std::vector<double>{0, kNan, 1}, std::vector<double>{1, 1, 1}, 2);
  BOOST_TEST(n[0].count + n[1].count == 2);
}

}  // namespace
}  // namespace q50
