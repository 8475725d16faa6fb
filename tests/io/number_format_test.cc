#include "core/number_format.h"

#include <boost/test/unit_test.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

namespace q50::io {
namespace {

BOOST_AUTO_TEST_CASE(matches_python_repr) {
  // Expected strings are Python 3.11 repr() of the same doubles.
  BOOST_TEST(py_repr(0.0) == "0.0");
  BOOST_TEST(py_repr(-0.0) == "-0.0");
  BOOST_TEST(py_repr(100.0) == "100.0");
  BOOST_TEST(py_repr(1.1) == "1.1");
  BOOST_TEST(py_repr(0.0005) == "0.0005");
  BOOST_TEST(py_repr(0.0001) == "0.0001");
  BOOST_TEST(py_repr(1e-05) == "1e-05");
  BOOST_TEST(py_repr(7.1279905569099355e-06) == "7.1279905569099355e-06");
  BOOST_TEST(py_repr(0.0003512474000453949) == "0.0003512474000453949");
  BOOST_TEST(py_repr(4308.830078125) == "4308.830078125");
  BOOST_TEST(py_repr(1e16) == "1e+16");
  BOOST_TEST(py_repr(1.5e16) == "1.5e+16");
  BOOST_TEST(py_repr(9999999999999998.0) == "9999999999999998.0");
  BOOST_TEST(py_repr(123456789012345.6) == "123456789012345.6");
  BOOST_TEST(py_repr(-2.5e-300) == "-2.5e-300");
  BOOST_TEST(py_repr(1e100) == "1e+100");
  BOOST_TEST(py_repr(std::numeric_limits<double>::infinity()) == "inf");
  BOOST_TEST(py_repr(-std::numeric_limits<double>::infinity()) == "-inf");
  BOOST_TEST(py_repr(std::nan("")) == "");
}

BOOST_AUTO_TEST_CASE(float32_written_as_exact_double) {
  std::string out;
  append_py_repr_f32(out, 0.1f);
  BOOST_TEST(out == "0.10000000149011612");
}

// write_py_repr turns a significand into digits 8 at a time with SWAR arithmetic (two 4-digit
// lanes, then four 2-digit lanes, then eight digits). Every integer below 10^8 prints as itself
// plus ".0", and the 17-digit significands put each 8-digit group through the same code.
BOOST_AUTO_TEST_CASE(every_eight_digit_group_is_written_exactly) {
  char got[kPyReprMaxChars];
  char want[32];
  std::uint64_t mismatches = 0;
  std::string first_bad;
  const auto check = [&](double v) {
    const char* end = write_py_repr(got, v);
    const auto res = std::to_chars(want, want + sizeof want, static_cast<std::uint64_t>(v));
    std::memcpy(res.ptr, ".0", 2);
    const auto want_len = static_cast<std::size_t>(res.ptr + 2 - want);
    if (static_cast<std::size_t>(end - got) != want_len || std::memcmp(got, want, want_len) != 0) {
      if (mismatches++ == 0) first_bad = std::string(want, want_len);
    }
  };
  for (std::uint32_t k = 1; k < 100'000'000; ++k) check(static_cast<double>(k));
  // 16-17 digit integers (exact in a double below 2^53): the high groups, and the leading digit.
  for (std::uint64_t k = 1; k < 100'000'000; k += 9'973) {
    check(static_cast<double>(k * 100'000'000 + (k * 7919) % 100'000'000));
  }
  BOOST_TEST(mismatches == 0u, "first mismatch: " << first_bad);
}

}  // namespace
}  // namespace q50::io
