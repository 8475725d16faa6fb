#include "runner/sweep.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "fmt/format.h"
#include "fmt/ranges.h"
#include "io/atomic_file.h"
#include "io/sweep_report.h"
#include "store/result_store.h"

namespace q50::runner {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Runs compute(first, count), which returns the results of [first, first + count), for the
// indices [0, n) in pieces of up to `batch` on `jobs` threads, and hands every result to
// consume(i, r) on the calling thread, in order of i, with at most `window` (>= batch) results
// computed ahead of the one consume waits for. consume returning an error stops the workers
// (after their current piece) and is returned.
template <typename T, typename Compute, typename Consume>
absl::Status run_ordered(std::size_t n, std::size_t jobs, std::size_t batch, std::size_t window,
                         Compute compute, Consume consume) {
  std::mutex mu;
  std::condition_variable ready;  // a result arrived
  std::condition_variable room;   // the window moved, or stop
  std::vector<std::optional<T>> slots(window);
  std::size_t next_take = 0, next_emit = 0;
  bool stop = false;
  const auto worker = [&] {
    for (;;) {
      std::size_t first = 0, count = 0;
      {
        std::unique_lock<std::mutex> lock(mu);
        room.wait(lock, [&] { return stop || next_take >= n || next_take < next_emit + window; });
        if (stop || next_take >= n) return;
        first = next_take;
        count = std::min({batch, n - first, next_emit + window - first});
        next_take += count;
      }
      std::vector<T> results = compute(first, count);
      {
        const std::lock_guard<std::mutex> lock(mu);
        for (std::size_t j = 0; j < count; ++j) slots[(first + j) % window] = std::move(results[j]);
      }
      ready.notify_one();
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < std::max<std::size_t>(jobs, 1); ++t) threads.emplace_back(worker);
  absl::Status status = absl::OkStatus();
  for (std::size_t e = 0; e < n && status.ok(); ++e) {
    T result;
    {
      std::unique_lock<std::mutex> lock(mu);
      ready.wait(lock, [&] { return slots[e % window].has_value(); });
      result = std::move(*slots[e % window]);
      slots[e % window].reset();
      next_emit = e + 1;
    }
    room.notify_all();
    status = consume(e, std::move(result));
  }
  {
    const std::lock_guard<std::mutex> lock(mu);
    stop = true;
  }
  room.notify_all();
  for (std::thread& t : threads) t.join();
  return status;
}

// "\r<done>/<total> points (<pct>%), <rate>/s, ETA <t>" at most five times a second.
class Progress {
 public:
  Progress(bool enabled, std::string name, std::int64_t total)
      : enabled_(enabled), name_(std::move(name)), total_(total), start_(Clock::now()) {}
  void update(std::int64_t done, bool last) {
    if (!enabled_) return;
    const auto now = Clock::now();
    if (!last && now - shown_ < std::chrono::milliseconds(200)) return;
    shown_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
    const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0;
    std::fprintf(
        stderr, "\rsweep %s: %lld/%lld points (%.1f%%), %.1f points/s, ETA %.0f s   ",
        name_.c_str(), static_cast<long long>(done), static_cast<long long>(total_),
        total_ > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 100.0, rate,
        eta);
    if (last) std::fputc('\n', stderr);
    std::fflush(stderr);
  }

 private:
  bool enabled_;
  std::string name_;
  std::int64_t total_;
  Clock::time_point start_;
  Clock::time_point shown_{};
};

// The shard's points the store does not hold yet.
std::vector<std::int64_t> points_to_run(const std::vector<std::int64_t>& shard,
                                        const std::vector<std::int64_t>& stored) {
  std::vector<std::int64_t> todo;
  todo.reserve(shard.size());
  std::set_difference(shard.begin(), shard.end(), stored.begin(), stored.end(),
                      std::back_inserter(todo));
  return todo;
}

void count_status(const store::RunRecord& r, SweepOutcome& o) {
  switch (r.status) {
    case store::RunStatus::kOk:
      ++o.ok;
      break;
    case store::RunStatus::kFailed:
      ++o.failed;
      break;
    case store::RunStatus::kAssertionFailed:
      ++o.assertion_failed;
      break;
  }
}

// Runs the points and writes them in batches (see runner/sweep.h).
absl::Status run_points(const io::SweepSpec& spec, const SweepOptions& options,
                        const SweepBase& base, const std::vector<std::int64_t>& todo,
                        store::ResultStore& store, SweepOutcome& outcome) {
  const SweepGrid grid(spec);
  const auto batch_points = static_cast<std::size_t>(spec.batch_points);
  std::vector<store::RunRecord> batch;
  batch.reserve(batch_points);
  Progress progress(options.progress, spec.name, static_cast<std::int64_t>(todo.size()));
  const auto compute = [&](std::size_t first, std::size_t count) {
    std::vector<PointToRun> points(count);
    for (std::size_t j = 0; j < count; ++j) {
      points[j] = {todo[first + j], grid.point(todo[first + j])};
    }
    return base.run_batch(points, options.version);
  };
  const auto consume = [&](std::size_t i, store::RunRecord record) -> absl::Status {
    count_status(record, outcome);
    batch.push_back(std::move(record));
    const bool last = i + 1 == todo.size();
    if (batch.size() == batch_points || last) {
      if (auto st = store.write_batch(spec.name, batch); !st.ok()) return st;
      outcome.run += static_cast<std::int64_t>(batch.size());
      batch.clear();
    }
    progress.update(static_cast<std::int64_t>(i) + 1, last);
    return absl::OkStatus();
  };
  // Each thread computes a piece of batch_size() points at a time (the replay base runs
  // them side by side); the window holds every thread's piece and the store's batches.
  const std::size_t piece = std::max<std::size_t>(base.batch_size(), 1);
  const std::size_t jobs = std::max<std::size_t>(options.jobs, 1);
  const std::size_t window = std::max(4 * batch_points, 2 * jobs * piece);
  return run_ordered<store::RunRecord>(todo.size(), jobs, piece, window, compute, consume);
}

absl::Status write_report(const io::SweepSpec& spec, store::ResultStore& store,
                          const std::string& path) {
  auto sweep = store.read_sweep(spec.name);
  if (!sweep.ok()) return sweep.status();
  auto runs = store.read_runs(spec.name);
  if (!runs.ok()) return runs.status();
  return io::write_file_atomic(path, io::render_sweep_report(spec, *sweep, *runs));
}

}  // namespace

absl::StatusOr<Shard> shard_from_slurm(const io::EnvLookup& env) {
  const auto id = env("SLURM_ARRAY_TASK_ID");
  const auto count = env("SLURM_ARRAY_TASK_COUNT");
  if (!id && !count) return Shard{};
  if (!id || !count) {
    return absl::InvalidArgumentError(
        "SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT must both be set (or pass --shard I/N)");
  }
  auto shard = parse_shard(fmt::format("{}/{}", *id, *count));
  if (!shard.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("from SLURM_ARRAY_TASK_ID/COUNT: {}", std::string(shard.status().message())));
  }
  return shard;
}

std::string describe_points(const io::SweepSpec& spec, const Shard& shard) {
  const SweepGrid grid(spec);
  std::string out = fmt::format("sweep {}: {} points\n", spec.name, grid.size());
  for (const io::SweepDimension& d : spec.dimensions) {
    out += fmt::format("  {} x {} ({})\n", d.rows.size(), fmt::join(d.keys, "+"), d.origin);
  }
  return out + fmt::format("shard {}/{}: {} points\n", shard.index, shard.count,
                           shard_points(grid.size(), shard).size());
}

std::string sweep_store_url(const SweepOptions& options) {
  if (!options.db_url.empty()) return options.db_url;
  return (std::filesystem::path(options.out_dir) / "results.sqlite").string();
}

absl::StatusOr<SweepOutcome> run_sweep(const io::SweepSpec& spec, const SweepOptions& options) {
  const auto start = Clock::now();
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) {
    return absl::UnavailableError(
        fmt::format("{}: cannot create the directory: {}", options.out_dir, ec.message()));
  }
  auto base = prepare_sweep_base(spec, options.env);
  if (!base.ok()) return base.status();
  auto store = store::open_store(sweep_store_url(options));
  if (!store.ok()) return store.status();
  store::SweepRecord record{spec.name,
                            spec.text,
                            "",
                            (*base)->description(),
                            options.version,
                            (*base)->inputs(),
                            sweep_parameter_names(spec)};
  if (auto begun = (*store)->begin_sweep(record); !begun.ok()) return begun.status();
  auto stored = (*store)->completed_points(spec.name);
  if (!stored.ok()) return stored.status();
  SweepOutcome outcome;
  outcome.store = (*store)->display_url();
  outcome.points = SweepGrid(spec).size();
  const std::vector<std::int64_t> shard = shard_points(outcome.points, options.shard);
  const std::vector<std::int64_t> todo = points_to_run(shard, *stored);
  outcome.shard_points = static_cast<std::int64_t>(shard.size());
  outcome.already_stored = outcome.shard_points - static_cast<std::int64_t>(todo.size());
  outcome.prepare_seconds = seconds_since(start);
  const auto run_start = Clock::now();
  if (auto st = run_points(spec, options, **base, todo, **store, outcome); !st.ok()) return st;
  outcome.run_seconds = seconds_since(run_start);
  const auto report_start = Clock::now();
  outcome.report = (std::filesystem::path(options.out_dir) / "sweep.html").string();
  if (auto st = write_report(spec, **store, outcome.report); !st.ok()) return st;
  outcome.report_seconds = seconds_since(report_start);
  return outcome;
}

absl::StatusOr<PointFiles> run_sweep_point(const io::SweepSpec& spec, std::int64_t point,
                                           const std::string& out_dir, const io::EnvLookup& env,
                                           const std::string& version) {
  const SweepGrid grid(spec);
  if (point < 0 || point >= grid.size()) {
    return absl::OutOfRangeError(fmt::format("--point {}: the sweep {} has points 0..{}", point,
                                             spec.name, grid.size() - 1));
  }
  auto base = prepare_sweep_base(spec, env);
  if (!base.ok()) return base.status();
  const std::vector<Assignment> params = grid.point(point);
  return (*base)->write_point(point, params, out_dir, version);
}

}  // namespace q50::runner
