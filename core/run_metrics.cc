#include "core/run_metrics.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <optional>

#include "core/check.h"

namespace q50 {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

void check_series(const RunSeries& s) {
  const std::size_t n = s.size();
  Q50_CHECK(s.price.size() == n && s.equity.size() == n && s.position.size() == n &&
                s.regime.size() == n && s.tier.size() == n && s.side.size() == n,
            "RunSeries bar vectors must have one entry per bar");
  Q50_CHECK(s.variance_regime.empty() || s.variance_regime.size() == n,
            "RunSeries variance_regime must be empty or have one entry per bar");
}

class SeriesBarCursor final : public Cursor<SeriesBar> {
 public:
  explicit SeriesBarCursor(const RunSeries& s) : s_(s) {}
  bool next(SeriesBar& out) override {
    if (i_ >= s_.size()) return false;
    out = {s_.ts_ns[i_],  s_.price[i_], s_.equity[i_], s_.position[i_], s_.regime[i_],
           s_.tier[i_],   s_.variance_regime.empty() ? 0 : s_.variance_regime[i_], s_.side[i_]};
    ++i_;
    return true;
  }

 private:
  const RunSeries& s_;
  std::size_t i_ = 0;
};

class TradeCursor final : public Cursor<TradeEvent> {
 public:
  explicit TradeCursor(const std::vector<TradeEvent>& t) : t_(t) {}
  bool next(TradeEvent& out) override {
    if (i_ >= t_.size()) return false;
    out = t_[i_++];
    return true;
  }

 private:
  const std::vector<TradeEvent>& t_;
  std::size_t i_ = 0;
};

// One slice (the whole run, a regime, a variance regime or a tier) accumulated bar by bar in
// the order the batch formulas of core/metrics.h read their groups, so every figure is
// bit-identical to theirs: sums of returns and PnLs pairwise in blocks (numpy), bottleneck's
// std in two plain passes, products and maxima left to right.
struct SliceAcc {
  std::int64_t bars = 0;
  double in_market = 0;
  PandasMeanAccumulator exposure;
  // Returns of the periods starting in the slice.
  bool has_periods = false;
  std::int64_t periods = 0;
  double compounded = 1.0;
  double peak = 1.0;
  double max_drawdown = 0.0;
  PandasMeanAccumulator mean;
  double plain_sum = 0;  // bottleneck's first pass
  std::int64_t plain_count = 0;
  double squares = 0;  // its second pass (pass 2)
  // PnL of the periods starting in the slice with a position.
  std::int64_t pnl_count = 0;
  std::int64_t wins = 0;
  std::int64_t losses = 0;
  NumpySumAccumulator win_sum;
  NumpySumAccumulator loss_sum;
  // Fills whose bar is in the slice.
  std::int64_t trades = 0;
  double notional = 0;
  double fees = 0;

  void add_return(double r) {
    has_periods = true;
    mean.add(r);
    if (std::isnan(r)) return;
    ++periods;
    compounded *= 1.0 + r;
    peak = std::max(peak, compounded);
    max_drawdown = std::min(max_drawdown, (compounded - peak) / peak);
    plain_sum += r;
    ++plain_count;
  }
  void add_pnl(double pnl) {
    if (std::isnan(pnl)) return;
    ++pnl_count;
    if (pnl > 0) {
      ++wins;
      win_sum.add(pnl);
    } else if (pnl < 0) {
      ++losses;
      loss_sum.add(pnl);
    }
  }
  double plain_mean() const { return plain_sum / static_cast<double>(plain_count); }
  ReturnStats return_stats(double periods_per_year) const;
  TradeStats trade_stats() const;
};

ReturnStats SliceAcc::return_stats(double periods_per_year) const {
  ReturnStats s;
  if (!has_periods) return s;
  s.periods = periods;
  s.total_return = compounded - 1.0;
  s.max_drawdown = max_drawdown;
  s.mean = mean.mean();
  s.std = plain_count <= 1 ? kNaN : std::sqrt(squares / static_cast<double>(plain_count - 1));
  s.volatility = s.std * std::sqrt(periods_per_year);
  s.sharpe_ratio = s.std > 0 ? (s.mean * periods_per_year) / (s.std * std::sqrt(periods_per_year))
                             : 0.0;
  return s;
}

TradeStats SliceAcc::trade_stats() const {
  TradeStats t;
  t.count = pnl_count;
  t.wins = wins;
  t.losses = losses;
  t.win_rate = pnl_count > 0 ? static_cast<double>(wins) / static_cast<double>(pnl_count) : 0.0;
  t.gross_profit = win_sum.sum();
  t.gross_loss = loss_sum.sum();
  t.avg_win = wins == 0 ? 0.0 : t.gross_profit / static_cast<double>(wins);
  t.avg_loss = losses == 0 ? 0.0 : t.gross_loss / static_cast<double>(losses);
  if (losses > 0) {
    t.profit_factor = t.gross_profit / std::fabs(t.gross_loss);
  } else {
    t.profit_factor = wins > 0 ? kInf : 0.0;
  }
  return t;
}

// The four keyings of the bars: the whole run, market regime, variance regime, tier.
constexpr std::size_t kKeyings = 4;
using Keys = std::array<std::int64_t, kKeyings>;
using Slices = std::array<std::map<std::int64_t, SliceAcc>, kKeyings>;

Keys keys_of(const SeriesBar& b) { return {0, b.regime, b.variance_regime, b.tier}; }

// What the first pass leaves besides the slices.
struct Whole {
  std::size_t n = 0;
  TimestampNs start_ts_ns = 0;
  TimestampNs end_ts_ns = 0;
  double initial_equity = 0;
  double final_equity = 0;
  double max_drawdown = 0;
  PandasMeanAccumulator mean_equity;
};

void check_bar(const SeriesBar& b, const std::optional<SeriesBar>& prev, const RunEvents& e) {
  Q50_CHECK(!prev || b.ts_ns > prev->ts_ns, "RunSeries ts_ns must strictly increase");
  Q50_CHECK(b.regime >= 0 && b.regime < static_cast<std::int64_t>(e.regime_names.size()),
            "regime code outside regime_names");
  Q50_CHECK(b.tier >= 0 && b.tier <= 3, "signal tier outside 0..3");
  Q50_CHECK(b.variance_regime >= 0 &&
                b.variance_regime < static_cast<std::int64_t>(kVarianceRegimeCount),
            "variance regime code outside VarianceRegime");
}

// Bar `b` (the previous one of the pass) once the next is known: its period, and the fills
// before the next bar's time (upper_bound of the batch form: a fill at a bar's time belongs
// to that bar; fills before the first bar to the first).
void close_bar(const SeriesBar& b, const SeriesBar* next, Cursor<TradeEvent>& trades,
               std::optional<TradeEvent>& trade, Slices& slices) {
  const Keys keys = keys_of(b);
  for (std::size_t k = 0; k < kKeyings; ++k) {
    SliceAcc& s = slices[k][keys[k]];
    if (next != nullptr) {
      s.add_return(next->equity / b.equity - 1.0);
      if (b.position != 0.0) s.add_pnl(next->equity - b.equity);
    }
  }
  while (trade && (next == nullptr || trade->ts_ns < next->ts_ns)) {
    for (std::size_t k = 0; k < kKeyings; ++k) {
      SliceAcc& s = slices[k][keys[k]];
      ++s.trades;
      s.notional += trade->qty * trade->price;
      s.fees += trade->fee;
    }
    TradeEvent t;
    trade = trades.next(t) ? std::optional<TradeEvent>(t) : std::nullopt;
  }
}

Whole first_pass(const SeriesRecords& records, const RunEvents& events, Slices& slices) {
  Whole w;
  auto bars = records.bars();
  auto trades = records.trades();
  std::optional<TradeEvent> trade;
  if (TradeEvent t; trades->next(t)) trade = t;
  std::optional<SeriesBar> prev;
  double peak = -kInf;
  bool any_drawdown = false;
  for (SeriesBar b; bars->next(b);) {
    check_bar(b, prev, events);
    if (prev) close_bar(*prev, &b, *trades, trade, slices);
    if (w.n == 0) {
      w.start_ts_ns = b.ts_ns;
      w.initial_equity = b.equity;
    }
    ++w.n;
    w.end_ts_ns = b.ts_ns;
    w.final_equity = b.equity;
    w.mean_equity.add(b.equity);
    peak = std::max(peak, b.equity);  // max_drawdown(equity), as core/metrics.cc
    const double dd = (b.equity - peak) / peak;
    if (!std::isnan(dd)) {
      w.max_drawdown = any_drawdown ? std::min(w.max_drawdown, dd) : dd;
      any_drawdown = true;
    }
    const Keys keys = keys_of(b);
    for (std::size_t k = 0; k < kKeyings; ++k) {
      SliceAcc& s = slices[k][keys[k]];
      ++s.bars;
      if (b.position != 0.0) s.in_market += 1.0;
      s.exposure.add(std::fabs(b.position * b.price) / b.equity);
    }
    prev = b;
  }
  if (prev) close_bar(*prev, nullptr, *trades, trade, slices);
  return w;
}

// bottleneck's second pass: the squared deviations from each slice's plain mean.
void second_pass(const SeriesRecords& records, Slices& slices) {
  auto bars = records.bars();
  std::optional<SeriesBar> prev;
  for (SeriesBar b; bars->next(b);) {
    if (prev) {
      const double r = b.equity / prev->equity - 1.0;
      if (!std::isnan(r)) {
        const Keys keys = keys_of(*prev);
        for (std::size_t k = 0; k < kKeyings; ++k) {
          SliceAcc& s = slices[k][keys[k]];
          const double d = r - s.plain_mean();
          s.squares += d * d;
        }
      }
    }
    prev = b;
  }
}

SliceMetrics slice_metrics(const SliceAcc& a, std::size_t n, double mean_equity,
                           const MetricsOptions& options) {
  SliceMetrics m;
  m.bars = a.bars;
  m.time_share = static_cast<double>(a.bars) / static_cast<double>(n);
  m.returns = a.return_stats(options.periods_per_year);
  m.periods_in_market = a.trade_stats();
  m.exposure = a.exposure.mean();
  m.time_in_market = a.in_market / static_cast<double>(a.bars);
  m.trades = a.trades;
  m.traded_notional = a.notional;
  m.turnover = mean_equity > 0 ? a.notional / mean_equity : 0.0;
  m.fees = a.fees;
  return m;
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

void add_events(const RunEvents& e, RunMetrics& m) {
  m.rejects_by_reason = e.rejects_by_reason;
  for (const auto& [reason, count] : e.rejects_by_reason) m.rejects += count;
  for (const FaultEvent& f : e.faults) {
    FaultKindMetrics& k = m.faults_by_kind[f.kind];
    ++k.seen;
    ++m.faults_seen;
    if (f.recovered_ts_ns != kNotRecovered) {
      ++k.recovered;
      ++m.faults_recovered;
      k.max_recovery_ns = std::max(k.max_recovery_ns, f.recovered_ts_ns - f.ts_ns);
    }
  }
  m.signal_to_order_latency = latency_stats(e.signal_to_order_latency_ns);
}

}  // namespace

std::unique_ptr<Cursor<SeriesBar>> RunSeriesRecords::bars() const {
  return std::make_unique<SeriesBarCursor>(s_);
}

std::unique_ptr<Cursor<TradeEvent>> RunSeriesRecords::trades() const {
  return std::make_unique<TradeCursor>(s_.trades);
}

void RunSeriesWriter::add_bar(const SeriesBar& b) {
  s_.ts_ns.push_back(b.ts_ns);
  s_.price.push_back(b.price);
  s_.equity.push_back(b.equity);
  s_.position.push_back(b.position);
  s_.regime.push_back(b.regime);
  s_.tier.push_back(b.tier);
  s_.side.push_back(b.side);
  if (variance_) s_.variance_regime.push_back(b.variance_regime);
}

RunEvents run_events(const RunSeries& s) {
  RunEvents e;
  e.info = s.info;
  e.regime_names = s.regime_names;
  e.has_variance_regime = !s.variance_regime.empty();
  for (const RejectEvent& r : s.rejects) ++e.rejects_by_reason[r.reason];
  e.faults = s.faults;
  e.signal_to_order_latency_ns = s.signal_to_order_latency_ns;
  return e;
}

std::int64_t nearest_rank_percentile(const std::vector<std::int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double rank = std::ceil(q * static_cast<double>(sorted.size()));
  const auto index = static_cast<std::size_t>(std::max(rank, 1.0)) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

RunMetrics compute_run_metrics(const RunSeries& series, const MetricsOptions& options) {
  check_series(series);
  return compute_run_metrics(RunSeriesRecords(series), run_events(series), options);
}

RunMetrics compute_run_metrics(const SeriesRecords& records, const RunEvents& events,
                               const MetricsOptions& options) {
  RunMetrics m;
  m.info = events.info;
  m.periods_per_year = options.periods_per_year;
  add_events(events, m);
  Slices slices;
  const Whole w = first_pass(records, events, slices);
  if (w.n == 0) return m;
  second_pass(records, slices);
  m.start_ts_ns = w.start_ts_ns;
  m.end_ts_ns = w.end_ts_ns;
  m.initial_equity = w.initial_equity;
  m.final_equity = w.final_equity;
  m.max_drawdown = w.max_drawdown;
  const double mean_equity = w.mean_equity.mean();
  m.total = slice_metrics(slices[0].at(0), w.n, mean_equity, options);
  if (m.total.returns.periods > 0) {
    m.annualized_return =
        std::pow(1.0 + m.total.returns.total_return,
                 options.periods_per_year / static_cast<double>(m.total.returns.periods)) -
        1.0;
  }
  for (const auto& [code, slice] : slices[1]) {
    m.by_regime.emplace_back(events.regime_names[static_cast<std::size_t>(code)],
                             slice_metrics(slice, w.n, mean_equity, options));
  }
  if (events.has_variance_regime) {
    for (const auto& [code, slice] : slices[2]) {
      m.by_variance_regime.emplace_back(variance_regime_name(static_cast<VarianceRegime>(code)),
                                        slice_metrics(slice, w.n, mean_equity, options));
    }
  }
  for (const auto& [tier, slice] : slices[3]) {
    m.by_tier.emplace_back(tier, slice_metrics(slice, w.n, mean_equity, options));
  }
  return m;
}

}  // namespace q50
