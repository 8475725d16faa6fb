#include "runner/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "fmt/format.h"
#include "io/cleanup.h"

namespace q50::runner {
namespace {

using Clock = std::chrono::steady_clock;

struct Running {
  std::size_t task = 0;
  pid_t pid = -1;
  int fd = -1;
  Clock::time_point start;
  bool eof = false;
  bool reaped = false;
  ChildResult result;
};

std::uint64_t resident_bytes(pid_t pid) {
  std::ifstream statm(fmt::format("/proc/{}/statm", static_cast<long long>(pid)));
  std::uint64_t size = 0;
  std::uint64_t resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

// The child's side: the task's bytes into the pipe, then _exit (no atexit handler, no stdio
// buffer of the parent's flushed twice).
[[noreturn]] void child_main(int fd, std::size_t task,
                             const std::function<std::string(std::size_t)>& fn) {
  io::install_signal_cleanup();  // the parent's own handlers are not the child's
  std::string out;
  try {
    out = fn(task);
  } catch (...) {
    _exit(70);
  }
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::write(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(71);
    done += static_cast<std::size_t>(n);
  }
  _exit(0);
}

bool start(std::size_t task, const std::function<std::string(std::size_t)>& fn,
           std::vector<Running>& running) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return false;
  }
  if (pid == 0) {
    ::close(fds[0]);
    for (const Running& r : running) ::close(r.fd);
    child_main(fds[1], task, fn);
  }
  ::close(fds[1]);
  ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  Running r;
  r.task = task;
  r.pid = pid;
  r.result.pid = pid;
  r.fd = fds[0];
  r.start = Clock::now();
  running.push_back(std::move(r));
  return true;
}

void drain(Running& r) {
  char buf[1 << 14];
  while (!r.eof) {
    const ssize_t n = ::read(r.fd, buf, sizeof buf);
    if (n > 0) {
      r.result.output.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0) {
      r.eof = true;
    } else if (errno != EINTR) {
      if (errno != EAGAIN) r.eof = true;
      return;
    }
  }
}

void reap(Running& r, bool block) {
  if (r.reaped) return;
  int status = 0;
  const pid_t got = ::waitpid(r.pid, &status, block ? 0 : WNOHANG);
  if (got != r.pid) return;
  r.reaped = true;
  if (r.result.kind == ChildResult::Kind::kTimedOut ||
      r.result.kind == ChildResult::Kind::kOutOfMemory) {
    return;
  }
  if (WIFEXITED(status)) {
    r.result.kind = ChildResult::Kind::kExited;
    r.result.exit_code = WEXITSTATUS(status);
  } else {
    r.result.kind = ChildResult::Kind::kSignaled;
    r.result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
}

// Kills a child that is over a limit; its result says which.
void enforce(Running& r, const ChildLimits& limits) {
  if (r.reaped) return;
  r.result.seconds = std::chrono::duration<double>(Clock::now() - r.start).count();
  const std::uint64_t rss = resident_bytes(r.pid);
  r.result.peak_rss_bytes = std::max(r.result.peak_rss_bytes, rss);
  const bool slow = r.result.seconds > limits.wall_seconds;
  const bool fat = rss > limits.memory_bytes;
  if (!slow && !fat) return;
  r.result.kind = slow ? ChildResult::Kind::kTimedOut : ChildResult::Kind::kOutOfMemory;
  ::kill(r.pid, SIGKILL);
}

void finish(Running& r, std::vector<ChildResult>& results) {
  ::close(r.fd);
  r.result.seconds = std::chrono::duration<double>(Clock::now() - r.start).count();
  if (r.result.kind != ChildResult::Kind::kExited || r.result.exit_code != 0) {
    r.result.output.clear();  // a half-written result is no result
  }
  results[r.task] = std::move(r.result);
}

}  // namespace

std::vector<ChildResult> run_in_children(std::size_t count, std::size_t jobs,
                                         const ChildLimits& limits,
                                         const std::function<std::string(std::size_t)>& task,
                                         const volatile std::sig_atomic_t* stop) {
  std::vector<ChildResult> results(count);
  std::vector<Running> running;
  std::size_t next = 0;
  while (next < count || !running.empty()) {
    if (stop != nullptr && *stop != 0) {
      for (Running& r : running) ::kill(r.pid, SIGKILL);
      for (Running& r : running) {
        reap(r, true);
        finish(r, results);
      }
      break;
    }
    while (running.size() < std::max<std::size_t>(jobs, 1) && next < count) {
      if (!start(next, task, running)) break;
      ++next;
    }
    std::vector<pollfd> fds;
    for (const Running& r : running) fds.push_back({r.fd, POLLIN, 0});
    ::poll(fds.data(), fds.size(), 20);
    for (Running& r : running) {
      drain(r);
      enforce(r, limits);
      reap(r, r.eof);
    }
    for (auto it = running.begin(); it != running.end();) {
      if (it->eof && it->reaped) {
        finish(*it, results);
        it = running.erase(it);
      } else {
        ++it;
      }
    }
  }
  return results;
}

std::string describe_failure(const ChildResult& r, const ChildLimits& limits) {
  switch (r.kind) {
    case ChildResult::Kind::kExited:
      return fmt::format("its process exited with code {} before reporting", r.exit_code);
    case ChildResult::Kind::kSignaled:
      return fmt::format("crashed: its process was killed by signal {} ({})", r.signal,
                         ::strsignal(r.signal));
    case ChildResult::Kind::kTimedOut:
      return fmt::format("timed out: still running after {:.0f} s (--timeout)",
                         limits.wall_seconds);
    case ChildResult::Kind::kOutOfMemory:
      return fmt::format("ran out of memory: its resident set passed {} MiB (--memory)",
                         limits.memory_bytes >> 20);
    case ChildResult::Kind::kNotRun:
      return "not run: the suite was interrupted";
  }
  return "failed";
}

}  // namespace q50::runner
