#ifndef Q50SIM_APP_PARALLEL_FOR_H_
#define Q50SIM_APP_PARALLEL_FOR_H_

#include <cstddef>
#include <functional>

namespace q50::app {

// Runs body(0), ..., body(n - 1), each exactly once, on `threads` threads (the caller's among
// them), handing out indices in order; returns when all are done. The bodies must be
// independent (each writes only its own result), so the outcome does not depend on which
// thread ran what. An exception thrown by a body is rethrown here, after every thread stopped
// (the first one thrown; bodies not yet started are skipped). threads <= 1 or n <= 1: in order
// on this thread. The CLI's way to use both cores of a small machine for work io/ describes
// (io/ and sim/ start no threads).
void parallel_for(std::size_t n, std::size_t threads, const std::function<void(std::size_t)>& body);

// The threads a single command may use: the machine's hardware threads, at most 4, at least 1.
std::size_t command_threads();

}  // namespace q50::app

#endif  // Q50SIM_APP_PARALLEL_FOR_H_
