#include "core/sizing.h"

#include <array>
#include <cmath>
#include <optional>

#include "core/check.h"
#include "core/probability.h"
#include "core/pymath.h"

// Every expression below keeps the original's evaluation order (left to right, Python
// precedence), so that results agree bit for bit; -ffp-contract=off keeps a*b+c unfused.

namespace q50 {

namespace {

// The original's final clip in most methods: max(floor, min(x, cap)), Python builtins.
double py_floor_cap(double x, double floor, double cap) { return py::max(floor, py::min(x, cap)); }

// The Kelly fraction f* = (b*w - (1-w))/b of the "validated Kelly" family, b = win/loss:
// long if p > 0.5 (win q90, loss |q10| or 0.001 when q10 >= 0, w = p), else short, p = 0.5
// included (win |q10| or 0.001, loss q90, w = 1-p). nullopt when loss <= 0: every caller then
// returns its 0.001 floor. p is prob_up_piecewise(q10, q50, q90), which every caller has.
std::optional<double> validated_kelly_fraction(double q10, double p, double q90) {
  double win = 0;
  double loss = 0;
  double prob_win = 0;
  if (p > 0.5) {
    win = q90;
    loss = q10 < 0 ? std::fabs(q10) : 0.001;
    prob_win = p;
  } else {
    win = q10 < 0 ? std::fabs(q10) : 0.001;
    loss = q90;
    prob_win = 1 - p;
  }
  if (loss <= 0) return std::nullopt;
  const double b = win / loss;
  return (b * prob_win - (1 - prob_win)) / b;
}

}  // namespace

// Validated Kelly.

double validated_kelly(const KellyInputs& in) {
  return validated_kelly(in, prob_up_piecewise(in.q10, in.q50, in.q90));
}

double validated_kelly(const KellyInputs& in, double prob_up) {
  const auto fraction = validated_kelly_fraction(in.q10, prob_up, in.q90);
  // existing system: a certain bearish forecast (q90 <= 0) gets the floor, not zero.
  if (!fraction) return 0.001;
  const double kelly = *fraction;
  const double base = kelly * 0.25 * (in.confidence / 10);

  const bool signal_ok = in.signal_thresh.has_value() && py::truthy(*in.signal_thresh) &&
                         std::fabs(in.q50) > *in.signal_thresh;
  const double spread = in.q90 - in.q10;
  const bool spread_ok =
      in.spread_thresh.has_value() && py::truthy(*in.spread_thresh) && spread < *in.spread_thresh;
  const double signal_factor = signal_ok ? 1.3 : 0.8;
  const double spread_factor = spread_ok ? 1.2 : 0.8;
  const double combined = signal_ok && spread_ok ? 1.15 : 1.0;
  const double sized = base * signal_factor * spread_factor * combined;
  return py::max(0.001, py::min(sized, in.max_position_pct));
}

// HummingbotQuantileBacktester.

double hb_tier_confidence(double signal_tier) {
  // existing system: inverted -- the strongest pipeline tier (3) gets the lowest confidence.
  if (signal_tier == 0) return 10.0;
  if (signal_tier == 1) return 7.0;
  if (signal_tier == 2) return 5.0;
  return 3.0;  // tier 3, and the dict's .get default for anything else (NaN included)
}

double hb_tier_confidence(std::string_view letter_tier) {
  if (letter_tier == "A") return 10.0;
  if (letter_tier == "B") return 7.0;
  if (letter_tier == "C") return 5.0;
  return 3.0;
}

namespace {

struct MethodName {
  HbSizingMethod method;
  std::string_view name;
};
constexpr std::array<MethodName, 6> kMethodNames{{
    {HbSizingMethod::kSimple, "simple"},
    {HbSizingMethod::kKelly, "kelly"},
    {HbSizingMethod::kVolatility, "volatility"},
    {HbSizingMethod::kSharpe, "sharpe"},
    {HbSizingMethod::kRiskParity, "risk_parity"},
    {HbSizingMethod::kEnhanced, "enhanced"},
}};

// sigma-hat of the HB methods: the quantile spread as a rough standard deviation.
double spread_sigma(double q10, double q90) { return (q90 - q10) / 3.29; }

// std::pow(c / divisor, exponent) where c is a tier confidence, the only values the HB sizing
// methods see (hb_tier_confidence: 10, 7, 5, 3), from a table the same std::pow filled on
// first use; any other c calls std::pow. The same bits either way, and no pow call on the
// replay's path: the enhanced method needs three powers a bar (~20 ns of its ~165 ns loop
// without the journal hash).
template <int kDivisor, int kExponentTenths>
double tier_pow(double c) {
  static const std::array<double, 4> table = [] {
    std::array<double, 4> t{};
    constexpr std::array<double, 4> kTiers = {10.0, 7.0, 5.0, 3.0};
    for (std::size_t i = 0; i < t.size(); ++i) {
      t[i] = std::pow(kTiers[i] / kDivisor, kExponentTenths / 10.0);
    }
    return t;
  }();
  if (c == 10.0) return table[0];
  if (c == 7.0) return table[1];
  if (c == 5.0) return table[2];
  if (c == 3.0) return table[3];
  return std::pow(c / kDivisor, kExponentTenths / 10.0);
}

// 1 + (c/3)^1.5, the volatility and sharpe methods' confidence boost.
double cube_confidence_boost(double confidence) { return 1 + tier_pow<3, 15>(confidence); }

}  // namespace

std::optional<HbSizingMethod> parse_hb_sizing_method(std::string_view name) {
  for (const auto& m : kMethodNames) {
    if (m.name == name) return m.method;
  }
  return std::nullopt;
}

HbSizingMethod hb_dispatch_sizing_method(std::string_view name) {
  // existing system: calculate_target_pct's final `else` catches every unknown name.
  return parse_hb_sizing_method(name).value_or(HbSizingMethod::kEnhanced);
}

std::string_view hb_sizing_method_name(HbSizingMethod method) {
  for (const auto& m : kMethodNames) {
    if (m.method == method) return m.name;
  }
  Q50_CHECK(false, "unknown HbSizingMethod");
  return {};
}

double hb_simple_sizing(const HbSizingInputs& in) {
  const double base_target = std::fabs(in.q50) * 10;
  const double spread = in.q90 - in.q10;
  double risk_adjustment = 0;
  if (in.spread_thresh.has_value() && *in.spread_thresh > 0) {
    risk_adjustment = py::max(1.0, spread / *in.spread_thresh);
  } else {
    risk_adjustment = py::max(1.0, spread / 0.01);
  }
  const double target_pct = base_target * 1 / risk_adjustment;
  // existing system: np.clip here (not min/max), so a NaN target stays NaN.
  return py::clip(target_pct, 0.01, in.max_position_pct);
}

double hb_volatility_sizing(const HbSizingInputs& in, double target_vol) {
  const double base_position = std::fabs(in.q50) * 8;
  const double position_vol = spread_sigma(in.q10, in.q90);
  const double vol_adjustment = position_vol > 0 ? target_vol / position_vol : 1.0;
  const double confidence_adj = cube_confidence_boost(in.tier_confidence);
  // existing system: the spread penalty is computed and then commented out of the product.
  const double position_pct = base_position * vol_adjustment * confidence_adj;
  return py_floor_cap(position_pct, 0.001, in.max_position_pct);
}

double hb_sharpe_sizing(const HbSizingInputs& in) {
  const double expected_vol = spread_sigma(in.q10, in.q90);
  if (expected_vol <= 0) return 0.001;
  const double expected_sharpe = std::fabs(in.q50) / expected_vol;
  const double base_position = expected_sharpe * 0.05;
  const double position_pct = base_position * cube_confidence_boost(in.tier_confidence);
  return py_floor_cap(position_pct, 0.001, in.max_position_pct);
}

double hb_risk_parity_sizing(const HbSizingInputs& in) {
  const double position_vol = spread_sigma(in.q10, in.q90);
  if (position_vol <= 0) return 0.001;
  const double portfolio_vol = 0.15;
  const double target_risk = portfolio_vol * 0.02;
  const double risk_based_size = target_risk / position_vol;
  const double signal_adj = std::fabs(in.q50) * 15;
  const double confidence_adj = in.tier_confidence / 10.0;
  const double position_pct = risk_based_size * signal_adj * confidence_adj;
  return py_floor_cap(position_pct, 0.001, in.max_position_pct);
}

namespace {

KellyInputs kelly_inputs(const HbSizingInputs& in, std::optional<double> signal_thresh) {
  return {in.q10,
          in.q50,
          in.q90,
          in.tier_confidence,
          in.spread_thresh,
          signal_thresh,
          in.max_position_pct};
}

// _enhanced_sizing's validated multipliers; the caller applies them one at a time, left to
// right, as the original's final expression does (the rounding depends on it).
struct EnhancedFactors {
  double signal_quality;
  double spread_multiplier;
  double confidence_scale;
  double validation_bonus;
};

EnhancedFactors enhanced_factors(const HbSizingInputs& in) {
  const double abs_q50 = std::fabs(in.q50);
  const bool has_t = in.signal_thresh.has_value() && py::truthy(*in.signal_thresh);
  const bool has_s = in.spread_thresh.has_value() && py::truthy(*in.spread_thresh);
  const double t = in.signal_thresh.value_or(0.0);
  const double s = in.spread_thresh.value_or(0.0);
  EnhancedFactors f{1.0, 1.0, 1.0, 1.0};
  // existing system: `if signal_thresh and abs_q50 and signal_thresh > 0` -- q50 == 0 keeps 1.0.
  if (has_t && py::truthy(abs_q50) && t > 0) f.signal_quality = abs_q50 > t ? 1.4 : 0.7;
  const double spread = in.q90 - in.q10;
  if (has_s && s > 0) f.spread_multiplier = spread < s ? 1.3 : 0.7;
  f.confidence_scale = tier_pow<10, 11>(in.tier_confidence);
  // The bonus tests truthiness only (no `> 0`), unlike the two factors above.
  if (has_t && abs_q50 > t && has_s && spread < s) f.validation_bonus = 1.2;
  return f;
}

}  // namespace

double hb_enhanced_sizing(const HbSizingInputs& in) {
  const double kelly = validated_kelly(kelly_inputs(in, in.signal_thresh));
  // existing system: the dispatcher does not pass $realized_vol_6 here; target_vol stays 0.009.
  const double volatility = hb_volatility_sizing(in, 0.009);
  const double sharpe = hb_sharpe_sizing(in);
  const double risk_parity = hb_risk_parity_sizing(in);
  const double ensemble_size = kelly * 0.4 + volatility * 0.3 + sharpe * 0.15 + risk_parity * 0.15;
  const EnhancedFactors f = enhanced_factors(in);
  const double final_size = ensemble_size * f.signal_quality * f.spread_multiplier *
                            f.confidence_scale * f.validation_bonus;
  return py_floor_cap(final_size, 0.001, in.max_position_pct);
}

double hb_calculate_target_pct(HbSizingMethod method, const HbSizingInputs& in) {
  switch (method) {
    case HbSizingMethod::kSimple:
      return hb_simple_sizing(in);
    case HbSizingMethod::kKelly:
      // existing system: the dispatcher drops signal_thresh, so the signal factor is 0.8.
      return validated_kelly(kelly_inputs(in, std::nullopt));
    case HbSizingMethod::kVolatility:
      return hb_volatility_sizing(in, in.realized_vol_6);
    case HbSizingMethod::kSharpe:
      return hb_sharpe_sizing(in);
    case HbSizingMethod::kRiskParity:
      return hb_risk_parity_sizing(in);
    case HbSizingMethod::kEnhanced:
      return hb_enhanced_sizing(in);
  }
  Q50_CHECK(false, "unknown HbSizingMethod");
  return 0;
}

// QuantileBacktester.

double qb_position_size(const QbSizingConfig& config, double tier_confidence, double volatility,
                        [[maybe_unused]] double current_capital) {
  const double m = config.confidence_multiplier;
  double confidence_adj = 1.0 + (tier_confidence - 5.0) / 5.0 * (m - 1.0);
  confidence_adj = py::clip(confidence_adj, 0.1, m);
  const double vol_adj = 1.0 / (1.0 + volatility * 10);
  const double position_size = config.base_position_size * confidence_adj * vol_adj;
  // existing system: both clips are numpy's, so a NaN confidence or volatility gives NaN.
  return py::clip(position_size, 0.01, config.position_limit);
}

QbTradingSignal qb_trading_signal(const QbSizingConfig& config, const Quantiles& q,
                                  double tier_confidence, double volatility,
                                  double current_capital) {
  const ThreeWayProbs probs = qb_calculate_probabilities(q.q10, q.q50, q.q90);
  if (probs.up > config.long_threshold) {
    return {QbSignal::kBuy, qb_position_size(config, tier_confidence, volatility, current_capital)};
  }
  if (probs.down > config.short_threshold) {
    return {QbSignal::kSell,
            -qb_position_size(config, tier_confidence, volatility, current_capital)};
  }
  return {QbSignal::kHold, 0.0};  // existing system: HOLD targets 0, i.e. flattens
}

// AdvancedPositionSizer.

double aps_kelly(const ApsInputs& in) {
  const double p = prob_up_piecewise(in.q.q10, in.q.q50, in.q.q90);
  const double prob_down = 1 - p;
  double win = 0;
  double loss = 0;
  double prob_win = 0;
  if (p > 0.5) {
    win = std::fabs(in.q.q90);
    loss = std::fabs(in.q.q10);
    prob_win = p;
  } else {
    win = std::fabs(in.q.q10);
    loss = std::fabs(in.q.q90);
    prob_win = prob_down;
  }
  // existing system: returned as is, 0.01, above the 0.001 floor and outside the clip.
  if (loss == 0) return 0.01;
  const double payoff = win / loss;
  double kelly = (payoff * prob_win - (1 - prob_win)) / payoff;
  kelly *= in.tier_confidence / 10.0;
  const double conservative = kelly * 0.25;
  return py_floor_cap(conservative, 0.001, in.max_position_pct);
}

double aps_volatility(const ApsInputs& in, double current_volatility, double target_volatility) {
  const double base_position = std::fabs(in.q.q50) * 5;
  const double vol_adjustment =
      current_volatility > 0 ? target_volatility / current_volatility : 1.0;
  const double confidence_adj = std::pow(in.tier_confidence / 10.0, 2);
  const double spread = in.q.q90 - in.q.q10;
  // A spread of exactly -0.02 divides by zero (ZeroDivisionError on Python floats).
  const double spread_penalty = 1.0 / (1.0 + spread * 50);
  const double position_pct = base_position * vol_adjustment * confidence_adj * spread_penalty;
  return py_floor_cap(position_pct, 0.001, in.max_position_pct);
}

double aps_sharpe(const ApsInputs& in, std::optional<double> historical_sharpe) {
  const double expected_vol = spread_sigma(in.q.q10, in.q.q90);
  if (expected_vol <= 0) return 0.001;
  const double expected_sharpe = in.q.q50 / expected_vol;
  const double base_position = std::fabs(expected_sharpe) * 0.1;
  const double confidence_boost = 1 + (in.tier_confidence - 5) / 10;
  double sharpe_adj = 1.0;
  if (historical_sharpe.has_value() && *historical_sharpe > 0) {
    // existing system: signed, so a bearish expected Sharpe makes the size negative -> floor.
    sharpe_adj = py::min(expected_sharpe / *historical_sharpe, 2.0);
  }
  const double position_pct = base_position * confidence_boost * sharpe_adj;
  return py_floor_cap(position_pct, 0.001, in.max_position_pct);
}

double aps_risk_parity(const ApsInputs& in, double portfolio_volatility) {
  const double position_vol = spread_sigma(in.q.q10, in.q.q90);
  if (position_vol <= 0) return 0.001;
  const double target_risk_contrib = portfolio_volatility * 0.02;
  const double risk_based_size = target_risk_contrib / position_vol;
  const double signal_adj = std::fabs(in.q.q50) * 10;
  const double confidence_adj = in.tier_confidence / 10.0;
  const double position_pct = risk_based_size * signal_adj * confidence_adj;
  return py_floor_cap(position_pct, 0.001, in.max_position_pct);
}

double aps_momentum(const ApsInputs& in, double recent_performance) {
  const double base_position = std::fabs(in.q.q50) * 8;
  const double confidence_scale = std::pow(in.tier_confidence / 10.0, 1.5);
  double perf_adj = 0;
  if (recent_performance > 0) {
    perf_adj = 1 + py::min(recent_performance * 2, 0.5);
  } else {
    perf_adj = 1 + py::max(recent_performance * 1, -0.3);
  }
  const double spread = in.q.q90 - in.q.q10;
  const double spread_adj = 1.0 / (1.0 + spread * 30);
  const double position_pct = base_position * confidence_scale * perf_adj * spread_adj;
  return py_floor_cap(position_pct, 0.001, in.max_position_pct);
}

ApsEnsemble aps_ensemble(const ApsInputs& in, const ApsEnsembleParams& params) {
  ApsEnsemble e{};
  e.kelly = aps_kelly(in);
  e.volatility = aps_volatility(in, params.current_volatility);
  e.sharpe = aps_sharpe(in, params.historical_sharpe);
  e.risk_parity = aps_risk_parity(in);
  e.momentum = aps_momentum(in, params.recent_performance);
  // Python's sum() over the dict in insertion order, starting from the integer 0.
  double sum = 0;
  sum = sum + e.kelly * 0.3;
  sum = sum + e.volatility * 0.25;
  sum = sum + e.sharpe * 0.2;
  sum = sum + e.risk_parity * 0.15;
  sum = sum + e.momentum * 0.1;
  e.ensemble = py_floor_cap(sum, 0.001, in.max_position_pct);
  return e;
}

// src/production/validated_kelly_with_spread.py.

int spread_decile(double spread) {
  constexpr std::array<double, 10> kThresholds{0.005, 0.008, 0.011, 0.014, 0.017,
                                               0.021, 0.026, 0.032, 0.041, 0.055};
  for (std::size_t i = 0; i < kThresholds.size(); ++i) {
    if (spread <= kThresholds[i]) return static_cast<int>(i);
  }
  return 9;
}

double spread_decile_factor(int decile) {
  if (decile >= 8) return 0.7;
  if (decile >= 6) return 0.85;
  if (decile <= 2) return 1.1;
  return 1.0;
}

double fear_greed_factor(double fg_index, double prob_up) {
  if (fg_index < 0.2) return prob_up > 0.5 ? 1.3 : 1.0;
  if (fg_index > 0.8) {
    if (prob_up < 0.5) return 1.3;
    if (prob_up > 0.5) return 0.7;
  }
  return 1.0;
}

double validated_kelly_sizing(const SpreadKellyInputs& in) {
  const double p = prob_up_piecewise(in.q.q10, in.q.q50, in.q.q90);
  double win = 0;
  double loss = 0;
  double prob_win = 0;
  if (p > 0.5) {
    win = in.q.q90;
    loss = std::fabs(in.q.q10);  // no 0.001 substitute for q10 >= 0, unlike validated_kelly
    prob_win = p;
  } else {
    win = std::fabs(in.q.q10);
    loss = in.q.q90;
    prob_win = 1 - p;
  }
  if (loss <= 0) loss = 0.001;  // existing system: substituted, not an early return
  const double payoff = win / loss;
  const double kelly = (payoff * prob_win - (1 - prob_win)) / payoff;
  const double abs_q50 = std::fabs(in.q.q50);
  const double base_kelly = kelly * in.base_fraction * (in.confidence_tier / 10.0);
  const bool strong = abs_q50 > in.signal_thresh;
  const bool tight = in.spread < in.spread_thresh;
  const double signal_quality = strong ? 1.3 : 0.7;
  const double spread_risk = tight ? 1.2 : 0.8;
  const double vol_adjustment = spread_decile_factor(spread_decile(in.spread));
  const double fg = fear_greed_factor(in.fg_index, p);
  const double bonus = strong && tight ? 1.2 : 1.0;
  const double final_kelly =
      base_kelly * signal_quality * spread_risk * vol_adjustment * fg * bonus;
  return py_floor_cap(final_kelly, 0.001, 0.5);
}

TieredKellyResult tiered_kelly_sizing(const SpreadKellyInputs& in) {
  const double abs_q50 = std::fabs(in.q.q50);
  TieredKellyResult r{};
  if (abs_q50 > in.signal_thresh && in.spread < in.spread_thresh) {
    r.tier = 'A';
    r.base_size = 0.15;
  } else if (abs_q50 > in.signal_thresh) {
    r.tier = 'B';
    r.base_size = 0.10;
  } else if (in.spread < in.spread_thresh) {
    r.tier = 'C';
    r.base_size = 0.06;
  } else {
    r.tier = 'D';
    r.base_size = 0.03;
  }
  r.confidence_multiplier = in.confidence_tier / 10.0;
  r.fg_multiplier = fear_greed_factor(in.fg_index, prob_up_piecewise(in.q.q10, in.q.q50, in.q.q90));
  const double final_size = r.base_size * r.confidence_multiplier * r.fg_multiplier;
  r.position_size = py_floor_cap(final_size, 0.001, 0.3);
  return r;
}

// src/production/regime_aware_kelly.py.

namespace {

// The regime multiplier of regime_aware_kelly_sizing, multiplied in the original's order.
double regime_multiplier(const RegimeFlags& f, double p) {
  double m = 1.0;
  if (f.crisis_signal) {
    m *= p > 0.6 ? 2.0 : 0.5;
  } else if (f.euphoria_warning) {
    m *= p > 0.6 ? 0.3 : 1.5;
  } else if (f.flight_to_quality) {
    m *= 1.3;
  }
  if (f.vol_extreme_high) {
    m *= f.strong_signal_extreme_vol ? 1.8 : 0.6;
  } else if (f.vol_extreme_low) {
    m *= 0.9;
  }
  if (f.contrarian_fear_bullish || f.contrarian_greed_bearish) {
    m *= 1.8;
  } else if (f.calm_fear) {
    if (p > 0.5) m *= 1.4;
  } else if (f.calm_greed) {
    m *= 0.7;
  }
  if (f.bear_bottom_signal) {
    if (p > 0.5) m *= 2.2;
  } else if (f.alt_euphoria) {
    m *= p > 0.5 ? 0.2 : 1.6;
  }
  if (f.crisis_to_recovery) {
    m *= 1.5;
  } else if (f.bubble_to_crash) {
    if (p < 0.4) m *= 1.8;
  }
  if (f.tight_spread_high_vol) m *= 1.6;
  return m;
}

}  // namespace

double regime_aware_kelly_sizing(const Quantiles& q, const RegimeFlags& flags,
                                 double base_kelly_fraction) {
  const double p = prob_up_piecewise(q.q10, q.q50, q.q90);
  const auto fraction = validated_kelly_fraction(q.q10, p, q.q90);
  if (!fraction) return 0.001;
  const double kelly = *fraction;
  // existing system: no confidence factor in this variant.
  const double base_kelly = kelly * base_kelly_fraction;
  const double final_kelly = base_kelly * regime_multiplier(flags, p);
  return py_floor_cap(final_kelly, 0.001, 0.6);
}

TieredRegimeResult tiered_regime_kelly(const Quantiles& q, const RegimeFlags& flags,
                                       double confidence_tier) {
  TieredRegimeResult r{};
  if (flags.crisis_signal || flags.bear_bottom_signal) {
    r.tier = RegimeTier::kCrisisOpportunity;
    r.base_size = 0.25;
  } else if (flags.euphoria_warning || flags.alt_euphoria) {
    r.tier = RegimeTier::kEuphoriaWarning;
    r.base_size = 0.05;
  } else if (flags.contrarian_fear_bullish || flags.contrarian_greed_bearish) {
    r.tier = RegimeTier::kContrarianSignal;
    r.base_size = 0.18;
  } else if (flags.vol_extreme_high) {
    r.tier = RegimeTier::kHighVolatility;
    r.base_size = 0.08;
  } else if (flags.vol_extreme_low) {
    r.tier = RegimeTier::kLowVolatility;
    r.base_size = 0.12;
  } else {
    r.tier = RegimeTier::kNormalMarket;
    r.base_size = 0.10;
  }
  r.confidence_multiplier = confidence_tier / 10.0;
  const double p = prob_up_piecewise(q.q10, q.q50, q.q90);
  r.direction_multiplier = 1.0;
  if (r.tier == RegimeTier::kCrisisOpportunity && p > 0.6) {
    r.direction_multiplier = 1.5;
  } else if (r.tier == RegimeTier::kEuphoriaWarning && p < 0.4) {
    r.direction_multiplier = 1.3;
  }
  const double final_size = r.base_size * r.confidence_multiplier * r.direction_multiplier;
  r.position_size = py_floor_cap(final_size, 0.001, 0.4);
  return r;
}

CurrentRegime current_regime(const RegimeFlags& flags) {
  if (flags.crisis_signal) return CurrentRegime::kCrisis;
  if (flags.euphoria_warning) return CurrentRegime::kEuphoria;
  if (flags.vol_extreme_high) return CurrentRegime::kHighVolatility;
  if (flags.vol_extreme_low) return CurrentRegime::kLowVolatility;
  if (flags.fg_extreme_fear) return CurrentRegime::kExtremeFear;
  if (flags.fg_extreme_greed) return CurrentRegime::kExtremeGreed;
  return CurrentRegime::kNormal;
}

double adaptive_regime_kelly(const Quantiles& q, const RegimeFlags& flags,
                             const RegimeHistory* history) {
  const double base_kelly = regime_aware_kelly_sizing(q, flags);
  if (history == nullptr) return base_kelly;
  RegimePerformance perf;  // historical_performance.get(regime, {}) -> the defaults
  if (const auto it = history->find(current_regime(flags)); it != history->end()) {
    perf = it->second;
  }
  double multiplier = 1.0;
  if (perf.sharpe_ratio > 1.5) {
    multiplier *= 1.2;
  } else if (perf.sharpe_ratio < 0.5) {
    multiplier *= 0.7;
  }
  if (perf.win_rate > 0.6) {
    multiplier *= 1.1;
  } else if (perf.win_rate < 0.4) {
    multiplier *= 0.8;
  }
  return base_kelly * multiplier;  // existing system: not re-clipped
}

// Vol-decile Kelly (1c93a5d).

int vol_raw_decile(double vol_raw) {
  constexpr std::array<double, 10> kBreakpoints{0.001617, 0.002237, 0.002822, 0.003430, 0.004130,
                                                0.004968, 0.006053, 0.007647, 0.010491, 0.127162};
  for (std::size_t i = 0; i < kBreakpoints.size(); ++i) {
    if (vol_raw <= kBreakpoints[i]) return static_cast<int>(i);
  }
  return 9;
}

double vol_decile_kelly_factor(int decile) {
  if (decile >= 9) return 0.6;
  if (decile >= 8) return 0.7;
  if (decile >= 6) return 0.85;
  if (decile <= 1) return 1.1;
  return 1.0;
}

double kelly_with_vol_raw_deciles(double vol_raw, double signal_rel, double base_size) {
  const int decile = vol_raw_decile(vol_raw);
  const double risk_measure = std::fabs(signal_rel);
  double reward_risk_ratio = 0;
  if (risk_measure > 0) reward_risk_ratio = vol_raw * 100 / risk_measure;
  const double kelly_fraction = reward_risk_ratio * base_size;
  return kelly_fraction * vol_decile_kelly_factor(decile);
}

// Ours: the target-position rule.

double target_position_fraction(Side side, double size, double max_abs_fraction) {
  Q50_CHECK(std::isfinite(max_abs_fraction) && max_abs_fraction >= 0,
            "max_abs_fraction must be finite and >= 0");
  // NaN or non-positive sizes mean "no conviction": flat. Never trade on a garbage size.
  if (!(size > 0)) return 0.0;
  const double magnitude = size < max_abs_fraction ? size : max_abs_fraction;
  if (side == kSideLong) return magnitude;
  if (side == kSideShort) return -magnitude;
  return 0.0;
}

std::optional<TargetOrder> target_position_order(double target_fraction, double equity,
                                                 double price, double position_qty) {
  if (!std::isfinite(target_fraction) || !std::isfinite(equity) || !std::isfinite(price) ||
      !std::isfinite(position_qty) || !(price > 0)) {
    return std::nullopt;
  }
  // A non-positive equity cannot carry a position: the target is flat.
  const double target_qty = equity > 0 ? target_fraction * equity / price : 0.0;
  if (!std::isfinite(target_qty)) return std::nullopt;
  return TargetOrder{target_qty, target_qty - position_qty};
}

}  // namespace q50
