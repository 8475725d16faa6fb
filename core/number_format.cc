#include "core/number_format.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/text_digits.h"
#include "fmt/format.h"

namespace q50 {
namespace {

// The decimal digit count of n in [1, 10^17).
int digit_count(std::uint64_t n) {
  static constexpr std::uint64_t kPow10[] = {
      1ULL,           10ULL,           100ULL,           1000ULL,           10000ULL,
      100000ULL,      1000000ULL,      10000000ULL,      100000000ULL,      1000000000ULL,
      10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL, 100000000000000ULL,
      1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL};
  // floor(log10(2^bit_width(n))): the digit count or one less.
  const int guess = (static_cast<int>(std::bit_width(n)) * 1233) >> 12;
  return guess + (n >= kPow10[guess] ? 1 : 0);
}

// "e-05", "e+16", "e-308" at p: Python's exponent, signed and at least two digits; the end.
char* write_exponent(char* p, int exp) {
  p[0] = 'e';
  p[1] = exp < 0 ? '-' : '+';
  const auto a = static_cast<unsigned>(exp < 0 ? -exp : exp);
  if (a >= 100) {
    p[2] = static_cast<char>('0' + a / 100);
    p[3] = static_cast<char>('0' + a / 10 % 10);
    p[4] = static_cast<char>('0' + a % 10);
    return p + 5;
  }
  p[2] = static_cast<char>('0' + a / 10);
  p[3] = static_cast<char>('0' + a % 10);
  return p + 4;
}

}  // namespace

char* write_py_repr(char* out, double v) {
  if (std::isnan(v)) return out;
  // The text is composed in a scratch buffer with fixed-size copies (no length-dependent memcpy
  // calls; bytes past the text are don't-care), then moved to out in one 24-byte copy: out has
  // room for kPyReprMaxChars, so the copy never exceeds it.
  char text[64] = {};
  char* p = text;
  if (std::signbit(v)) {
    *p++ = '-';
    v = -v;
  }
  if (std::isinf(v) || v == 0) {
    std::memcpy(p, std::isinf(v) ? "inf" : "0.0", 3);
    std::memcpy(out, text, kPyReprMaxChars);
    return out + (p - text) + 3;
  }
  // The shortest digits that round-trip (what Python's repr and std::to_chars choose too), by
  // fmt's Dragonbox: ~18 ns per float against ~38 for libstdc++'s to_chars (bench/
  // py_repr_bench), and the replay's output files hold ~160k floats. Its result has no
  // trailing zeros: v = significand * 10^e.
  // fmt::detail is fmt's internal API; tests/io/py_repr_prop_test.cc checks this function
  // against std::to_chars, so an fmt upgrade that changes it fails there.
  const auto dec = fmt::detail::dragonbox::to_decimal(v);
  const std::uint64_t sig = dec.significand;  // < 10^17
  const int n = digit_count(sig);
  const int exp = dec.exponent + n - 1;  // of the first digit

  // The significand's 17 digits, zero-padded, right-aligned at digits + 24; its n digits
  // start at d. 16 bytes of slack after them let the copies below always move 16 or 17 bytes.
  char digits[64] = {};
  const auto hi = static_cast<std::uint32_t>(sig / 10000000000000000ULL);  // 0 or 1 digit
  const std::uint64_t rest = sig % 10000000000000000ULL;
  const std::uint64_t mid = eight_digits(static_cast<std::uint32_t>(rest / 100000000));
  const std::uint64_t low = eight_digits(static_cast<std::uint32_t>(rest % 100000000));
  digits[7] = static_cast<char>('0' + hi);
  std::memcpy(digits + 8, &mid, 8);
  std::memcpy(digits + 16, &low, 8);
  const char* d = digits + 24 - n;
  const auto un = static_cast<std::size_t>(n);

  if (exp >= -4 && exp < 16) {
    if (exp < 0) {  // "0.000ddd"
      std::memcpy(p, "0.000", 5);
      std::memcpy(p + 1 - exp, d, 17);
      p += static_cast<std::size_t>(1 - exp) + un;
    } else {
      const auto int_len = static_cast<std::size_t>(exp) + 1;
      if (un <= int_len) {  // "ddd000.0"
        std::memcpy(p, d, 17);
        std::memset(p + un, '0', 16);
        std::memcpy(p + int_len, ".0", 2);
        p += int_len + 2;
      } else {  // "ddd.ddd": at most 16 digits on either side of the point
        std::memcpy(p, d, 16);
        p[int_len] = '.';
        std::memcpy(p + int_len + 1, d + int_len, 16);
        p += un + 1;
      }
    }
  } else {  // "d.ddde-XX"
    p[0] = d[0];
    p[1] = '.';
    std::memcpy(p + 2, d + 1, 16);
    p = write_exponent(n > 1 ? p + un + 1 : p + 1, exp);
  }
  std::memcpy(out, text, kPyReprMaxChars);
  return out + (p - text);
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
