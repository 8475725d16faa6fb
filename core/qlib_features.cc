#include "core/qlib_features.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "core/check.h"

namespace q50 {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Coefficients of numpy's simd_log_FLOAT (npy_simd_data.h, v1.24.2), rounded to float.
constexpr float kP0 = 0.0f;
constexpr float kP1 = static_cast<float>(0.9999999999999998702752);
constexpr float kP2 = static_cast<float>(2.112677543073053063722);
constexpr float kP3 = static_cast<float>(1.480000633576506585156);
constexpr float kP4 = static_cast<float>(0.3808837741388407920751);
constexpr float kP5 = static_cast<float>(0.02589979117907922693523);
constexpr float kQ0 = 1.0f;
constexpr float kQ1 = static_cast<float>(2.612677543073109236779);
constexpr float kQ2 = static_cast<float>(2.453006071784736363091);
constexpr float kQ3 = static_cast<float>(0.9864942958519418960339);
constexpr float kQ4 = static_cast<float>(0.1546476374983906719538);
constexpr float kQ5 = static_cast<float>(0.005875095403124574342950);
constexpr float kLn2 = static_cast<float>(0.693147180559945309417232121458176568);
constexpr float kSqrtHalf = static_cast<float>(0.707106781186547524400844362104849039);

// The mantissa field of f32(sqrt(0.5)): for m in [0.5, 1), m <= kSqrtHalf iff m's mantissa
// field is <= this.
constexpr std::uint32_t kSqrtHalfMantissa = std::bit_cast<std::uint32_t>(kSqrtHalf) & 0x007fffffU;
static_assert((std::bit_cast<std::uint32_t>(kSqrtHalf) >> 23) == 126, "sqrt(0.5) is in [0.5, 1)");

// numpy's rational approximation on the reduced argument, m in (sqrt(0.5), sqrt(2)]. Always
// inlined, so it is compiled once per clone of its caller (fused multiply-adds in the "fma"
// clone).
[[gnu::always_inline]] inline float log_reduced(float m, int exponent) {
  const float t = m - 1.0f;
  float num = std::fmaf(kP5, t, kP4);
  num = std::fmaf(num, t, kP3);
  num = std::fmaf(num, t, kP2);
  num = std::fmaf(num, t, kP1);
  num = std::fmaf(num, t, kP0);
  float den = std::fmaf(kQ5, t, kQ4);
  den = std::fmaf(den, t, kQ3);
  den = std::fmaf(den, t, kQ2);
  den = std::fmaf(den, t, kQ1);
  den = std::fmaf(den, t, kQ0);
  return std::fmaf(static_cast<float>(exponent), kLn2, num / den);
}

// numpy_log_f32 off the hot path: zeros, negatives, infinities, NaN and denormals.
// numpy's NaN lanes: the canonical +NaN for any NaN input, -NaN for x < 0 (incl. -inf).
[[gnu::noinline]] float log_special(float x) {
  if (std::isnan(x)) return std::bit_cast<float>(0x7fc00000U);
  if (x < 0.0f) return std::bit_cast<float>(0xffc00000U);
  if (x == 0.0f) return -std::numeric_limits<float>::infinity();
  if (std::isinf(x)) return x;
  int exponent = 0;
  float m = std::frexp(x, &exponent);  // a denormal: m in [0.5, 1), exact
  if (m <= kSqrtHalf) {
    m = m + m;
    exponent -= 1;
  }
  return log_reduced(m, exponent);
}

// f32(c[t] / c[t-1]) then numpy's log; NaN if either close is NaN.
float log_return(float prev_close, float close) { return numpy_log_f32(close / prev_close); }

// window_sample_std of the ring's six returns in chronological order (oldest at `oldest`),
// without copying them out. Every bar after the sixth comes here. With no NaN among them
// (the sum would be NaN) n = 6 and the two passes below are window_sample_std's operations
// in its order, so the bits are its bits; a NaN anywhere takes window_sample_std itself.
// Six named scalars, not a local array: the compiler packed such an array's elements into
// 16-byte loads of 8-byte stores, a store-forwarding stall on every bar.
double full_window_std(const std::array<float, 6>& ring, std::size_t oldest) {
  const auto at = [&ring, oldest](std::size_t k) {
    const std::size_t i = oldest + k;
    return static_cast<double>(ring[i >= 6 ? i - 6 : i]);
  };
  const double v0 = at(0);
  const double v1 = at(1);
  const double v2 = at(2);
  const double v3 = at(3);
  const double v4 = at(4);
  const double v5 = at(5);
  double sum = 0.0;
  sum += v0;
  sum += v1;
  sum += v2;
  sum += v3;
  sum += v4;
  sum += v5;
  if (std::isnan(sum)) [[unlikely]] {
    const std::array<float, 6> window{ring[oldest % 6],       ring[(oldest + 1) % 6],
                                      ring[(oldest + 2) % 6], ring[(oldest + 3) % 6],
                                      ring[(oldest + 4) % 6], ring[(oldest + 5) % 6]};
    return window_sample_std(window);
  }
  const double mean = sum / 6.0;
  const double d0 = v0 - mean;
  const double d1 = v1 - mean;
  const double d2 = v2 - mean;
  const double d3 = v3 - mean;
  const double d4 = v4 - mean;
  const double d5 = v5 - mean;
  double ss = 0.0;
  ss += d0 * d0;
  ss += d1 * d1;
  ss += d2 * d2;
  ss += d3 * d3;
  ss += d4 * d4;
  ss += d5 * d5;
  return std::sqrt(ss / 5.0);
}

// The first five bars: the ring holds returns 0..count-1 in order.
double partial_window_std(const std::array<float, 6>& ring, std::size_t count) {
  return window_sample_std(std::span(ring).first(count));
}

}  // namespace

// Two clones: hardware FMA where the CPU has it, else std::fmaf in software. Both round
// identically (a fused multiply-add is exactly specified), so only the speed differs.
__attribute__((target_clones("fma", "default"))) float numpy_log_f32(float x) {
  const auto bits = std::bit_cast<std::uint32_t>(x);
  // One test for the hot path, positive normal finite x: the biased exponent is 1..254.
  if (bits - 0x00800000U >= 0x7f000000U) [[unlikely]] {
    return log_special(x);
  }
  // frexp by bits: m in [0.5, 1) and x = m * 2^exponent. numpy then doubles m when
  // m <= sqrt(0.5); that m + m is exact and is m with the exponent field one higher, and with
  // m's exponent fixed the comparison is one on the mantissa bits. Done on integers it has no
  // branch: the side of sqrt(0.5) follows the sign of the bar's return, which no predictor
  // guesses.
  const std::uint32_t mantissa = bits & 0x007fffffU;
  const std::uint32_t doubled = mantissa <= kSqrtHalfMantissa ? 1U : 0U;
  const float m = std::bit_cast<float>(mantissa | 0x3f000000U | (doubled << 23));
  const int exponent = static_cast<int>(bits >> 23) - 126 - static_cast<int>(doubled);
  return log_reduced(m, exponent);
}

double window_sample_std(std::span<const float> window) {
  double sum = 0.0;
  std::size_t n = 0;
  for (const float v : window) {
    if (!std::isnan(v)) {
      sum += static_cast<double>(v);
      ++n;
    }
  }
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  const double mean = sum / static_cast<double>(n);
  double ss = 0.0;
  for (const float v : window) {
    if (!std::isnan(v)) {
      const double d = static_cast<double>(v) - mean;
      ss += d * d;
    }
  }
  return std::sqrt(ss / static_cast<double>(n - 1));
}

std::vector<FeatureRow> compute_features(std::span<const float> closes, std::size_t labelled) {
  Q50_CHECK(labelled <= closes.size(), "more labelled rows than closes");
  std::vector<FeatureRow> rows;
  rows.reserve(labelled);
  FeatureStream stream;
  for (std::size_t i = 0; i < labelled; ++i) {
    FeatureRow r = stream.push(closes[i]);
    // LABEL0 = Ref($close,-2)/Ref($close,-1) - 1, all float32; the look-ahead may read
    // unlabelled values past the calendar (the VALIDATED_2 quirk), else it is NaN.
    r.truth = i + 2 < closes.size() ? label0(closes[i + 1], closes[i + 2]) : kNaN;
    rows.push_back(r);
  }
  return rows;
}

FeatureRow FeatureStream::push(float close) {
  const float r = count_ == 0 ? kNaN : log_return(prev_close_, close);
  const std::size_t slot = count_ % kWindow;
  returns_[slot] = r;
  ++count_;
  prev_close_ = close;
  const double s = count_ >= kWindow ? full_window_std(returns_, slot + 1 == kWindow ? 0 : slot + 1)
                                     : partial_window_std(returns_, count_);
  FeatureRow row{close,
                 r,
                 static_cast<float>(s),
                 static_cast<float>(s * s),
                 prev_std_valid_ ? static_cast<float>(s - prev_std_) : kNaN,
                 kNaN};
  if (std::isnan(s)) row.vol_raw_momentum = kNaN;
  prev_std_ = s;
  prev_std_valid_ = !std::isnan(s);
  return row;
}

}  // namespace q50
