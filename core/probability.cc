#include "core/probability.h"

#include <cmath>

#include "core/pymath.h"

namespace q50 {

double prob_up_piecewise(double q10, double q50, double q90) {
  if (q90 <= 0) return 0.0;
  if (q10 >= 0) return 1.0;
  if (q10 < 0 && 0 <= q50) {
    // Evaluated as the original: product first, then the division.
    return 1 - (0.10 + (0.40 * (0 - q10)) / (q50 - q10));
  }
  return 1 - (0.50 + (0.40 * (0 - q50)) / (q90 - q50));
}

ThreeWayProbs hb_quantiles_to_probabilities(double q10, double q50, double q90,
                                            std::optional<double> spread_thresh) {
  const double p = prob_up_piecewise(q10, q50, q90);
  const double spread = q90 - q10;
  double neutral = 0;
  if (spread_thresh.has_value() && *spread_thresh > 0) {
    neutral = 0.3 * py::min(spread / *spread_thresh, 1.0);
  } else {
    neutral = 0.3 * py::min(spread / py::max(2 * spread, 0.01), 1.0);
  }
  double up = p * (1 - neutral);
  double down = (1 - p) * (1 - neutral);
  // Summed in the original's order (up + down + neutral): addition is not associative, and the
  // sum decides both whether to renormalise and the divisor.
  const double total = up + down + neutral;
  if (std::fabs(total - 1.0) > 1e-10) {
    down /= total;
    neutral /= total;
    up /= total;
  }
  return {down, neutral, up};
}

ThreeWayProbs qb_calculate_probabilities(double q10, double q50, double q90) {
  const double p = prob_up_piecewise(q10, q50, q90);
  const double spread = q90 - q10;
  const double neutral = 0.3 * py::min(spread / 0.02, 1.0);
  return {(1 - p) * (1 - neutral), neutral, p * (1 - neutral)};
}

}  // namespace q50
