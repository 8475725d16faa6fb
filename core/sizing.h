#ifndef Q50SIM_CORE_SIZING_H_
#define Q50SIM_CORE_SIZING_H_

// Every position-sizing rule of the existing system (snogcel/qlib_trading_v2 @ f9f95a4; spec:
// shared/spec/existing-backtest.md §1, existing-signals.md §3), ported quirks included, plus the
// target-position rule we trade with (the last section; ours, not the existing system's).
//
// Sizes are fractions of equity (0.25 = a quarter of portfolio value). NaN semantics follow the
// original call by call: Python's builtin min/max (py::min/py::max) turn a NaN into the floor,
// numpy.clip (py::clip) keeps it. Each function names the one its original used.
//
// Division by zero: the originals ran on numpy.float64 values taken from DataFrame rows, which
// give IEEE inf/NaN (with a RuntimeWarning) rather than Python's ZeroDivisionError, and a
// negative base under a fractional power gives NaN rather than a complex number; we follow those
// IEEE semantics everywhere. Where a plain Python float would raise instead, the function says so.

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>

#include "core/signal.h"

namespace q50 {

struct Quantiles {
  double q10;
  double q50;
  double q90;
};

// HummingbotQuantileBacktester (src/backtesting/backtester.py) -- every recorded hummingbot run.

// Inputs of the existing system's "validated Kelly" (HummingbotQuantileBacktester._kelly_sizing,
// identical to training_pipeline_optuna.kelly_sizing).
struct KellyInputs {
  double q10;
  double q50;
  double q90;
  double confidence;                    // 0..10; the pipeline passes signal_tier (0..3)
  std::optional<double> spread_thresh;  // None in every recorded run
  std::optional<double> signal_thresh;  // None when the HB dispatcher calls it for 'kelly'
  double max_position_pct;              // cap; 0.5 in the pipeline
};

// p = prob_up_piecewise; long if p > 0.5 (win q90, loss |q10| or 0.001), else short (p = 0.5
// included). loss <= 0 returns the 0.001 floor. Otherwise quarter-Kelly * confidence/10, times
// 1.3 (signal_thresh truthy and |q50| > it) else 0.8, times 1.2 (spread_thresh truthy and
// spread < it) else 0.8, times 1.15 if both; result max(0.001, min(x, cap)) with Python's
// min/max, so a negative or NaN Kelly gives 0.001, never 0 or NaN.
double validated_kelly(const KellyInputs& in);
// The same with p = prob_up_piecewise(in.q10, in.q50, in.q90) passed in by a caller that has
// it already (compute_signal): one evaluation fewer, identical result.
double validated_kelly(const KellyInputs& in, double prob_up);

// generate_hummingbot_signal's tier -> confidence map. Existing system: the map is INVERTED with
// respect to the pipeline's tiers -- tier 3 (|q50| >= threshold, the strongest signal) gets
// confidence 3, the lowest, and tier 0 (no signal) gets 10. Any other value (NaN, 1.5, 4, a
// missing column, whose default is 3) gives 3.0. Lookup is by numeric equality, as a Python dict
// keyed by int matches a float64 tier (0.0 == 0, and -0.0 too).
double hb_tier_confidence(double signal_tier);
// The letter form of the same map: "A"/"B"/"C"/"D" -> 10/7/5/3, anything else 3.0. Here the
// order is the intuitive one (A = best), which is why the numeric one is a quirk.
double hb_tier_confidence(std::string_view letter_tier);

// The `sizing_method` of HummingbotQuantileBacktester.calculate_target_pct.
enum class HbSizingMethod : std::uint8_t {
  kSimple,
  kKelly,
  kVolatility,
  kSharpe,
  kRiskParity,
  kEnhanced,
};
// Strict parse of 'simple', 'kelly', 'volatility', 'sharpe', 'risk_parity', 'enhanced';
// nullopt for anything else (a config typo must be an error for us).
std::optional<HbSizingMethod> parse_hb_sizing_method(std::string_view name);
// The original's dispatch: any string it does not recognise falls into the `else` branch and
// sizes with 'enhanced' (the default). Kept for replaying the original faithfully.
HbSizingMethod hb_dispatch_sizing_method(std::string_view name);
std::string_view hb_sizing_method_name(HbSizingMethod method);

// One bar's inputs to calculate_target_pct, as generate_hummingbot_signal gathers them.
struct HbSizingInputs {
  double q10;
  double q50;
  double q90;
  double tier_confidence;  // hb_tier_confidence(signal_tier): 10/7/5/3
  // Row 'spread_thresh'; absent (None) in every recorded run.
  std::optional<double> spread_thresh = std::nullopt;
  // Row 'signal_thresh_adaptive' (else 'signal_thresh').
  std::optional<double> signal_thresh = std::nullopt;
  double realized_vol_6 = 0.009;  // row '$realized_vol_6' (absent -> 0.009)
  double max_position_pct = 0.5;  // cap; 0.3 in the recorded runs
};

// calculate_target_pct(method). Existing-system quirks, by method:
//   kKelly: the dispatcher calls _kelly_sizing WITHOUT signal_thresh, so its signal factor is
//     always 0.8 (the 'enhanced' path passes it).
//   kVolatility: target_vol = realized_vol_6; 'enhanced' ignores it and uses 0.009.
//   kSimple: the only method with a 1% floor, and the only one using numpy.clip, so a NaN q50
//     gives a NaN size (every other method turns NaN into its 0.001 floor).
double hb_calculate_target_pct(HbSizingMethod method, const HbSizingInputs& in);

// _simple_sizing: 10|q50| / max(1, spread/S) (S = spread_thresh if given and > 0, else 0.01),
// numpy.clip to [0.01, cap]. NaN q50 -> NaN; NaN spread -> risk adjustment 1 (Python max).
double hb_simple_sizing(const HbSizingInputs& in);
// _volatility_sizing: 8|q50| * (target_vol/sigma if sigma > 0 else 1) * (1 + (c/3)^1.5), with
// sigma = spread/3.29, then max(0.001, min(x, cap)). The spread penalty the original computes
// is commented out of the product, so spread_thresh has no effect.
double hb_volatility_sizing(const HbSizingInputs& in, double target_vol);
// _sharpe_sizing: sigma <= 0 -> 0.001; else 0.05|q50|/sigma * (1 + (c/3)^1.5), min/max clip.
double hb_sharpe_sizing(const HbSizingInputs& in);
// _risk_parity_sizing: sigma <= 0 -> 0.001; else (0.15*0.02/sigma) * 15|q50| * c/10, min/max.
double hb_risk_parity_sizing(const HbSizingInputs& in);
// _enhanced_sizing: E = 0.4 kelly(with signal_thresh) + 0.3 volatility(target_vol 0.009, fixed)
// + 0.15 sharpe + 0.15 risk_parity, times: 1.4 if |q50| > T else 0.7 (only when T is truthy,
// |q50| truthy and T > 0; so q50 == 0 keeps 1.0); 1.3 if spread < S else 0.7 (only when S is
// truthy and > 0); (c/10)^1.1; 1.2 if T truthy, |q50| > T, S truthy and spread < S. Then
// max(0.001, min(x, cap)).
double hb_enhanced_sizing(const HbSizingInputs& in);

// QuantileBacktester (src/backtesting/quantile_backtester.py) -- backtest_results/*.

// The BacktestConfig fields the sizing and the signal read (BacktestConfig defaults).
struct QbSizingConfig {
  double base_position_size = 0.1;
  double confidence_multiplier = 2.0;
  double position_limit = 1.0;
  double long_threshold = 0.5;
  double short_threshold = 0.5;
};

// calculate_position_size: clip(base * clip(1 + (c-5)/5*(m-1), 0.1, m) / (1 + 10 vol), 0.01,
// position_limit), both clips numpy (NaN c or vol -> NaN). The row's defaults: c =
// tier_confidence (absent -> 5.0), vol = volatility (else $realized_vol_10, else 0.02); with
// both defaults this is base/1.2. Existing system: current_capital is accepted and ignored.
double qb_position_size(const QbSizingConfig& config, double tier_confidence, double volatility,
                        double current_capital);

enum class QbSignal : std::uint8_t { kBuy, kSell, kHold };
struct QbTradingSignal {
  QbSignal signal;
  double target_position;  // fraction of capital, signed; 0 for HOLD
};
// generate_trading_signal: probabilities from qb_calculate_probabilities; BUY (+size) if
// prob_up > long_threshold, else SELL (-size) if prob_down > short_threshold, else HOLD with a
// target of 0 -- existing system: HOLD flattens the position.
QbTradingSignal qb_trading_signal(const QbSizingConfig& config, const Quantiles& q,
                                  double tier_confidence, double volatility,
                                  double current_capital);

// AdvancedPositionSizer (src/features/position_sizing.py); not called by any backtester.
// Every method ends with max(0.001, min(x, max_position_pct)) (Python min/max).

struct ApsInputs {
  Quantiles q;
  double tier_confidence;
  double max_position_pct = 0.5;
};

// kelly_criterion_sizing: long (p > 0.5) win |q90|, loss |q10|, pi = p; short win |q10|,
// loss |q90|, pi = 1-p. loss == 0 returns 0.01 unclipped (not the 0.001 floor). Otherwise
// (f* * c/10) * 0.25 -- confidence before the quarter, unlike validated_kelly.
double aps_kelly(const ApsInputs& in);
// volatility_adjusted_sizing: 5|q50| * (target_vol/current_vol if current_vol > 0 else 1) *
// (c/10)^2 * 1/(1 + 50 spread).
double aps_volatility(const ApsInputs& in, double current_volatility,
                      double target_volatility = 0.15);
// sharpe_optimized_sizing: sigma <= 0 -> 0.001; else 0.1|q50/sigma| * (1 + (c-5)/10) *
// min((q50/sigma)/historical_sharpe, 2) when historical_sharpe is given and > 0, else 1.
// Existing system: the last factor is signed, so every bearish signal collapses to 0.001.
double aps_sharpe(const ApsInputs& in, std::optional<double> historical_sharpe);
// risk_parity_sizing: sigma <= 0 -> 0.001; else (portfolio_vol*0.02/sigma) * 10|q50| * c/10.
double aps_risk_parity(const ApsInputs& in, double portfolio_volatility = 0.15);
// adaptive_momentum_sizing: 8|q50| * (c/10)^1.5 * (1 + min(2r, 0.5) if r > 0 else
// 1 + max(r, -0.3)) * 1/(1 + 30 spread). A NaN r takes the else branch and gives NaN -> floor.
double aps_momentum(const ApsInputs& in, double recent_performance = 0);

struct ApsEnsembleParams {
  double current_volatility = 0.2;
  double recent_performance = 0;
  std::optional<double> historical_sharpe = 1.0;
};
struct ApsEnsemble {
  double kelly;
  double volatility;
  double sharpe;
  double risk_parity;
  double momentum;
  double ensemble;  // 0.30/0.25/0.20/0.15/0.10 weighted sum, then min/max clip
};
ApsEnsemble aps_ensemble(const ApsInputs& in, const ApsEnsembleParams& params);

// src/production/validated_kelly_with_spread.py; not called by any backtester.

struct SpreadKellyInputs {
  Quantiles q;
  double spread;  // passed separately by the caller (the backtester hook: q90 - q10)
  double signal_thresh;
  double spread_thresh;
  double fg_index = 0.5;         // fear & greed in 0..1
  double confidence_tier = 3.0;  // 0..10
  double base_fraction = 0.25;   // read by validated_kelly_sizing only
};

// get_spread_decile: first i with spread <= [0.005, 0.008, 0.011, 0.014, 0.017, 0.021, 0.026,
// 0.032, 0.041, 0.055][i], else 9 (NaN -> 9). The original calls these thresholds placeholders.
int spread_decile(double spread);
// decile >= 8 -> 0.7; >= 6 -> 0.85; <= 2 -> 1.1; else 1.0.
double spread_decile_factor(int decile);
// fg < 0.2 and p > 0.5 -> 1.3; fg > 0.8 and p < 0.5 -> 1.3; fg > 0.8 and p > 0.5 -> 0.7; else 1.
double fear_greed_factor(double fg_index, double prob_up);

// validated_kelly_sizing. Unlike validated_kelly: long loss is |q10| even when q10 >= 0 (no
// 0.001 substitute), and a loss <= 0 becomes 0.001 instead of returning early; the signal
// factor is 1.3 else 0.7 (not 0.8); thresholds are compared directly (no truthiness test);
// then spread-decile and fear & greed factors and a 1.2 bonus when both thresholds hold.
// max(0.001, min(x, 0.5)). A zero win (short with q10 == 0) divides by zero: a Python float
// raises ZeroDivisionError, IEEE gives -inf or NaN and so the floor.
double validated_kelly_sizing(const SpreadKellyInputs& in);

struct TieredKellyResult {
  double position_size;  // max(0.001, min(base * c/10 * fg, 0.3))
  char tier;             // 'A' strong + tight, 'B' strong, 'C' tight, 'D' neither
  double base_size;      // 0.15 / 0.10 / 0.06 / 0.03
  double confidence_multiplier;
  double fg_multiplier;
};
// tiered_kelly_sizing (base_fraction is not read).
TieredKellyResult tiered_kelly_sizing(const SpreadKellyInputs& in);

// src/production/regime_aware_kelly.py; none of it is wired into a backtester.

// The binary regime flags the functions read. The original tests each with Python truthiness
// of a dict value (missing = 0); a NaN flag counts as set there, so convert with py::truthy.
struct RegimeFlags {
  bool crisis_signal = false;
  bool euphoria_warning = false;
  bool flight_to_quality = false;
  bool vol_extreme_high = false;
  bool strong_signal_extreme_vol = false;
  bool vol_extreme_low = false;
  bool contrarian_fear_bullish = false;
  bool contrarian_greed_bearish = false;
  bool calm_fear = false;
  bool calm_greed = false;
  bool bear_bottom_signal = false;
  bool alt_euphoria = false;
  bool crisis_to_recovery = false;
  bool bubble_to_crash = false;
  bool tight_spread_high_vol = false;
  bool fg_extreme_fear = false;
  bool fg_extreme_greed = false;
};

// regime_aware_kelly_sizing: the validated_kelly core (same win/loss, loss <= 0 -> 0.001), base
// = f* * base_kelly_fraction with NO confidence factor, times the flag multipliers in the
// original's order (spec §1.6), max(0.001, min(x, 0.6)).
double regime_aware_kelly_sizing(const Quantiles& q, const RegimeFlags& flags,
                                 double base_kelly_fraction = 0.25);

enum class RegimeTier : std::uint8_t {
  kCrisisOpportunity,  // crisis_signal or bear_bottom_signal: base 0.25
  kEuphoriaWarning,    // euphoria_warning or alt_euphoria: 0.05
  kContrarianSignal,   // contrarian_fear_bullish or contrarian_greed_bearish: 0.18
  kHighVolatility,     // vol_extreme_high: 0.08
  kLowVolatility,      // vol_extreme_low: 0.12
  kNormalMarket,       // 0.10
};
struct TieredRegimeResult {
  double position_size;  // max(0.001, min(base * c/10 * direction, 0.4))
  RegimeTier tier;
  double base_size;
  double confidence_multiplier;
  double direction_multiplier;  // 1.5 crisis with p > 0.6; 1.3 euphoria with p < 0.4; else 1
};
TieredRegimeResult tiered_regime_kelly(const Quantiles& q, const RegimeFlags& flags,
                                       double confidence_tier = 3.0);

// get_current_regime: the first of crisis, euphoria, high/low volatility, extreme fear/greed.
enum class CurrentRegime : std::uint8_t {
  kCrisis,
  kEuphoria,
  kHighVolatility,
  kLowVolatility,
  kExtremeFear,
  kExtremeGreed,
  kNormal,
};
CurrentRegime current_regime(const RegimeFlags& flags);

// Recorded performance in one regime; a missing key takes the original's default.
struct RegimePerformance {
  double sharpe_ratio = 1.0;
  double win_rate = 0.5;
};
using RegimeHistory = std::map<CurrentRegime, RegimePerformance>;

// adaptive_regime_kelly: regime_aware_kelly_sizing times 1.2 (Sharpe > 1.5) / 0.7 (< 0.5) and
// 1.1 (win rate > 0.6) / 0.8 (< 0.4) for the current regime. history == nullptr is the
// original's None (no adjustment). Existing system: no re-clip, so it can exceed the 0.6 cap
// (up to 0.6*1.2*1.1 = 0.792).
double adaptive_regime_kelly(const Quantiles& q, const RegimeFlags& flags,
                             const RegimeHistory* history);

// The vol-decile Kelly adjustment (existing-signals.md §3; removed from the pipeline after
// 1c93a5d, kept for the scenario that still quotes it).

// get_vol_raw_decile: first i with vol_raw <= [.001617, .002237, .002822, .003430, .004130,
// .004968, .006053, .007647, .010491, .127162][i], else 9 (NaN -> 9).
int vol_raw_decile(double vol_raw);
// decile >= 9 -> 0.6; >= 8 -> 0.7; >= 6 -> 0.85; <= 1 -> 1.1; else 1.0.
double vol_decile_kelly_factor(int decile);
// kelly_with_vol_raw_deciles: (vol_raw*100/|signal_rel| if |signal_rel| > 0 else 0) *
// base_size * factor. Existing system: no clip at all (NaN in, NaN out).
double kelly_with_vol_raw_deciles(double vol_raw, double signal_rel, double base_size = 0.1);

// OURS, not the existing system's: the target-position rule we trade with.
//
// The existing HB backtester treats target_pct as an order size and pyramids (every LONG bar
// adds target_pct of equity, so exposure drifts to 100%). We instead hold a target: the signed
// fraction of equity the position should be, and trade only the difference.

// +size for a LONG side, -size for SHORT, 0 for HOLD (or any other value). size is a sizing
// result (e.g. hb_calculate_target_pct) and is clamped to [0, max_abs_fraction]; a NaN or
// non-positive size means flat. Precondition: max_abs_fraction is finite and >= 0.
double target_position_fraction(Side side, double size, double max_abs_fraction);

struct TargetOrder {
  double target_qty;  // base units: target_fraction * equity / price (0 when equity <= 0)
  double order_qty;   // base units, signed: target_qty - position_qty (+ buy, - sell)
};
// Units: equity in quote currency (mark-to-market), price in quote per base unit, quantities
// in base units. nullopt when any input is not finite or price <= 0 (no order can be derived).
// Scaling equity and position_qty by a power of two scales both outputs exactly.
std::optional<TargetOrder> target_position_order(double target_fraction, double equity,
                                                 double price, double position_qty);

}  // namespace q50

#endif  // Q50SIM_CORE_SIZING_H_
