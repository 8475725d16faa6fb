// Whole and partial occurrences of a secret are replaced; short secrets and ordinary text are
// left alone.
#include "live/redaction.h"

#include <boost/test/unit_test.hpp>

namespace q50::live {
namespace {

constexpr char kKey[] = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";

BOOST_AUTO_TEST_CASE(whole_occurrences) {
  const Redactor r({kKey, "short"});
  BOOST_TEST(r.whole(std::string("key=") + kKey + "," + kKey) == "key=<redacted>,<redacted>");
  BOOST_TEST(r.whole("a short word") == "a short word");
  // A piece is not a whole occurrence.
  BOOST_TEST(r.whole(std::string(kKey).substr(0, 40)) == std::string(kKey).substr(0, 40));
}

BOOST_AUTO_TEST_CASE(pieces_of_eight_bytes_or_more) {
  const Redactor r({kKey});
  BOOST_TEST(r.pieces(std::string("got \"") + std::string(kKey).substr(0, 45) + "\"...") ==
             "got \"<redacted>\"...");
  BOOST_TEST(r.pieces(std::string("x") + std::string(kKey).substr(20, 8) + "y") == "x<redacted>y");
  BOOST_TEST(r.pieces(std::string("x") + std::string(kKey).substr(20, 7) + "y") ==
             std::string("x") + std::string(kKey).substr(20, 7) + "y");
  BOOST_TEST(r.pieces("POST /api/v3/order: rejected (HTTP 400) code -1013") ==
             "POST /api/v3/order: rejected (HTTP 400) code -1013");
  BOOST_TEST(Redactor({}).pieces(kKey) == kKey);
}

}  // namespace
}  // namespace q50::live
