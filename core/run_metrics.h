#ifndef Q50SIM_CORE_RUN_METRICS_H_
#define Q50SIM_CORE_RUN_METRICS_H_

// Performance metrics of one q50sim run (a scenario, a backtest, a live session): the headline
// figures and the same figures broken down per market regime and per signal tier. Pure
// arithmetic over a recorded series; io/run_report.h renders the result as metrics.json and
// report.html. Every statistic is built from core/metrics.h so that a Sharpe ratio here and one
// of the existing system are computed the same way.

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "core/metrics.h"
#include "core/regime.h"
#include "core/run_series.h"
#include "core/timestamp.h"

namespace q50 {

struct RunInfo {
  std::string name;  // scenario name (free text: may hold <, &, quotes)
  std::uint64_t seed = 0;
  std::uint64_t fingerprint = 0;  // the journal's FNV-1a
  std::string version;
};

struct RejectEvent {
  TimestampNs ts_ns = 0;
  std::string reason;
};

inline constexpr TimestampNs kNotRecovered = std::numeric_limits<TimestampNs>::min();

struct FaultEvent {
  TimestampNs ts_ns = 0;
  std::string kind;  // e.g. "outage", "rate_limit"
  TimestampNs recovered_ts_ns = kNotRecovered;
};

// One run, column-wise (one entry per bar in every bar vector; ts_ns strictly increasing).
// Bar i's regime, tier and position are the state in force over the period i -> i+1 (the
// position held after bar i's decisions), and equity is marked at bar i's price.
struct RunSeries {
  RunInfo info;
  std::vector<TimestampNs> ts_ns;
  std::vector<double> price;              // mark price, quote
  std::vector<double> equity;             // quote, > 0
  std::vector<double> position;           // base units, signed (short < 0)
  std::vector<std::int64_t> regime;       // index into regime_names
  std::vector<std::int64_t> tier;         // signal tier 0..3 (0 = no tradeable signal)
  std::vector<std::int8_t> side;          // the signal's side: +1 long, -1 short, 0 none
  std::vector<std::string> regime_names;  // e.g. "low", "high+trending"
  // The strategy's own view of each bar: a VarianceRegime code (core/regime.h) from vol_risk
  // and the frozen percentiles. Empty when the run does not record it (then no breakdown).
  std::vector<std::int64_t> variance_regime;
  std::vector<TradeEvent> trades;         // ts ascending
  std::vector<RejectEvent> rejects;       // ts ascending
  std::vector<FaultEvent> faults;         // ts ascending
  // Simulated signal-to-order latency of each order sent (signal bar time -> venue accept).
  std::vector<std::int64_t> signal_to_order_latency_ns;

  std::size_t size() const { return ts_ns.size(); }
};

// Everything of a run but its per-bar and per-trade records (which a SeriesRecords holds).
struct RunEvents {
  RunInfo info;
  std::vector<std::string> regime_names;  // a bar's regime code indexes this
  bool has_variance_regime = false;       // the bars carry the strategy's variance regime
  std::map<std::string, std::int64_t> rejects_by_reason;
  std::vector<FaultEvent> faults;  // ts ascending
  std::vector<std::int64_t> signal_to_order_latency_ns;
};

// A RunSeries read as SeriesRecords (the series must outlive it), and its other parts.
class RunSeriesRecords final : public SeriesRecords {
 public:
  explicit RunSeriesRecords(const RunSeries& series) : s_(series) {}
  std::size_t bar_count() const override { return s_.size(); }
  std::unique_ptr<Cursor<SeriesBar>> bars() const override;
  std::unique_ptr<Cursor<TradeEvent>> trades() const override;

 private:
  const RunSeries& s_;
};
RunEvents run_events(const RunSeries& series);

// Appends the records to a RunSeries (its variance_regime too, when the writer is told so).
class RunSeriesWriter final : public SeriesWriter {
 public:
  RunSeriesWriter(RunSeries& series, bool variance_regime)
      : s_(series), variance_(variance_regime) {}
  void add_bar(const SeriesBar& bar) override;
  void add_trade(const TradeEvent& trade) override { s_.trades.push_back(trade); }

 private:
  RunSeries& s_;
  bool variance_;
};

struct MetricsOptions {
  double periods_per_year = 365.0 * 24.0;  // hourly bars around the clock, as HB
};

// Statistics of one slice of the run (the whole run, one regime or one tier).
struct SliceMetrics {
  std::int64_t bars = 0;
  double time_share = 0;  // bars / all bars
  // Returns of the periods that start in this slice (bar i -> i+1, keyed by bar i).
  ReturnStats returns;
  // Per-period PnL (equity_{i+1} - equity_i) of the periods that start with an open position:
  // win rate and profit factor of the time spent in the market. The series carries no
  // per-trade realised PnL, so this is the period view (core/metrics.h TradeStats).
  TradeStats periods_in_market;
  double exposure = 0;         // mean over the slice's bars of |position * price| / equity
  double time_in_market = 0;   // share of the slice's bars with position != 0
  std::int64_t trades = 0;     // fills whose ts falls in the slice (bar at or before the fill)
  double traded_notional = 0;  // sum qty * price, quote
  double turnover = 0;         // traded_notional / mean equity of the whole run
  double fees = 0;             // quote
};

struct LatencyStats {
  std::int64_t count = 0;
  double mean_ns = 0;
  std::int64_t p50_ns = 0;  // nearest rank
  std::int64_t p90_ns = 0;
  std::int64_t p99_ns = 0;
  std::int64_t max_ns = 0;
};

struct FaultKindMetrics {
  std::int64_t seen = 0;
  std::int64_t recovered = 0;
  std::int64_t max_recovery_ns = 0;  // over the recovered ones
};

struct RunMetrics {
  RunInfo info;
  double periods_per_year = 0;
  TimestampNs start_ts_ns = 0;
  TimestampNs end_ts_ns = 0;
  double initial_equity = 0;
  double final_equity = 0;
  double annualized_return = 0;  // (1 + total_return)^(P / periods) - 1; 0 without periods
  double max_drawdown = 0;       // of the equity curve itself, <= 0
  SliceMetrics total;
  std::vector<std::pair<std::string, SliceMetrics>> by_regime;  // regime code ascending
  // By the strategy's variance regime (unknown, low, ..., extreme), those that occur.
  std::vector<std::pair<std::string, SliceMetrics>> by_variance_regime;
  std::vector<std::pair<std::int64_t, SliceMetrics>> by_tier;   // tier ascending
  std::map<std::string, std::int64_t> rejects_by_reason;
  std::int64_t rejects = 0;
  std::map<std::string, FaultKindMetrics> faults_by_kind;
  std::int64_t faults_seen = 0;
  std::int64_t faults_recovered = 0;
  LatencyStats signal_to_order_latency;
};

// Metrics of a run. Programmer errors (abort): bar vectors of different lengths (a non-empty
// variance_regime included), ts_ns not strictly increasing, a regime code outside regime_names,
// a variance regime code outside VarianceRegime, a tier outside 0..3.
// Only regimes and tiers that occur get a row. An empty series gives zeros.
RunMetrics compute_run_metrics(const RunSeries& series, const MetricsOptions& options);

// The same from records read in two passes, in memory that does not grow with the run (about
// 4 MiB of summation blocks): bit for bit the metrics of the equivalent RunSeries.
RunMetrics compute_run_metrics(const SeriesRecords& records, const RunEvents& events,
                               const MetricsOptions& options);

// Nearest-rank percentile (q in (0, 1]) of samples sorted ascending; 0 for no samples.
std::int64_t nearest_rank_percentile(const std::vector<std::int64_t>& sorted, double q);

}  // namespace q50

#endif  // Q50SIM_CORE_RUN_METRICS_H_
