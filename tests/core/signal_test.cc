// The test vectors of shared/spec/existing-signals.md §6 (T1-T13 and the three real rows),
// plus the regime edge cases of §3 and README §8.
//
// The spec derived T1-T13 by hand in double with vol_risk as a double. The pipeline holds
// vol_risk as float32 (as the original does), so inputs here are float32 and values that
// depend on vol_risk (thr, EIR, strength) are checked to the float32/float64 gap (1e-7
// relative), except where the spec gives the float32-exact variant, which is checked exactly.
// Values that do not depend on vol_risk are checked to the spec's 10 significant digits.
#include "core/signal.h"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <iomanip>
#include <limits>

namespace q50 {
namespace {

// Spec §6 constants (the whole-training-frame percentiles).
constexpr VariancePercentiles kSpecP{8.464913116768003e-06, 4.007928073406219e-05,
                                     1.2133085692767059e-04};

constexpr double kDigits10 = 5e-10;    // a value the spec prints with 10 significant digits
constexpr double kF32VsF64 = 1e-7;     // the spec's double vol_risk vs the pipeline's float32

bool rel_close(double got, double want, double rtol) {
  if (want == 0.0) return got == 0.0;
  return std::fabs(got - want) <= rtol * std::fabs(want);
}

#define CHECK_REL(got, want, rtol)                                                        \
  BOOST_TEST(rel_close((got), (want), (rtol)),                                            \
             #got << " = " << std::setprecision(17) << (got) << ", want " << (want))
// The spec prints the real rows' EV with 10 decimals: half a unit of the last one.
#define CHECK_EV_10_DECIMALS(got, want)                                                    \
  BOOST_TEST(std::fabs((got) - (want)) <= 5e-11,                                         \
             #got << " = " << std::setprecision(17) << (got) << ", want " << (want))

struct Regime {
  bool low, medium, high, extreme, trending;
};

void check_regime(const SignalRow& r, Regime want) {
  BOOST_TEST(r.variance_regime_low == want.low);
  BOOST_TEST(r.variance_regime_medium == want.medium);
  BOOST_TEST(r.variance_regime_high == want.high);
  BOOST_TEST(r.variance_regime_extreme == want.extreme);
  BOOST_TEST(r.momentum_regime_trending == want.trending);
}

constexpr Regime kLow{true, false, false, false, false};
constexpr Regime kMedium{false, true, false, false, false};
constexpr Regime kExtreme{false, false, false, true, false};

BOOST_AUTO_TEST_CASE(t1_plain_long_and_its_float32_threshold) {
  const SignalRow r = compute_signal({-.002, .001, .004, 2e-5f, 0.0f}, kSpecP);
  CHECK_REL(r.prob_up, 0.6333333333, kDigits10);
  CHECK_REL(r.expected_value, 0.0018, kDigits10);
  check_regime(r, kMedium);
  // Spec: "T1 with vr = f32(2e-5): vm = f32 1.0099999904632568, thr = 5.049999952316285e-4".
  BOOST_TEST(r.signal_thresh_adaptive == 5.049999952316285e-4);
  BOOST_TEST(r.signal_thresh_adaptive == 0.0005 * static_cast<double>(1.0099999904632568f));
  BOOST_TEST(r.effective_info_ratio_threshold == 1.5);
  CHECK_REL(r.enhanced_info_ratio, 0.1856953382, kF32VsF64);
  BOOST_TEST(r.tradeable);
  BOOST_TEST(r.side == kSideLong);
  BOOST_TEST(r.signal_tier == 3);
  CHECK_REL(r.signal_strength, 1.237968921e-4, kF32VsF64);
  BOOST_TEST(r.position_size_suggestion == 0.5);
  CHECK_REL(r.kelly_position_size, 0.0351, kDigits10);
}

BOOST_AUTO_TEST_CASE(t2_all_negative_quantiles_short_with_kelly_floor) {
  const SignalRow r = compute_signal({-.006, -.003, -.001, 5e-6f, 0.0f}, kSpecP);
  BOOST_TEST(r.prob_up == 0.0);
  CHECK_REL(r.expected_value, 0.001, kDigits10);  // = -q90
  check_regime(r, kLow);
  CHECK_REL(r.signal_thresh_adaptive, 3.50875e-4, kF32VsF64);
  BOOST_TEST(r.effective_info_ratio_threshold == 1.1);
  CHECK_REL(r.enhanced_info_ratio, 0.894427191, kF32VsF64);
  BOOST_TEST(r.side == kSideShort);
  BOOST_TEST(r.signal_tier == 3);
  CHECK_REL(r.signal_strength, 2.439346885e-3, kF32VsF64);
  BOOST_TEST(r.position_size_suggestion == 0.5);
  BOOST_TEST(r.kelly_position_size == 0.001);  // loss = q90 <= 0
}

BOOST_AUTO_TEST_CASE(t3_ev_quirk_mixed_short_is_not_tradeable) {
  const SignalRow r = compute_signal({-.004, -.0005, .003, 2e-5f, 0.0f}, kSpecP);
  CHECK_REL(r.prob_up, 0.4428571429, kDigits10);
  CHECK_REL(r.expected_value, 1.0e-4, kDigits10);
  BOOST_TEST(!r.tradeable);
  BOOST_TEST(r.side == kSideHold);
  BOOST_TEST(r.signal_tier == 2);  // the tier ignores tradeable
  CHECK_REL(r.enhanced_info_ratio, 0.08804509063, kF32VsF64);
  BOOST_TEST(r.signal_strength == 0.0);
  BOOST_TEST(r.position_size_suggestion == 0.0);
  CHECK_REL(r.kelly_position_size, 0.0072, kDigits10);
}

BOOST_AUTO_TEST_CASE(t4_mirror_of_t3_is_tradeable_long) {
  const SignalRow r = compute_signal({-.003, .0005, .004, 2e-5f, 0.0f}, kSpecP);
  CHECK_REL(r.prob_up, 0.5571428571, kDigits10);
  CHECK_REL(r.expected_value, 9.0e-4, kDigits10);
  BOOST_TEST(r.side == kSideLong);
  BOOST_TEST(r.signal_tier == 2);
  CHECK_REL(r.signal_strength, 2.934836354e-5, kF32VsF64);
  BOOST_TEST(r.position_size_suggestion == 0.5);
  CHECK_REL(r.kelly_position_size, 0.0072, kDigits10);
}

BOOST_AUTO_TEST_CASE(t5_q50_zero_is_tradeable_but_holds_with_a_size) {
  const SignalRow r = compute_signal({-.008, 0.0, .002, 2e-5f, 0.0f}, kSpecP);
  BOOST_TEST(r.prob_up == 0.5);
  CHECK_REL(r.expected_value, 0.003, kDigits10);
  BOOST_TEST(r.tradeable);
  BOOST_TEST(r.side == kSideHold);
  BOOST_TEST(r.signal_tier == 0);
  BOOST_TEST(r.enhanced_info_ratio == 0.0);
  BOOST_TEST(r.signal_strength == 0.0);
  BOOST_TEST(r.position_size_suggestion == 0.5);
  BOOST_TEST(r.kelly_position_size == 0.001);
  // -0.0 behaves the same (pandas: -0.0 > 0 and -0.0 < 0 are both false).
  const SignalRow z = compute_signal({-.008, -0.0, .002, 2e-5f, 0.0f}, kSpecP);
  BOOST_TEST(z.tradeable);
  BOOST_TEST(z.side == kSideHold);
}

BOOST_AUTO_TEST_CASE(t6_equal_quantiles) {
  const SignalRow r = compute_signal({.001, .001, .001, 2e-5f, 0.0f}, kSpecP);
  BOOST_TEST(r.prob_up == 1.0);
  CHECK_REL(r.expected_value, 0.001, kDigits10);
  CHECK_REL(r.enhanced_info_ratio, 0.2236067977, kF32VsF64);
  BOOST_TEST(r.side == kSideLong);
  BOOST_TEST(r.signal_tier == 3);
  CHECK_REL(r.signal_strength, 1.490711985e-4, kF32VsF64);
  BOOST_TEST(r.position_size_suggestion == 0.5);
  CHECK_REL(r.kelly_position_size, 0.078, kDigits10);
}

BOOST_AUTO_TEST_CASE(t7_all_zero) {
  const SignalRow r = compute_signal({0.0, 0.0, 0.0, 0.0f, 0.0f}, kSpecP);
  BOOST_TEST(r.prob_up == 0.0);
  BOOST_TEST(r.expected_value == 0.0);
  check_regime(r, kLow);
  BOOST_TEST(r.signal_thresh_adaptive == 0.0005 * 0.7);  // vm = 1 exactly
  BOOST_TEST(r.effective_info_ratio_threshold == 1.1);
  BOOST_TEST(r.enhanced_info_ratio == 0.0);  // total risk floored at 0.001
  BOOST_TEST(r.info_ratio == 0.0);
  BOOST_TEST(r.side == kSideHold);
  BOOST_TEST(r.signal_tier == 0);
  BOOST_TEST(r.signal_strength == 0.0);
  BOOST_TEST(r.position_size_suggestion == 0.0);
  BOOST_TEST(r.kelly_position_size == 0.001);
}

BOOST_AUTO_TEST_CASE(t8_extreme_regime_and_float32_size) {
  const SignalRow r = compute_signal({-.02, .004, .03, 4e-4f, 0.0f}, kSpecP);
  CHECK_REL(r.prob_up, 0.5666666667, kDigits10);
  CHECK_REL(r.expected_value, 0.008333333333, kDigits10);
  check_regime(r, kExtreme);
  CHECK_REL(r.signal_thresh_adaptive, 1.08e-3, kF32VsF64);
  BOOST_TEST(r.effective_info_ratio_threshold == 2.5);
  CHECK_REL(r.enhanced_info_ratio, 0.1249390095, kF32VsF64);
  BOOST_TEST(r.side == kSideLong);
  BOOST_TEST(r.signal_tier == 3);
  CHECK_REL(r.signal_strength, 1.999024152e-4, kF32VsF64);
  // Spec: "T8: the f32 size is 0.2500000298023224" (0.25 in double arithmetic).
  BOOST_TEST(r.position_size_suggestion == 0.2500000298023224);
  CHECK_REL(r.kelly_position_size, 0.02166666667, kDigits10);
}

BOOST_AUTO_TEST_CASE(t9_high_and_trending) {
  const SignalRow r = compute_signal({-.001, .0006, .002, 8e-5f, 0.12f}, kSpecP);
  CHECK_REL(r.prob_up, 0.65, kDigits10);
  CHECK_REL(r.expected_value, 9.5e-4, kDigits10);
  check_regime(r, {false, false, true, false, true});
  // m = 1.2999999999999998 exactly (1 + 0.4 - 0.1 left to right); vm = f32(1 + 500*vr).
  const double vm = static_cast<double>(1.0f + 8e-5f * 500.0f);
  BOOST_TEST(r.signal_thresh_adaptive == (0.0005 * 1.2999999999999998) * vm);
  CHECK_REL(r.signal_thresh_adaptive, 6.76e-4, kF32VsF64);
  BOOST_TEST(r.effective_info_ratio_threshold == 1.5);
  CHECK_REL(r.enhanced_info_ratio, 0.06615814157, kF32VsF64);
  BOOST_TEST(r.side == kSideLong);
  BOOST_TEST(r.signal_tier == 2);
  CHECK_REL(r.signal_strength, 2.646325663e-5, kF32VsF64);
  CHECK_REL(r.kelly_position_size, 0.0152, kDigits10);
}

BOOST_AUTO_TEST_CASE(t10_ev_exactly_the_cost_is_not_tradeable) {
  const SignalRow r = compute_signal({.0001, .0003, .0005, 2e-5f, 0.0f}, kSpecP);
  BOOST_TEST(r.prob_up == 1.0);
  BOOST_TEST(r.expected_value == 0.0005);  // exactly: 1*0.0005 - 0*0.0001
  BOOST_TEST(!r.economically_significant);
  BOOST_TEST(!r.tradeable);
  BOOST_TEST(r.side == kSideHold);
  BOOST_TEST(r.signal_tier == 0);
  CHECK_REL(r.enhanced_info_ratio, 0.06701505774, kF32VsF64);
  BOOST_TEST(r.position_size_suggestion == 0.0);
  BOOST_TEST(r.kelly_position_size == 0.001);
}

BOOST_AUTO_TEST_CASE(t11_crossed_quantiles_short_with_prob_up_one) {
  const SignalRow r = compute_signal({.001, -.001, .002, 2e-5f, 0.0f}, kSpecP);
  BOOST_TEST(r.prob_up == 1.0);
  CHECK_REL(r.expected_value, 0.001, kDigits10);
  BOOST_TEST(r.side == kSideShort);
  BOOST_TEST(r.signal_tier == 3);
  CHECK_REL(r.enhanced_info_ratio, 0.2222222222, kF32VsF64);
  CHECK_REL(r.signal_strength, 1.481481481e-4, kF32VsF64);
  BOOST_TEST(r.position_size_suggestion == 0.5);
  CHECK_REL(r.kelly_position_size, 0.078, kDigits10);
}

BOOST_AUTO_TEST_CASE(t12_vol_risk_exactly_p30_is_low) {
  const auto vr = static_cast<float>(kSpecP.p30);
  const SignalRow r = compute_signal({-.002, .001, .004, vr, -.05f}, kSpecP);
  CHECK_REL(r.prob_up, 0.6333333333, kDigits10);
  check_regime(r, kLow);
  CHECK_REL(r.signal_thresh_adaptive, 3.514813598e-4, kF32VsF64);
  BOOST_TEST(r.effective_info_ratio_threshold == 1.1);
  CHECK_REL(r.enhanced_info_ratio, 0.2392857219, kF32VsF64);
  BOOST_TEST(r.side == kSideLong);
  BOOST_TEST(r.signal_tier == 3);
  CHECK_REL(r.signal_strength, 2.175324745e-4, kF32VsF64);
  CHECK_REL(r.kelly_position_size, 0.0351, kDigits10);
}

BOOST_AUTO_TEST_CASE(t13_vol_risk_above_p90_is_extreme) {
  const SignalRow r = compute_signal({-.002, .001, .004, 1.2134e-4f, 0.0f}, kSpecP);
  check_regime(r, kExtreme);
  CHECK_REL(r.signal_thresh_adaptive, 9.54603e-4, 1e-6);  // the spec prints 6 digits
  BOOST_TEST(r.effective_info_ratio_threshold == 2.5);
  CHECK_REL(r.enhanced_info_ratio, 0.08759133421, kF32VsF64);
  BOOST_TEST(r.side == kSideLong);
  BOOST_TEST(r.signal_tier == 3);
  CHECK_REL(r.signal_strength, 3.503653368e-5, kF32VsF64);
  BOOST_TEST(r.position_size_suggestion == 0.5);
  CHECK_REL(r.kelly_position_size, 0.0351, kDigits10);
}

// Spec §6 "Real rows": float32 vol_risk rebuilt from the bins, thresholds from the logged
// HEAD run ("f32 path", 16 digits), so these are exact.
BOOST_AUTO_TEST_CASE(spec_real_rows_match_the_logged_run) {
  const SignalRow a = compute_signal(
      {-0.0013124882698014, 0.0002303424313664, 0.0033673715831906, 1.993190926441457e-05f,
       -0.0041051832f},
      kSpecP);
  BOOST_TEST(a.prob_up == 0.5597194316115305);
  CHECK_EV_10_DECIMALS(a.expected_value, 0.0013069202);
  check_regime(a, kMedium);
  BOOST_TEST(a.signal_thresh_adaptive == 5.049829483032227e-4);
  BOOST_TEST(a.side == kSideLong);
  BOOST_TEST(a.signal_tier == 0);

  const SignalRow b = compute_signal(
      {-0.0051853175391372, -7.467312514781952e-05, 0.0033811990635821, 9.308783774031326e-06f,
       0.0f},
      kSpecP);
  BOOST_TEST(b.prob_up == 0.4913569575412726);
  CHECK_EV_10_DECIMALS(b.expected_value, 0.0008280185);
  check_regime(b, kMedium);
  BOOST_TEST(b.signal_thresh_adaptive == 5.023272037506104e-4);
  BOOST_TEST(b.side == kSideShort);
  BOOST_TEST(b.signal_tier == 0);

  const SignalRow c = compute_signal(
      {-0.0031158961174624, 7.319308668375016e-05, 0.0044115803876413, 5.635878769680858e-04f,
       0.0f},
      kSpecP);
  BOOST_TEST(c.prob_up == 0.509180437673376);
  CHECK_EV_10_DECIMALS(c.expected_value, 0.0007169477);
  check_regime(c, kExtreme);
  BOOST_TEST(c.signal_thresh_adaptive == 1.1536145567893983e-3);
  BOOST_TEST(c.side == kSideLong);
  BOOST_TEST(c.signal_tier == 0);
}

BOOST_AUTO_TEST_CASE(regime_boundaries_use_float32_comparisons) {
  // synthetic_s1's P30 lies strictly between two float32 values and rounds up to b: b is
  // above P30 in float64 but equal to f32(P30), so the original classifies it low.
  const VariancePercentiles p{1.0578742785583017e-05, 3.7213030736893415e-05,
                              9.607687388779595e-05};
  const float b = 1.0578743058431428e-05f;
  BOOST_REQUIRE(static_cast<double>(b) > p.p30);
  BOOST_TEST(compute_signal({-.002, .001, .004, b, 0.0f}, p).variance_regime_low);
  BOOST_TEST(!compute_signal({-.002, .001, .004, std::nextafter(b, 1.0f), 0.0f}, p)
                  .variance_regime_low);
  // P70/P90 exactly: medium/high (<=), the next float up: high/extreme.
  const auto p70 = static_cast<float>(p.p70);
  const auto p90 = static_cast<float>(p.p90);
  BOOST_TEST(compute_signal({-.002, .001, .004, p70, 0.0f}, p).variance_regime_medium);
  BOOST_TEST(compute_signal({-.002, .001, .004, std::nextafter(p70, 1.0f), 0.0f}, p)
                 .variance_regime_high);
  BOOST_TEST(compute_signal({-.002, .001, .004, p90, 0.0f}, p).variance_regime_high);
  BOOST_TEST(compute_signal({-.002, .001, .004, std::nextafter(p90, 1.0f), 0.0f}, p)
                 .variance_regime_extreme);
}

BOOST_AUTO_TEST_CASE(trending_needs_more_than_float32_point_one) {
  for (const float mom : {0.1f, -0.1f}) {
    BOOST_TEST(!compute_signal({-.002, .001, .004, 2e-5f, mom}, kSpecP).momentum_regime_trending);
  }
  for (const float mom : {std::nextafter(0.1f, 1.0f), std::nextafter(-0.1f, -1.0f)}) {
    const SignalRow r = compute_signal({-.002, .001, .004, 2e-5f, mom}, kSpecP);
    BOOST_TEST(r.momentum_regime_trending);
    // medium + trending: m = 0.9
    BOOST_TEST(r.signal_thresh_adaptive ==
               (0.0005 * (1.0 - 0.1)) * static_cast<double>(1.0f + 2e-5f * 500.0f));
  }
  const float nan = std::numeric_limits<float>::quiet_NaN();
  BOOST_TEST(!compute_signal({-.002, .001, .004, 2e-5f, nan}, kSpecP).momentum_regime_trending);
}

BOOST_AUTO_TEST_CASE(nan_vol_risk_sets_no_regime_and_a_nan_threshold) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const SignalRow r = compute_signal({-.002, .001, .004, nan, 0.0f}, kSpecP);
  check_regime(r, {false, false, false, false, false});
  BOOST_TEST(std::isnan(r.signal_thresh_adaptive));  // m = 1, vm = NaN
  BOOST_TEST(r.effective_info_ratio_threshold == 1.5);
  BOOST_TEST(std::isnan(r.enhanced_info_ratio));
  BOOST_TEST(r.signal_tier == 0);  // NaN comparisons are false
  BOOST_TEST(r.tradeable);         // EV does not use vol_risk
  BOOST_TEST(r.side == kSideLong);
  BOOST_TEST(std::isnan(r.signal_strength));
  BOOST_TEST(std::isnan(r.position_size_suggestion));
  BOOST_TEST(std::isnan(r.signal_rel));
  BOOST_TEST(std::isnan(r.signal_tanh));
  BOOST_TEST(r.kelly_position_size == 0.001);  // tier 0
}

BOOST_AUTO_TEST_CASE(size_lower_clip_writes_float64_point_zero_one) {
  // vol_risk > 0.01: 0.1/f32(vr*1000) < f32(0.01), pandas upcasts and writes exactly 0.01.
  const SignalRow r = compute_signal({-.002, .004, .03, 0.02f, 0.0f}, kSpecP);
  BOOST_TEST(r.tradeable);
  BOOST_TEST(r.position_size_suggestion == 0.01);
  // Just inside the clip the float32 quotient is kept.
  const SignalRow s = compute_signal({-.002, .004, .03, 0.0099f, 0.0f}, kSpecP);
  BOOST_TEST(s.position_size_suggestion ==
             static_cast<double>(0.1f / (0.0099f * 1000.0f)));
}

BOOST_AUTO_TEST_CASE(batch_equals_rows_and_columns_follow_the_reference_order) {
  const double q10[] = {-.002, -.006, .001};
  const double q50[] = {.001, -.003, -.001};
  const double q90[] = {.004, -.001, .002};
  const float vr[] = {2e-5f, 5e-6f, 4e-4f};
  const float mom[] = {0.0f, 0.2f, -0.01f};
  SignalRow out[3];
  compute_signals({q10, q50, q90, vr, mom}, kSpecP, out);
  for (int i = 0; i < 3; ++i) {
    const SignalRow one = compute_signal({q10[i], q50[i], q90[i], vr[i], mom[i]}, kSpecP);
    for (const auto& c : signal_columns()) BOOST_TEST(c.value(out[i]) == c.value(one), c.name);
  }
  const auto cols = signal_columns();
  BOOST_TEST(cols.size() == 23u);
  BOOST_TEST(cols.front().name == "prob_up");
  BOOST_TEST(cols[9].name == "side");
  BOOST_TEST(cols.back().name == "signal_tanh");
}

}  // namespace
}  // namespace q50
