#ifndef Q50SIM_CORE_SIGNAL_H_
#define Q50SIM_CORE_SIGNAL_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "core/regime.h"

namespace q50 {

// The HEAD signal pipeline of the existing system (src/training_pipeline_optuna.py @ f9f95a4:
// prob_up_piecewise -> q50_regime_aware_signals -> signal_classification -> kelly_sizing ->
// the side/strength/size block of __main__), one row at a time. Spec:
// shared/spec/existing-signals.md S1-S10; reference: shared/reference/signals.

// One input row. vol_risk and vol_raw_momentum are float32 on purpose: the existing system
// holds them as float32 columns and several stages compute in float32 because of it.
struct SignalInputs {
  double q10;
  double q50;
  double q90;
  float vol_risk;          // Std6(log return)^2, squared in float64 then cast
  float vol_raw_momentum;  // Std6_t - Std6_{t-1}
};

// side encoding of the existing system.
enum Side : std::int8_t { kSideShort = 0, kSideLong = 1, kSideHold = -1 };

// Every column of the reference's NAME.expected.csv, same names and meanings.
struct SignalRow {
  double prob_up;
  double spread;
  double abs_q50;
  double info_ratio;
  double enhanced_info_ratio;
  double expected_value;
  double signal_thresh_adaptive;
  double effective_info_ratio_threshold;
  double signal_strength;
  // A float32 value widened exactly -- except when the lower clip binds (vol_risk > 0.01):
  // then pandas upcasts the column and the value is the float64 0.01 (see signal.cc).
  double position_size_suggestion;
  double kelly_position_size;
  double signal_rel;
  double signal_tanh;
  std::int8_t side;  // Side
  std::uint8_t signal_tier;
  bool economically_significant;
  bool high_quality;
  bool tradeable;
  bool variance_regime_low;
  bool variance_regime_medium;
  bool variance_regime_high;
  bool variance_regime_extreme;
  bool momentum_regime_trending;
};

// Computes one row. Pure, allocation-free; defined for every input including NaN (NaN q50/q90
// give NaN prob_up and HOLD; NaN vol_risk gives no regime flag and a NaN threshold).
SignalRow compute_signal(const SignalInputs& in, const VariancePercentiles& percentiles);

// compute_signal for a caller that never reads signal_tanh (the native strategy: its sizing,
// side and tier use other columns): every other column bit for bit as compute_signal, and
// signal_tanh NaN. It skips numpy's tanh, 16 dependent fused multiply-adds per row.
SignalRow compute_signal_without_tanh(const SignalInputs& in,
                                      const VariancePercentiles& percentiles);

// Column-wise inputs of the batch function; every span has the same length.
struct SignalColumns {
  std::span<const double> q10;
  std::span<const double> q50;
  std::span<const double> q90;
  std::span<const float> vol_risk;
  std::span<const float> vol_raw_momentum;
};

// out[i] = compute_signal(row i). out must have the inputs' length (programmer error if not).
void compute_signals(const SignalColumns& in, const VariancePercentiles& percentiles,
                     std::span<SignalRow> out);

// One output column of the reference's NAME.expected.csv (after `timestamp`), in file order.
// Values are returned as double: kInt and kBool columns hold small integers exactly.
enum class SignalColumnKind : std::uint8_t { kFloat64, kInt, kBool };
struct SignalColumnSpec {
  std::string_view name;
  SignalColumnKind kind;
  double (*value)(const SignalRow& row);
};
std::span<const SignalColumnSpec> signal_columns();

// COUNTERFACTUAL, never for trading: the same pipeline with vol_risk and vol_raw_momentum
// held as float64, so the float32 stages (regime and trending comparisons, vm = 1 + 500*vr,
// the position size) run in float64. It exists only so the agreement test can prove the
// 1e-12 gate catches that slip (README §7: thr moves ~6e-8, tiers flip).
SignalRow compute_signal_float64_vol(const SignalInputs& in,
                                     const VariancePercentiles& percentiles);

}  // namespace q50

#endif  // Q50SIM_CORE_SIGNAL_H_
