#ifndef Q50SIM_CORE_NUMPY_TANH_H_
#define Q50SIM_CORE_NUMPY_TANH_H_

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace q50 {

// numpy 1.24's float64 np.tanh as it runs on x86-64 with FMA3 or AVX-512 (the machines the
// existing system and its reference data ran on): the SVML-derived table method of
// numpy/core/src/umath/loops_hyperbolic.dispatch.c.src (simd_tanh_f64). |x| is split into 16
// half-octave intervals from 0.125 up; on each, tanh(|x|) = P(|x| - B) with a degree-16
// polynomial evaluated by Horner's rule with fused multiply-adds; the sign is OR-ed back.
// Infinities, NaN and |x| >= 1.5 * 2^1023 go to the C library's tanh, as numpy's callout does.
//
// Bit-exact with numpy's result (glibc's tanh differs from it by up to 2 ulp on about half of
// the signal_tanh values of the reference data). Pure and deterministic: fma is exactly
// rounded, so the FMA-instruction and software paths give the same bits.
double numpy_tanh(double x);

namespace detail {

// numpy's lut16x18 (numpy_tanh.cc): row 0 the range-reduction offsets B, rows 1..17 the
// coefficients c0..c16, one column per interval.
extern const std::array<std::uint64_t, 18 * 16> kNumpyTanhLut;

// numpy_tanh's body, always inlined so that a caller compiled in per-CPU clones (numpy_tanh
// itself, compute_signal) gets the fused multiply-adds as instructions in its "fma" clone
// instead of a call through the dispatcher.
[[gnu::always_inline]] inline double numpy_tanh_inline(double x) {
  constexpr std::uint64_t kSignBit = 0x8000000000000000ull;
  constexpr std::uint64_t kExpAndTopMantissa = 0x7ff8000000000000ull;
  // Above this (|x| >= 1.5 * 2^1023, inf, NaN) numpy calls npy_tanh instead of the table.
  constexpr std::uint64_t kCalloutAbove = 0x7fe0000000000000ull;
  // The interval index is the exponent and top mantissa bit relative to 0.125, clamped 0..15.
  constexpr std::int32_t kIndexBase = 0x3fc00000;
  constexpr std::int32_t kIndexMax = 0x780000;
  const auto bits = std::bit_cast<std::uint64_t>(x);
  const std::uint64_t denorm = bits & kExpAndTopMantissa;
  if (denorm > kCalloutAbove) [[unlikely]] {
    return std::tanh(x);
  }
  // numpy does this in 32-bit lanes of the 64-bit value: only the high word is non-zero.
  std::int32_t hi = static_cast<std::int32_t>(denorm >> 32) - kIndexBase;
  hi = hi < 0 ? 0 : (hi > kIndexMax ? kIndexMax : hi);
  const auto idx = static_cast<std::uint32_t>(hi) >> 19;
  const auto coef = [idx](std::size_t row) {
    return std::bit_cast<double>(kNumpyTanhLut[row * 16 + idx]);
  };
  const double y = std::fabs(x) - coef(0);
  double r = std::fma(coef(17), y, coef(16));
  for (std::size_t row = 15; row >= 1; --row) r = std::fma(r, y, coef(row));
  return std::bit_cast<double>(std::bit_cast<std::uint64_t>(r) | (bits & kSignBit));
}

}  // namespace detail

}  // namespace q50

#endif  // Q50SIM_CORE_NUMPY_TANH_H_
