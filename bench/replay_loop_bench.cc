// The legacy replay loop alone (sim::run_replay), in process, on a hummingbot case: the
// figure the speed issue's "<= 100 ns/bar" is about; then, per run, batches of 1-8 runs through
// sim::run_replays (their journals hashed side by side) and eight sharing a signal table (what
// a sweep thread runs). Reads the case once, checks the loop's
// fingerprint against golden/replay/fingerprints.txt's, then times REPS runs and prints min
// and median ns/bar by the thread's CPU clock (steadier on a shared machine: it does not count
// time descheduled) and by the wall clock, with the machine and its load.
//
//   replay_loop_bench [REPS] [CASE_DIR]   (default 200, <reference>/backtest_hb/d17245f_enhanced)
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench/thread_cpu.h"
#include "core/fnv_lanes.h"
#include "core/legacy/strategy.h"
#include "core/prng.h"
#include "io/backtest_input.h"
#include "sim/legacy/replay.h"

#ifndef Q50SIM_BENCH_REFERENCE_DIR
#define Q50SIM_BENCH_REFERENCE_DIR "build/release/reference"
#endif

namespace {

using q50::bench::thread_cpu_ns;

std::string first_line_with(const char* path, const char* prefix) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return "unknown";
}

}  // namespace

int main(int argc, char** argv) {
  // q50sim's heap policy (app/main.cc tune_malloc): freed records stay mapped between runs.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 16 << 20);
  const int reps = argc > 1 ? std::atoi(argv[1]) : 200;
  const std::filesystem::path dir =
      argc > 2 ? std::filesystem::path(argv[2])
               : std::filesystem::path(Q50SIM_BENCH_REFERENCE_DIR) / "backtest_hb/d17245f_enhanced";
  const auto config = q50::io::read_hb_config((dir / "config.json").string());
  if (!config.ok()) {
    std::fprintf(stderr, "%s\n", std::string(config.status().message()).c_str());
    return 4;
  }
  const auto bars = q50::io::read_hb_bars((dir / "input.csv").string(), *config);
  if (!bars.ok()) {
    std::fprintf(stderr, "%s\n", std::string(bars.status().message()).c_str());
    return 4;
  }
  q50::sim::ReplayConfig rc;  // what app/cmd_replay's prepare_hummingbot builds
  rc.params.profile = q50::legacy::StrategyProfile::kLegacyHummingbot;
  rc.params.hb.max_position_pct = config->max_position_pct;
  rc.params.hb.min_confidence_hold = config->min_confidence_hold;
  rc.params.hb.pnl = config->real_prices ? q50::legacy::PnlFormula::kFromPriceChange
                                         : q50::legacy::PnlFormula::kFromTruth;
  rc.params.hb.options.sizing = config->sizing;
  rc.venue.initial_cash = config->initial_balance;
  rc.venue.fee_rate = config->fee_rate;
  std::vector<double> cpu, wall;
  std::uint64_t fp = 0;
  for (int i = 0; i < reps; ++i) {
    const auto w0 = std::chrono::steady_clock::now();
    const double c0 = thread_cpu_ns();
    fp = q50::sim::run_replay(*bars, rc).fingerprint;
    cpu.push_back(thread_cpu_ns() - c0);
    wall.push_back(std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - w0)
                       .count());
  }
  std::sort(cpu.begin(), cpu.end());
  std::sort(wall.begin(), wall.end());
  const double n = static_cast<double>(bars->size());
  std::printf("machine: %s, nproc %ld; load %s\n",
              first_line_with("/proc/cpuinfo", "model name").c_str(),
              sysconf(_SC_NPROCESSORS_ONLN), first_line_with("/proc/loadavg", "").c_str());
  std::printf("replay loop %s: %zu bars, %d runs, fingerprint %016" PRIx64 "\n",
              dir.filename().string().c_str(), bars->size(), reps, fp);
  std::printf("  cpu  ns/bar: min %.1f  median %.1f\n", cpu.front() / n, cpu[cpu.size() / 2] / n);
  std::printf("  wall ns/bar: min %.1f  median %.1f\n", wall.front() / n,
              wall[wall.size() / 2] / n);
  // Per run, K runs in one thread through run_replays (a sweep thread's way: the K journals
  // hashed side by side); every fingerprint must be the one above.
  const auto time_batch = [&](const q50::sim::ReplayConfig& run_config, std::size_t k,
                               const char* label) {
    const std::vector<q50::sim::ReplayJob> jobs(k, q50::sim::ReplayJob{*bars, &run_config});
    std::vector<double> batch_cpu;
    for (int i = 0; i < std::max(5, reps / static_cast<int>(k)); ++i) {
      const double c0 = thread_cpu_ns();
      const auto results = q50::sim::run_replays(jobs);
      batch_cpu.push_back((thread_cpu_ns() - c0) / static_cast<double>(k));
      for (const auto& r : results) {
        if (r.fingerprint != fp) {
          std::fprintf(stderr, "run_replays x%zu%s: fingerprint %016" PRIx64 " differs\n", k,
                       label, r.fingerprint);
          return false;
        }
      }
    }
    std::sort(batch_cpu.begin(), batch_cpu.end());
    std::printf("  run_replays x%zu%s, cpu ns/bar per run: min %.1f  median %.1f\n", k, label,
                batch_cpu.front() / n, batch_cpu[batch_cpu.size() / 2] / n);
    return true;
  };
  for (const std::size_t k : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{4},
                              std::size_t{8}}) {
    if (!time_batch(rc, k, "")) return 1;
  }
  // Eight runs sharing one table of the bars' signals, as a sweep's points do (the table made
  // once, outside the timing, as a sweep makes it once for many points).
  q50::sim::ReplayConfig shared = rc;
  const q50::legacy::HbSignalTable table = q50::legacy::hb_signal_table(*bars, rc.params.hb);
  shared.params.hb.signals = &table;
  if (!time_batch(shared, 8, " sharing a signal table")) return 1;

  // The hash alone, on this run's journal text: byte-wise FNV-1a of one copy, and of eight
  // copies side by side (core/fnv_lanes.h), per byte of one journal.
  q50::sim::ReplayConfig with_text = rc;
  with_text.keep_journal_text = true;
  const std::string text = q50::sim::run_replay(*bars, with_text).journal_text;
  const auto bytes = static_cast<double>(text.size());
  std::vector<double> one, eight;
  for (int i = 0; i < 20; ++i) {
    double c0 = thread_cpu_ns();
    const std::uint64_t h = q50::fnv1a(text);
    one.push_back(thread_cpu_ns() - c0);
    std::vector<std::string_view> texts(8, text);
    std::vector<std::uint64_t> hashes(8, q50::kFnvOffset);
    c0 = thread_cpu_ns();
    q50::fnv1a_lanes(texts, hashes);
    eight.push_back((thread_cpu_ns() - c0) / 8.0);
    if (h != fp || hashes[7] != fp) {
      std::fprintf(stderr, "the journal text's hash differs from the run's fingerprint\n");
      return 1;
    }
  }
  std::sort(one.begin(), one.end());
  std::sort(eight.begin(), eight.end());
  std::printf("journal text: %.0f bytes/bar; FNV-1a cpu ns/byte, one text: min %.3f  median %.3f;"
              " eight side by side, per text: min %.3f  median %.3f\n",
              bytes / n, one.front() / bytes, one[one.size() / 2] / bytes, eight.front() / bytes,
              eight[eight.size() / 2] / bytes);
  return 0;
}
