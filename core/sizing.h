#ifndef Q50SIM_CORE_SIZING_H_
#define Q50SIM_CORE_SIZING_H_

#include <optional>

namespace q50 {

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

}  // namespace q50

#endif  // Q50SIM_CORE_SIZING_H_
