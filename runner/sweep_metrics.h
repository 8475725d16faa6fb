#ifndef Q50SIM_RUNNER_SWEEP_METRICS_H_
#define Q50SIM_RUNNER_SWEEP_METRICS_H_

// What a sweep stores of each run: its headline metrics and its per-regime / per-tier tables
// (store/SCHEMA.md run_metrics, run_breakdowns), named as metrics.json names them where they
// exist there, so that one name means one thing across `q50sim run`, `replay` and sweeps.
//
// Scenario runs (core/run_metrics.h + the engine summary):
//   total_return, annualized_return, sharpe_ratio, volatility, max_drawdown (<= 0),
//   initial_equity, final_equity, win_rate, profit_factor (periods in the market), exposure,
//   time_in_market, trades, traded_notional, turnover, fees, rejects, faults_seen,
//   faults_recovered, bars, events, orders, fills, latency_p50_ns, latency_p99_ns,
//   faults.<kind>.seen / .recovered / .max_recovery_ns
//   breakdowns market_regime/<name>, variance_regime/<name>, tier/<0..3>, each with bars,
//   time_share, total_return, sharpe_ratio, volatility, max_drawdown, win_rate, profit_factor,
//   exposure, time_in_market, trades, fees
// Hummingbot replays (calculate_metrics, every key of metrics.json):
//   total_return, annualized_return, volatility, sharpe_ratio, max_drawdown, total_trades,
//   total_holds, total_periods, trade_frequency, hold_frequency, win_rate, final_balance,
//   final_position, final_portfolio_value, hold_reasons.<REASON>, events
//   breakdowns tier/<0..3> and side/<LONG|SHORT|HOLD>: the returns of the portfolio value over
//   the periods that start at a bar of that tier / signal (periods, total_return, sharpe_ratio,
//   volatility, max_drawdown)
// Quantile replays (_calculate_metrics): total_return, annualized_return, volatility,
//   sharpe_ratio, max_drawdown (>= 0, as the original), total_trades, win_rate, avg_win,
//   avg_loss, profit_factor, events; breakdown tier/<n> with pnl_sum, pnl_mean, pnl_count,
//   tier_confidence_mean.

#include <span>

#include "core/legacy/strategy.h"
#include "core/metrics.h"
#include "core/run_metrics.h"
#include "sim/engine.h"
#include "sim/legacy/replay.h"
#include "store/records.h"

namespace q50::runner {

void add_scenario_metrics(const RunMetrics& metrics, const sim::EngineSummary& summary,
                          store::RunRecord& record);

// bars: the replay's bars (one per hb_bars record).
void add_hb_metrics(const HbMetrics& metrics, std::span<const legacy::MarketBar> bars,
                    const sim::ReplayResult& result, store::RunRecord& record);

void add_qb_metrics(const QbMetrics& metrics, const sim::ReplayResult& result,
                    store::RunRecord& record);

}  // namespace q50::runner

#endif  // Q50SIM_RUNNER_SWEEP_METRICS_H_
