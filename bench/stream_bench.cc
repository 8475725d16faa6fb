// Throughput and memory of the whole simulator on one core: the streaming synthetic market
// and forecaster, the event loop with its invariant checker and journal fingerprint, the
// fixed-point mock exchange, and the full native strategy (features, signal, sizing, risk).
// Outputs are counted and dropped.
//
//   stream_bench [--skill=X] [BARS...]      (default: skill 0.05, 1000000 10000000 bars)
//
// The forecaster's skill sets how often the strategy trades: 0.05 (the demo's) sends an
// order every ~500 bars, 0.5 every ~3 bars (a stress of the order path).
//
// Runs each size in turn in this process and prints bars/s and the peak RSS (getrusage
// ru_maxrss, a high-water mark) after each, so an RSS that does not grow from 1M to 10M bars
// shows memory is flat in stream length. It also prints the thread's CPU time (cpu_ns_per_bar):
// on a shared machine the wall clock counts time the thread spent descheduled, the CPU clock
// does not, so it is the steadier figure when the load average is above the core count.
//
// Bars are one minute apart: 10M hourly bars span 1141 years, beyond int64 nanoseconds'
// +-292 years. The strategy never reads the spacing; the regimes keep their hourly vols. The
// market reverts weakly to its start price (OhlcvShape::reversion) so 10M bars stay in range.
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/thread_cpu.h"
#include "sim/engine.h"
#include "sim/journal.h"
#include "sim/sources.h"
#include "sim/market_stream.h"
#include "sim/synthetic_market.h"

namespace {

using Clock = std::chrono::steady_clock;
using q50::kFixedScale;

// The forecaster's default weight on the realised label: modest, so equity neither explodes
// (orders would hit the venue's 9000 BTC LOT_SIZE cap) nor bleeds to nothing in fees.
constexpr double kDefaultSkill = 0.05;

q50::sim::EngineConfig bench_config(std::uint64_t seed) {
  q50::sim::EngineConfig c;
  c.seed = seed;
  c.exchange.instrument = q50::sim::btcusdt_spot();
  c.exchange.account = {q50::sim::AccountMode::kSpot, true, 0, 100'000 * kFixedScale};
  c.exchange.slippage = q50::sim::SlippageModel::existing_system();
  q50::strategy::Params& s = c.strategy;
  s.percentiles = {0.0029 * 0.0029, 0.0063 * 0.0063, 0.011 * 0.011};
  s.sizing = q50::strategy::SizingRule::kKellyPositionSize;
  s.hold = q50::HoldPolicy::kKeep;
  s.max_abs_fraction = 0.5;
  s.rebalance_min_fraction = 0.05;
  // No drawdown kill switch: a tripped switch would leave the strategy idle for the rest of
  // the run and the benchmark would time an idle loop.
  s.limits = {0.6, 0.6, 1.0, 1.0, 1e-5, 5.0};
  return c;
}

q50::sim::SyntheticMarketParams bench_market(std::uint64_t seed, std::int64_t bars) {
  q50::sim::SyntheticMarketParams p;
  p.seed = seed;
  p.start_ts_ns = 0;
  p.bar_ns = q50::kNsPerMinute;
  p.start_price = 30000.0;
  using q50::sim::MarketRegime;
  p.schedule = {{MarketRegime::kQuiet, 48},
                {MarketRegime::kNormal, 72},
                {MarketRegime::kTrending, 48},
                {MarketRegime::kVolatile, 24},
                {MarketRegime::kCrash, 12}};
  p.bars = bars;
  return p;
}

double thread_cpu_seconds() { return q50::bench::thread_cpu_ns() * 1e-9; }

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

void run_one(std::int64_t bars, double skill) {
  const std::uint64_t seed = 42;
  q50::sim::OhlcvShape shape;
  shape.reversion = 1e-3;
  q50::sim::SyntheticSource source(bench_market(seed, bars), {seed, skill, 0.2, 1.0}, shape);
  q50::sim::Engine engine(bench_config(seed));
  q50::ports::CountingSink sink;
  const Clock::time_point t0 = Clock::now();
  const double cpu0 = thread_cpu_seconds();
  const q50::sim::EngineSummary s = engine.run(source, source, sink);
  const double cpu_seconds = thread_cpu_seconds() - cpu0;
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::int64_t risk_limited = 0;
  for (std::size_t r = 0; r < q50::strategy::kRejectReasonCount; ++r) {
    risk_limited += s.strategy.risk_rejects[r] + s.strategy.risk_clamps[r];
  }
  std::printf(
      "bars=%lld seconds=%.3f bars_per_s=%.0f ns_per_bar=%.1f cpu_ns_per_bar=%.1f "
      "peak_rss_kib=%ld events=%lld orders=%lld fills=%lld risk_limited=%lld final_equity=%.2f "
      "fingerprint=%016llx fingerprint_scheme=%d\n",
      static_cast<long long>(s.bars), seconds, static_cast<double>(s.bars) / seconds,
      seconds * 1e9 / static_cast<double>(s.bars),
      cpu_seconds * 1e9 / static_cast<double>(s.bars), peak_rss_kib(),
      static_cast<long long>(s.events), static_cast<long long>(s.orders),
      static_cast<long long>(s.fills),
      static_cast<long long>(risk_limited),
      q50::to_double(s.final_equity_e8), static_cast<unsigned long long>(s.fingerprint),
      q50::sim::kFingerprintScheme);
  for (const auto& [code, count] : s.venue_rejects) {
    std::printf("  venue rejects %s: %lld\n", std::string(q50::sim::reject_code_name(code)).c_str(),
                static_cast<long long>(count));
  }
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::int64_t> sizes;
  double skill = kDefaultSkill;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--skill=", 0) == 0) {
      skill = std::stod(arg.substr(8));
    } else {
      sizes.push_back(std::stoll(arg));
    }
  }
  if (sizes.empty()) sizes = {1'000'000, 10'000'000};
  std::printf("skill=%.3f peak_rss_kib before any run=%ld\n", skill, peak_rss_kib());
  for (const std::int64_t n : sizes) run_one(n, skill);
  return 0;
}
