#include "store/number_text.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace q50::store {
namespace {

// Writes the fixed-notation repr of a finite v whose shortest digits are `digits` (no sign, no
// point) and whose scientific exponent is exp10 (v = d.ddd x 10^exp10), for exp10 in [-4, 16).
void append_fixed(std::string& out, std::string_view digits, int exp10) {
  if (exp10 < 0) {
    out.append("0.");
    out.append(static_cast<std::size_t>(-exp10 - 1), '0');
    out.append(digits);
    return;
  }
  const auto int_len = static_cast<std::size_t>(exp10) + 1;
  if (digits.size() <= int_len) {
    out.append(digits);
    out.append(int_len - digits.size(), '0');
    out.append(".0");
    return;
  }
  out.append(digits.substr(0, int_len));
  out.push_back('.');
  out.append(digits.substr(int_len));
}

}  // namespace

void append_repr(std::string& out, double v) {
  if (std::isnan(v)) {
    out.append("nan");
    return;
  }
  if (std::isinf(v)) {
    out.append(v < 0 ? "-inf" : "inf");
    return;
  }
  std::array<char, 32> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v,
                                       std::chars_format::scientific);
  const std::string_view sci(buf.data(), static_cast<std::size_t>(end - buf.data()));
  const std::size_t e_pos = sci.find('e');
  const int exp10 = std::atoi(sci.data() + e_pos + 1);
  if (exp10 < -4 || exp10 >= 16) {
    out.append(sci);  // to_chars already writes Python's form: "1.5e+16", "1e-05"
    return;
  }
  std::string_view mantissa = sci.substr(0, e_pos);
  if (mantissa.front() == '-') {
    out.push_back('-');
    mantissa.remove_prefix(1);
  }
  std::string digits(mantissa.substr(0, 1));
  if (mantissa.size() > 2) digits.append(mantissa.substr(2));  // skip the point
  append_fixed(out, digits, exp10);
}

std::optional<double> parse_double(std::string_view text) {
  double v = 0.0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

std::optional<double> numeric_parameter_value(std::string_view text) {
  const std::optional<double> v = parse_double(text);
  if (!v.has_value() || !std::isfinite(*v)) return std::nullopt;
  return v;
}

}  // namespace q50::store
