#include "core/sizing.h"

#include <cmath>

#include "core/probability.h"
#include "core/pymath.h"

namespace q50 {

double validated_kelly(const KellyInputs& in) {
  const double p = prob_up_piecewise(in.q10, in.q50, in.q90);
  double win = 0;
  double loss = 0;
  double prob_win = 0;
  if (p > 0.5) {
    win = in.q90;
    loss = in.q10 < 0 ? std::fabs(in.q10) : 0.001;
    prob_win = p;
  } else {
    win = in.q10 < 0 ? std::fabs(in.q10) : 0.001;
    loss = in.q90;
    prob_win = 1 - p;
  }
  // existing system: a certain bearish forecast (q90 <= 0) gets the floor, not zero.
  if (loss <= 0) return 0.001;
  const double b = win / loss;
  const double kelly = (b * prob_win - (1 - prob_win)) / b;
  const double base = kelly * 0.25 * (in.confidence / 10);

  const bool signal_ok = in.signal_thresh.has_value() && py::truthy(*in.signal_thresh) &&
                         std::fabs(in.q50) > *in.signal_thresh;
  const double spread = in.q90 - in.q10;
  const bool spread_ok = in.spread_thresh.has_value() && py::truthy(*in.spread_thresh) &&
                         spread < *in.spread_thresh;
  const double signal_factor = signal_ok ? 1.3 : 0.8;
  const double spread_factor = spread_ok ? 1.2 : 0.8;
  const double combined = signal_ok && spread_ok ? 1.15 : 1.0;
  const double sized = base * signal_factor * spread_factor * combined;
  return py::max(0.001, py::min(sized, in.max_position_pct));
}

}  // namespace q50
