#ifndef Q50SIM_LIVE_CLOCK_H_
#define Q50SIM_LIVE_CLOCK_H_

// The project's only wall clock (ARCHITECTURE.md, determinism rule 1: only the sim clock and
// live/ create timestamps). Everything that needs "now" in live/ takes a Clock&, so tests inject
// a fake one and the codec stays pure.

#include <cstdint>

namespace q50::live {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch (UTC), as Binance timestamps are.
  virtual std::int64_t wall_ms() = 0;
  // A monotonic reading in nanoseconds, only meaningful as a difference (round trips).
  virtual std::int64_t monotonic_ns() = 0;
  // Waits `ms` milliseconds of wall time (a fake clock advances instead). An interrupted wait
  // (a signal arrived) returns early, so a stop request is seen at once.
  virtual void sleep_ms(std::int64_t ms) = 0;
};

// The operating system's clocks: the system (UTC) clock for wall_ms, the steady clock for
// monotonic_ns.
class SystemClock final : public Clock {
 public:
  std::int64_t wall_ms() override;
  std::int64_t monotonic_ns() override;
  void sleep_ms(std::int64_t ms) override;
};

}  // namespace q50::live

#endif  // Q50SIM_LIVE_CLOCK_H_
