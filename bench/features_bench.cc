// Throughput of the qlib-exact feature computation (core/qlib_features) on one core.
//
//   features_bench [ROWS] [REPS]      (defaults 10000000 rows, 5 repetitions)
//
// A seeded synthetic close series (q50's PRNG) in memory; reports the best of REPS for the
// batch form (compute_features) and the streaming form (FeatureStream, what a simulator calls
// once per bar), plus numpy_log_f32 alone.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/qlib_features.h"
#include "core/prng.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

template <typename Fn>
double best_of(int reps, Fn fn) {
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = Clock::now();
    fn();
    best = std::min(best, seconds_since(t0));
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  const int reps = argc > 2 ? std::atoi(argv[2]) : 5;
  q50::Prng rng(1);
  std::vector<float> closes(n);
  double log_price = std::log(30000.0);
  for (auto& c : closes) {
    log_price += 0.005 * rng.normal();
    c = static_cast<float>(std::exp(log_price));
  }
  volatile float sink = 0;
  const double batch = best_of(reps, [&] {
    const auto rows = q50::compute_features(closes, n - 2);
    sink = sink + rows[n / 2].vol_risk;
  });
  const double stream = best_of(reps, [&] {
    q50::FeatureStream s;
    float acc = 0;
    for (const float c : closes) acc += s.push(c).vol_raw;
    sink = sink + acc;
  });
  const double log_only = best_of(reps, [&] {
    float acc = 0;
    for (std::size_t i = 1; i < n; ++i) acc += q50::numpy_log_f32(closes[i] / closes[i - 1]);
    sink = sink + acc;
  });
  const double dn = static_cast<double>(n);
  std::printf("features_bench: %zu rows, best of %d, one core\n", n, reps);
  std::printf("  batch   compute_features   %7.2f ns/row  %7.2f M rows/s\n", batch / dn * 1e9,
              dn / batch / 1e6);
  std::printf("  stream  FeatureStream::push %6.2f ns/row  %7.2f M rows/s\n", stream / dn * 1e9,
              dn / stream / 1e6);
  std::printf("  numpy_log_f32 alone        %7.2f ns/call\n", log_only / dn * 1e9);
  return 0;
}
