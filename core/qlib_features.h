#ifndef Q50SIM_CORE_QLIB_FEATURES_H_
#define Q50SIM_CORE_QLIB_FEATURES_H_

#include <array>
#include <cstddef>
#include <span>
#include <vector>

namespace q50 {

// numpy 1.24's float32 natural log as computed on AVX2+FMA3 / AVX-512 machines
// (simd_log_FLOAT in loops_exponent_log.dispatch.c.src): a rational approximation evaluated
// with fused multiply-adds. It differs from a correctly rounded logf by 1–3 ulp in ~42% of
// BTCUSDT bars, and the existing system's features were computed with it, so bit-exact
// features need this routine, not std::log (reference README §3).
// Special values as numpy: log(+0/-0) = -inf, log(x<0) = NaN, log(inf) = inf, log(NaN) = NaN.
float numpy_log_f32(float x);

// The per-bar features of src/data/crypto_loader.py, with qlib's float32 semantics. Every
// field is float32; NaN where qlib gives NaN.
struct FeatureRow {
  float close;
  float log_return;        // Log($close / Ref($close, 1)): f32 division, numpy f32 log
  float vol_raw;           // f32(Std(log_return, 6)): sample std, window incl. current row
  float vol_risk;          // f32(s * s): squared in float64 BEFORE the cast, != vol_raw^2
  float vol_raw_momentum;  // f32(s_t - s_{t-1}) of the float64 stds
  float truth;             // LABEL0: f32(f32(c[t+2] / c[t+1]) - 1)
};

// LABEL0 of bar t from the next two closes: Ref($close,-2)/Ref($close,-1) - 1, every step in
// float32 as qlib computes it. The subtraction is float32 too: for a fall of more than half
// (ratio < 0.5) f32(ratio) - 1 is not exact, and a float64 subtraction would give another value.
inline float label0(float close_next, float close_after_next) {
  return close_after_next / close_next - 1.0f;
}

// Batch features over a close series on qlib's calendar axis. closes[i] is calendar row i;
// rows [0, labelled) get a FeatureRow; rows beyond `labelled` exist only for LABEL0's
// two-row look-ahead (qlib reads them from the .bin even though they carry no label).
// labelled <= closes.size() (programmer error otherwise).
std::vector<FeatureRow> compute_features(std::span<const float> closes, std::size_t labelled);

// Streaming form for a simulator: feed closes one bar at a time and get the backward-looking
// features of that bar (truth is a label from the future and stays NaN here). compute_features
// is this stream plus the LABEL0 look-ahead, so both are proven by the same agreement test.
// A plain value type: copying it is a checkpoint.
class FeatureStream {
 public:
  static constexpr std::size_t kWindow = 6;

  // Every member, public, so a checkpoint (checkpoint/strategy_state.h) can serialise the
  // stream and rebuild it bit-exactly: from_snapshot(s.snapshot()) continues identically.
  struct Snapshot {
    std::array<float, kWindow> returns{};
    std::size_t count = 0;
    float prev_close = 0.0f;
    double prev_std = 0.0;
    bool prev_std_valid = false;
  };

  FeatureRow push(float close);

  Snapshot snapshot() const {
    return {returns_, count_, prev_close_, prev_std_, prev_std_valid_};
  }
  static FeatureStream from_snapshot(const Snapshot& s) {
    FeatureStream f;
    f.returns_ = s.returns;
    f.count_ = s.count;
    f.prev_close_ = s.prev_close;
    f.prev_std_ = s.prev_std;
    f.prev_std_valid_ = s.prev_std_valid;
    return f;
  }

 private:
  std::array<float, kWindow> returns_{};  // ring buffer of the last log returns
  std::size_t count_ = 0;                 // closes seen
  float prev_close_ = 0.0f;
  double prev_std_ = 0.0;  // NaN-aware: valid only when prev_std_valid_
  bool prev_std_valid_ = false;
};

// The pandas rolling sample std (ddof=1, min_periods=1, NaN skipped) of one window, in float64;
// NaN when fewer than two valid values. Two-pass (mean, then squared deviations): the reference
// README §3 measured it bit-identical after the float32 cast to pandas' own algorithm.
double window_sample_std(std::span<const float> window);

}  // namespace q50

#endif  // Q50SIM_CORE_QLIB_FEATURES_H_
