// The 10,000-bar hummingbot replay as a whole process against the existing Python
// backtester on the same case: about 0.6 s for its loop and 1.4 s as a whole process (imports,
// CSV read, backtest, metrics). The aim is >= 200x per whole process, i.e. about 7 ms.
//
//   replay_bench [RUNS] [CASE_DIR] [Q50SIM_BIN]
//       RUNS      whole-process runs and in-process repetitions (default 50)
//       CASE_DIR  a backtest_hb case with input.csv and config.json (default
//                 <reference>/backtest_hb/d17245f_enhanced, one of the two 10,000-bar cases)
//       Q50SIM_BIN the CLI to time (default: the q50sim built beside this bench)
//
// (i) Whole process: fork + exec of `q50sim replay --profile hummingbot --input --config
// --out TMP` with stdout/stderr to /dev/null, wall time from fork to waitpid, RUNS times; min,
// median and p90 in ms, and the child's user+sys CPU time. The floors under it, `q50sim --help`
// (exec, dynamic loading, exit) and /bin/true (the machine's fork+exec), are timed the same way.
// (ii) In-process phases with the library functions the CLI calls: config read, CSV read,
// sim::run_replay, hb_metrics; the CLI's own rendering of bars/trades/holds/metrics.json lives
// in app/cmd_replay.cc's anonymous namespace, so "render + write" is the in-process
// app::run_replay minus the phases above, and "write" alone rewrites the CLI's four files.
// The in-process replay config mirrors prepare_hummingbot; the bench checks that its
// fingerprint equals the one the CLI prints, so the two cannot drift apart silently.
#include <fcntl.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/commands.h"
#include "core/metrics.h"
#include "core/legacy/strategy.h"
#include "io/atomic_file.h"
#include "io/backtest_input.h"
#include "sim/legacy/replay.h"

#ifndef Q50SIM_BENCH_BIN
#define Q50SIM_BENCH_BIN "q50sim"
#endif
#ifndef Q50SIM_BENCH_REFERENCE_DIR
#define Q50SIM_BENCH_REFERENCE_DIR "../shared/reference"
#endif

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr double kPythonProcessMs = 1400.0;  // the figures for the Python backtester
constexpr double kPythonLoopMs = 600.0;

struct Stats {
  double min = 0, median = 0, p90 = 0;
};

Stats stats_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const auto at = [&](double q) {
    return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5)];
  };
  return {v.front(), at(0.5), at(0.9)};
}

double us_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
}

double timeval_us(const timeval& t) {
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_usec);
}

std::string read_text(const fs::path& path) {
  auto text = q50::io::read_file(path.string());
  if (!text.ok()) {
    std::fprintf(stderr, "replay_bench: %s\n", std::string(text.status().message()).c_str());
    std::exit(4);
  }
  return std::move(*text);
}

struct ProcessRun {
  double wall_us = 0;
  double cpu_us = 0;  // child user + sys
  double faults = 0;  // child minor page faults
  int exit_code = 0;
  std::string out;  // stdout, only when capture_path is given
};

// fork + exec argv; stdout to capture_path (or /dev/null), stderr to /dev/null.
ProcessRun run_process(const std::vector<std::string>& argv, const std::string& capture_path) {
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  const char* out_path = capture_path.empty() ? "/dev/null" : capture_path.c_str();
  const auto t0 = Clock::now();
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("replay_bench: fork");
    std::exit(4);
  }
  if (pid == 0) {
    const int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null = open("/dev/null", O_WRONLY);
    if (out < 0 || null < 0 || dup2(out, 1) < 0 || dup2(null, 2) < 0) _exit(127);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  ProcessRun r;
  r.wall_us = us_since(t0);
  r.cpu_us = timeval_us(ru.ru_utime) + timeval_us(ru.ru_stime);
  r.faults = static_cast<double>(ru.ru_minflt);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (!capture_path.empty()) r.out = read_text(capture_path);
  return r;
}

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
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
  std::printf("machine: %s, nproc %ld, %s\n", model.c_str(), sysconf(_SC_NPROCESSORS_ONLN),
              first_line("/proc/version").substr(0, 40).c_str());
  // Other jobs on the machine inflate every figure below; the load says by how much.
  std::printf("load average (1, 5, 15 min, runnable/total): %s\n",
              first_line("/proc/loadavg").c_str());
}

struct Case {
  std::string bin, input, config;
  fs::path tmp;
};

std::vector<std::string> replay_argv(const Case& c, const fs::path& out_dir) {
  return {c.bin,    "replay",  "--profile", "hummingbot", "--input",
          c.input,  "--config", c.config,   "--out",      out_dir.string()};
}

void fail(const std::string& what) {
  std::fprintf(stderr, "replay_bench: %s\n", what.c_str());
  std::exit(1);
}

// Returns the fingerprint the CLI printed (checked against the in-process run).
std::string bench_whole_process(const Case& c, int runs) {
  const std::string capture = (c.tmp / "stdout").string();
  const ProcessRun first = run_process(replay_argv(c, c.tmp / "out"), capture);
  if (first.exit_code != 0) fail("q50sim replay exited with " + std::to_string(first.exit_code));
  const auto fp = first.out.find("fingerprint=");
  if (fp == std::string::npos) fail("q50sim printed no fingerprint: " + first.out);
  std::vector<double> wall, cpu, faults, floor_wall, true_wall;
  for (int i = 0; i < runs; ++i) {
    const ProcessRun r = run_process(replay_argv(c, c.tmp / "out"), "");
    if (r.exit_code != 0) fail("q50sim replay exited with " + std::to_string(r.exit_code));
    wall.push_back(r.wall_us / 1e3);
    cpu.push_back(r.cpu_us / 1e3);
    faults.push_back(r.faults);
    floor_wall.push_back(run_process({c.bin, "--help"}, "").wall_us / 1e3);
    true_wall.push_back(run_process({"/bin/true"}, "").wall_us / 1e3);
  }
  const Stats w = stats_of(wall), u = stats_of(cpu), f = stats_of(floor_wall);
  const Stats t = stats_of(true_wall);
  std::printf("(i) whole process, %d runs of q50sim replay (fork+exec -> waitpid):\n", runs);
  std::printf("  wall ms: min %.2f  median %.2f  p90 %.2f   child cpu ms (user+sys): median %.2f\n",
              w.min, w.median, w.p90, u.median);
  std::printf("  child minor page faults: median %.0f\n", stats_of(faults).median);
  std::printf("  floor (q50sim --help, same fork+exec): min %.2f  median %.2f ms\n", f.min,
              f.median);
  std::printf("  machine floor (/bin/true, same fork+exec): min %.2f  median %.2f ms\n", t.min,
              t.median);
  std::printf("  vs Python 1.4 s whole process: %.0fx (median), %.0fx (min); aim 200x = %.1f ms\n",
              kPythonProcessMs / w.median, kPythonProcessMs / w.min, kPythonProcessMs / 200);
  std::printf("  vs Python 0.6 s loop alone:    %.0fx (median)\n", kPythonLoopMs / w.median);
  return first.out.substr(fp + 12, 16);
}

// Median and min of `reps` timings of body(), in microseconds.
Stats time_us(int reps, const std::function<void()>& body) {
  std::vector<double> us;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = Clock::now();
    body();
    us.push_back(us_since(t0));
  }
  return stats_of(us);
}

// What prepare_hummingbot (app/cmd_replay.cc) builds from the config.
q50::sim::ReplayConfig hb_replay_config(const q50::io::HbBacktestConfig& config) {
  q50::sim::ReplayConfig rc;
  rc.params.profile = q50::legacy::StrategyProfile::kLegacyHummingbot;
  rc.params.hb.max_position_pct = config.max_position_pct;
  rc.params.hb.min_confidence_hold = config.min_confidence_hold;
  rc.params.hb.pnl = config.real_prices ? q50::legacy::PnlFormula::kFromPriceChange
                                        : q50::legacy::PnlFormula::kFromTruth;
  rc.params.hb.options.sizing = config.sizing;
  rc.venue.initial_cash = config.initial_balance;
  rc.venue.fee_rate = config.fee_rate;
  return rc;
}

q50::HbMetrics metrics_of(const q50::sim::ReplayResult& r, double initial_balance) {
  std::vector<double> pv, trade_pnl;
  std::vector<std::string_view> reasons;
  for (const auto& b : r.hb_bars) pv.push_back(b.portfolio_value);
  for (const auto& t : r.hb_trades) trade_pnl.push_back(t.pnl);
  for (const auto& h : r.hb_holds) reasons.push_back(q50::legacy::hold_reason_name(h.reason));
  return q50::hb_metrics(
      {pv, trade_pnl, reasons, initial_balance, r.final_cash, r.final_position});
}

// app::run_replay in this process, its stdout lines sent to /dev/null.
int run_cli_in_process(const Case& c, const fs::path& out_dir) {
  const std::vector<std::string> argv = replay_argv(c, out_dir);
  const std::vector<std::string_view> args(argv.begin() + 2, argv.end());
  std::fflush(stdout);
  const int saved = dup(1);
  const int null = open("/dev/null", O_WRONLY);
  dup2(null, 1);
  const int code = q50::app::run_replay(args);
  std::fflush(stdout);
  dup2(saved, 1);
  close(null);
  close(saved);
  return code;
}

struct Phase {
  const char* name;
  Stats us;
};

void print_phases(const std::vector<Phase>& phases, std::size_t bars) {
  const auto n = static_cast<double>(bars);
  for (const Phase& p : phases) {
    std::printf("  %-34s median %9.1f us  min %9.1f us  %7.1f ns/bar\n", p.name, p.us.median,
                p.us.min, p.us.median * 1e3 / n);
  }
}

void bench_in_process(const Case& c, int reps, const std::string& cli_fingerprint) {
  const auto config = q50::io::read_hb_config(c.config);
  if (!config.ok()) fail(std::string(config.status().message()));
  const auto bars = q50::io::read_hb_bars(c.input, *config);
  if (!bars.ok()) fail(std::string(bars.status().message()));
  const q50::sim::ReplayConfig rc = hb_replay_config(*config);
  const q50::sim::ReplayResult result = q50::sim::run_replay(*bars, rc);
  char fp[17];
  std::snprintf(fp, sizeof fp, "%016" PRIx64, result.fingerprint);
  if (cli_fingerprint != fp) fail("in-process fingerprint " + std::string(fp) + " != CLI's");
  std::uint64_t sink = 0;
  std::vector<Phase> phases;
  phases.push_back({"read config (json)", time_us(reps, [&] {
                      sink += q50::io::read_hb_config(c.config).ok();
                    })});
  phases.push_back({"read input (CSV -> bars)", time_us(reps, [&] {
                      sink += q50::io::read_hb_bars(c.input, *config)->size();
                    })});
  phases.push_back({"run (sim::run_replay)", time_us(reps, [&] {
                      sink += q50::sim::run_replay(*bars, rc).fingerprint;
                    })});
  phases.push_back({"metrics (hb_metrics)", time_us(reps, [&] {
                      sink += static_cast<std::uint64_t>(
                          metrics_of(result, config->initial_balance).total_periods);
                    })});
  const fs::path cli_out = c.tmp / "out";
  std::vector<std::pair<fs::path, std::string>> files;
  for (const char* name : {"bars.csv", "trades.csv", "holds.csv", "metrics.json"}) {
    files.emplace_back(c.tmp / "rewrite" / name, read_text(cli_out / name));
  }
  fs::create_directories(c.tmp / "rewrite");
  phases.push_back({"write 4 files (atomic, no render)", time_us(reps, [&] {
                      for (const auto& [path, text] : files) {
                        sink += q50::io::write_file_atomic(path.string(), text).ok();
                      }
                    })});
  const Stats whole = time_us(reps, [&] { sink += run_cli_in_process(c, c.tmp / "inproc") == 0; });
  double parts = 0;
  for (std::size_t i = 0; i < 4; ++i) parts += phases[i].us.median;
  std::printf("(ii) in-process phases, %zu bars, %d repetitions each:\n", bars->size(), reps);
  print_phases(phases, bars->size());
  print_phases({{"app::run_replay (all of the CLI)", whole}}, bars->size());
  std::printf("  render + write (CLI minus read/run/metrics, by medians): %.1f us\n",
              whole.median - parts);
  std::printf("  run: %zu trades, %zu holds, %" PRIu64 " events, fingerprint %s (= CLI's)\n",
              result.hb_trades.size(), result.hb_holds.size(), result.events, fp);
  std::printf("  loop vs Python's 0.6 s loop: %.0fx (median)   (sink %" PRIu64 ")\n",
              kPythonLoopMs * 1e3 / phases[2].us.median, sink % 10);
}

}  // namespace

int main(int argc, char** argv) {
  // The heap policy of q50sim's main (app/main.cc: tune_malloc), so that the in-process
  // app::run_replay below runs as it does in the CLI.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 16 << 20);
  const int runs = argc > 1 ? std::atoi(argv[1]) : 50;
  const fs::path case_dir =
      argc > 2 ? fs::path(argv[2])
               : fs::path(Q50SIM_BENCH_REFERENCE_DIR) / "backtest_hb" / "d17245f_enhanced";
  Case c{argc > 3 ? argv[3] : Q50SIM_BENCH_BIN, (case_dir / "input.csv").string(),
         (case_dir / "config.json").string(),
         fs::temp_directory_path() / ("q50_replay_bench_" + std::to_string(getpid()))};
  if (runs <= 0 || argc > 4) {
    std::fprintf(stderr, "usage: replay_bench [RUNS>0] [CASE_DIR] [Q50SIM_BIN]\n");
    return 2;
  }
  for (const auto& p : {c.bin, c.input, c.config}) {
    if (!fs::exists(p)) fail(p + ": no such file");
  }
  fs::create_directories(c.tmp);
  std::printf("replay_bench: %s, one process at a time\n", case_dir.string().c_str());
  print_machine();
  const std::string fingerprint = bench_whole_process(c, runs);
  bench_in_process(c, runs, fingerprint);
  std::error_code ec;
  fs::remove_all(c.tmp, ec);
  return 0;
}
