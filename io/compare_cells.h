#ifndef Q50SIM_IO_COMPARE_CELLS_H_
#define Q50SIM_IO_COMPARE_CELLS_H_

// How `compare` judges one pair of cells: shared by the whole-file comparison and the
// streaming one (io/compare.cc, io/compare_stream.cc), so both give the same report.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>

namespace q50::io::compare_cells {

inline constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kInf = std::numeric_limits<double>::infinity();

// A cell as a number: empty is NaN (the reference's encoding), otherwise the whole text must
// parse (from_chars also takes "nan", "inf", "infinity").
inline std::optional<double> parse_number(std::string_view text) {
  if (text.empty()) return kNan;
  double v = 0;
  const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
  if (res.ec != std::errc() || res.ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

inline bool is_plain_integer(std::string_view text) {
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct CellResult {
  bool equal;
  double abs_err;
  double rel_err;
};

inline CellResult compare_float(double e, double a, double rtol, double atol) {
  if (std::isnan(e) || std::isnan(a)) {
    const bool both = std::isnan(e) && std::isnan(a);
    return {both, both ? 0.0 : kInf, both ? 0.0 : kInf};
  }
  if (e == a) return {true, 0.0, 0.0};  // also equal infinities
  const double abs_err = std::fabs(a - e);
  const double rel_err = e != 0 ? abs_err / std::fabs(e) : kInf;
  if (std::isinf(e) || std::isinf(a)) return {false, kInf, kInf};
  return {abs_err <= atol + rtol * std::fabs(e), abs_err, rel_err};
}

}  // namespace q50::io::compare_cells

#endif  // Q50SIM_IO_COMPARE_CELLS_H_
