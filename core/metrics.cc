#include "core/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>

#include "core/check.h"

namespace q50 {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// numpy's pairwise_sum_DOUBLE (loops_utils.h.src, v1.24): below 8 elements a plain loop from
// 0.0; up to 128 elements eight interleaved accumulators combined as a balanced tree plus a
// plain tail; above that the halves split at a multiple of 8.
double pairwise_sum(const double* a, std::size_t n) {
  if (n < 8) {
    double res = 0.0;
    for (std::size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (std::size_t j = 0; j < 8; ++j) r[j] = a[j];
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (std::size_t j = 0; j < 8; ++j) r[j] += a[i + j];
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  std::size_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

// numpy's power_of_ten (multiarray/calculation.c): a table up to 1e8, then repeated *10.
double power_of_ten(int n) {
  static constexpr double kP10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
  if (n < 9) return kP10[n];
  double ret = 1e9;
  while (n-- > 9) ret *= 10.0;
  return ret;
}

std::vector<double> filtered(std::span<const double> x, bool (*keep)(double)) {
  std::vector<double> out;
  for (const double v : x) {
    if (keep(v)) out.push_back(v);
  }
  return out;
}

// pandas' cython group_sum / group_mean accumulation (Kahan), NaN skipped.
struct KahanAcc {
  double sum = 0;
  double compensation = 0;
  std::int64_t count = 0;
  void add(double v) {
    if (std::isnan(v)) return;
    ++count;
    const double y = v - compensation;
    const double t = sum + y;
    compensation = t - sum - y;
    sum = t;
  }
  double mean() const { return count > 0 ? sum / static_cast<double>(count) : kNan; }
};

}  // namespace

double numpy_sum(std::span<const double> x) {
  constexpr std::size_t kBufferSize = 8192;  // NPY_BUFSIZE: the reduce's inner-loop length
  double acc = 0.0;
  for (std::size_t begin = 0; begin < x.size(); begin += kBufferSize) {
    acc += pairwise_sum(x.data() + begin, std::min(kBufferSize, x.size() - begin));
  }
  return acc;
}

void NumpySumAccumulator::add(double v) {
  constexpr std::size_t kBufferSize = 8192;  // numpy_sum's blocks
  if (block_.capacity() == 0) block_.reserve(kBufferSize);
  block_.push_back(v);
  if (block_.size() == kBufferSize) {
    acc_ += pairwise_sum(block_.data(), block_.size());
    block_.clear();
  }
}

double NumpySumAccumulator::sum() const {
  return block_.empty() ? acc_ : acc_ + pairwise_sum(block_.data(), block_.size());
}

void PandasMeanAccumulator::add(double v) {
  if (std::isnan(v)) {
    sum_.add(0.0);
  } else {
    sum_.add(v);
    ++count_;
  }
}

double PandasMeanAccumulator::mean() const {
  return count_ == 0 ? kNan : sum_.sum() / static_cast<double>(count_);
}

double pandas_mean(std::span<const double> x) {
  std::vector<double> filled(x.begin(), x.end());
  std::int64_t count = 0;
  for (double& v : filled) {
    if (std::isnan(v)) {
      v = 0.0;  // nanops._get_values(fill_value=0)
    } else {
      ++count;
    }
  }
  if (count == 0) return kNan;
  return numpy_sum(filled) / static_cast<double>(count);
}

double pandas_std(std::span<const double> x, int ddof) {
  double sum = 0.0;
  std::int64_t count = 0;
  for (const double v : x) {
    if (std::isnan(v)) continue;
    sum += v;
    ++count;
  }
  if (count <= ddof) return kNan;
  const double mean = sum / static_cast<double>(count);
  double ss = 0.0;
  for (const double v : x) {
    if (std::isnan(v)) continue;
    const double d = v - mean;
    ss += d * d;
  }
  return std::sqrt(ss / static_cast<double>(count - ddof));
}

double kahan_sum(std::span<const double> x) {
  KahanAcc acc;
  for (const double v : x) acc.add(v);
  return acc.sum;
}

double numpy_round(double x, int decimals) {
  Q50_CHECK(decimals >= 0, "numpy_round: negative decimals are not ported");
  const double f = power_of_ten(decimals);
  return std::nearbyint(x * f) / f;
}

std::vector<double> simple_returns(std::span<const double> values) {
  std::vector<double> out;
  if (values.size() < 2) return out;
  out.reserve(values.size() - 1);
  for (std::size_t i = 1; i < values.size(); ++i) out.push_back(values[i] / values[i - 1] - 1.0);
  return out;
}

std::vector<double> drawdowns(std::span<const double> values) {
  std::vector<double> out;
  out.reserve(values.size());
  double peak = -kInf;
  for (const double v : values) {
    peak = std::max(peak, v);  // expanding().max()
    out.push_back((v - peak) / peak);
  }
  return out;
}

double max_drawdown(std::span<const double> values) {
  double worst = 0.0;
  bool any = false;
  for (const double d : drawdowns(values)) {
    if (std::isnan(d)) continue;
    worst = any ? std::min(worst, d) : d;
    any = true;
  }
  return worst;
}

double sharpe_ratio(std::span<const double> returns, double periods_per_year) {
  const double sd = pandas_std(returns, 1);
  if (!(sd > 0)) return 0.0;
  return (pandas_mean(returns) * periods_per_year) / (sd * std::sqrt(periods_per_year));
}

ReturnStats return_stats(std::span<const double> returns, double periods_per_year) {
  ReturnStats s;
  double equity = 1.0;
  double peak = 1.0;
  for (const double r : returns) {
    if (std::isnan(r)) continue;
    ++s.periods;
    equity *= 1.0 + r;
    peak = std::max(peak, equity);
    s.max_drawdown = std::min(s.max_drawdown, (equity - peak) / peak);
  }
  s.total_return = equity - 1.0;
  s.mean = pandas_mean(returns);
  s.std = pandas_std(returns, 1);
  s.volatility = s.std * std::sqrt(periods_per_year);
  s.sharpe_ratio = sharpe_ratio(returns, periods_per_year);
  return s;
}

TradeStats trade_stats(std::span<const double> pnl) {
  TradeStats s;
  const std::vector<double> wins = filtered(pnl, [](double v) { return v > 0; });
  const std::vector<double> losses = filtered(pnl, [](double v) { return v < 0; });
  for (const double v : pnl) s.count += std::isnan(v) ? 0 : 1;
  s.wins = static_cast<std::int64_t>(wins.size());
  s.losses = static_cast<std::int64_t>(losses.size());
  s.win_rate = s.count > 0 ? static_cast<double>(s.wins) / static_cast<double>(s.count) : 0.0;
  s.avg_win = wins.empty() ? 0.0 : pandas_mean(wins);
  s.avg_loss = losses.empty() ? 0.0 : pandas_mean(losses);
  s.gross_profit = numpy_sum(wins);
  s.gross_loss = numpy_sum(losses);
  if (s.losses > 0) {
    s.profit_factor = s.gross_profit / std::fabs(s.gross_loss);
  } else {
    s.profit_factor = s.wins > 0 ? kInf : 0.0;
  }
  return s;
}

namespace {

std::map<std::int64_t, std::vector<double>> group_by_key(std::span<const std::int64_t> keys,
                                                         std::span<const double> values) {
  Q50_CHECK(keys.size() == values.size(), "group_by_key: keys and values differ in length");
  std::map<std::int64_t, std::vector<double>> groups;
  for (std::size_t i = 0; i < keys.size(); ++i) groups[keys[i]].push_back(values[i]);
  return groups;
}

}  // namespace

std::vector<std::pair<std::int64_t, ReturnStats>> return_stats_by_key(
    std::span<const std::int64_t> keys, std::span<const double> returns, double periods_per_year) {
  std::vector<std::pair<std::int64_t, ReturnStats>> out;
  for (const auto& [key, group] : group_by_key(keys, returns)) {
    out.emplace_back(key, return_stats(group, periods_per_year));
  }
  return out;
}

std::vector<std::pair<std::int64_t, TradeStats>> trade_stats_by_key(
    std::span<const std::int64_t> keys, std::span<const double> pnl) {
  std::vector<std::pair<std::int64_t, TradeStats>> out;
  for (const auto& [key, group] : group_by_key(keys, pnl))
    out.emplace_back(key, trade_stats(group));
  return out;
}

// HummingbotQuantileBacktester.calculate_metrics
HbMetrics hb_metrics(const HbMetricsInput& in) {
  Q50_CHECK(!in.portfolio_value.empty(), "hb_metrics: empty portfolio history");
  constexpr double kPeriodsPerYear = 365 * 24;
  HbMetrics m;
  const auto n = static_cast<double>(in.portfolio_value.size());
  m.final_portfolio_value = in.portfolio_value.back();
  m.total_return = m.final_portfolio_value / in.initial_balance - 1.0;
  // results_df['returns'].dropna(): pct_change has no NaN but the first.
  const std::vector<double> returns = simple_returns(in.portfolio_value);
  m.annualized_return = std::pow(1.0 + m.total_return, kPeriodsPerYear / n) - 1.0;
  const double sd = pandas_std(returns, 1);
  m.volatility = sd * std::sqrt(kPeriodsPerYear);
  // existing system: `if returns.std() > 0` -- NaN (a single bar) also gives 0.
  m.sharpe_ratio =
      sd > 0 ? (pandas_mean(returns) * kPeriodsPerYear) / (sd * std::sqrt(kPeriodsPerYear)) : 0.0;
  m.max_drawdown = max_drawdown(in.portfolio_value);
  m.total_trades = static_cast<std::int64_t>(in.trade_pnl.size());
  m.total_holds = static_cast<std::int64_t>(in.hold_reasons.size());
  m.total_periods = static_cast<std::int64_t>(in.portfolio_value.size());
  m.trade_frequency = static_cast<double>(m.total_trades) / n;
  m.hold_frequency = static_cast<double>(m.total_holds) / n;
  for (const std::string_view reason : in.hold_reasons) {
    auto it = std::find_if(m.hold_reasons.begin(), m.hold_reasons.end(),
                           [&](const auto& kv) { return kv.first == reason; });
    if (it == m.hold_reasons.end()) {
      m.hold_reasons.emplace_back(std::string(reason), 1);
    } else {
      ++it->second;
    }
  }
  std::int64_t wins = 0;
  for (const double pnl : in.trade_pnl) wins += pnl > 0 ? 1 : 0;
  m.win_rate =
      in.trade_pnl.empty() ? 0.0 : static_cast<double>(wins) / static_cast<double>(m.total_trades);
  m.final_balance = in.final_balance;
  m.final_position = in.final_position;
  return m;
}

// QuantileBacktester._calculate_metrics
namespace {

// trades_df.groupby('tier').agg({'pnl': ['sum','mean','count'], 'tier_confidence': 'mean'})
// .round(4): Kahan sums and means as pandas' cython groupby computes them, then numpy.round.
std::vector<QbTierPerformance> tier_performance(std::span<const QbMetricsRow> rows) {
  struct Acc {
    KahanAcc pnl;
    KahanAcc confidence;
  };
  std::map<std::int64_t, Acc> groups;
  for (const auto& r : rows) {
    Acc& a = groups[r.tier];
    a.pnl.add(r.pnl);
    a.confidence.add(r.tier_confidence);
  }
  std::vector<QbTierPerformance> out;
  for (const auto& [tier, a] : groups) {
    out.push_back({tier, numpy_round(a.pnl.sum, 4), numpy_round(a.pnl.mean(), 4), a.pnl.count,
                   numpy_round(a.confidence.mean(), 4)});
  }
  return out;
}

}  // namespace

QbMetrics qb_metrics(std::span<const QbMetricsRow> rows, const QbMetricsConfig& config) {
  Q50_CHECK(!rows.empty(), "qb_metrics: no trade records");
  QbMetrics m;
  m.data_frequency = config.data_frequency;
  m.prediction_horizon_hours = config.prediction_horizon_hours;
  m.periods_per_year = 252.0 * 24.0 / config.prediction_horizon_hours;
  const double p = m.periods_per_year;
  const auto n = static_cast<double>(rows.size());
  m.total_return = rows.back().portfolio_value / config.initial_capital - 1.0;

  std::vector<double> returns;
  std::vector<double> pnl;
  std::vector<double> drawdown;
  returns.reserve(rows.size());
  pnl.reserve(rows.size());
  drawdown.reserve(rows.size());
  for (const auto& r : rows) {
    m.total_trades += r.hold ? 0 : 1;
    pnl.push_back(r.pnl);
    returns.push_back(r.pnl / config.initial_capital);  // gross of costs (quirk QB 4)
    drawdown.push_back(r.drawdown);
  }
  m.volatility = rows.size() > 1 ? pandas_std(returns, 1) * std::sqrt(p) : 0.0;
  const double mean_return = pandas_mean(returns) * p;
  m.sharpe_ratio = m.volatility > 0 ? mean_return / m.volatility : 0.0;
  m.max_drawdown = kNan;  // drawdown.max(): NaN skipped, NaN when nothing is left
  for (const double d : drawdown) {
    if (!std::isnan(d) && !(d <= m.max_drawdown)) m.max_drawdown = d;
  }
  m.annualized_return = std::pow(1.0 + m.total_return, p / n) - 1.0;

  const TradeStats t = trade_stats(pnl);
  m.avg_win = t.avg_win;
  m.avg_loss = t.avg_loss;
  // existing system: wins are counted over every row, divided by the non-HOLD rows only.
  m.win_rate =
      m.total_trades > 0 ? static_cast<double>(t.wins) / static_cast<double>(m.total_trades) : 0.0;
  m.profit_factor = (m.avg_loss != 0 && t.losses > 0)
                        ? std::fabs(m.avg_win * static_cast<double>(t.wins) /
                                    (m.avg_loss * static_cast<double>(t.losses)))
                        : kInf;
  m.tier_performance = tier_performance(rows);
  std::vector<double> prob_up;
  prob_up.reserve(rows.size());
  for (const auto& r : rows) prob_up.push_back(r.prob_up);
  m.probability_calibration = calibration_bins(prob_up, pnl, 10);
  return m;
}

// pd.cut(x, bins=n) + groupby(...).apply(lambda s: (s > 0).mean())
namespace {

// pandas.core.reshape.tile._round_frac: round to `precision` significant digits after the
// leading zeros of the fractional part (or to `precision` decimals when |x| >= 1).
double round_frac(double x, int precision) {
  if (!std::isfinite(x) || x == 0) return x;
  double whole = 0;
  const double frac = std::modf(x, &whole);
  int digits = precision;
  if (whole == 0) {
    digits = -static_cast<int>(std::floor(std::log10(std::fabs(frac)))) - 1 + precision;
  }
  return numpy_round(x, digits);
}

// _infer_precision: the smallest precision in [base, 20) whose rounded edges are distinct.
int infer_precision(int base, const std::vector<double>& edges) {
  for (int precision = base; precision < 20; ++precision) {
    std::vector<double> levels;
    for (const double e : edges) levels.push_back(round_frac(e, precision));
    std::sort(levels.begin(), levels.end());
    if (std::adjacent_find(levels.begin(), levels.end()) == levels.end()) return precision;
  }
  return base;
}

// np.linspace(mn, mx, n+1): i*step + mn, the last one set to mx exactly.
std::vector<double> linspace(double mn, double mx, int n) {
  const double delta = mx - mn;
  const double step = delta / n;
  std::vector<double> out;
  for (int i = 0; i <= n; ++i) {
    // numpy's denormal branch (gh-5437) when the step underflows to 0.
    const double y = step == 0 ? static_cast<double>(i) / n * delta : static_cast<double>(i) * step;
    out.push_back(y + mn);
  }
  out.back() = mx;
  return out;
}

}  // namespace

std::vector<QbCalibrationBin> calibration_bins(std::span<const double> x,
                                               std::span<const double> outcome, int n_bins) {
  Q50_CHECK(x.size() == outcome.size(), "calibration_bins: x and outcome differ in length");
  Q50_CHECK(n_bins >= 1, "calibration_bins: n_bins < 1");
  double mn = kInf;
  double mx = -kInf;
  bool any = false;
  for (const double v : x) {
    if (std::isnan(v)) continue;
    // pandas raises "cannot specify integer `bins` when input data contains infinity" and the
    // original's bare except stores an empty Series.
    if (std::isinf(v)) return {};
    mn = std::min(mn, v);
    mx = std::max(mx, v);
    any = true;
  }
  if (!any) return {};
  std::vector<double> edges;
  if (mn == mx) {  // adjust the end points before binning
    mn -= mn != 0 ? 0.001 * std::fabs(mn) : 0.001;
    mx += mx != 0 ? 0.001 * std::fabs(mx) : 0.001;
    edges = linspace(mn, mx, n_bins);
  } else {  // widen the first (right-closed) bin by 0.1% of the range after binning
    edges = linspace(mn, mx, n_bins);
    edges.front() -= (mx - mn) * 0.001;
  }
  const int precision = infer_precision(3, edges);
  std::vector<QbCalibrationBin> bins(static_cast<std::size_t>(n_bins));
  std::vector<std::int64_t> positive(bins.size(), 0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isnan(x[i])) continue;
    // searchsorted(side='left'): the bin k with edges[k] < x <= edges[k+1].
    const auto id = std::lower_bound(edges.begin(), edges.end(), x[i]) - edges.begin();
    if (id == 0 || static_cast<std::size_t>(id) == edges.size()) continue;
    const auto k = static_cast<std::size_t>(id - 1);
    ++bins[k].count;
    positive[k] += outcome[i] > 0 ? 1 : 0;
  }
  for (std::size_t k = 0; k < bins.size(); ++k) {
    bins[k].edge_left = edges[k];
    bins[k].edge_right = edges[k + 1];
    bins[k].label_left = round_frac(edges[k], precision);
    bins[k].label_right = round_frac(edges[k + 1], precision);
    bins[k].up_fraction =
        bins[k].count > 0 ? static_cast<double>(positive[k]) / static_cast<double>(bins[k].count)
                          : kNan;
  }
  return bins;
}

}  // namespace q50
