// Cost of one standard normal draw: Prng::normal (the ziggurat) against the Irwin-Hall sum of
// 12 uniforms it replaced (reimplemented here as the reference), by thread CPU time, min and
// median of 5 repetitions of 20M draws each, plus Prng::student_t(5).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <vector>

#include "bench/thread_cpu.h"
#include "core/prng.h"

namespace {

using q50::bench::thread_cpu_ns;

double irwin_hall(q50::Prng& rng) {
  std::uint64_t sum = 0;
  for (int i = 0; i < 12; ++i) sum += rng.next_u64() >> 32;
  return static_cast<double>(sum) * 0x1.0p-32 - 6.0;
}

void report(const char* name, const std::function<double()>& draw) {
  constexpr int kDraws = 20'000'000;
  std::vector<double> ns;
  double sink = 0;
  for (int rep = 0; rep < 5; ++rep) {
    const double t0 = thread_cpu_ns();
    for (int i = 0; i < kDraws; ++i) sink += draw();
    ns.push_back((thread_cpu_ns() - t0) / kDraws);
  }
  std::sort(ns.begin(), ns.end());
  std::printf("%-28s min %6.2f  median %6.2f ns/draw   (sink %g)\n", name, ns[0], ns[2], sink);
}

}  // namespace

int main() {
  q50::Prng a(1), b(1), c(1);
  report("irwin-hall 12 (before)", [&] { return irwin_hall(a); });
  report("Prng::normal (ziggurat)", [&] { return b.normal(); });
  report("Prng::student_t(5)", [&] { return c.student_t(5.0); });
  return 0;
}
