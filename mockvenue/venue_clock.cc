#include "mockvenue/venue_clock.h"

#include <cmath>
#include <limits>

#include "core/check.h"

namespace q50::mockvenue {
namespace {

// x * speed (or x / speed) for x >= 0, through long double (a 64-bit mantissa holds any int64
// exactly), saturated at int64's maximum.
std::int64_t scale(std::int64_t x, double speed, bool divide) {
  if (x <= 0) return 0;
  const long double lx = static_cast<long double>(x);
  const long double ls = static_cast<long double>(speed);
  const long double r = divide ? std::ceil(lx / ls) : std::floor(lx * ls);
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  if (r >= static_cast<long double>(kMax)) return kMax;
  return static_cast<std::int64_t>(r);
}

}  // namespace

VenueClock::VenueClock(TimestampNs start_ns, TimestampNs end_ns, double speed)
    : start_ns_(start_ns), end_ns_(end_ns), speed_(speed) {
  Q50_CHECK(start_ns <= end_ns, "the venue clock must start before it ends");
  Q50_CHECK(std::isfinite(speed) && speed > 0 && speed <= kMaxSpeed,
            "the venue clock needs 0 < speed <= 1e7");
}

TimestampNs VenueClock::at(std::int64_t elapsed_wall_ns) const {
  const TimestampNs span = scale(elapsed_wall_ns, speed_, false);
  if (span >= end_ns_ - start_ns_) return end_ns_;
  return start_ns_ + span;
}

std::int64_t VenueClock::wall_ns_for(TimestampNs venue_span_ns) const {
  return scale(venue_span_ns, speed_, true);
}

TimestampNs VenueClock::venue_ns_for(std::int64_t wall_span_ns) const {
  return scale(wall_span_ns, speed_, false);
}

}  // namespace q50::mockvenue
