#include "runner/sweep_metrics.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/check.h"
#include "core/fixed_point.h"
#include "fmt/format.h"
#include "sim/scenario.h"

namespace q50::runner {
namespace {

constexpr double kHoursPerYear = 365.0 * 24.0;  // HB's P, as calculate_metrics

void metric(store::RunRecord& r, std::string name, double value) {
  r.metrics.push_back({std::move(name), value});
}

template <typename Int>
void metric_count(store::RunRecord& r, std::string name, Int value) {
  r.metrics.push_back({std::move(name), static_cast<double>(value)});
}

void breakdown(store::RunRecord& r, std::string_view kind, const std::string& key,
               std::string metric, double value) {
  r.breakdowns.push_back({std::string(kind), key, std::move(metric), value});
}

void add_slice(store::RunRecord& r, std::string_view kind, const std::string& key,
               const SliceMetrics& s) {
  breakdown(r, kind, key, "bars", static_cast<double>(s.bars));
  breakdown(r, kind, key, "time_share", s.time_share);
  breakdown(r, kind, key, "total_return", s.returns.total_return);
  breakdown(r, kind, key, "sharpe_ratio", s.returns.sharpe_ratio);
  breakdown(r, kind, key, "volatility", s.returns.volatility);
  breakdown(r, kind, key, "max_drawdown", s.returns.max_drawdown);
  breakdown(r, kind, key, "win_rate", s.periods_in_market.win_rate);
  breakdown(r, kind, key, "profit_factor", s.periods_in_market.profit_factor);
  breakdown(r, kind, key, "exposure", s.exposure);
  breakdown(r, kind, key, "time_in_market", s.time_in_market);
  breakdown(r, kind, key, "trades", static_cast<double>(s.trades));
  breakdown(r, kind, key, "fees", s.fees);
}

void add_return_stats(store::RunRecord& r, std::string_view kind, const std::string& key,
                      const ReturnStats& s) {
  breakdown(r, kind, key, "periods", static_cast<double>(s.periods));
  breakdown(r, kind, key, "total_return", s.total_return);
  breakdown(r, kind, key, "sharpe_ratio", s.sharpe_ratio);
  breakdown(r, kind, key, "volatility", s.volatility);
  breakdown(r, kind, key, "max_drawdown", s.max_drawdown);
}

}  // namespace

void add_scenario_metrics(const RunMetrics& m, const sim::EngineSummary& s, store::RunRecord& r) {
  const SliceMetrics& t = m.total;
  metric(r, "total_return", t.returns.total_return);
  metric(r, "annualized_return", m.annualized_return);
  metric(r, "sharpe_ratio", t.returns.sharpe_ratio);
  metric(r, "volatility", t.returns.volatility);
  metric(r, "max_drawdown", m.max_drawdown);
  metric(r, "initial_equity", m.initial_equity);
  metric(r, "final_equity", to_double(s.final_equity_e8));
  metric(r, "win_rate", t.periods_in_market.win_rate);
  metric(r, "profit_factor", t.periods_in_market.profit_factor);
  metric(r, "exposure", t.exposure);
  metric(r, "time_in_market", t.time_in_market);
  metric_count(r, "trades", t.trades);
  metric(r, "traded_notional", t.traded_notional);
  metric(r, "turnover", t.turnover);
  metric(r, "fees", t.fees);
  metric_count(r, "rejects", m.rejects);
  metric_count(r, "faults_seen", m.faults_seen);
  metric_count(r, "faults_recovered", m.faults_recovered);
  metric_count(r, "bars", s.bars);
  metric_count(r, "events", s.events);
  metric_count(r, "orders", s.orders);
  metric_count(r, "fills", s.fills);
  metric_count(r, "latency_p50_ns", m.signal_to_order_latency.p50_ns);
  metric_count(r, "latency_p99_ns", m.signal_to_order_latency.p99_ns);
  for (const auto& [kind, f] : m.faults_by_kind) {
    metric_count(r, fmt::format("faults.{}.seen", kind), f.seen);
    metric_count(r, fmt::format("faults.{}.recovered", kind), f.recovered);
    metric_count(r, fmt::format("faults.{}.max_recovery_ns", kind), f.max_recovery_ns);
  }
  for (const auto& [name, slice] : m.by_regime) add_slice(r, "market_regime", name, slice);
  for (const auto& [name, slice] : m.by_variance_regime)
    add_slice(r, "variance_regime", name, slice);
  for (const auto& [tier, slice] : m.by_tier) add_slice(r, "tier", std::to_string(tier), slice);
}

void add_hb_metrics(const HbMetrics& m, std::span<const legacy::MarketBar> bars,
                    const sim::ReplayResult& result, store::RunRecord& r) {
  metric(r, "total_return", m.total_return);
  metric(r, "annualized_return", m.annualized_return);
  // As metrics.json writes them: 0 where the original yields the int 0 (no spread, no trade).
  metric(r, "volatility", m.volatility);
  metric(r, "sharpe_ratio", m.volatility > 0 ? m.sharpe_ratio : 0.0);
  metric(r, "max_drawdown", m.max_drawdown);
  metric_count(r, "total_trades", m.total_trades);
  metric_count(r, "total_holds", m.total_holds);
  metric_count(r, "total_periods", m.total_periods);
  metric(r, "trade_frequency", m.trade_frequency);
  metric(r, "hold_frequency", m.hold_frequency);
  metric(r, "win_rate", m.total_trades > 0 ? m.win_rate : 0.0);
  metric(r, "final_balance", m.final_balance);
  metric(r, "final_position", m.final_position);
  metric(r, "final_portfolio_value", m.final_portfolio_value);
  metric_count(r, "events", result.events);
  for (const auto& [reason, count] : m.hold_reasons) {
    metric_count(r, fmt::format("hold_reasons.{}", reason), count);
  }
  // Period i -> i+1 belongs to bar i: its tier and signal decided the position held over it.
  const std::vector<legacy::HbBarRecord>& records = result.hb_bars;
  Q50_CHECK(records.size() == bars.size(), "one HB bar record per bar");
  if (records.size() < 2) return;
  std::vector<double> returns(records.size() - 1);
  std::vector<std::int64_t> tier(returns.size()), side(returns.size());
  for (std::size_t i = 0; i + 1 < records.size(); ++i) {
    returns[i] = records[i + 1].portfolio_value / records[i].portfolio_value - 1.0;
    tier[i] = bars[i].signal_tier;
    side[i] = static_cast<std::int64_t>(records[i].signal.direction);
  }
  for (const auto& [key, stats] : return_stats_by_key(tier, returns, kHoursPerYear)) {
    add_return_stats(r, "tier", std::to_string(key), stats);
  }
  for (const auto& [key, stats] : return_stats_by_key(side, returns, kHoursPerYear)) {
    add_return_stats(r, "side",
                     std::string(legacy::direction_name(static_cast<legacy::HbDirection>(key))),
                     stats);
  }
}

void add_qb_metrics(const QbMetrics& m, const sim::ReplayResult& result, store::RunRecord& r) {
  // As metrics.json writes them: 0 where the original yields the int 0.
  std::int64_t wins = 0, losses = 0;
  for (const auto& q : result.qb_rows) {
    wins += q.pnl > 0 ? 1 : 0;
    losses += q.pnl < 0 ? 1 : 0;
  }
  metric(r, "total_return", m.total_return);
  metric(r, "annualized_return", m.annualized_return);
  metric(r, "volatility", result.qb_rows.size() > 1 ? m.volatility : 0.0);
  metric(r, "sharpe_ratio", m.volatility > 0 ? m.sharpe_ratio : 0.0);
  metric(r, "max_drawdown", m.max_drawdown);
  metric_count(r, "total_trades", m.total_trades);
  metric(r, "win_rate", m.total_trades > 0 ? m.win_rate : 0.0);
  metric(r, "avg_win", wins > 0 ? m.avg_win : 0.0);
  metric(r, "avg_loss", losses > 0 ? m.avg_loss : 0.0);
  metric(r, "profit_factor", m.profit_factor);
  metric_count(r, "events", result.events);
  for (const QbTierPerformance& t : m.tier_performance) {
    const std::string key = std::to_string(t.tier);
    breakdown(r, "tier", key, "pnl_sum", t.pnl_sum);
    breakdown(r, "tier", key, "pnl_mean", t.pnl_mean);
    breakdown(r, "tier", key, "pnl_count", static_cast<double>(t.pnl_count));
    breakdown(r, "tier", key, "tier_confidence_mean", t.tier_confidence_mean);
  }
}

}  // namespace q50::runner
