#ifndef Q50SIM_CORE_NUMBER_FORMAT_H_
#define Q50SIM_CORE_NUMBER_FORMAT_H_

#include <cstddef>
#include <string>

namespace q50 {

// The longest py_repr text: sign, 17 digits, point, 'e', sign, 3 exponent digits
// ("-1.2345678901234567e-308" is 24 characters).
inline constexpr std::size_t kPyReprMaxChars = 24;

// Writes Python's repr() of v at out and returns the end: the shortest decimal that parses
// back to the same double, in fixed notation when the decimal exponent is in [-4, 16)
// ("0.0005", "100.0", "-0.0"), otherwise scientific with a signed, at least two-digit exponent
// ("1e-05", "1.5e+16"). NaN writes nothing (the reference files write NaN as an empty field);
// infinities write "inf" / "-inf". out must have room for kPyReprMaxChars characters. This is
// the encoding of every float column in ../shared/reference. No allocation: the replay's
// output files hold ~170k floats, so this sits on the CLI's hot path.
char* write_py_repr(char* out, double v);

// The same appended to a string.
void append_py_repr(std::string& out, double v);

// The same for a float32 value: Python writes the exact float64 value of the float32
// ("4308.830078125"), so this is append_py_repr(static_cast<double>(v)).
void append_py_repr_f32(std::string& out, float v);

std::string py_repr(double v);

}  // namespace q50

#endif  // Q50SIM_CORE_NUMBER_FORMAT_H_
