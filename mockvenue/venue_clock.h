#ifndef Q50SIM_MOCKVENUE_VENUE_CLOCK_H_
#define Q50SIM_MOCKVENUE_VENUE_CLOCK_H_

// The mock venue's accelerated clock (pure: it is handed the wall time elapsed since the clock
// started and never reads a clock itself).
//
//   venue time = start + elapsed wall time x speed, capped at end
//
// --speed 3600 runs one hourly bar per wall second. At `end` (the close of the market's last
// bar) the clock stops: the venue keeps answering, its time stays at `end`.
//
// Protocol time windows scale with the speed, so that a client that is correct at speed 1 is
// correct at any speed: Binance accepts a signed request when
//   timestamp < server time + 1000 ms  and  server time - timestamp <= recvWindow;
// the mock accepts it when
//   timestamp < venue time + 1000 ms x speed  and  venue time - timestamp <= recvWindow x speed,
// i.e. the client keeps the same allowance in wall-clock terms (its timestamps may lag the
// venue's clock by recvWindow of wall time). A client that stamps requests with its local clock
// plus a measured offset must therefore re-measure the offset at least every recvWindow of wall
// time (its local clock runs `speed` times slower than the venue's). Once the clock has stopped
// the "ahead" rule is not applied (a stopped clock cannot be caught up with).

#include <cstdint>

#include "core/timestamp.h"

namespace q50::mockvenue {

class VenueClock {
 public:
  // Contract (checked): start_ns <= end_ns; 0 < speed <= kMaxSpeed.
  VenueClock(TimestampNs start_ns, TimestampNs end_ns, double speed);

  static constexpr double kMaxSpeed = 1e7;

  // Venue time after elapsed_wall_ns (>= 0; negative counts as 0) of wall time.
  TimestampNs at(std::int64_t elapsed_wall_ns) const;
  // True once the venue time has reached end.
  bool stopped(std::int64_t elapsed_wall_ns) const { return at(elapsed_wall_ns) >= end_ns_; }

  // A venue-time span as wall time, rounded up (>= 0).
  std::int64_t wall_ns_for(TimestampNs venue_span_ns) const;
  // A wall-time span as venue time, rounded down (>= 0).
  TimestampNs venue_ns_for(std::int64_t wall_span_ns) const;

  TimestampNs start_ns() const { return start_ns_; }
  TimestampNs end_ns() const { return end_ns_; }
  double speed() const { return speed_; }

 private:
  TimestampNs start_ns_;
  TimestampNs end_ns_;
  double speed_;
};

}  // namespace q50::mockvenue

#endif  // Q50SIM_MOCKVENUE_VENUE_CLOCK_H_
