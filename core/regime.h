#ifndef Q50SIM_CORE_REGIME_H_
#define Q50SIM_CORE_REGIME_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace q50 {

// Percentiles (pandas Series.quantile on a float32 column)
// numpy.percentile(method="linear") over finite-or-inf float32 values already sorted
// ascending, exactly as pandas 1.5.3 / numpy 1.24.2 compute it:
//   - pandas passes q*100 and numpy divides by 100 again, so the position uses
//     (q*100)/100, which is not always q (0.07 -> 0.07000000000000001);
//   - h = (n-1)*q; below/above the ends the first/last value is returned;
//   - the two neighbours a <= b are float32 and their difference is taken in float32;
//   - the result is float64: a + (b-a)*t, or b - (b-a)*(1-t) when t >= 0.5.
// Empty input gives NaN. q must be in [0, 1] (programmer error otherwise).
double linear_quantile_sorted(std::span<const float> sorted, double q);

// pandas Series.quantile(q) of a float32 column: NaN values are skipped. Quirk of pandas
// 1.5.3 (_nanpercentile "preserve itemsize"): when the column holds any NaN, the result is
// rounded to float32; without NaN it stays float64. All-NaN or empty gives NaN.
double pandas_quantile_f32(std::span<const float> column, double q);

// The same for several q's, sorting the column once. out[i] belongs to qs[i].
std::vector<double> pandas_quantiles_f32(std::span<const float> column, std::span<const double> qs);

// HEAD variance regimes (q50_regime_aware_signals / identify_market_regimes)
// vol_risk.quantile(0.30 / 0.70 / 0.90), float64 as pandas returns them. One set of
// whole-sample constants for all rows (existing system: look-ahead, not rolling).
struct VariancePercentiles {
  double p30;
  double p70;
  double p90;
};

// "sample" mode: the percentiles of the given vol_risk column (NaN skipped, see above).
VariancePercentiles sample_variance_percentiles(std::span<const float> vol_risk);

struct VarianceRegimeFlags {
  bool low;
  bool medium;
  bool high;
  bool extreme;
};

// low: vr <= P30; medium: P30 < vr <= P70; high: P70 < vr <= P90; extreme: vr > P90.
// Quirk: numpy 1.24 compares a float32 column with a float64 scalar in float32, so the
// comparisons use float(P). NaN vol_risk sets no flag (then m = 1 and thr is NaN).
inline VarianceRegimeFlags variance_regime_flags(float vol_risk, const VariancePercentiles& p) {
  const auto p30 = static_cast<float>(p.p30);
  const auto p70 = static_cast<float>(p.p70);
  const auto p90 = static_cast<float>(p.p90);
  return {vol_risk <= p30, vol_risk > p30 && vol_risk <= p70, vol_risk > p70 && vol_risk <= p90,
          vol_risk > p90};
}

// A bar's variance regime as one code, for reports and breakdowns (ours: the existing system
// keeps four flag columns). kUnknown when vol_risk is NaN: the first bars of a stream, before
// the six-return window has two returns.
enum class VarianceRegime : std::uint8_t { kUnknown, kLow, kMedium, kHigh, kExtreme };
inline constexpr std::size_t kVarianceRegimeCount = 5;

inline VarianceRegime variance_regime_of(const VarianceRegimeFlags& f) {
  if (f.low) return VarianceRegime::kLow;
  if (f.medium) return VarianceRegime::kMedium;
  if (f.high) return VarianceRegime::kHigh;
  if (f.extreme) return VarianceRegime::kExtreme;
  return VarianceRegime::kUnknown;
}

// "unknown", "low", "medium", "high", "extreme".
std::string_view variance_regime_name(VarianceRegime regime);

// |vol_raw_momentum| > 0.1, compared in float32 (a float32 column against a Python float):
// +-float(0.1) is NOT trending, NaN is not trending. vol_raw_momentum is a difference of Std6
// values (max |.| 0.074 in the data), so this never fires on real data.
inline bool momentum_trending(float vol_raw_momentum) {
  const float magnitude = vol_raw_momentum < 0.0f ? -vol_raw_momentum : vol_raw_momentum;
  return magnitude > 0.1f;
}

// Threshold multiplier m = clip(1 - 0.3*low + 0.4*high + 0.8*extreme - 0.1*trending, 0.3, 3),
// evaluated left to right as the original's -=/+= on a Series (high + trending gives
// 1.2999999999999998). The clip never binds.
inline double threshold_multiplier(const VarianceRegimeFlags& f, bool trending) {
  double m = 1.0;
  m -= (f.low ? 1.0 : 0.0) * 0.3;
  m += (f.high ? 1.0 : 0.0) * 0.4;
  m += (f.extreme ? 1.0 : 0.0) * 0.8;
  m -= (trending ? 1.0 : 0.0) * 0.1;
  return m < 0.3 ? 0.3 : (m > 3.0 ? 3.0 : m);
}

// Effective information-ratio threshold: clip(1.5 - 0.4*low + 1.0*extreme, 0.5, 3):
// low 1.1, medium/high 1.5, extreme 2.5.
inline double info_ratio_threshold(const VarianceRegimeFlags& f) {
  double t = 1.5;
  t -= (f.low ? 1.0 : 0.0) * 0.4;
  t += (f.extreme ? 1.0 : 0.0) * 1.0;
  return t < 0.5 ? 0.5 : (t > 3.0 ? 3.0 : t);
}

// Vol deciles (get_vol_raw_decile) and the old decile Kelly factors live in core/sizing.h
// with the other Kelly rules.

// RegimeFeatureEngine (src/features/regime_features.py; imported only by tests)
enum class VolRegime : std::uint8_t { kUltraLow, kLow, kMedium, kHigh, kExtreme };
enum class SentimentRegime : std::uint8_t { kExtremeFear, kFear, kNeutral, kGreed, kExtremeGreed };
enum class DominanceRegime : std::uint8_t { kBtcLow, kBalanced, kBtcHigh };

// The engine's cached whole-sample vol_risk quantiles (.1/.3/.7/.9).
struct EngineVolThresholds {
  double ultra_low;  // p10
  double low;        // p30
  double high;       // p70
  double extreme;    // p90
};
EngineVolThresholds engine_vol_thresholds(std::span<const float> vol_risk);

// ultra_low <= p10 < low <= p30 < medium <= p70 < high <= p90 < extreme, compared in float32
// (float32 column vs float64 scalar); NaN falls to np.select's default, medium.
VolRegime engine_vol_regime(float vol_risk, const EngineVolThresholds& t);

// $fg_index against 20/35/65/80: <= 20 extreme_fear, (20,35] fear, (35,65) neutral,
// [65,80) greed, >= 80 extreme_greed; NaN neutral. Scale bug of the existing system: the
// loader now divides fg by 100, so every real row is extreme_fear.
SentimentRegime engine_sentiment_regime(double fg_index);

// $btc_dom against its whole-sample quantiles .3/.7 (float32 column, float32 comparison):
// <= p30 btc_low, (p30, p70) balanced, >= p70 btc_high; NaN balanced.
struct EngineDominanceThresholds {
  double low;   // p30
  double high;  // p70
};
EngineDominanceThresholds engine_dominance_thresholds(std::span<const float> btc_dom);
DominanceRegime engine_dominance_regime(float btc_dom, const EngineDominanceThresholds& t);

// crisis = extreme vol and extreme_fear.
bool engine_crisis(VolRegime vol, SentimentRegime sentiment);
// opportunity = extreme_fear and (vol high or extreme, or dominance btc_high).
bool engine_opportunity(VolRegime vol, SentimentRegime sentiment, DominanceRegime dominance);

// ((1 * vol factor) * sentiment factor) * 3.0 if crisis * 2.5 if opportunity, clipped to
// [0.1, 5]. vol factors ultra_low 1.5, low 1.2, medium 1.0, high 0.7, extreme 0.4; sentiment
// extreme_fear 2.0, fear 1.3, neutral 1.0, greed 0.8, extreme_greed 0.6.
double engine_regime_multiplier(VolRegime vol, SentimentRegime sentiment, bool crisis,
                                bool opportunity);

// regime_stability: 1 - rolling(window, min_periods=1) mean of "vol regime changed" (the
// first row counts as changed), clipped to [0, 1]. One value per input row.
std::vector<double> engine_regime_stability(std::span<const VolRegime> vol, int window = 20);

}  // namespace q50

#endif  // Q50SIM_CORE_REGIME_H_
