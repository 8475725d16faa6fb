// Percentiles, variance regimes, vol deciles (declared in core/sizing.h) and the
// RegimeFeatureEngine functions. Expected
// percentile values are the reference meta.json values or were produced by pandas 1.5.3 /
// numpy 1.24.2 (the versions that made the reference) on the inputs written here.
#include "core/regime.h"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/sizing.h"
#include "io/signal_input.h"
#include "tests/support/test_env.h"

namespace q50 {
namespace {

constexpr float kNanF = std::numeric_limits<float>::quiet_NaN();

BOOST_AUTO_TEST_CASE(sample_percentiles_reproduce_every_reference_meta_exactly) {
  for (const std::string name : {"btc_2022", "btc_head_trades", "synthetic_s1"}) {
    const std::string base = testing::reference_dir() + "/signals/" + name;
    const auto meta = nlohmann::json::parse(testing::read_text(base + ".meta.json"));
    const auto input = io::read_signal_input(base + ".input.csv");
    BOOST_REQUIRE_MESSAGE(input.ok(), input.status().ToString());
    const VariancePercentiles p = sample_variance_percentiles(input->vol_risk);
    const auto& m = meta.at("percentiles");
    BOOST_TEST(p.p30 == m.at("p30").get<double>(), name);
    BOOST_TEST(p.p70 == m.at("p70").get<double>(), name);
    BOOST_TEST(p.p90 == m.at("p90").get<double>(), name);
    BOOST_TEST(static_cast<double>(static_cast<float>(p.p30)) ==
                   m.at("p30_as_float32").get<double>(),
               name);
    BOOST_TEST(static_cast<double>(static_cast<float>(p.p90)) ==
                   m.at("p90_as_float32").get<double>(),
               name);
  }
}

BOOST_AUTO_TEST_CASE(interpolation_uses_the_upper_form_when_t_is_at_least_half) {
  // numpy: b - (b-a)*(1-t) for t >= 0.5; a + (b-a)*t would give ...084257816e-05 here.
  const std::vector<float> two = {2.7559112822928e-06f, 7.535130862379447e-05f};
  BOOST_TEST(linear_quantile_sorted(two, 0.76) == 5.792841402580961e-05);
  const std::vector<float> other = {2.8040874894941226e-05f, 4.8519097617827356e-05f};
  BOOST_TEST(linear_quantile_sorted(other, 0.98) == 4.810953316336963e-05);
}

BOOST_AUTO_TEST_CASE(position_uses_q_times_100_over_100_like_pandas) {
  // (0.029*100)/100 = 0.029000000000000005; pandas gives ...252432e-06, q itself ...25243e-06.
  const std::vector<float> v = {9.999999974752427e-07f, 2.828427113854559e-06f,
                                5.196152415010147e-06f};
  BOOST_TEST(linear_quantile_sorted(v, 0.029) == 1.1060487702252432e-06);
}

BOOST_AUTO_TEST_CASE(ends_and_single_values) {
  const std::vector<float> v = {1.0f, 2.0f, 4.0f};
  BOOST_TEST(linear_quantile_sorted(v, 0.0) == 1.0);
  BOOST_TEST(linear_quantile_sorted(v, 1.0) == 4.0);
  BOOST_TEST(linear_quantile_sorted(v, 0.5) == 2.0);
  BOOST_TEST(linear_quantile_sorted(v, 0.75) == 3.0);
  const std::vector<float> one = {3.0f};
  BOOST_TEST(linear_quantile_sorted(one, 0.3) == 3.0);
  BOOST_TEST(std::isnan(linear_quantile_sorted({}, 0.3)));
}

BOOST_AUTO_TEST_CASE(nan_is_skipped_and_then_pandas_rounds_to_float32) {
  const std::vector<float> with_nan = {1e-5f, 2e-5f, kNanF, 3e-5f, 5e-6f};
  const std::vector<float> without = {1e-5f, 2e-5f, 3e-5f, 5e-6f};
  // pandas 1.5.3: Series.quantile(0.3) -> float32 9.5e-06 with the NaN, float64 without it.
  BOOST_TEST(pandas_quantile_f32(with_nan, 0.3) == 9.499999578110874e-06);
  BOOST_TEST(pandas_quantile_f32(without, 0.3) == 9.499999760009813e-06);
  const std::vector<float> all_nan = {kNanF, kNanF};
  BOOST_TEST(std::isnan(pandas_quantile_f32(all_nan, 0.5)));
  // Unsorted input is sorted first.
  const std::vector<float> shuffled = {4.0f, 1.0f, 2.0f};
  BOOST_TEST(pandas_quantile_f32(shuffled, 0.75) == 3.0);
}

BOOST_AUTO_TEST_CASE(variance_flags_multiplier_and_ir_threshold) {
  const VariancePercentiles p{1e-5, 4e-5, 1.2e-4};
  const auto f30 = static_cast<float>(p.p30);
  const auto low = variance_regime_flags(f30, p);
  BOOST_TEST((low.low && !low.medium && !low.high && !low.extreme));
  const auto med = variance_regime_flags(std::nextafter(f30, 1.0f), p);
  BOOST_TEST((!med.low && med.medium && !med.high && !med.extreme));
  const auto none = variance_regime_flags(kNanF, p);
  BOOST_TEST((!none.low && !none.medium && !none.high && !none.extreme));

  // Exact float64 multipliers of the spec (S6).
  BOOST_TEST(threshold_multiplier({true, false, false, false}, false) == 0.7);
  BOOST_TEST(threshold_multiplier({false, true, false, false}, false) == 1.0);
  BOOST_TEST(threshold_multiplier({false, false, true, false}, false) == 1.4);
  BOOST_TEST(threshold_multiplier({false, false, false, true}, false) == 1.8);
  BOOST_TEST(threshold_multiplier({true, false, false, false}, true) == 0.6);
  BOOST_TEST(threshold_multiplier({false, true, false, false}, true) == 0.9);
  BOOST_TEST(threshold_multiplier({false, false, true, false}, true) == 1.2999999999999998);
  BOOST_TEST(threshold_multiplier({false, false, false, true}, true) == 1.7);
  BOOST_TEST(threshold_multiplier({false, false, false, false}, false) == 1.0);  // NaN vr

  BOOST_TEST(info_ratio_threshold({true, false, false, false}) == 1.1);
  BOOST_TEST(info_ratio_threshold({false, true, false, false}) == 1.5);
  BOOST_TEST(info_ratio_threshold({false, false, true, false}) == 1.5);
  BOOST_TEST(info_ratio_threshold({false, false, false, true}) == 2.5);

  BOOST_TEST(!momentum_trending(0.1f));
  BOOST_TEST(!momentum_trending(-0.1f));
  BOOST_TEST(momentum_trending(std::nextafter(0.1f, 1.0f)));
  BOOST_TEST(!momentum_trending(kNanF));
}

BOOST_AUTO_TEST_CASE(vol_raw_decile_breakpoints_and_old_kelly_factors) {
  BOOST_TEST(vol_raw_decile(0.0) == 0);
  BOOST_TEST(vol_raw_decile(0.001617) == 0);  // <= is inclusive
  BOOST_TEST(vol_raw_decile(std::nextafter(0.001617, 1.0)) == 1);
  BOOST_TEST(vol_raw_decile(0.004) == 4);
  BOOST_TEST(vol_raw_decile(0.010491) == 8);
  BOOST_TEST(vol_raw_decile(0.05) == 9);
  BOOST_TEST(vol_raw_decile(0.127162) == 9);
  BOOST_TEST(vol_raw_decile(0.5) == 9);
  BOOST_TEST(vol_raw_decile(std::nan("")) == 9);

  const double want[10] = {1.1, 1.1, 1.0, 1.0, 1.0, 1.0, 0.85, 0.85, 0.7, 0.6};
  for (int d = 0; d < 10; ++d) BOOST_TEST(vol_decile_kelly_factor(d) == want[d], d);

  // vol_raw 0.004 (decile 4, factor 1.0): (0.4 / 0.5) * 0.1.
  BOOST_TEST(kelly_with_vol_raw_deciles(0.004, -0.5) == (0.004 * 100) / 0.5 * 0.1 * 1.0);
  // decile 9: x0.6
  BOOST_TEST(kelly_with_vol_raw_deciles(0.02, 0.25) == (0.02 * 100) / 0.25 * 0.1 * 0.6);
  BOOST_TEST(kelly_with_vol_raw_deciles(0.004, 0.0) == 0.0);
  BOOST_TEST(kelly_with_vol_raw_deciles(0.004, std::nan("")) == 0.0);
}

BOOST_AUTO_TEST_CASE(engine_classifications) {
  const EngineVolThresholds t{1.0, 2.0, 3.0, 4.0};
  BOOST_TEST((engine_vol_regime(1.0f, t) == VolRegime::kUltraLow));
  BOOST_TEST((engine_vol_regime(1.5f, t) == VolRegime::kLow));
  BOOST_TEST((engine_vol_regime(3.0f, t) == VolRegime::kMedium));
  BOOST_TEST((engine_vol_regime(4.0f, t) == VolRegime::kHigh));
  BOOST_TEST((engine_vol_regime(4.5f, t) == VolRegime::kExtreme));
  BOOST_TEST((engine_vol_regime(kNanF, t) == VolRegime::kMedium));

  BOOST_TEST((engine_sentiment_regime(20) == SentimentRegime::kExtremeFear));
  BOOST_TEST((engine_sentiment_regime(20.5) == SentimentRegime::kFear));
  BOOST_TEST((engine_sentiment_regime(35) == SentimentRegime::kFear));
  BOOST_TEST((engine_sentiment_regime(50) == SentimentRegime::kNeutral));
  BOOST_TEST((engine_sentiment_regime(65) == SentimentRegime::kGreed));
  BOOST_TEST((engine_sentiment_regime(80) == SentimentRegime::kExtremeGreed));
  BOOST_TEST((engine_sentiment_regime(std::nan("")) == SentimentRegime::kNeutral));
  // The scale bug: fg is now 0..1, so a neutral 0.5 reads as extreme fear.
  BOOST_TEST((engine_sentiment_regime(0.5) == SentimentRegime::kExtremeFear));

  const std::vector<float> dom = {0.40f, 0.45f, 0.50f, 0.55f, 0.60f};
  const EngineDominanceThresholds d = engine_dominance_thresholds(dom);
  BOOST_TEST(d.low == 0.45999999046325685);  // pandas 1.5.3
  BOOST_TEST(d.high == 0.5400000095367432);
  BOOST_TEST((engine_dominance_regime(0.45f, d) == DominanceRegime::kBtcLow));
  BOOST_TEST((engine_dominance_regime(0.50f, d) == DominanceRegime::kBalanced));
  BOOST_TEST((engine_dominance_regime(0.60f, d) == DominanceRegime::kBtcHigh));
  BOOST_TEST((engine_dominance_regime(kNanF, d) == DominanceRegime::kBalanced));

  const std::vector<float> vr = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  const EngineVolThresholds et = engine_vol_thresholds(vr);
  BOOST_TEST(et.ultra_low == 2.0);
  BOOST_TEST(et.low == 4.0);
  BOOST_TEST(et.high == 8.0);
  BOOST_TEST(et.extreme == 10.0);
}

BOOST_AUTO_TEST_CASE(engine_multiplier_examples) {
  using V = VolRegime;
  using S = SentimentRegime;
  using D = DominanceRegime;
  BOOST_TEST(engine_regime_multiplier(V::kMedium, S::kNeutral, false, false) == 1.0);
  BOOST_TEST(engine_regime_multiplier(V::kHigh, S::kGreed, false, false) == 0.5599999999999999);
  BOOST_TEST(engine_regime_multiplier(V::kLow, S::kFear, false, false) == 1.56);
  BOOST_TEST(engine_regime_multiplier(V::kExtreme, S::kExtremeGreed, false, false) == 0.24);
  // extreme vol + extreme fear: crisis and opportunity, 0.4*2*3*2.5 = 6 -> clipped to 5.
  BOOST_TEST(engine_crisis(V::kExtreme, S::kExtremeFear));
  BOOST_TEST(engine_opportunity(V::kExtreme, S::kExtremeFear, D::kBalanced));
  BOOST_TEST(engine_regime_multiplier(V::kExtreme, S::kExtremeFear, true, true) == 5.0);
  // ultra-low vol + extreme fear + btc_high dominance: opportunity only, 1.5*2*2.5 = 7.5 -> 5.
  BOOST_TEST(!engine_crisis(V::kUltraLow, S::kExtremeFear));
  BOOST_TEST(engine_opportunity(V::kUltraLow, S::kExtremeFear, D::kBtcHigh));
  BOOST_TEST(!engine_opportunity(V::kUltraLow, S::kExtremeFear, D::kBalanced));
  BOOST_TEST(!engine_opportunity(V::kHigh, S::kFear, D::kBtcHigh));
  BOOST_TEST(engine_regime_multiplier(V::kUltraLow, S::kExtremeFear, false, true) == 5.0);
  // high vol + extreme fear: opportunity, 0.7*2*2.5 = 3.5 (no clip).
  BOOST_TEST(engine_regime_multiplier(V::kHigh, S::kExtremeFear, false, true) == 0.7 * 2.0 * 2.5);
}

BOOST_AUTO_TEST_CASE(engine_stability_is_one_minus_the_rolling_change_rate) {
  using V = VolRegime;
  const std::vector<V> seq = {V::kLow, V::kLow, V::kHigh, V::kHigh, V::kHigh};
  // pandas: (1 - changes.rolling(3, min_periods=1).mean()).clip(0, 1)
  const std::vector<double> want = {0.0, 0.5, 0.33333333333333337, 0.6666666666666667,
                                    0.6666666666666667};
  const std::vector<double> got = engine_regime_stability(seq, 3);
  BOOST_TEST(got == want, boost::test_tools::per_element());
}

}  // namespace
}  // namespace q50
