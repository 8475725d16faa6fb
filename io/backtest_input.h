#ifndef Q50SIM_IO_BACKTEST_INPUT_H_
#define Q50SIM_IO_BACKTEST_INPUT_H_

// Readers for the existing backtesters' input frames and configs, in the layout of
// shared/reference/backtest_hb/*/ and backtest_quantile/*/ (reference README §5, §6). Every
// failure names the file, the line (CSV) or key (JSON), and the offending value.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/legacy/strategy.h"
#include "core/sizing.h"
#include "core/timestamp.h"
#include "io/csv.h"

namespace q50::io {

// HummingbotQuantileBacktester's constructor arguments and run_backtest's price choice.
struct HbBacktestConfig {
  double initial_balance = 100000.0;
  double max_position_pct = 0.5;
  double fee_rate = 0.001;
  double min_confidence_hold = 1.0;
  HbSizingMethod sizing = HbSizingMethod::kEnhanced;
  bool real_prices = false;          // price_mode "real" (else "simulated")
  std::string price_col = "close";   // the real price column
  std::string return_col = "truth";  // the return column
};

// Required keys: initial_balance, max_position_pct, fee_rate, sizing_method (strict: a typo is
// an error, not the original's silent fallback to 'enhanced'), min_confidence_hold,
// price_mode ('simulated' | 'real'). Optional: price_col, return_col. Other keys
// (trading_pair, long/short_threshold: unused by the original) are ignored.
absl::StatusOr<HbBacktestConfig> read_hb_config(const std::string& path);
// The same from the file's text (path names it in messages).
absl::StatusOr<HbBacktestConfig> parse_hb_config(const std::string& path,
                                                  std::string_view json_text);

// BacktestConfig plus the run_backtest arguments.
struct QbBacktestConfig {
  legacy::QbParams params;
  std::string price_col = "truth";  // run_backtest(price_col): the per-bar return column
  std::string data_frequency = "hourly";
  double prediction_horizon_hours = 1.0;
};

// Required: initial_capital, position_limit, fee_rate, slippage_rate, long_threshold,
// short_threshold, max_drawdown_limit, base_position_size, confidence_multiplier and the
// object run_backtest {price_col, data_frequency, prediction_horizon_hours}.
absl::StatusOr<QbBacktestConfig> read_qb_config(const std::string& path);
absl::StatusOr<QbBacktestConfig> parse_qb_config(const std::string& path,
                                                  std::string_view json_text);

// The rows of an input frame a replay keeps: timestamps in [from_ns, until_ns) (an absent bound
// is open). Bars built from a window are exactly those of a file holding only the window's rows
// (the simulated price starts at 100 on the window's first row), so a sweep can replay windows
// of one frame it read once and still agree with `q50sim replay` on the cut file.
struct FrameWindow {
  std::optional<TimestampNs> from_ns;
  std::optional<TimestampNs> until_ns;
  bool contains(TimestampNs ts_ns) const {
    return (!from_ns || ts_ns >= *from_ns) && (!until_ns || ts_ns < *until_ns);
  }
};

// The HB input frame (timestamp, q10, q50, q90, side, signal_tier, signal_thresh_adaptive,
// the return column, and the price column in real mode) as bars with their prices:
// simulated: 100 on the first row, then price *= (1 + truth) of the current row (NaN truth
// leaves it); real: the price column, and rows whose price is NaN are skipped, as the
// original skips them. Timestamps must strictly increase; at least one bar must remain.
absl::StatusOr<std::vector<legacy::MarketBar>> read_hb_bars(const std::string& path,
                                                              const HbBacktestConfig& config);
// The same over a table already read, keeping the window's rows. Every row of the table is
// validated, inside the window or not; no bar left in the window is InvalidArgument.
absl::StatusOr<std::vector<legacy::MarketBar>> hb_bars_from_table(const CsvTable& table,
                                                                    const HbBacktestConfig& config,
                                                                    const FrameWindow& window);

// The QB input frame (timestamp, q10, q50, q90, signal_tier, the return column). Existing
// system: `future_return = truth.shift(-1)` only serves to drop rows whose NEXT truth is NaN,
// so the last row (a sentinel) never becomes a bar. At least one bar must remain.
absl::StatusOr<std::vector<legacy::MarketBar>> read_qb_bars(const std::string& path,
                                                              const QbBacktestConfig& config);
// The same over a table already read, keeping the window's rows (the window's last row is the
// sentinel that only gives the row before it a future return).
absl::StatusOr<std::vector<legacy::MarketBar>> qb_bars_from_table(const CsvTable& table,
                                                                    const QbBacktestConfig& config,
                                                                    const FrameWindow& window);

}  // namespace q50::io

#endif  // Q50SIM_IO_BACKTEST_INPUT_H_
