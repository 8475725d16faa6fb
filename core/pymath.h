#ifndef Q50SIM_CORE_PYMATH_H_
#define Q50SIM_CORE_PYMATH_H_

// Python's and numpy's comparison semantics, where they differ from std::min/std::max/clamp on
// NaN. The existing system mixes them, and which one a formula used decides whether a NaN input
// gives NaN or a floor value, so each port names the one its original called.

namespace q50::py {

// Python builtin min(a, b): returns a unless b < a. min(nan, 1) = nan, min(1, nan) = 1.
constexpr double min(double a, double b) { return b < a ? b : a; }
// Python builtin max(a, b): returns a unless b > a. max(0.001, nan) = 0.001.
constexpr double max(double a, double b) { return b > a ? b : a; }

// numpy.clip / pandas .clip(lo, hi): NaN stays NaN.
constexpr double clip(double x, double lo, double hi) {
  if (x != x) return x;
  return x < lo ? lo : (x > hi ? hi : x);
}
constexpr float clip(float x, float lo, float hi) {
  if (x != x) return x;
  return x < lo ? lo : (x > hi ? hi : x);
}

// numpy.maximum(a, b): NaN propagates from either side.
constexpr double maximum(double a, double b) {
  if (a != a) return a;
  if (b != b) return b;
  return a > b ? a : b;
}
constexpr float maximum(float a, float b) {
  if (a != a) return a;
  if (b != b) return b;
  return a > b ? a : b;
}

// Python truthiness of a float: 0.0 and -0.0 are false, everything else (NaN too) is true.
constexpr bool truthy(double x) { return x != 0.0 || x != x; }

}  // namespace q50::py

#endif  // Q50SIM_CORE_PYMATH_H_
