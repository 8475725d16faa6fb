#include "live/clock.h"

#include <time.h>

#include <chrono>

namespace q50::live {

std::int64_t SystemClock::wall_ms() {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  return duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::int64_t SystemClock::monotonic_ns() {
  using std::chrono::duration_cast;
  using std::chrono::nanoseconds;
  return duration_cast<nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void SystemClock::sleep_ms(std::int64_t ms) {
  if (ms <= 0) return;
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ms / 1000);
  ts.tv_nsec = static_cast<long>((ms % 1000) * 1'000'000);
  ::nanosleep(&ts, nullptr);  // EINTR: a signal (a stop request) ends the wait early
}

}  // namespace q50::live
