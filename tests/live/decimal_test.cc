// Binance decimal strings <-> e8 integers: the grammar, the 8-decimal rule, overflow, formatting
// with a fixed number of decimals, and decimals_of(step).
#include "live/decimal.h"

#include <boost/test/unit_test.hpp>
#include <limits>
#include <string>

namespace q50::live {
namespace {

std::int64_t e8(std::string_view text) {
  absl::StatusOr<std::int64_t> v = parse_e8(text);
  BOOST_REQUIRE_MESSAGE(v.ok(), std::string(v.status().message()));
  return *v;
}

std::string error_of(std::string_view text) {
  absl::StatusOr<std::int64_t> v = parse_e8(text);
  BOOST_REQUIRE_MESSAGE(!v.ok(), "parsed " << text);
  return std::string(v.status().message());
}

BOOST_AUTO_TEST_CASE(parses_exact_values) {
  BOOST_TEST(e8("0") == 0);
  BOOST_TEST(e8("0.1") == 10000000);
  BOOST_TEST(e8("1") == 100000000);
  BOOST_TEST(e8("0.00000001") == 1);
  BOOST_TEST(e8("4723846.89208129") == 472384689208129);
  BOOST_TEST(e8("00012.50") == 1250000000);
  // Trailing zeros past the 8th decimal are fine (Binance pads some fields).
  BOOST_TEST(e8("1.000000000000000000") == 100000000);
  BOOST_TEST(e8("92233720368.54775807") == std::numeric_limits<std::int64_t>::max());
  BOOST_TEST(e8("00000000000000000001") == 100000000);
}

BOOST_AUTO_TEST_CASE(rejects_bad_grammar_with_the_text_in_the_message) {
  for (const char* bad : {"", ".", "1.", ".5", "-1", "+1", "1e5", "1,5", " 1", "1 ", "0x10", "1..2",
                          "NaN", "inf", "１"}) {
    const std::string msg = error_of(bad);
    BOOST_TEST(msg.find("expected digits") != std::string::npos, bad << ": " << msg);
  }
  BOOST_TEST(error_of("abc").find("\"abc\"") != std::string::npos);
  // 21 digits on either side of the point is outside Binance's grammar.
  error_of("123456789012345678901");
  error_of("1.123456789012345678901");
}

BOOST_AUTO_TEST_CASE(rejects_precision_and_overflow) {
  BOOST_TEST(error_of("0.000000001").find("more than 8 significant decimals") != std::string::npos);
  BOOST_TEST(error_of("0.123456789").find("more than 8") != std::string::npos);
  BOOST_TEST(error_of("92233720368.54775808").find("out of range") != std::string::npos);
  BOOST_TEST(error_of("99999999999999999999").find("out of range") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(formats_with_exactly_n_decimals) {
  BOOST_TEST(format_e8(123000000, 2) == "1.23");
  BOOST_TEST(format_e8(123450000, 4) == "1.2345");
  BOOST_TEST(format_e8(123450000, 8) == "1.23450000");
  BOOST_TEST(format_e8(100000000, 0) == "1");
  BOOST_TEST(format_e8(0, 0) == "0");
  BOOST_TEST(format_e8(0, 3) == "0.000");
  BOOST_TEST(format_e8(1, 8) == "0.00000001");
  BOOST_TEST(format_e8(-150000000, 1) == "-1.5");
  BOOST_TEST(format_e8(std::numeric_limits<std::int64_t>::max(), 8) == "92233720368.54775807");
  BOOST_TEST(format_e8(std::numeric_limits<std::int64_t>::min(), 8) == "-92233720368.54775808");
  // Never an exponent, even for tiny and huge values.
  BOOST_TEST(format_e8(1000000000000000000, 0) == "10000000000");
}

BOOST_AUTO_TEST_CASE(decimals_of_strips_trailing_zeros) {
  BOOST_TEST(*decimals_of("0.01000000") == 2);
  BOOST_TEST(*decimals_of("1.00000000") == 0);
  BOOST_TEST(*decimals_of("0.00001000") == 5);
  BOOST_TEST(*decimals_of("0.00000001") == 8);
  BOOST_TEST(*decimals_of("10") == 0);
  BOOST_TEST(*decimals_of("0") == 0);
  BOOST_TEST(*decimals_of("0.5") == 1);
  BOOST_TEST(!decimals_of("0.000000001").ok());
  BOOST_TEST(!decimals_of("1e-2").ok());
  BOOST_TEST(decimals_of_e8(1000000) == 2);
  BOOST_TEST(decimals_of_e8(-1000000) == 2);
}

}  // namespace
}  // namespace q50::live
