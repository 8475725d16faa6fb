#ifndef Q50SIM_RUNNER_CHILD_PROCESS_H_
#define Q50SIM_RUNNER_CHILD_PROCESS_H_

// Tasks run each in a child process of its own (fork, no exec: the parent is single-threaded
// when it forks), at most `jobs` at a time, so that one task that crashes, hangs or eats
// memory is one failed task and never the end of the others. A task returns bytes (its result)
// that reach the parent through a pipe. The parent enforces a wall-time limit (SIGKILL when it
// is over) and a memory limit on the child's resident set (polled from /proc every few
// milliseconds, SIGKILL when over; an address-space rlimit would break sanitizer builds, which
// reserve terabytes of shadow memory).

#include <csignal>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace q50::runner {

struct ChildLimits {
  double wall_seconds = 600;
  std::uint64_t memory_bytes = std::uint64_t{4} << 30;
};

struct ChildResult {
  enum class Kind : std::uint8_t {
    kExited,       // exit_code; output holds what the task returned (empty unless exit 0)
    kSignaled,     // the child died of `signal` (a crash: SIGSEGV, SIGABRT, ...)
    kTimedOut,     // killed after the wall-time limit
    kOutOfMemory,  // killed when its resident set passed the memory limit
    kNotRun,       // the parent was interrupted before it started
  };
  Kind kind = Kind::kNotRun;
  int pid = 0;  // the child's, which names its temporary files (io/output_set.h)
  int exit_code = 0;
  int signal = 0;
  double seconds = 0;
  std::uint64_t peak_rss_bytes = 0;  // as the parent last saw it
  std::string output;
};

// Runs task(i) for i in [0, count) in children; results in task order. `stop` (set from a
// signal handler) kills every child and ends the call early; the tasks not started are kNotRun.
std::vector<ChildResult> run_in_children(std::size_t count, std::size_t jobs,
                                         const ChildLimits& limits,
                                         const std::function<std::string(std::size_t)>& task,
                                         const volatile std::sig_atomic_t* stop);

// "killed by SIGSEGV (segmentation fault)", "timed out after 600 s", ... for a failed result.
std::string describe_failure(const ChildResult& result, const ChildLimits& limits);

}  // namespace q50::runner

#endif  // Q50SIM_RUNNER_CHILD_PROCESS_H_
