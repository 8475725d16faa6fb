#include "core/regime.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "core/check.h"

namespace q50 {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// The column without NaN, sorted ascending, and whether any NaN was dropped.
struct SortedColumn {
  std::vector<float> values;
  bool had_nan;
};

SortedColumn sort_without_nan(std::span<const float> column) {
  SortedColumn out{{}, false};
  out.values.reserve(column.size());
  for (const float v : column) {
    if (std::isnan(v)) {
      out.had_nan = true;
    } else {
      out.values.push_back(v);
    }
  }
  std::sort(out.values.begin(), out.values.end());
  return out;
}

double pandas_quantile_of_sorted(const SortedColumn& s, double q) {
  const double v = linear_quantile_sorted(s.values, q);
  // pandas 1.5.3 casts the masked (NaN-skipping) result back to the column's float32 dtype.
  return s.had_nan ? static_cast<double>(static_cast<float>(v)) : v;
}

}  // namespace

double linear_quantile_sorted(std::span<const float> sorted, double q) {
  Q50_CHECK(q >= 0.0 && q <= 1.0, "quantile q outside [0, 1]");
  const std::size_t n = sorted.size();
  if (n == 0) return kNan;
  // pandas calls np.percentile(values, q * 100), which divides by 100 again.
  const double q_numpy = (q * 100.0) / 100.0;
  const double h = static_cast<double>(n - 1) * q_numpy;
  if (h >= static_cast<double>(n - 1)) return static_cast<double>(sorted[n - 1]);
  const double below = std::floor(h);
  const auto i = static_cast<std::size_t>(below);
  const double t = h - below;
  const float a = sorted[i];
  const float b = sorted[i + 1];
  // numpy's _lerp: the difference of two float32 neighbours is a float32 subtraction; the
  // product with the float64 fraction and the sum are float64.
  const float diff = b - a;
  if (t >= 0.5) return static_cast<double>(b) - static_cast<double>(diff) * (1.0 - t);
  return static_cast<double>(a) + static_cast<double>(diff) * t;
}

double pandas_quantile_f32(std::span<const float> column, double q) {
  return pandas_quantile_of_sorted(sort_without_nan(column), q);
}

std::vector<double> pandas_quantiles_f32(std::span<const float> column,
                                         std::span<const double> qs) {
  const SortedColumn s = sort_without_nan(column);
  std::vector<double> out;
  out.reserve(qs.size());
  for (const double q : qs) out.push_back(pandas_quantile_of_sorted(s, q));
  return out;
}

VariancePercentiles sample_variance_percentiles(std::span<const float> vol_risk) {
  constexpr std::array<double, 3> kQs = {0.30, 0.70, 0.90};
  const std::vector<double> p = pandas_quantiles_f32(vol_risk, kQs);
  return {p[0], p[1], p[2]};
}

EngineVolThresholds engine_vol_thresholds(std::span<const float> vol_risk) {
  constexpr std::array<double, 4> kQs = {0.1, 0.3, 0.7, 0.9};
  const std::vector<double> p = pandas_quantiles_f32(vol_risk, kQs);
  return {p[0], p[1], p[2], p[3]};
}

VolRegime engine_vol_regime(float vol_risk, const EngineVolThresholds& t) {
  const auto p10 = static_cast<float>(t.ultra_low);
  const auto p30 = static_cast<float>(t.low);
  const auto p70 = static_cast<float>(t.high);
  const auto p90 = static_cast<float>(t.extreme);
  if (vol_risk <= p10) return VolRegime::kUltraLow;
  if (vol_risk > p10 && vol_risk <= p30) return VolRegime::kLow;
  if (vol_risk > p30 && vol_risk <= p70) return VolRegime::kMedium;
  if (vol_risk > p70 && vol_risk <= p90) return VolRegime::kHigh;
  if (vol_risk > p90) return VolRegime::kExtreme;
  return VolRegime::kMedium;  // np.select default: NaN
}

SentimentRegime engine_sentiment_regime(double fg_index) {
  if (fg_index <= 20) return SentimentRegime::kExtremeFear;
  if (fg_index > 20 && fg_index <= 35) return SentimentRegime::kFear;
  if (fg_index > 35 && fg_index < 65) return SentimentRegime::kNeutral;
  if (fg_index >= 65 && fg_index < 80) return SentimentRegime::kGreed;
  if (fg_index >= 80) return SentimentRegime::kExtremeGreed;
  return SentimentRegime::kNeutral;  // np.select default: NaN
}

EngineDominanceThresholds engine_dominance_thresholds(std::span<const float> btc_dom) {
  constexpr std::array<double, 2> kQs = {0.3, 0.7};
  const std::vector<double> p = pandas_quantiles_f32(btc_dom, kQs);
  return {p[0], p[1]};
}

DominanceRegime engine_dominance_regime(float btc_dom, const EngineDominanceThresholds& t) {
  const auto low = static_cast<float>(t.low);
  const auto high = static_cast<float>(t.high);
  if (btc_dom <= low) return DominanceRegime::kBtcLow;
  if (btc_dom > low && btc_dom < high) return DominanceRegime::kBalanced;
  if (btc_dom >= high) return DominanceRegime::kBtcHigh;
  return DominanceRegime::kBalanced;  // np.select default: NaN
}

bool engine_crisis(VolRegime vol, SentimentRegime sentiment) {
  return vol == VolRegime::kExtreme && sentiment == SentimentRegime::kExtremeFear;
}

bool engine_opportunity(VolRegime vol, SentimentRegime sentiment, DominanceRegime dominance) {
  const bool fear = sentiment == SentimentRegime::kExtremeFear;
  const bool vol_up = vol == VolRegime::kHigh || vol == VolRegime::kExtreme;
  return (fear && vol_up) || (fear && dominance == DominanceRegime::kBtcHigh);
}

double engine_regime_multiplier(VolRegime vol, SentimentRegime sentiment, bool crisis,
                                bool opportunity) {
  constexpr std::array<double, 5> kVolFactor = {1.5, 1.2, 1.0, 0.7, 0.4};
  constexpr std::array<double, 5> kSentimentFactor = {2.0, 1.3, 1.0, 0.8, 0.6};
  double m = 1.0;
  m = m * kVolFactor[static_cast<std::size_t>(vol)];
  m = m * kSentimentFactor[static_cast<std::size_t>(sentiment)];
  if (crisis) m = m * 3.0;
  if (opportunity) m = m * 2.5;
  return m < 0.1 ? 0.1 : (m > 5.0 ? 5.0 : m);
}

std::vector<double> engine_regime_stability(std::span<const VolRegime> vol, int window) {
  Q50_CHECK(window >= 1, "regime_stability window must be >= 1");
  const auto w = static_cast<std::size_t>(window);
  std::vector<int> changed(vol.size());
  for (std::size_t i = 0; i < vol.size(); ++i) {
    changed[i] = (i == 0 || vol[i] != vol[i - 1]) ? 1 : 0;
  }
  std::vector<double> out(vol.size());
  int sum = 0;  // 0/1 flags: the rolling sum is exact, so sum/count equals pandas' mean
  for (std::size_t i = 0; i < vol.size(); ++i) {
    sum += changed[i];
    if (i >= w) sum -= changed[i - w];
    const std::size_t count = i + 1 < w ? i + 1 : w;
    const double stability = 1 - static_cast<double>(sum) / static_cast<double>(count);
    out[i] = stability < 0 ? 0.0 : (stability > 1 ? 1.0 : stability);
  }
  return out;
}

std::string_view variance_regime_name(VarianceRegime regime) {
  switch (regime) {
    case VarianceRegime::kUnknown: return "unknown";
    case VarianceRegime::kLow: return "low";
    case VarianceRegime::kMedium: return "medium";
    case VarianceRegime::kHigh: return "high";
    case VarianceRegime::kExtreme: return "extreme";
  }
  return "unknown";
}

}  // namespace q50
