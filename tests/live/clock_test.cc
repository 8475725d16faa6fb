// The system clock reads milliseconds since the Unix epoch and a monotonic nanosecond count.
#include "live/clock.h"

#include <boost/test/unit_test.hpp>

namespace q50::live {
namespace {

BOOST_AUTO_TEST_CASE(system_clock_units) {
  SystemClock clock;
  const std::int64_t wall_ms = clock.wall_ms();
  BOOST_TEST(wall_ms > 1577836800000);  // after 2020-01-01 in ms (seconds or us would fail)
  BOOST_TEST(wall_ms < 4102444800000);  // before 2100-01-01
  const std::int64_t a = clock.monotonic_ns();
  const std::int64_t b = clock.monotonic_ns();
  BOOST_TEST(b >= a);
}

}  // namespace
}  // namespace q50::live
