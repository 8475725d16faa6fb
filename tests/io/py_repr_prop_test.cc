// write_py_repr (io/number_format.cc) takes its digits from fmt's Dragonbox for speed. These
// properties pin it to an independent oracle: the shortest round-trip digits of std::to_chars
// (libstdc++'s Ryu) laid out the Python way, and to the round trip itself.
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>

#include <bit>
#include <boost/test/unit_test.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/number_format.h"

namespace q50::io {
namespace {

// Python repr from std::to_chars' shortest scientific form "-d.ddde-XX".
std::string oracle(double v) {
  if (std::isnan(v)) return "";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  char sci[64];
  const auto res = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific);
  const std::string_view s(sci, static_cast<std::size_t>(res.ptr - sci));
  std::string out = s[0] == '-' ? "-" : "";
  const std::size_t e_pos = s.find('e');
  std::string digits;
  for (std::size_t i = out.size(); i < e_pos; ++i) {
    if (s[i] != '.') digits += s[i];
  }
  const int exp = std::atoi(std::string(s.substr(e_pos + 1)).c_str());
  if (exp < -4 || exp >= 16) return out + std::string(s.substr(out.size()));
  if (exp < 0) return out + "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
  const auto int_len = static_cast<std::size_t>(exp) + 1;
  if (digits.size() <= int_len) {
    return out + digits + std::string(int_len - digits.size(), '0') + ".0";
  }
  return out + digits.substr(0, int_len) + "." + digits.substr(int_len);
}

void check_one(double v) {
  const std::string got = py_repr(v);
  RC_ASSERT(got == oracle(v));
  RC_ASSERT(got.size() <= kPyReprMaxChars);
  if (std::isfinite(v)) {
    double back = 0;
    std::from_chars(got.data(), got.data() + got.size(), back);
    RC_ASSERT(std::bit_cast<std::uint64_t>(back) == std::bit_cast<std::uint64_t>(v));
  }
}

RC_BOOST_PROP(any_bit_pattern_matches_the_oracle, (std::uint64_t bits)) {
  check_one(std::bit_cast<double>(bits));
}

RC_BOOST_PROP(decimal_like_values_match_the_oracle, (std::int64_t mantissa, std::uint8_t scale)) {
  // Prices and probabilities: few significant digits, where fixed/scientific and trailing
  // zeros matter most.
  const double v = static_cast<double>(mantissa % 100'000'000) / std::pow(10.0, scale % 24);
  check_one(v);
  check_one(v * 1e12);
}

BOOST_AUTO_TEST_CASE(a_million_pseudo_random_doubles_match_the_oracle) {
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;
  int mismatches = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    // Alternate raw bit patterns with values in the replay's magnitude range.
    const double v = i % 2 == 0
                         ? std::bit_cast<double>(x)
                         : std::ldexp(static_cast<double>(x >> 11), static_cast<int>(x % 80) - 90);
    mismatches += py_repr(v) == oracle(v) ? 0 : 1;
  }
  BOOST_TEST(mismatches == 0);
}

}  // namespace
}  // namespace q50::io
