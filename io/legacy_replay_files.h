#ifndef Q50SIM_IO_LEGACY_REPLAY_FILES_H_
#define Q50SIM_IO_LEGACY_REPLAY_FILES_H_

// The existing backtesters' output files rendered from a replay's records, column for column
// and key for key as the reference files (shared/reference/backtest_hb/*/expected_*,
// backtest_quantile/*/expected_*): floats as Python's repr, metrics.json as json.dump(indent=2)
// writes calculate_metrics / _calculate_metrics, Python ints where the original yields ints.

#include <cstddef>
#include <string>
#include <vector>

#include "core/metrics.h"
#include "io/backtest_input.h"
#include "sim/legacy/replay.h"

namespace q50::io {

// The CSV files are rendered in pieces: rows [begin, end) of a file's records, with the header
// line first when begin == 0. The pieces of consecutive ranges, concatenated, are the whole file
// byte for byte, so a replay can render one file on several threads (io/legacy_replay.cc).
struct RowRange {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// HummingbotQuantileBacktester: portfolio_history, trades, holds and metrics. pv is the
// portfolio value of every bar record; bars.csv's returns and drawdowns derive from it, once
// for all pieces.
struct HbBarSeries {
  std::vector<double> pv;
  std::vector<double> returns;    // simple returns of pv (one fewer)
  std::vector<double> drawdowns;  // of pv
};
HbBarSeries hb_bar_series(const sim::ReplayResult& r);
std::string hb_bars_csv(const sim::ReplayResult& r, const HbBarSeries& series, RowRange rows);
std::string hb_trades_csv(const sim::ReplayResult& r, RowRange rows);
std::string hb_holds_csv(const sim::ReplayResult& r, RowRange rows);
std::string hb_metrics_json(const sim::ReplayResult& r, const std::vector<double>& pv,
                            double initial_balance);

// calculate_metrics of an HB replay (what hb_metrics_json writes).
HbMetrics hb_replay_metrics(const sim::ReplayResult& r, const std::vector<double>& pv,
                            double initial_balance);

// QuantileBacktester: the trade records (one per bar) and save_results' metrics.
std::string qb_trades_csv(const sim::ReplayResult& r, RowRange rows);
std::string qb_metrics_json(const sim::ReplayResult& r, const QbBacktestConfig& config);
// _calculate_metrics of a QB replay (what qb_metrics_json writes).
QbMetrics qb_replay_metrics(const sim::ReplayResult& r, const QbBacktestConfig& config);

}  // namespace q50::io

#endif  // Q50SIM_IO_LEGACY_REPLAY_FILES_H_
