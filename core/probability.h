#ifndef Q50SIM_CORE_PROBABILITY_H_
#define Q50SIM_CORE_PROBABILITY_H_

#include <optional>

namespace q50 {

// P(up) from three quantiles, treating the CDF as piecewise linear through (q10, 0.1),
// (q50, 0.5), (q90, 0.9) (existing system: prob_up_piecewise, identical in every module).
// Branches in the original's order: q90 <= 0 -> 0; q10 >= 0 -> 1; q10 < 0 <= q50 -> lower
// piece; else upper piece. No guard against crossed quantiles (q10 >= 0 gives 1 even when
// q50 < 0). NaN q90 or q50 give NaN; a NaN q10 falls through to the upper piece.
double prob_up_piecewise(double q10, double q50, double q90);

// A three-way split of probability mass: down, neutral, up.
struct ThreeWayProbs {
  double down;
  double neutral;
  double up;
};

// HummingbotQuantileBacktester.quantiles_to_probabilities. Neutral weight
// n = 0.3*min(spread/spread_thresh, 1) when spread_thresh is given and > 0, otherwise
// 0.3*min(spread/max(2*spread, 0.01), 1); up = p(1-n), down = (1-p)(1-n), renormalised only
// when the three sum to more than 1e-10 away from 1. A crossed (negative) spread gives a
// negative neutral weight, as in the original.
ThreeWayProbs hb_quantiles_to_probabilities(double q10, double q50, double q90,
                                            std::optional<double> spread_thresh);

// QuantileBacktester.calculate_probabilities: n = 0.3*min(spread/0.02, 1), never renormalised.
ThreeWayProbs qb_calculate_probabilities(double q10, double q50, double q90);

}  // namespace q50

#endif  // Q50SIM_CORE_PROBABILITY_H_
