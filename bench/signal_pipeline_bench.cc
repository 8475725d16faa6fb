// Throughput of the HEAD signal pipeline (core/signal compute_signals) on one core.
//
//   signal_pipeline_bench [ROWS] [REPS]      (defaults 10000000 rows, 5 repetitions)
//
// Rows are synthetic, drawn from q50's seeded PRNG (so every run times the same numbers), in
// two mixes. "realistic" is shaped like the reference data: q50 around 0 with random sign,
// vol_risk over every regime, 85% tier 0 and 34% tradeable (btc_2022: 80% and 23%). "stress"
// widens q50 so about half the rows need the full Kelly (48% tier 0, 42% tradeable). Inputs
// live in memory (column-wise, 32 bytes a row); the pipeline writes into a reused 4096-row
// block, so the timing is the computation, not DRAM write bandwidth for 10M x 120-byte rows.
// The best of REPS repetitions is reported, with the sample-percentile sort and the cost of
// signal_tanh's numpy port vs glibc's tanh on the same arguments.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "core/numpy_tanh.h"
#include "core/regime.h"
#include "core/signal.h"
#include "core/prng.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Inputs {
  std::vector<double> q10, q50, q90;
  std::vector<float> vol_risk, vol_raw_momentum;
};

Inputs make_inputs(std::size_t n, std::uint64_t seed, double q50_scale) {
  q50::Prng rng(seed);
  Inputs in;
  for (auto* v : {&in.q10, &in.q50, &in.q90}) v->resize(n);
  in.vol_risk.resize(n);
  in.vol_raw_momentum.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double center = q50_scale * rng.normal();
    in.q50[i] = center;
    in.q10[i] = center - 0.004 * (0.2 + rng.uniform01());
    in.q90[i] = center + 0.004 * (0.2 + rng.uniform01());
    // vol_risk log-uniform over [1e-6, 3e-4]: every variance regime and the size knee.
    in.vol_risk[i] = static_cast<float>(1e-6 * std::exp(5.7 * rng.uniform01()));
    in.vol_raw_momentum[i] = static_cast<float>(0.004 * rng.normal());
  }
  return in;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// One pass of the pipeline; returns a checksum so the work cannot be optimised away.
double pipeline_pass(const Inputs& in, const q50::VariancePercentiles& p,
                     std::vector<q50::SignalRow>& block) {
  const std::size_t n = in.q10.size();
  double checksum = 0;
  for (std::size_t start = 0; start < n; start += block.size()) {
    const std::size_t len = std::min(block.size(), n - start);
    const q50::SignalColumns cols{
        std::span(in.q10).subspan(start, len), std::span(in.q50).subspan(start, len),
        std::span(in.q90).subspan(start, len), std::span(in.vol_risk).subspan(start, len),
        std::span(in.vol_raw_momentum).subspan(start, len)};
    q50::compute_signals(cols, p, std::span(block).first(len));
    for (std::size_t i = 0; i < len; i += 64) {
      checksum += block[i].kelly_position_size + block[i].signal_tanh + block[i].side;
    }
  }
  return checksum;
}

template <class F>
double best_of(int reps, F&& body, double* sink) {
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = Clock::now();
    *sink += body();
    best = std::min(best, seconds_since(t0));
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  const int reps = argc > 2 ? std::atoi(argv[2]) : 5;
  if (rows == 0 || reps <= 0) {
    std::fprintf(stderr, "usage: signal_pipeline_bench [ROWS>0] [REPS>0]\n");
    return 2;
  }
  double sink = 0;
  std::vector<q50::SignalRow> block(4096);
  struct Mix {
    const char* name;
    double q50_scale;
  };
  std::printf("signal_pipeline_bench: %zu rows, best of %d, one core (single thread)\n", rows,
              reps);
  const auto n = static_cast<double>(rows);
  for (const Mix mix : {Mix{"realistic", 0.0002}, Mix{"stress", 0.0005}}) {
    const Inputs mixed = make_inputs(rows, 20261125, mix.q50_scale);
    const q50::VariancePercentiles mp = q50::sample_variance_percentiles(mixed.vol_risk);
    const double s = best_of(reps, [&] { return pipeline_pass(mixed, mp, block); }, &sink);
    std::printf("  pipeline, %-9s mix: %.3f s  %.1f M rows/s  %.2f ns/row\n", mix.name, s,
                n / s / 1e6, s / n * 1e9);
  }
  const Inputs in = make_inputs(rows, 20261125, 0.0005);
  auto t0 = Clock::now();
  const q50::VariancePercentiles p = q50::sample_variance_percentiles(in.vol_risk);
  const double pct_s = seconds_since(t0);
  sink += p.p30;

  // signal_tanh's share: numpy's tanh vs glibc's on clipped arguments spread over [-3, 3].
  std::vector<double> x(rows);
  for (std::size_t i = 0; i < rows; ++i) x[i] = std::tanh(in.q50[i] * 2000.0) * 3.0;
  const double numpy_tanh_s = best_of(reps, [&] {
    double s = 0;
    for (const double v : x) s += q50::numpy_tanh(v);
    return s;
  }, &sink);
  const double libm_tanh_s = best_of(reps, [&] {
    double s = 0;
    for (const double v : x) s += std::tanh(v);
    return s;
  }, &sink);

  std::printf("  sample percentiles (sort):  %.3f s  %.2f ns/row (once per input)\n", pct_s,
              pct_s / n * 1e9);
  std::printf("  numpy_tanh alone:           %.2f ns/call\n", numpy_tanh_s / n * 1e9);
  std::printf("  std::tanh alone:            %.2f ns/call\n", libm_tanh_s / n * 1e9);
  std::printf("  (checksum %.6g)\n", sink);
  return 0;
}
