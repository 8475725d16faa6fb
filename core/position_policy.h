#ifndef Q50SIM_CORE_POSITION_POLICY_H_
#define Q50SIM_CORE_POSITION_POLICY_H_

// The two position options that the legacy backtesters (core/legacy/strategy.h) and the
// strategy users run (core/strategy.h) share. Each enumerator says whose behaviour it is: the
// existing system's ("legacy") or ours.

#include <cstdint>

namespace q50 {

// What a HOLD bar does to an open position.
enum class HoldPolicy : std::uint8_t {
  // Existing system: close (NEUTRAL_CLOSE) only if confidence < min_confidence_hold, strictly.
  // Its other exit ("PPO side opposes the position") can never fire: a HOLD bar has side -1.
  kLegacyMinConfidence,
  kAlwaysClose,  // ours: HOLD means flat
  kKeep,         // ours: HOLD never touches the position
};

// How a LONG/SHORT bar turns target_pct into an order.
enum class PositionRule : std::uint8_t {
  // Existing system: target_pct is an order size. Same-direction bars add PV*target_pct/price
  // every bar (pyramiding until cash runs out); an opposite position flips to exactly that qty.
  kLegacyPyramid,
  // Ours: target_pct is the signed exposure to hold; only the difference is traded.
  kTargetPosition,
};

}  // namespace q50

#endif  // Q50SIM_CORE_POSITION_POLICY_H_
