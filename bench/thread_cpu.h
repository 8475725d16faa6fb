#ifndef Q50SIM_BENCH_THREAD_CPU_H_
#define Q50SIM_BENCH_THREAD_CPU_H_

#include <time.h>

namespace q50::bench {

// This thread's CPU time in nanoseconds (CLOCK_THREAD_CPUTIME_ID): what the in-process benches
// report, since on a shared machine the wall clock also counts time spent descheduled.
inline double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

}  // namespace q50::bench

#endif  // Q50SIM_BENCH_THREAD_CPU_H_
