#ifndef Q50SIM_TESTS_LIVE_FIXTURE_FILES_H_
#define Q50SIM_TESTS_LIVE_FIXTURE_FILES_H_

// The Binance documentation fixtures under tests/live/fixtures/ (see the README there).

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <string>

#include "tests/support/test_env.h"

namespace q50::live::testing {

inline std::string fixture_path(const std::string& name) {
  return q50::testing::source_dir() + "/tests/live/fixtures/" + name;
}

// The fixture's bytes; a missing or empty file fails the calling test.
inline std::string fixture(const std::string& name) {
  const std::string path = fixture_path(name);
  BOOST_REQUIRE_MESSAGE(q50::testing::file_exists(path), "missing fixture " << path);
  std::string text = q50::testing::read_text(path);
  BOOST_REQUIRE_MESSAGE(!text.empty(), "empty fixture " << path);
  return text;
}

}  // namespace q50::live::testing

#endif  // Q50SIM_TESTS_LIVE_FIXTURE_FILES_H_
