// Sweep throughput: configurations per second of `q50sim sweep` over the legacy hummingbot
// replay, on one thread and on two, next to the existing Python backtester's ~1.6
// configurations per second on the 10,000-bar case (the figure the sweep and speed issues
// quote: about 0.6 s per backtest loop; not measured here, the Python system is not installed).
//
//   sweep_bench [RUNS] [SOURCE_DIR] [Q50SIM_BIN]
//       RUNS        whole-process runs per sweep and thread count (default 3; min and median)
//       SOURCE_DIR  the checkout holding scenarios/sweeps/hb_grid.toml (default: this one)
//
// Two sweeps of 1,008 points each, every run into a fresh SQLite store (nothing skipped):
//   hb_grid     scenarios/sweeps/hb_grid.toml as shipped: sizing method x min confidence x fee
//               x data window; the windows average about 5,000 of the case's 10,000 bars
//   hb_full     the same grid with four position caps instead of the windows: every point
//               replays all 10,000 bars (the speed issue's "10,000-bar case")
// Printed per sweep and --jobs: configurations per second of the whole process (fork to exit:
// reading the gzipped input, every run, the store's transactions, sweep.html) and of the run
// phase alone (the sweep's own "points/s": runs and store writes), the bars replayed per
// second, and the child's CPU time. The machine and its load average come first: other jobs on
// a shared machine inflate every figure.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "fmt/format.h"

#ifndef Q50SIM_BENCH_BIN
#define Q50SIM_BENCH_BIN "q50sim"
#endif
#ifndef Q50SIM_BENCH_SOURCE_DIR
#define Q50SIM_BENCH_SOURCE_DIR "."
#endif

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr double kPythonConfigsPerSecond = 1.6;
constexpr int kPoints = 1008;

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void print_machine() {
  std::ifstream cpu("/proc/cpuinfo");
  std::string line, model = "unknown";
  while (std::getline(cpu, line)) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  std::printf("machine: %s, nproc %ld\n", model.c_str(), sysconf(_SC_NPROCESSORS_ONLN));
  std::printf("load average (1, 5, 15 min, runnable/total): %s\n",
              first_line("/proc/loadavg").c_str());
}

struct Run {
  double wall_s = 0;
  double cpu_s = 0;
  double run_rate = 0;  // the sweep's printed points/s (run phase)
};

Run run_sweep(const std::string& bin, const std::string& sweep, const fs::path& out, int jobs) {
  fs::remove_all(out);
  const std::vector<std::string> argv{
      bin, "sweep", sweep, "--out", out.string(), "--jobs", std::to_string(jobs)};
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  const fs::path capture = out.string() + ".stdout";
  const auto t0 = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(capture.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || dup2(fd, 1) < 0) _exit(127);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  Run r;
  r.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
  r.cpu_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
            static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  const std::string out_text = read_all(capture);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "sweep_bench: q50sim sweep %s failed:\n%s\n", sweep.c_str(),
                 out_text.c_str());
    std::exit(1);
  }
  std::smatch m;
  if (std::regex_search(out_text, m, std::regex("([0-9.]+) points/s")))
    r.run_rate = std::stod(m[1]);
  return r;
}

// Mean bars per point: the total_periods column of the sweep's CSV export.
double bars_per_point(const std::string& bin, const fs::path& out) {
  const std::string csv = (out / "bench.csv").string();
  const std::string cmd =
      fmt::format("{} results {}/results.sqlite --csv {} > /dev/null", bin, out.string(), csv);
  if (std::system(cmd.c_str()) != 0) return 0;
  std::ifstream in(csv);
  std::string header;
  std::getline(in, header);
  std::size_t column = 0;
  for (std::size_t pos = 0, i = 0; pos != std::string::npos; ++i) {
    const std::size_t comma = header.find(',', pos);
    if (header.substr(pos, comma - pos) == "total_periods") column = i;
    pos = comma == std::string::npos ? comma : comma + 1;
  }
  double sum = 0;
  int rows = 0;
  for (std::string line; std::getline(in, line); ++rows) {
    std::size_t pos = 0;
    for (std::size_t i = 0; i < column; ++i) pos = line.find(',', pos) + 1;
    sum += std::atof(line.c_str() + pos);
  }
  return rows > 0 ? sum / rows : 0;
}

void bench(const std::string& bin, const std::string& name, const std::string& sweep,
           const fs::path& tmp, int runs) {
  for (const int jobs : {1, 2}) {
    std::vector<Run> r;
    for (int i = 0; i < runs; ++i) r.push_back(run_sweep(bin, sweep, tmp / name, jobs));
    std::sort(r.begin(), r.end(), [](const Run& a, const Run& b) { return a.wall_s < b.wall_s; });
    const Run& best = r.front();
    const Run& median = r[r.size() / 2];
    const double bars = bars_per_point(bin, tmp / name);
    std::printf(
        "%-8s --jobs %d: whole process %.0f configs/s (median of %d; min wall %.2f s = %.0f/s), "
        "run phase %.0f configs/s; %.0f bars/point, %.2f M bars/s; child cpu %.2f s = %.0f "
        "configs per cpu-second; %.0fx Python's %.1f/s\n",
        name.c_str(), jobs, kPoints / median.wall_s, runs, best.wall_s, kPoints / best.wall_s,
        median.run_rate, bars, median.run_rate * bars / 1e6, median.cpu_s, kPoints / median.cpu_s,
        kPoints / median.wall_s / kPythonConfigsPerSecond, kPythonConfigsPerSecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  const std::string source = argc > 2 ? argv[2] : Q50SIM_BENCH_SOURCE_DIR;
  const std::string bin = argc > 3 ? argv[3] : Q50SIM_BENCH_BIN;
  const fs::path tmp = fs::temp_directory_path() / fmt::format("q50sim-sweep-bench-{}", getpid());
  fs::create_directories(tmp);
  print_machine();
  const std::string grid = source + "/scenarios/sweeps/hb_grid.toml";
  std::string full = read_all(grid);
  const std::size_t window = full.find("key = \"window\"");
  const std::size_t next = full.find("\n[report]");
  if (window == std::string::npos || next == std::string::npos) {
    std::fprintf(stderr, "sweep_bench: %s has no window dimension to replace\n", grid.c_str());
    return 1;
  }
  full.replace(window, next - window,
               "key = \"max_position_pct\"\nvalues = [0.2, 0.3, 0.4, 0.5]\n");
  full = std::regex_replace(full, std::regex("\"\\.\\./\\.\\./golden"), "\"" + source + "/golden");
  full = std::regex_replace(full, std::regex("name = \"hb_grid\""), "name = \"hb_full\"");
  std::ofstream(tmp / "hb_full.toml") << full;
  bench(bin, "hb_grid", grid, tmp, runs);
  bench(bin, "hb_full", (tmp / "hb_full.toml").string(), tmp, runs);
  std::printf("load average after: %s\n", first_line("/proc/loadavg").c_str());
  fs::remove_all(tmp);
  return 0;
}
