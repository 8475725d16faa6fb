#ifndef Q50SIM_TESTS_SUPPORT_BITS_H_
#define Q50SIM_TESTS_SUPPORT_BITS_H_

// Bit-exact comparison of floating-point results: the agreement tests demand the existing
// system's exact bits, and NaN equals NaN (the reference writes NaN as an empty field,
// whatever its payload).

#include <bit>
#include <cmath>
#include <cstdint>

namespace q50::testing {

inline bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b) ||
         (std::isnan(a) && std::isnan(b));
}

inline bool same_bits(float a, float b) {
  return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b) ||
         (std::isnan(a) && std::isnan(b));
}

}  // namespace q50::testing

#endif  // Q50SIM_TESTS_SUPPORT_BITS_H_
