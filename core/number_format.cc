#include "core/number_format.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "fmt/format.h"

namespace q50 {
namespace {

char* copy(char* out, const char* from, std::size_t n) {
  std::memcpy(out, from, n);
  return out + n;
}

char* fill_zeros(char* out, std::size_t n) {
  std::memset(out, '0', n);
  return out + n;
}

// The decimal digits of n > 0 at out, most significant first; returns their count. Two digits
// per division: a significand has up to 17.
std::size_t write_digits(char* out, std::uint64_t n) {
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  char tmp[20];
  char* p = tmp + sizeof tmp;
  while (n >= 100) {
    p -= 2;
    std::memcpy(p, kPairs + 2 * (n % 100), 2);
    n /= 100;
  }
  if (n >= 10) {
    p -= 2;
    std::memcpy(p, kPairs + 2 * n, 2);
  } else {
    *--p = static_cast<char>('0' + n);
  }
  const auto count = static_cast<std::size_t>(tmp + sizeof tmp - p);
  std::memcpy(out, p, count);
  return count;
}

// "e-05", "e+16", "e-308": Python's exponent, signed and at least two digits.
char* write_exponent(char* out, int exp) {
  *out++ = 'e';
  *out++ = exp < 0 ? '-' : '+';
  const int a = exp < 0 ? -exp : exp;
  if (a >= 100) *out++ = static_cast<char>('0' + a / 100);
  *out++ = static_cast<char>('0' + a / 10 % 10);
  *out++ = static_cast<char>('0' + a % 10);
  return out;
}

}  // namespace

char* write_py_repr(char* out, double v) {
  if (std::isnan(v)) return out;
  if (std::signbit(v)) {
    *out++ = '-';
    v = -v;
  }
  if (std::isinf(v)) return copy(out, "inf", 3);
  if (v == 0) return copy(out, "0.0", 3);
  // The shortest digits that round-trip (what Python's repr and std::to_chars choose too), by
  // fmt's Dragonbox: about three times faster than libstdc++'s to_chars, and the replay's
  // output files hold ~170k floats. Its result has no trailing zeros: v = significand * 10^e.
  // fmt::detail is fmt's internal API; tests/io/number_format_test.cc checks this function
  // against std::to_chars on millions of doubles, so an fmt upgrade that changes it fails there.
  const auto dec = fmt::detail::dragonbox::to_decimal(v);
  char digits[20];
  const std::size_t n_digits = write_digits(digits, dec.significand);
  const int exp = dec.exponent + static_cast<int>(n_digits) - 1;  // of the first digit

  if (exp >= -4 && exp < 16) {
    if (exp < 0) {
      out = copy(out, "0.", 2);
      out = fill_zeros(out, static_cast<std::size_t>(-exp - 1));
      return copy(out, digits, n_digits);
    }
    const auto int_len = static_cast<std::size_t>(exp) + 1;
    if (n_digits <= int_len) {
      out = copy(out, digits, n_digits);
      out = fill_zeros(out, int_len - n_digits);
      return copy(out, ".0", 2);
    }
    out = copy(out, digits, int_len);
    *out++ = '.';
    return copy(out, digits + int_len, n_digits - int_len);
  }
  *out++ = digits[0];
  if (n_digits > 1) {
    *out++ = '.';
    out = copy(out, digits + 1, n_digits - 1);
  }
  return write_exponent(out, exp);
}

void append_py_repr(std::string& out, double v) {
  char buf[kPyReprMaxChars];
  out.append(buf, write_py_repr(buf, v));
}

void append_py_repr_f32(std::string& out, float v) { append_py_repr(out, static_cast<double>(v)); }

std::string py_repr(double v) {
  char buf[kPyReprMaxChars];
  return std::string(buf, write_py_repr(buf, v));
}

}  // namespace q50
