#ifndef Q50SIM_TESTS_SUPPORT_CHILD_PROCESS_H_
#define Q50SIM_TESTS_SUPPORT_CHILD_PROCESS_H_

// A q50sim (or any) process started by a test, its stdout and stderr on pipes: its first line
// (the listening line of `q50sim venue`, the seed line of `q50sim live`), its exit code, its
// output. Killed with SIGKILL if the test ends while it runs.

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace q50::testing {

// A child process with its stdout and stderr on pipes.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv) {
    int out[2];
    int err[2];
    BOOST_REQUIRE(::pipe(out) == 0 && ::pipe(err) == 0);
    std::vector<char*> args;  // built before fork: the child only calls async-signal-safe code
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_ = ::fork();
    BOOST_REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::dup2(err[1], 2);
      ::close(out[0]);
      ::close(err[0]);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    out_ = out[0];
    err_ = err[0];
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
    ::close(err_);
  }

  // The first stdout line, waiting at most timeout_ms ("" on timeout or EOF).
  std::string first_line(int timeout_ms) {
    std::string line;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < until) {
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char c = 0;
      if (::read(out_, &c, 1) != 1) return line;
      if (c == '\n') return line;
      line += c;
    }
    return "";
  }
  // Waits for the exit (at most timeout_ms); the exit code, or -1 if still running. Reads its
  // output meanwhile, so that a child writing more than a pipe holds is never blocked.
  int wait(int timeout_ms) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < until) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      drain(out_, out_text_);
      drain(err_, err_text_);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }
  std::string rest_of(int fd) {
    std::string text;
    char buf[4096];
    ssize_t n = 0;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
    return text;
  }
  std::string out() { return std::exchange(out_text_, "") + rest_of(out_); }
  std::string err() { return std::exchange(err_text_, "") + rest_of(err_); }
  void signal(int sig) { ::kill(pid_, sig); }
  pid_t pid() const { return pid_; }

 private:
  // What is there to read now, without blocking.
  static void drain(int fd, std::string& into) {
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 0) <= 0 || (p.revents & POLLIN) == 0) return;
      char buf[4096];
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) return;
      into.append(buf, static_cast<std::size_t>(n));
    }
  }

  std::string out_text_;
  std::string err_text_;
  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
  bool reaped_ = false;
};

}  // namespace q50::testing

#endif  // Q50SIM_TESTS_SUPPORT_CHILD_PROCESS_H_
