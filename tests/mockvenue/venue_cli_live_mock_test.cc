// `q50sim venue` as a process: it prints exactly "listening on 127.0.0.1:P" once it accepts
// connections, serves scenarios/live/month.toml (a month of bars), stops cleanly with exit 0 on
// SIGTERM and SIGINT, refuses a key file others can read, and never prints the keys.
#include <fcntl.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/mockvenue/venue_fixture.h"
#include "tests/support/test_env.h"

namespace q50::mockvenue {
namespace {

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
  // Waits for the exit (at most timeout_ms); the exit code, or -1 if still running.
  int wait(int timeout_ms) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < until) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
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
  std::string out() { return rest_of(out_); }
  std::string err() { return rest_of(err_); }
  void signal(int sig) { ::kill(pid_, sig); }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
  bool reaped_ = false;
};

std::string key_file(const std::string& name, mode_t mode) {
  const std::string path = q50::testing::make_temp_dir("venue_cli_" + name) + "/keys";
  q50::testing::write_text(path, std::string("api_key=") + testing::kKey + "\napi_secret=" +
                                     testing::kSecret + "\n");
  ::chmod(path.c_str(), mode);
  return path;
}

std::string month() { return std::string(std::getenv("Q50SIM_SOURCE_DIR")) + "/scenarios/live/month.toml"; }

BOOST_AUTO_TEST_CASE(prints_its_port_serves_a_month_and_stops_on_sigterm) {
  for (const int sig : {SIGTERM, SIGINT}) {
    Child venue({q50::testing::q50sim_bin(), "venue", month(), "--port", "0", "--speed", "36000",
                 "--key-file", key_file("ok", 0600)});
    const std::string line = venue.first_line(20000);
    BOOST_REQUIRE_MESSAGE(line.starts_with("listening on 127.0.0.1:"), "got '" << line << "'");
    const int port = std::stoi(line.substr(line.rfind(':') + 1));
    BOOST_TEST(line == "listening on 127.0.0.1:" + std::to_string(port));
    httplib::Client http("127.0.0.1", port);
    auto time = http.Get("/api/v3/time");
    BOOST_REQUIRE(time);
    BOOST_TEST(time->status == 200);
    auto books = http.Get("/q50sim/books");
    BOOST_REQUIRE(books);
    const nlohmann::json b = nlohmann::json::parse(books->body);
    BOOST_TEST(b["bars_total"].get<int>() >= 720);
    BOOST_TEST(b["bars_closed"].get<int>() >= 1);
    venue.signal(sig);
    BOOST_TEST(venue.wait(10000) == 0);
    const std::string all = venue.out() + venue.err();
    BOOST_TEST(all.find(testing::kKey) == std::string::npos);
    BOOST_TEST(all.find(testing::kSecret) == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(refuses_a_key_file_others_can_read) {
  Child venue({q50::testing::q50sim_bin(), "venue", month(), "--port", "0", "--key-file",
               key_file("open", 0644)});
  BOOST_TEST(venue.wait(20000) == 4);
  const std::string err = venue.err();
  BOOST_TEST(err.find("chmod 600") != std::string::npos);
  BOOST_TEST(err.find(testing::kKey) == std::string::npos);
  BOOST_TEST(err.find(testing::kSecret) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_command_lines_exit_2) {
  Child no_port({q50::testing::q50sim_bin(), "venue", month()});
  BOOST_TEST(no_port.wait(10000) == 2);
  Child bad_speed({q50::testing::q50sim_bin(), "venue", month(), "--port", "0", "--speed", "0"});
  BOOST_TEST(bad_speed.wait(10000) == 2);
}

}  // namespace
}  // namespace q50::mockvenue
