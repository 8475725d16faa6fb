// The hand-worked vectors V1-V20 of shared/spec/existing-backtest.md §5, plus edge cases that pin
// the existing system's quirks (NaN, zero spread, crossed quantiles, inverted tiers).
//
// Tolerances: where the spec's working gives an exact decimal (0.117, 0.201825, ...) we compare
// with rtol 1e-12 (a few ulps of float64 arithmetic); the recorded V13 is compared bit for bit;
// values the spec prints rounded to 7 significant digits (V13's components, V14) get an
// absolute 5e-8; V17 runs through float32 stages, so rtol 1e-7 (about one float32 ulp).
#include "core/sizing.h"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>

#include "core/probability.h"
#include "core/signal.h"

namespace q50 {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

bool close_rel(double got, double want, double rtol) {
  return std::fabs(got - want) <= rtol * std::fabs(want);
}
#define CHECK_REL(got, want, rtol) \
  BOOST_TEST(close_rel((got), (want), (rtol)), (got) << " vs " << (want) << " rtol " << (rtol))
#define CHECK_ABS(got, want, atol) \
  BOOST_TEST(std::fabs((got) - (want)) <= (atol), (got) << " vs " << (want) << " atol " << (atol))

constexpr double kRtol = 1e-12;

// HB._kelly_sizing(q10, q50, q90, c, S, T) with max_position_pct 0.5 unless given.
double hb_kelly(double q10, double q50, double q90, double c, std::optional<double> s,
                std::optional<double> t, double cap = 0.5) {
  return validated_kelly({q10, q50, q90, c, s, t, cap});
}

BOOST_AUTO_TEST_CASE(v1_v2_validated_kelly_signal_and_spread_factors) {
  CHECK_REL(hb_kelly(-0.01, 0.005, 0.02, 10, std::nullopt, 0.002), 0.117, kRtol);
  CHECK_REL(hb_kelly(-0.01, 0.005, 0.02, 10, 0.05, 0.002), 0.201825, kRtol);
}

BOOST_AUTO_TEST_CASE(v3_to_v6_floors_not_zero) {
  BOOST_TEST(hb_kelly(-0.02, 0.001, 0.005, 10, std::nullopt, 0.002) == 0.001);  // V3 f* < 0
  CHECK_REL(hb_kelly(0.01, 0.01, 0.01, 10, std::nullopt, 0.002), 0.26, kRtol);  // V4
  BOOST_TEST(hb_kelly(-0.01, -0.01, -0.01, 10, std::nullopt, 0.002) == 0.001);  // V5
  BOOST_TEST(hb_kelly(0, 0, 0, 10, std::nullopt, 0.002) == 0.001);              // V6
}

BOOST_AUTO_TEST_CASE(v7_upper_clip) {
  BOOST_TEST(hb_kelly(0.001, 0.03, 0.06, 10, 0.1, 0.002, 0.3) == 0.3);
  CHECK_REL(hb_kelly(0.001, 0.03, 0.06, 10, 0.1, 0.002, 0.5), 0.4485, kRtol);
}

BOOST_AUTO_TEST_CASE(v8_v9_tier_zero_and_nan_give_the_floor) {
  BOOST_TEST(hb_kelly(-0.01, 0.005, 0.02, 0, std::nullopt, 0.002) == 0.001);
  // max(0.001, min(nan, 0.5)) = 0.001 with Python's builtins (np.clip would give NaN).
  BOOST_TEST(hb_kelly(-0.01, kNaN, 0.02, 10, std::nullopt, 0.002) == 0.001);
}

BOOST_AUTO_TEST_CASE(v10_v11_short_and_weak_signal) {
  CHECK_REL(hb_kelly(-0.02, -0.004, 0.01, 7, std::nullopt, 0.002), 0.0767, kRtol);
  // p = 59/110, f* = 67/220, times 0.25 * 0.8 * 0.8 (the spec prints 0.0487273).
  CHECK_REL(hb_kelly(-0.01, 0.001, 0.02, 10, std::nullopt, 0.002), 67.0 * 0.16 / 220.0, kRtol);
}

HbSizingInputs v1_inputs(double cap) {
  return {.q10 = -0.01,
          .q50 = 0.005,
          .q90 = 0.02,
          .tier_confidence = 10,
          .spread_thresh = std::nullopt,
          .signal_thresh = 0.002,
          .max_position_pct = cap};
}

BOOST_AUTO_TEST_CASE(v12_kelly_dispatch_drops_signal_thresh) {
  CHECK_REL(hb_calculate_target_pct(HbSizingMethod::kKelly, v1_inputs(0.5)), 0.072, kRtol);
  // The same call through validated_kelly with T gives V1's 0.117: the dispatcher is the quirk.
  CHECK_REL(validated_kelly({-0.01, 0.005, 0.02, 10, std::nullopt, 0.002, 0.5}), 0.117, kRtol);
}

HbSizingInputs v13_inputs() {
  return {.q10 = -0.0013124882698014,
          .q50 = 0.0002303424313664,
          .q90 = 0.0033673715831906,
          .tier_confidence = 10,
          .spread_thresh = std::nullopt,
          .signal_thresh = 0.0005049829483032,
          .max_position_pct = 0.3};
}

BOOST_AUTO_TEST_CASE(v13_enhanced_first_head_trade_bit_exact) {
  const HbSizingInputs in = v13_inputs();
  CHECK_ABS(validated_kelly({in.q10, in.q50, in.q90, 10, std::nullopt, in.signal_thresh, 0.3}),
            0.0620981, 5e-8);
  CHECK_ABS(hb_volatility_sizing(in, 0.009), 0.0826150, 5e-8);
  CHECK_ABS(hb_sharpe_sizing(in), 0.0573715, 5e-8);
  CHECK_ABS(hb_risk_parity_sizing(in), 0.0072870, 5e-8);
  // The recorded target_pct of the HEAD run, bit for bit.
  BOOST_TEST(hb_calculate_target_pct(HbSizingMethod::kEnhanced, in) == 0.04152574525293107);
}

BOOST_AUTO_TEST_CASE(v14_hb_probabilities) {
  const HbSizingInputs in = v13_inputs();
  CHECK_ABS(prob_up_piecewise(in.q10, in.q50, in.q90), 0.5597194, 5e-8);
  const ThreeWayProbs p = hb_quantiles_to_probabilities(in.q10, in.q50, in.q90, std::nullopt);
  CHECK_ABS(p.down, 0.3784670, 5e-8);
  CHECK_ABS(p.neutral, 0.1403958, 5e-8);
  CHECK_ABS(p.up, 0.4811372, 5e-8);
}

BOOST_AUTO_TEST_CASE(v15_quantile_backtester_size) {
  const QbSizingConfig cfg{.base_position_size = 0.1, .position_limit = 0.5};
  CHECK_REL(qb_position_size(cfg, 5, 0.02, 1e5), 0.1 / 1.2, kRtol);
  CHECK_REL(qb_position_size(cfg, 10, 0, 1e5), 0.2, kRtol);
  BOOST_TEST(qb_position_size(cfg, 0, 0.02, 1e5) == 0.01);  // 0.0083 -> the 1% floor
}

BOOST_AUTO_TEST_CASE(v16_quantile_backtester_probabilities) {
  const ThreeWayProbs p = qb_calculate_probabilities(-0.01, 0.005, 0.02);
  CHECK_REL(p.down, 11.0 / 30.0 * 0.7, kRtol);  // 0.256667
  CHECK_REL(p.neutral, 0.3, kRtol);
  CHECK_REL(p.up, 19.0 / 30.0 * 0.7, kRtol);  // 0.443333
}

BOOST_AUTO_TEST_CASE(v17_pipeline_position_size_suggestion) {
  const VariancePercentiles pct{1e-5, 4e-5, 1.2e-4};
  const float vols[] = {0.0f, 1e-5f, 1e-3f, 5e-3f, 0.02f};
  const double want[] = {0.5, 0.5, 0.1, 0.02, 0.01};
  for (int i = 0; i < 5; ++i) {
    // A tradeable long (EV = 0.009), so the suggestion is not zeroed.
    const SignalRow r = compute_signal({-0.01, 0.005, 0.02, vols[i], 0.0f}, pct);
    BOOST_REQUIRE(r.tradeable);
    CHECK_REL(r.position_size_suggestion, want[i], 1e-7);
  }
  const SignalRow r = compute_signal({-0.01, 0.005, 0.02, std::nanf(""), 0.0f}, pct);
  BOOST_TEST(std::isnan(r.position_size_suggestion));
}

BOOST_AUTO_TEST_CASE(v18_advanced_position_sizer_kelly) {
  CHECK_REL(aps_kelly({{-0.01, 0.005, 0.02}, 8.5, 0.5}), 0.095625, kRtol);
  BOOST_TEST(aps_kelly({{0, 0.005, 0.02}, 8.5, 0.5}) == 0.01);  // loss == 0 -> 0.01
}

BOOST_AUTO_TEST_CASE(v19_validated_kelly_sizing_with_spread) {
  const SpreadKellyInputs in{.q = {-0.01, 0.005, 0.02},
                             .spread = 0.03,
                             .signal_thresh = 0.002,
                             .spread_thresh = 0.05,
                             .fg_index = 0.5,
                             .confidence_tier = 10};
  BOOST_TEST(spread_decile(0.03) == 7);
  CHECK_REL(validated_kelly_sizing(in), 0.17901, kRtol);
}

BOOST_AUTO_TEST_CASE(v20_regime_aware_kelly) {
  CHECK_REL(regime_aware_kelly_sizing({-0.01, 0.005, 0.02}, RegimeFlags{}), 0.1125, kRtol);
  CHECK_REL(regime_aware_kelly_sizing({-0.01, 0.005, 0.02}, RegimeFlags{.crisis_signal = true}),
            0.225, kRtol);
}

// Edge cases.

BOOST_AUTO_TEST_CASE(tier_confidence_map_is_inverted) {
  BOOST_TEST(hb_tier_confidence(0.0) == 10.0);
  BOOST_TEST(hb_tier_confidence(-0.0) == 10.0);
  BOOST_TEST(hb_tier_confidence(1.0) == 7.0);
  BOOST_TEST(hb_tier_confidence(2.0) == 5.0);
  BOOST_TEST(hb_tier_confidence(3.0) == 3.0);  // strongest tier, lowest confidence
  BOOST_TEST(hb_tier_confidence(4.0) == 3.0);
  BOOST_TEST(hb_tier_confidence(1.5) == 3.0);
  BOOST_TEST(hb_tier_confidence(kNaN) == 3.0);
  BOOST_TEST(hb_tier_confidence("A") == 10.0);
  BOOST_TEST(hb_tier_confidence("B") == 7.0);
  BOOST_TEST(hb_tier_confidence("C") == 5.0);
  BOOST_TEST(hb_tier_confidence("D") == 3.0);
  BOOST_TEST(hb_tier_confidence("a") == 3.0);
  BOOST_TEST(hb_tier_confidence("") == 3.0);
}

BOOST_AUTO_TEST_CASE(sizing_method_names) {
  for (const char* name : {"simple", "kelly", "volatility", "sharpe", "risk_parity", "enhanced"}) {
    const auto m = parse_hb_sizing_method(name);
    BOOST_REQUIRE(m.has_value());
    BOOST_TEST(hb_sizing_method_name(*m) == name);
    BOOST_TEST((hb_dispatch_sizing_method(name) == *m));
  }
  BOOST_TEST(!parse_hb_sizing_method("Kelly").has_value());
  BOOST_TEST(!parse_hb_sizing_method("riskparity").has_value());
  // The original's dispatch: an unknown name sizes with 'enhanced'.
  BOOST_TEST((hb_dispatch_sizing_method("riskparity") == HbSizingMethod::kEnhanced));
}

BOOST_AUTO_TEST_CASE(nan_q50_gives_floor_except_simple_which_uses_np_clip) {
  HbSizingInputs in = v1_inputs(0.3);
  in.q50 = kNaN;
  BOOST_TEST(std::isnan(hb_calculate_target_pct(HbSizingMethod::kSimple, in)));
  for (auto m : {HbSizingMethod::kKelly, HbSizingMethod::kVolatility, HbSizingMethod::kSharpe,
                 HbSizingMethod::kRiskParity, HbSizingMethod::kEnhanced}) {
    BOOST_TEST(hb_calculate_target_pct(m, in) == 0.001, hb_sizing_method_name(m));
  }
  // A NaN spread only: simple's Python max(1.0, nan) keeps 1.0, so 10|q50| survives.
  in = v1_inputs(0.3);
  in.q90 = kNaN;
  CHECK_REL(hb_simple_sizing(in), 0.05, kRtol);
  // A NaN signal threshold is truthy but never compares: kelly 0.8, enhanced factor 1.0.
  in = v1_inputs(0.3);
  in.signal_thresh = kNaN;
  HbSizingInputs none = v1_inputs(0.3);
  none.signal_thresh = std::nullopt;
  BOOST_TEST(hb_enhanced_sizing(in) == hb_enhanced_sizing(none));
}

BOOST_AUTO_TEST_CASE(zero_spread) {
  const HbSizingInputs in{.q10 = 0.01,
                          .q50 = 0.01,
                          .q90 = 0.01,
                          .tier_confidence = 3,
                          .signal_thresh = 0.002,
                          .max_position_pct = 0.5};
  CHECK_REL(hb_simple_sizing(in), 0.1, kRtol);  // max(1, 0/0.01) = 1
  BOOST_TEST(hb_sharpe_sizing(in) == 0.001);    // sigma <= 0
  BOOST_TEST(hb_risk_parity_sizing(in) == 0.001);
  // sigma == 0: vol adjustment 1, so 8|q50| * (1 + 1^1.5) = 0.16.
  CHECK_REL(hb_volatility_sizing(in, 0.009), 0.16, kRtol);
}

BOOST_AUTO_TEST_CASE(crossed_quantiles) {
  // q10 >= 0 gives p = 1 even with q50 < 0: a "long" Kelly on a bearish median.
  BOOST_TEST(prob_up_piecewise(0.01, -0.02, 0.005) == 1.0);
  CHECK_REL(hb_kelly(0.01, -0.02, 0.005, 10, std::nullopt, 0.002), 0.25 * 1.3 * 0.8, kRtol);
  // A negative spread gives a negative neutral weight in the HB split (not renormalised away).
  const ThreeWayProbs p = hb_quantiles_to_probabilities(0.02, 0.0, -0.01, std::nullopt);
  CHECK_REL(p.neutral, -0.9, kRtol);
  CHECK_REL(p.down, 1.9, kRtol);
  BOOST_TEST(p.up == 0.0);
  // Simple: max(1, negative) = 1; sharpe and risk parity: sigma < 0 -> floor.
  const HbSizingInputs in{.q10 = 0.02,
                          .q50 = 0.003,
                          .q90 = -0.01,
                          .tier_confidence = 10,
                          .signal_thresh = 0.002,
                          .max_position_pct = 0.5};
  CHECK_REL(hb_simple_sizing(in), 0.03, kRtol);
  BOOST_TEST(hb_sharpe_sizing(in) == 0.001);
  BOOST_TEST(hb_risk_parity_sizing(in) == 0.001);
}

BOOST_AUTO_TEST_CASE(simple_has_a_one_percent_floor) {
  HbSizingInputs in = v1_inputs(0.3);
  in.q50 = 0.0001;
  BOOST_TEST(hb_simple_sizing(in) == 0.01);
  in.q50 = 1.0;
  BOOST_TEST(hb_simple_sizing(in) == 0.3);
}

BOOST_AUTO_TEST_CASE(enhanced_q50_zero_keeps_signal_factor_one) {
  HbSizingInputs with_t = v1_inputs(0.3);
  with_t.q50 = 0.0;
  HbSizingInputs without_t = with_t;
  without_t.signal_thresh = std::nullopt;
  BOOST_TEST(hb_enhanced_sizing(with_t) == hb_enhanced_sizing(without_t));
  // A tiny non-zero q50 below T takes the 0.7 factor instead.
  with_t.q50 = 1e-4;
  without_t.q50 = 1e-4;
  BOOST_TEST(hb_enhanced_sizing(with_t) < hb_enhanced_sizing(without_t));
}

BOOST_AUTO_TEST_CASE(volatility_reads_realized_vol_but_enhanced_does_not) {
  HbSizingInputs a = v13_inputs();
  HbSizingInputs b = a;
  b.realized_vol_6 = 0.004;
  BOOST_TEST(hb_calculate_target_pct(HbSizingMethod::kVolatility, a) !=
             hb_calculate_target_pct(HbSizingMethod::kVolatility, b));
  BOOST_TEST(hb_calculate_target_pct(HbSizingMethod::kEnhanced, a) ==
             hb_calculate_target_pct(HbSizingMethod::kEnhanced, b));
}

BOOST_AUTO_TEST_CASE(quantile_backtester_quirks) {
  const QbSizingConfig cfg{.base_position_size = 0.15,
                           .position_limit = 0.8,
                           .long_threshold = 0.5,
                           .short_threshold = 0.5};
  // Capital is ignored; NaN confidence or volatility propagate through numpy clip.
  BOOST_TEST(qb_position_size(cfg, 5, 0.02, 1.0) == qb_position_size(cfg, 5, 0.02, 1e9));
  BOOST_TEST(std::isnan(qb_position_size(cfg, kNaN, 0.02, 1e5)));
  BOOST_TEST(std::isnan(qb_position_size(cfg, 5, kNaN, 1e5)));
  BOOST_TEST(qb_position_size(cfg, 5, kInf, 1e5) == 0.01);
  // V1 quantiles: up 0.4433 < 0.5 and down 0.2567 < 0.5 -> HOLD, target 0 (flattens).
  const QbTradingSignal hold = qb_trading_signal(cfg, {-0.01, 0.005, 0.02}, 5, 0.02, 1e5);
  BOOST_TEST((hold.signal == QbSignal::kHold));
  BOOST_TEST(hold.target_position == 0.0);
  const QbTradingSignal buy = qb_trading_signal(cfg, {0.001, 0.003, 0.004}, 5, 0.02, 1e5);
  BOOST_TEST((buy.signal == QbSignal::kBuy));
  CHECK_REL(buy.target_position, 0.125, kRtol);
  const QbTradingSignal sell = qb_trading_signal(cfg, {-0.004, -0.003, -0.001}, 5, 0.02, 1e5);
  BOOST_TEST((sell.signal == QbSignal::kSell));
  CHECK_REL(sell.target_position, -0.125, kRtol);
}

BOOST_AUTO_TEST_CASE(advanced_position_sizer_quirks) {
  // loss == 0 returns 0.01 outside the clip, even above a 0.005 cap.
  BOOST_TEST(aps_kelly({{0, 0.005, 0.02}, 8.5, 0.005}) == 0.01);
  // Sharpe's historical factor is signed: a bearish mirror of a bullish signal hits the floor.
  const ApsInputs bull{{-0.01, 0.005, 0.02}, 7, 0.5};
  const ApsInputs bear{{-0.02, -0.005, 0.01}, 7, 0.5};
  BOOST_TEST(aps_sharpe(bull, 1.0) > 0.001);
  BOOST_TEST(aps_sharpe(bear, 1.0) == 0.001);
  BOOST_TEST(aps_sharpe(bull, std::nullopt) == aps_sharpe(bear, std::nullopt));
  // Ensemble of V1 quantiles, c = 8.5, the defaults: weights 0.30/0.25/0.20/0.15/0.10.
  const ApsInputs in{{-0.01, 0.005, 0.02}, 8.5, 0.5};
  const ApsEnsemble e = aps_ensemble(in, ApsEnsembleParams{});
  const double want = e.kelly * 0.3 + e.volatility * 0.25 + e.sharpe * 0.2 + e.risk_parity * 0.15 +
                      e.momentum * 0.1;
  BOOST_TEST(e.ensemble == want);
  CHECK_REL(e.kelly, 0.095625, kRtol);
  // volatility: 5*0.005 * (0.15/0.2) * 0.85^2 / (1 + 50*0.03)
  CHECK_REL(e.volatility, 0.025 * 0.75 * 0.7225 / 2.5, kRtol);
  // momentum: 8*0.005 * 0.85^1.5 * 1 / (1 + 30*0.03)
  CHECK_REL(e.momentum, 0.04 * std::pow(0.85, 1.5) / 1.9, kRtol);
  // A NaN recent performance takes the else branch: max(nan, -0.3) = nan -> floor.
  BOOST_TEST(aps_momentum(in, kNaN) == 0.001);
}

BOOST_AUTO_TEST_CASE(validated_kelly_with_spread_differs_from_hb_kelly) {
  // q10 >= 0, long: HB substitutes loss 0.001; this variant keeps |q10| = 0.01.
  const SpreadKellyInputs in{.q = {0.01, 0.02, 0.03},
                             .spread = 0.02,
                             .signal_thresh = 0.002,
                             .spread_thresh = 0.05,
                             .confidence_tier = 10};
  // p = 1, b = 3, f* = 1: 0.25 * 1.3 * 1.2 * 1.0 (decile 5) * 1.2
  CHECK_REL(validated_kelly_sizing(in), 0.25 * 1.3 * 1.2 * 1.2, kRtol);
  // Below threshold: 0.7 (not HB's 0.8); NaN thresholds never compare true.
  SpreadKellyInputs weak = in;
  weak.signal_thresh = 0.5;
  CHECK_REL(validated_kelly_sizing(weak), 0.25 * 0.7 * 1.2, kRtol);
  // Short with q10 == 0: a zero win divides by zero -> -inf kelly -> floor.
  const SpreadKellyInputs zero_win{
      .q = {0.0, -0.01, -0.005}, .spread = 0.005, .signal_thresh = 0.002, .spread_thresh = 0.05};
  BOOST_TEST(validated_kelly_sizing(zero_win) == 0.001);
}

BOOST_AUTO_TEST_CASE(spread_deciles_and_fear_greed) {
  BOOST_TEST(spread_decile(0.005) == 0);
  BOOST_TEST(spread_decile(0.0050001) == 1);
  BOOST_TEST(spread_decile(0.055) == 9);
  BOOST_TEST(spread_decile(1.0) == 9);
  BOOST_TEST(spread_decile(kNaN) == 9);
  BOOST_TEST(spread_decile(-1.0) == 0);
  BOOST_TEST(spread_decile_factor(9) == 0.7);
  BOOST_TEST(spread_decile_factor(8) == 0.7);
  BOOST_TEST(spread_decile_factor(7) == 0.85);
  BOOST_TEST(spread_decile_factor(6) == 0.85);
  BOOST_TEST(spread_decile_factor(5) == 1.0);
  BOOST_TEST(spread_decile_factor(3) == 1.0);
  BOOST_TEST(spread_decile_factor(2) == 1.1);
  BOOST_TEST(fear_greed_factor(0.1, 0.6) == 1.3);
  BOOST_TEST(fear_greed_factor(0.1, 0.4) == 1.0);
  BOOST_TEST(fear_greed_factor(0.9, 0.4) == 1.3);
  BOOST_TEST(fear_greed_factor(0.9, 0.6) == 0.7);
  BOOST_TEST(fear_greed_factor(0.9, 0.5) == 1.0);
  BOOST_TEST(fear_greed_factor(0.5, 0.9) == 1.0);
  BOOST_TEST(fear_greed_factor(0.2, 0.9) == 1.0);  // strict < 0.2
}

BOOST_AUTO_TEST_CASE(tiered_kelly_tiers) {
  SpreadKellyInputs in{.q = {-0.01, 0.005, 0.02},
                       .spread = 0.03,
                       .signal_thresh = 0.002,
                       .spread_thresh = 0.05,
                       .fg_index = 0.5,
                       .confidence_tier = 10};
  TieredKellyResult r = tiered_kelly_sizing(in);
  BOOST_TEST(r.tier == 'A');
  CHECK_REL(r.position_size, 0.15, kRtol);
  in.spread = 0.06;
  BOOST_TEST(tiered_kelly_sizing(in).tier == 'B');
  in.signal_thresh = 0.01;
  r = tiered_kelly_sizing(in);
  BOOST_TEST(r.tier == 'D');
  CHECK_REL(r.position_size, 0.03, kRtol);
  in.spread = 0.01;
  in.fg_index = 0.9;  // greedy and bullish: 0.7
  r = tiered_kelly_sizing(in);
  BOOST_TEST(r.tier == 'C');
  CHECK_REL(r.position_size, 0.06 * 0.7, kRtol);
}

BOOST_AUTO_TEST_CASE(regime_kelly_variants) {
  const Quantiles v7{0.001, 0.03, 0.06};  // p = 1, f* = 1: base 0.25
  RegimeFlags f{.crisis_signal = true, .tight_spread_high_vol = true};
  BOOST_TEST(regime_aware_kelly_sizing(v7, f) == 0.6);  // 0.25 * 2.0 * 1.6 = 0.8 -> cap 0.6
  // calm_fear with a bearish p multiplies nothing, and does not fall through to calm_greed.
  const Quantiles bear{-0.02, -0.004, 0.01};
  const double plain = regime_aware_kelly_sizing(bear, RegimeFlags{});
  BOOST_TEST(regime_aware_kelly_sizing(bear, RegimeFlags{.calm_fear = true, .calm_greed = true}) ==
             plain);
  // adaptive: no re-clip, so it exceeds the 0.6 cap.
  const RegimeHistory history{{CurrentRegime::kCrisis, {2.0, 0.7}}};
  CHECK_REL(adaptive_regime_kelly(v7, f, &history), 0.6 * 1.2 * 1.1, kRtol);
  BOOST_TEST(adaptive_regime_kelly(v7, f, nullptr) == 0.6);
  const RegimeHistory other{{CurrentRegime::kNormal, {0.1, 0.1}}};
  BOOST_TEST(adaptive_regime_kelly(v7, f, &other) == 0.6);  // missing regime -> defaults
  BOOST_TEST((current_regime(RegimeFlags{.vol_extreme_low = true, .fg_extreme_fear = true}) ==
              CurrentRegime::kLowVolatility));
  const TieredRegimeResult t = tiered_regime_kelly(v7, RegimeFlags{.bear_bottom_signal = true});
  BOOST_TEST((t.tier == RegimeTier::kCrisisOpportunity));
  CHECK_REL(t.position_size, 0.25 * 0.3 * 1.5, kRtol);
  const TieredRegimeResult n = tiered_regime_kelly(v7, RegimeFlags{}, 10);
  BOOST_TEST((n.tier == RegimeTier::kNormalMarket));
  CHECK_REL(n.position_size, 0.1, kRtol);
}

BOOST_AUTO_TEST_CASE(vol_decile_kelly_table) {
  BOOST_TEST(vol_raw_decile(0.0) == 0);
  BOOST_TEST(vol_raw_decile(0.001617) == 0);
  BOOST_TEST(vol_raw_decile(0.0016171) == 1);
  BOOST_TEST(vol_raw_decile(0.010491) == 8);
  BOOST_TEST(vol_raw_decile(0.05) == 9);
  BOOST_TEST(vol_raw_decile(0.2) == 9);
  BOOST_TEST(vol_raw_decile(kNaN) == 9);
  BOOST_TEST(vol_decile_kelly_factor(9) == 0.6);
  BOOST_TEST(vol_decile_kelly_factor(8) == 0.7);
  BOOST_TEST(vol_decile_kelly_factor(7) == 0.85);
  BOOST_TEST(vol_decile_kelly_factor(6) == 0.85);
  BOOST_TEST(vol_decile_kelly_factor(5) == 1.0);
  BOOST_TEST(vol_decile_kelly_factor(2) == 1.0);
  BOOST_TEST(vol_decile_kelly_factor(1) == 1.1);
  BOOST_TEST(vol_decile_kelly_factor(0) == 1.1);
  CHECK_REL(kelly_with_vol_raw_deciles(0.005, 0.5), 0.005 * 100 / 0.5 * 0.1 * 0.85, kRtol);
  BOOST_TEST(kelly_with_vol_raw_deciles(0.005, 0.0) == 0.0);
  BOOST_TEST(std::isnan(kelly_with_vol_raw_deciles(kNaN, 0.5)));  // no clip at all
}

BOOST_AUTO_TEST_CASE(target_position_rule) {
  BOOST_TEST(target_position_fraction(kSideLong, 0.2, 0.3) == 0.2);
  BOOST_TEST(target_position_fraction(kSideShort, 0.2, 0.3) == -0.2);
  BOOST_TEST(target_position_fraction(kSideHold, 0.2, 0.3) == 0.0);
  BOOST_TEST(target_position_fraction(kSideLong, 0.5, 0.3) == 0.3);
  BOOST_TEST(target_position_fraction(kSideShort, kInf, 0.3) == -0.3);
  BOOST_TEST(target_position_fraction(kSideLong, kNaN, 0.3) == 0.0);
  BOOST_TEST(target_position_fraction(kSideLong, -0.1, 0.3) == 0.0);
  const auto o = target_position_order(0.25, 10000, 50000, 0.01);
  BOOST_REQUIRE(o.has_value());
  CHECK_REL(o->target_qty, 0.05, kRtol);
  CHECK_REL(o->order_qty, 0.04, kRtol);
  // Holding a target, repeated LONG bars trade nothing (the HB backtester would add each bar).
  const auto again = target_position_order(0.25, 10000, 50000, o->target_qty);
  BOOST_REQUIRE(again.has_value());
  BOOST_TEST(again->order_qty == 0.0);
  const auto broke = target_position_order(0.25, -5, 50000, 0.01);
  BOOST_REQUIRE(broke.has_value());
  BOOST_TEST(broke->target_qty == 0.0);
  BOOST_TEST(broke->order_qty == -0.01);
  BOOST_TEST(!target_position_order(0.25, 10000, 0, 0).has_value());
  BOOST_TEST(!target_position_order(kNaN, 10000, 50000, 0).has_value());
  BOOST_TEST(!target_position_order(0.25, kInf, 50000, 0).has_value());
}

}  // namespace
}  // namespace q50
