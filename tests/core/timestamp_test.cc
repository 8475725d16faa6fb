#include "core/timestamp.h"

#include <boost/test/unit_test.hpp>

namespace q50 {
namespace {

BOOST_AUTO_TEST_CASE(round_trips_reference_keys) {
  for (const char* s : {"1970-01-01 00:00:00", "2017-08-17 04:00:00", "2024-02-29 23:59:59",
                        "2030-01-01 00:00:00", "1969-12-31 23:00:00"}) {
    const auto ts = parse_timestamp(s);
    BOOST_REQUIRE(ts.has_value());
    BOOST_TEST(format_timestamp(*ts) == s);
  }
  BOOST_TEST(*parse_timestamp("2017-08-17 04:00:00") == 1502942400LL * kNsPerSecond);
}

BOOST_AUTO_TEST_CASE(rejects_malformed_keys) {
  for (const char* s : {"", "2017-08-17", "2017-08-17T04:00:00", "2017-13-01 00:00:00",
                        "2023-02-29 00:00:00", "2017-08-17 24:00:00", "2017-08-17 04:60:00",
                        "2017-08-17 04:00:0x", " 2017-08-17 04:00:00"}) {
    BOOST_TEST(!parse_timestamp(s).has_value(), s);
  }
}

}  // namespace
}  // namespace q50
