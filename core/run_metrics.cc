#include "core/run_metrics.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <span>

#include "core/check.h"

namespace q50 {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_series(const RunSeries& s) {
  const std::size_t n = s.size();
  Q50_CHECK(s.price.size() == n && s.equity.size() == n && s.position.size() == n &&
                s.regime.size() == n && s.tier.size() == n && s.side.size() == n,
            "RunSeries bar vectors must have one entry per bar");
  Q50_CHECK(s.variance_regime.empty() || s.variance_regime.size() == n,
            "RunSeries variance_regime must be empty or have one entry per bar");
  const auto n_regimes = static_cast<std::int64_t>(s.regime_names.size());
  for (std::size_t i = 0; i < n; ++i) {
    Q50_CHECK(i == 0 || s.ts_ns[i] > s.ts_ns[i - 1], "RunSeries ts_ns must strictly increase");
    Q50_CHECK(s.regime[i] >= 0 && s.regime[i] < n_regimes, "regime code outside regime_names");
    Q50_CHECK(s.tier[i] >= 0 && s.tier[i] <= 3, "signal tier outside 0..3");
  }
  for (const std::int64_t code : s.variance_regime) {
    Q50_CHECK(code >= 0 && code < static_cast<std::int64_t>(kVarianceRegimeCount),
              "variance regime code outside VarianceRegime");
  }
}

// Per-bar and per-period values every slice is cut from.
struct Derived {
  std::vector<double> returns;         // n-1: period i = bar i -> i+1
  std::vector<double> period_pnl;      // n-1: NaN where bar i holds no position
  std::vector<double> exposure;        // n: |position * price| / equity
  std::vector<std::size_t> trade_bar;  // per trade: last bar at or before it (0 before any)
  double mean_equity = 0;
};

Derived derive(const RunSeries& s) {
  Derived d;
  d.returns = simple_returns(s.equity);
  const std::size_t n = s.size();
  d.period_pnl.assign(n == 0 ? 0 : n - 1, kNaN);
  for (std::size_t i = 0; i + 1 < n; ++i) {
    if (s.position[i] != 0.0) d.period_pnl[i] = s.equity[i + 1] - s.equity[i];
  }
  d.exposure.assign(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    d.exposure[i] = std::fabs(s.position[i] * s.price[i]) / s.equity[i];
  }
  d.trade_bar.reserve(s.trades.size());
  for (const TradeEvent& t : s.trades) {
    const auto it = std::upper_bound(s.ts_ns.begin(), s.ts_ns.end(), t.ts_ns);
    const auto after = static_cast<std::size_t>(it - s.ts_ns.begin());
    d.trade_bar.push_back(after == 0 ? 0 : after - 1);
  }
  d.mean_equity = pandas_mean(s.equity);
  return d;
}

// Every SliceMetrics of a keying of the bars (one key per bar), keys ascending.
std::map<std::int64_t, SliceMetrics> slices_by_key(const RunSeries& s, const Derived& d,
                                                   std::span<const std::int64_t> keys,
                                                   const MetricsOptions& options) {
  const std::size_t n = s.size();
  const auto period_keys = keys.first(n == 0 ? 0 : n - 1);
  std::map<std::int64_t, SliceMetrics> out;
  std::map<std::int64_t, std::vector<double>> exposure;
  for (std::size_t i = 0; i < n; ++i) {
    SliceMetrics& m = out[keys[i]];
    ++m.bars;
    if (s.position[i] != 0.0) m.time_in_market += 1.0;
    exposure[keys[i]].push_back(d.exposure[i]);
  }
  for (auto& [key, r] : return_stats_by_key(period_keys, d.returns, options.periods_per_year)) {
    out[key].returns = r;
  }
  for (auto& [key, t] : trade_stats_by_key(period_keys, d.period_pnl)) {
    out[key].periods_in_market = t;
  }
  for (std::size_t j = 0; j < s.trades.size(); ++j) {
    SliceMetrics& m = out[keys[d.trade_bar[j]]];
    const TradeEvent& t = s.trades[j];
    ++m.trades;
    m.traded_notional += t.qty * t.price;
    m.fees += t.fee;
  }
  for (auto& [key, m] : out) {
    m.time_share = static_cast<double>(m.bars) / static_cast<double>(n);
    m.time_in_market /= static_cast<double>(m.bars);
    m.exposure = pandas_mean(exposure[key]);
    m.turnover = d.mean_equity > 0 ? m.traded_notional / d.mean_equity : 0.0;
  }
  return out;
}

LatencyStats latency_stats(std::vector<std::int64_t> samples) {
  LatencyStats l;
  if (samples.empty()) return l;
  std::sort(samples.begin(), samples.end());
  std::vector<double> as_double(samples.begin(), samples.end());
  l.count = static_cast<std::int64_t>(samples.size());
  l.mean_ns = numpy_sum(as_double) / static_cast<double>(samples.size());
  l.p50_ns = nearest_rank_percentile(samples, 0.50);
  l.p90_ns = nearest_rank_percentile(samples, 0.90);
  l.p99_ns = nearest_rank_percentile(samples, 0.99);
  l.max_ns = samples.back();
  return l;
}

void add_events(const RunSeries& s, RunMetrics& m) {
  for (const RejectEvent& r : s.rejects) ++m.rejects_by_reason[r.reason];
  m.rejects = static_cast<std::int64_t>(s.rejects.size());
  for (const FaultEvent& f : s.faults) {
    FaultKindMetrics& k = m.faults_by_kind[f.kind];
    ++k.seen;
    ++m.faults_seen;
    if (f.recovered_ts_ns != kNotRecovered) {
      ++k.recovered;
      ++m.faults_recovered;
      k.max_recovery_ns = std::max(k.max_recovery_ns, f.recovered_ts_ns - f.ts_ns);
    }
  }
  m.signal_to_order_latency = latency_stats(s.signal_to_order_latency_ns);
}

}  // namespace

std::int64_t nearest_rank_percentile(const std::vector<std::int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double rank = std::ceil(q * static_cast<double>(sorted.size()));
  const auto index = static_cast<std::size_t>(std::max(rank, 1.0)) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

RunMetrics compute_run_metrics(const RunSeries& series, const MetricsOptions& options) {
  check_series(series);
  RunMetrics m;
  m.info = series.info;
  m.periods_per_year = options.periods_per_year;
  add_events(series, m);
  const std::size_t n = series.size();
  if (n == 0) return m;
  m.start_ts_ns = series.ts_ns.front();
  m.end_ts_ns = series.ts_ns.back();
  m.initial_equity = series.equity.front();
  m.final_equity = series.equity.back();
  m.max_drawdown = max_drawdown(series.equity);

  const Derived d = derive(series);
  const std::vector<std::int64_t> one_key(n, 0);
  m.total = slices_by_key(series, d, one_key, options).at(0);
  if (m.total.returns.periods > 0) {
    m.annualized_return =
        std::pow(1.0 + m.total.returns.total_return,
                 options.periods_per_year / static_cast<double>(m.total.returns.periods)) -
        1.0;
  }
  for (auto& [code, slice] : slices_by_key(series, d, series.regime, options)) {
    m.by_regime.emplace_back(series.regime_names[static_cast<std::size_t>(code)], slice);
  }
  if (!series.variance_regime.empty()) {
    for (auto& [code, slice] : slices_by_key(series, d, series.variance_regime, options)) {
      m.by_variance_regime.emplace_back(
          variance_regime_name(static_cast<VarianceRegime>(code)), slice);
    }
  }
  for (auto& [tier, slice] : slices_by_key(series, d, series.tier, options)) {
    m.by_tier.emplace_back(tier, slice);
  }
  return m;
}

}  // namespace q50
