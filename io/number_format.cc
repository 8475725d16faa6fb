#include "io/number_format.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <system_error>

namespace q50::io {

void append_py_repr(std::string& out, double v) {
  if (std::isnan(v)) return;
  if (std::isinf(v)) {
    out += v < 0 ? "-inf" : "inf";
    return;
  }
  // Shortest round-trip digits in scientific form: "-d.ddde-XX".
  char sci[64];
  const auto res = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific);
  const std::string_view s(sci, static_cast<std::size_t>(res.ptr - sci));
  std::size_t pos = 0;
  if (s[0] == '-') {
    out += '-';
    pos = 1;
  }
  const std::size_t e_pos = s.find('e');
  std::string digits;
  digits.reserve(20);
  for (std::size_t i = pos; i < e_pos; ++i) {
    if (s[i] != '.') digits += s[i];
  }
  int exp = 0;
  std::from_chars(s.data() + e_pos + (s[e_pos + 1] == '+' ? 2 : 1), s.data() + s.size(), exp);

  if (exp >= -4 && exp < 16) {
    if (exp < 0) {
      out += "0.";
      out.append(static_cast<std::size_t>(-exp - 1), '0');
      out += digits;
    } else {
      const auto int_len = static_cast<std::size_t>(exp) + 1;
      if (digits.size() <= int_len) {
        out += digits;
        out.append(int_len - digits.size(), '0');
        out += ".0";
      } else {
        out.append(digits, 0, int_len);
        out += '.';
        out.append(digits, int_len, std::string::npos);
      }
    }
    return;
  }
  out += digits[0];
  if (digits.size() > 1) {
    out += '.';
    out.append(digits, 1, std::string::npos);
  }
  out += 'e';
  out += exp < 0 ? '-' : '+';
  const int abs_exp = std::abs(exp);
  if (abs_exp < 10) out += '0';
  out += std::to_string(abs_exp);
}

void append_py_repr_f32(std::string& out, float v) { append_py_repr(out, static_cast<double>(v)); }

std::string py_repr(double v) {
  std::string out;
  append_py_repr(out, v);
  return out;
}

}  // namespace q50::io
