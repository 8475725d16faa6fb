#ifndef Q50SIM_CORE_NUMPY_TANH_H_
#define Q50SIM_CORE_NUMPY_TANH_H_

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

}  // namespace q50

#endif  // Q50SIM_CORE_NUMPY_TANH_H_
