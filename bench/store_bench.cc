// Write throughput of the results store: runs shaped like a sweep's (3 parameters, 20
// metrics, 7 breakdown values) written in batches, one transaction each, into a fresh store.
//
//   store_bench [RUNS] [BATCH] [URL]
//
// RUNS defaults to 100000 and BATCH to 1000; URL to a new SQLite file under /tmp. Give a
// postgresql:// URL (e.g. $(bash ci/postgres.sh url)) to measure PostgreSQL; the bench makes a
// new sweep name each time, so a store may be reused. Prints runs/s for writing, then for
// re-writing the same points (the retry path: every point replaced), reading and exporting.
#include <unistd.h>

#include <time.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "store/csv_export.h"
#include "store/result_store.h"

namespace {

using q50::store::RunRecord;

RunRecord bench_run(std::int64_t p, int salt) {
  RunRecord r;
  r.point_index = p;
  r.parameters = {{"sizing_method", p % 2 == 0 ? "kelly" : "fixed", std::nullopt},
                  {"min_confidence", fmt::format("{}", 0.5 + 0.01 * static_cast<double>(p % 40)),
                   std::nullopt},
                  {"seed_offset", fmt::format("{}", p % 1000), std::nullopt}};
  r.seed = static_cast<std::uint64_t>(p) * 2654435761u;
  r.fingerprint = static_cast<std::uint64_t>(p) * 0x9E3779B97F4A7C15ULL;
  r.q50sim_version = "0.1.0";
  for (int m = 0; m < 20; ++m) {
    r.metrics.push_back({fmt::format("metric_{:02}", m),
                         std::sin(static_cast<double>(p * 31 + m + salt)) * 1e3});
  }
  for (const char* regime : {"quiet", "normal", "volatile"}) {
    r.breakdowns.push_back({"market_regime", regime, "sharpe", std::cos(static_cast<double>(p + salt))});
    r.breakdowns.push_back({"market_regime", regime, "return", std::sin(static_cast<double>(p - salt))});
  }
  r.breakdowns.push_back({"tier", "A", "trades", static_cast<double>(p % 17)});
  return r;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU seconds of this process: on a shared, noisy machine the steadier figure for SQLite, which
// does all its work in-process (PostgreSQL's work is in the server, so there wall time counts).
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct Timing {
  double wall_s = 0.0;
  double cpu_s = 0.0;
};

// Writes runs [0, total) in batches; returns the time spent in write_batch.
Timing write_all(q50::store::ResultStore& store, const std::string& sweep, std::int64_t total,
                 std::int64_t batch, int salt) {
  std::vector<RunRecord> runs;
  Timing t;
  for (std::int64_t first = 0; first < total; first += batch) {
    runs.clear();
    for (std::int64_t p = first; p < std::min(total, first + batch); ++p) {
      runs.push_back(bench_run(p, salt));
    }
    const auto start = std::chrono::steady_clock::now();  // records are built outside the timing
    const double cpu_start = cpu_seconds();
    const absl::Status s = store.write_batch(sweep, runs);
    t.wall_s += seconds_since(start);
    t.cpu_s += cpu_seconds() - cpu_start;
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      std::exit(1);
    }
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t total = argc > 1 ? std::atoll(argv[1]) : 100'000;
  const std::int64_t batch = argc > 2 ? std::atoll(argv[2]) : 1000;
  std::string url = argc > 3 ? argv[3] : "";
  std::string temp_dir;  // removed at the end when the bench made it
  if (url.empty()) {
    temp_dir = fmt::format("/tmp/q50_store_bench_{}", getpid());
    std::filesystem::create_directories(temp_dir);
    url = "sqlite:" + temp_dir + "/results.sqlite";
  }
  auto store = q50::store::open_store(url);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  const std::string sweep = fmt::format("bench_{}", getpid());
  q50::store::SweepRecord record;
  record.name = sweep;
  record.spec_text = "bench";
  record.parameter_names = {"sizing_method", "min_confidence", "seed_offset"};
  if (!(*store)->begin_sweep(record).ok()) return 1;

  const Timing first = write_all(**store, sweep, total, batch, 0);
  const Timing again = write_all(**store, sweep, total, batch, 1);
  auto start = std::chrono::steady_clock::now();
  const auto runs = (*store)->read_runs(sweep);
  const double read = seconds_since(start);
  start = std::chrono::steady_clock::now();
  const auto csv = q50::store::export_csv(**store, sweep);
  const double exported = seconds_since(start);
  if (!runs.ok() || !csv.ok() || static_cast<std::int64_t>(runs->size()) != total) return 1;
  const auto rate = [&](double s) { return static_cast<double>(total) / s; };
  fmt::print("store_bench {}: {} runs x (3 parameters, 20 metrics, 7 breakdowns), batches of {}\n",
             (*store)->display_url(), total, batch);
  fmt::print("  write     {:8.0f} runs/s  ({:.3f} s wall; {:.0f} runs per CPU second of this process)\n",
             rate(first.wall_s), first.wall_s, rate(first.cpu_s));
  fmt::print("  re-write  {:8.0f} runs/s  ({:.3f} s wall; {:.0f} runs per CPU second; every point replaced)\n",
             rate(again.wall_s), again.wall_s, rate(again.cpu_s));
  fmt::print("  read      {:8.0f} runs/s  ({:.3f} s)\n", rate(read), read);
  fmt::print("  export    {:8.0f} runs/s  ({:.3f} s, {} bytes of CSV)\n", rate(exported), exported,
             csv->size());
  store->reset();
  if (!temp_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temp_dir, ec);
  }
  return 0;
}
