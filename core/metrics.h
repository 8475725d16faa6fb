#ifndef Q50SIM_CORE_METRICS_H_
#define Q50SIM_CORE_METRICS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace q50 {

// Performance metrics: the existing system's two calculate_metrics ports (bit-faithful to the
// reference environment: pandas 1.5.3 + numpy 1.24.2 + bottleneck, README §5/§6/§8) and small
// composable functions for q50sim's own runs, built from the same primitives so that a Sharpe
// ratio of ours and one of the existing system are computed the same way.

// Summation primitives (what pandas really calls)
// numpy's float64 np.add.reduce over a contiguous array: the iterator hands the inner loop
// blocks of 8192 elements (NPY_BUFSIZE), each block is summed pairwise (unrolled by 8, leaves
// of at most 128) and the block sums are added in order onto the identity 0.0.
double numpy_sum(std::span<const double> x);

// pandas Series.mean() (nanops.nanmean, skipna): NaN entries count as 0.0 in numpy_sum and are
// left out of the count. NaN when there is no non-NaN value.
double pandas_mean(std::span<const double> x);

// numpy_sum fed one value at a time, for series read in passes: sum() equals numpy_sum of the
// values added so far, bit for bit (it keeps one 8192-value block, 64 KiB, once used).
class NumpySumAccumulator {
 public:
  void add(double v);
  double sum() const;

 private:
  std::vector<double> block_;
  double acc_ = 0.0;
};

// pandas_mean fed one value at a time (NaN counts as 0.0 in the sum, not in the count).
class PandasMeanAccumulator {
 public:
  void add(double v);
  double mean() const;
  std::int64_t count() const { return count_; }

 private:
  NumpySumAccumulator sum_;
  std::int64_t count_ = 0;
};

// pandas Series.std(ddof) with bottleneck installed, as in the reference environment
// (Debian's python3-pandas recommends python3-bottleneck and pandas routes nanstd through it):
// bn.nanstd's two plain left-to-right passes, NaN skipped, sqrt(sum((x-mean)^2)/(n-ddof)).
// NaN when at most ddof values are non-NaN. pandas' own two-pass (pairwise) variant differs by
// up to 1.7e-13 relative on the reference QB runs; this one reproduces them exactly.
double pandas_std(std::span<const double> x, int ddof = 1);

// Kahan-compensated left-to-right sum: pandas' groupby sum/mean (cython group_sum/group_mean).
double kahan_sum(std::span<const double> x);

// numpy.round(x, decimals) for decimals >= 0: rint(x * 10^d) / 10^d (half to even, on the
// scaled binary value; 10^d built as numpy's power_of_ten does).
double numpy_round(double x, int decimals);

// Generic metrics for q50sim runs
// pandas pct_change: out[i] = values[i+1] / values[i] - 1 (n-1 values; empty for n < 2).
std::vector<double> simple_returns(std::span<const double> values);

// Drawdown after each value: (v - running max) / running max, <= 0 (the HB convention).
std::vector<double> drawdowns(std::span<const double> values);
// min(drawdowns(values)), <= 0; 0 for an empty series.
double max_drawdown(std::span<const double> values);

// Statistics of a series of per-period simple returns, annualised with periods_per_year.
struct ReturnStats {
  std::int64_t periods = 0;  // non-NaN returns
  double mean = 0;           // pandas_mean
  double std = 0;            // pandas_std, ddof 1 (NaN for fewer than 2 returns)
  double volatility = 0;     // std * sqrt(P)
  double sharpe_ratio = 0;   // mean * P / (std * sqrt(P)); 0 unless std > 0
  double total_return = 0;   // prod(1 + r) - 1 over the non-NaN returns, in order
  double max_drawdown = 0;   // of the compounded equity curve starting at 1, <= 0
};
ReturnStats return_stats(std::span<const double> returns, double periods_per_year);

// Sharpe ratio alone, the existing system's formula: mean*P / (std*sqrt(P)), 0 unless std > 0.
double sharpe_ratio(std::span<const double> returns, double periods_per_year);

// Statistics of realised trade PnLs (one entry per closed trade or per period; 0 is neither a
// win nor a loss).
struct TradeStats {
  std::int64_t count = 0;   // non-NaN entries
  std::int64_t wins = 0;    // pnl > 0
  std::int64_t losses = 0;  // pnl < 0
  double win_rate = 0;      // wins / count, 0 when count == 0
  double avg_win = 0;       // pandas_mean of wins, 0 when none
  double avg_loss = 0;      // pandas_mean of losses (negative), 0 when none
  double gross_profit = 0;  // numpy_sum of wins
  double gross_loss = 0;    // numpy_sum of losses (negative)
  // gross_profit / |gross_loss|; +inf with wins and no losses; 0 with neither.
  double profit_factor = 0;
};
TradeStats trade_stats(std::span<const double> pnl);

// Breakdowns: rows grouped by an integer key (tier 0-3, a regime code, ...), keys ascending
// like pandas' groupby(sort=True); each group gets the same statistics as the whole.
// keys.size() must equal the data's size (programmer error otherwise).
std::vector<std::pair<std::int64_t, ReturnStats>> return_stats_by_key(
    std::span<const std::int64_t> keys, std::span<const double> returns, double periods_per_year);
std::vector<std::pair<std::int64_t, TradeStats>> trade_stats_by_key(
    std::span<const std::int64_t> keys, std::span<const double> pnl);

// HummingbotQuantileBacktester.calculate_metrics (src/backtesting/backtester.py)
struct HbMetricsInput {
  std::span<const double> portfolio_value;  // portfolio_history, one per processed bar
  std::span<const double> trade_pnl;        // every trade record incl. the final BACKTEST_END
  std::span<const std::string_view> hold_reasons;  // one per hold record, in order
  double initial_balance = 0;
  double final_balance = 0;   // after BACKTEST_END
  double final_position = 0;  // after BACKTEST_END
};

struct HbMetrics {
  double total_return = 0;
  double annualized_return = 0;
  double volatility = 0;
  double sharpe_ratio = 0;
  double max_drawdown = 0;  // <= 0
  std::int64_t total_trades = 0;
  std::int64_t total_holds = 0;
  std::int64_t total_periods = 0;
  double trade_frequency = 0;
  double hold_frequency = 0;
  // reason -> count in order of first appearance (the Python dict's order).
  std::vector<std::pair<std::string, std::int64_t>> hold_reasons;
  double win_rate = 0;
  double final_balance = 0;
  double final_position = 0;
  double final_portfolio_value = 0;
};

// Port of calculate_metrics with P = 365*24. portfolio_value must be non-empty (the original
// returns {} for an empty run; callers do not ask then). Quirks kept (README §8 HB 10/11):
// final_portfolio_value is the last portfolio_history value, before the BACKTEST_END close,
// while final_balance/final_position are after it; total_trades and win_rate count the
// BACKTEST_END trade; returns are PV.pct_change() of the post-trade values, so the first bar's
// costs never show up as a return.
HbMetrics hb_metrics(const HbMetricsInput& in);

// QuantileBacktester._calculate_metrics (src/backtesting/quantile_backtester.py)
struct QbMetricsRow {
  bool hold = false;  // side == "HOLD" (BUY, SELL and LIQUIDATE are "trades")
  double pnl = 0;
  double drawdown = 0;  // >= 0
  double portfolio_value = 0;
  std::int64_t tier = 0;
  double tier_confidence = 0;
  double prob_up = 0;  // the adjusted prob_up logged in the trade record
};

struct QbMetricsConfig {
  double initial_capital = 100000.0;
  double prediction_horizon_hours = 1.0;
  std::string data_frequency = "hourly";  // only echoed
};

// One group of trades_df.groupby('tier').agg(...).round(4).
struct QbTierPerformance {
  std::int64_t tier = 0;
  double pnl_sum = 0;
  double pnl_mean = 0;
  std::int64_t pnl_count = 0;
  double tier_confidence_mean = 0;
};

// One pd.cut(prob_up, bins=10) interval. The JSON key is str(Interval):
// "(" + repr(label_left) + ", " + repr(label_right) + "]" with Python float repr.
struct QbCalibrationBin {
  double edge_left = 0;  // the unrounded bin edges used for binning (right-closed)
  double edge_right = 0;
  double label_left = 0;  // the edges rounded the way pandas' _format_labels rounds them
  double label_right = 0;
  std::int64_t count = 0;
  double up_fraction = 0;  // share of the bin's rows with pnl > 0; NaN (JSON null) when empty
};

struct QbMetrics {
  double total_return = 0;
  double annualized_return = 0;
  double volatility = 0;
  double sharpe_ratio = 0;
  double max_drawdown = 0;  // >= 0
  std::int64_t total_trades = 0;
  double win_rate = 0;  // can exceed 1 (quirk)
  double avg_win = 0;
  double avg_loss = 0;
  double profit_factor = 0;  // +inf when no losing row
  std::string data_frequency;
  double prediction_horizon_hours = 0;
  double periods_per_year = 0;
  std::vector<QbTierPerformance> tier_performance;        // tiers ascending
  std::vector<QbCalibrationBin> probability_calibration;  // see calibration_bins
};

// Port of _calculate_metrics over the per-row trade records (rows must be non-empty).
// Quirks kept (README §8 QB 6): P = 252*24/horizon; total_trades counts every non-HOLD row,
// LIQUIDATE and BUY-with-no-change included; win_rate = rows with pnl > 0 / total_trades, so it
// can exceed 1; returns are gross pnl / initial capital; max_drawdown is positive.
QbMetrics qb_metrics(std::span<const QbMetricsRow> rows, const QbMetricsConfig& config);

// pd.cut(x, bins=n) with the default right=True, precision=3 and the per-bin share of
// positive outcome[i] (groupby(bins)[outcome].apply(lambda s: (s > 0).mean())). NaN x values
// are in no bin. Empty result when x has no finite value or an infinite one (where pandas
// raises and the original's try/except stores an empty Series).
std::vector<QbCalibrationBin> calibration_bins(std::span<const double> x,
                                               std::span<const double> outcome, int n_bins);

}  // namespace q50

#endif  // Q50SIM_CORE_METRICS_H_
