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

// f32(c[t] / c[t-1]) then numpy's log; NaN if either close is NaN.
float log_return(float prev_close, float close) { return numpy_log_f32(close / prev_close); }

}  // namespace

// Two clones: hardware FMA where the CPU has it, else std::fmaf in software. Both round
// identically (a fused multiply-add is exactly specified), so only the speed differs.
__attribute__((target_clones("fma", "default"))) float numpy_log_f32(float x) {
  // numpy's NaN lanes: the canonical +NaN for any NaN input, -NaN for x < 0 (incl. -inf).
  if (std::isnan(x)) return std::bit_cast<float>(0x7fc00000U);
  if (x < 0.0f) return std::bit_cast<float>(0xffc00000U);
  if (x == 0.0f) return -std::numeric_limits<float>::infinity();
  if (std::isinf(x)) return x;
  int exponent = 0;
  float m = 0.0f;  // m in [0.5, 1), exact; frexp by bits for normal numbers (the hot path)
  const auto bits = std::bit_cast<std::uint32_t>(x);
  if ((bits >> 23) != 0) {
    exponent = static_cast<int>(bits >> 23) - 126;
    m = std::bit_cast<float>((bits & 0x007fffffU) | 0x3f000000U);
  } else {
    m = std::frexp(x, &exponent);  // denormals
  }
  if (m <= kSqrtHalf) {
    m = m + m;
    exponent -= 1;
  }
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
    r.truth = i + 2 < closes.size() ? closes[i + 2] / closes[i + 1] - 1.0f : kNaN;
    rows.push_back(r);
  }
  return rows;
}

FeatureRow FeatureStream::push(float close) {
  const float r = count_ == 0 ? kNaN : log_return(prev_close_, close);
  returns_[count_ % kWindow] = r;
  ++count_;
  prev_close_ = close;
  // Window in chronological order: the ring holds the last min(count, 6) returns.
  std::array<float, kWindow> window{};
  const std::size_t n = count_ < kWindow ? count_ : kWindow;
  for (std::size_t k = 0; k < n; ++k) window[k] = returns_[(count_ - n + k) % kWindow];
  const double s = window_sample_std(std::span(window).first(n));
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
