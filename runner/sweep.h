#ifndef Q50SIM_RUNNER_SWEEP_H_
#define Q50SIM_RUNNER_SWEEP_H_

// A sweep run: the points of one shard run on N threads in this process, their results
// written to the results store in batches, then the sweep report rendered from the store.
//
// Threads: `jobs` worker threads each run whole points (every run is single-threaded and
// deterministic); the calling thread takes the results in point order and writes them, one
// transaction per batch of [sweep] batch_points runs, while the workers go on (at most four
// batches wait). So the stored rows, their order and the batches themselves do not depend on
// jobs.
//
// Idempotence: the sweep is begun in the store by name (store/result_store.h begin_sweep); the
// points the store already holds are skipped, so a re-run adds nothing, and a shard killed
// mid-way (every committed batch kept, the open one lost whole) then run again completes
// exactly what is missing.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "io/scenario_inputs.h"
#include "io/sweep_file.h"
#include "runner/sweep_base.h"
#include "runner/sweep_grid.h"

namespace q50::runner {

struct SweepOptions {
  std::string out_dir;  // created when missing; sweep.html goes here
  // The store's URL (store/result_store.h open_store); empty: out_dir/results.sqlite.
  std::string db_url;
  std::size_t jobs = 1;
  Shard shard;
  // "\r<points> done, <rate>/s, ETA" on stderr, about five times a second. The caller decides
  // (the CLI: only when stderr is a terminal).
  bool progress = false;
  std::string version;
  io::EnvLookup env;
};

struct SweepOutcome {
  std::string store;                // the store's URL as it may be shown (no password)
  std::string report;               // the path of sweep.html
  std::int64_t points = 0;          // in the whole sweep
  std::int64_t shard_points = 0;    // in this shard
  std::int64_t already_stored = 0;  // of the shard's, skipped
  std::int64_t run = 0;             // run now
  std::int64_t ok = 0;              // of those run: by status
  std::int64_t failed = 0;
  std::int64_t assertion_failed = 0;
  double prepare_seconds = 0;  // reading the base's files, opening the store
  double run_seconds = 0;      // running and storing the points (wall time)
  double report_seconds = 0;
};

// The shard of a Slurm array task: SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT when both are
// set, the whole sweep (0/1) when neither is. InvalidArgument when only one is set or they do
// not make a shard.
absl::StatusOr<Shard> shard_from_slurm(const io::EnvLookup& env);

// What --dry-run prints: the sweep's points, each dimension's size, keys and place in the file,
// and the shard's size.
std::string describe_points(const io::SweepSpec& spec, const Shard& shard);

// The store URL a sweep writes to: db_url, or out_dir/results.sqlite.
std::string sweep_store_url(const SweepOptions& options);

// Runs the shard of the sweep (see above) and renders out_dir/sweep.html from every run the
// store holds for the sweep. Errors: the base's files (bad input, I/O), the store (which one,
// the statement), an out_dir that cannot be created; a point that fails is a result, never an
// error. A store error mid-way stops the sweep; what was committed stays.
absl::StatusOr<SweepOutcome> run_sweep(const io::SweepSpec& spec, const SweepOptions& options);

// Runs point `point` of the sweep and writes its full outputs to out_dir, as `q50sim run` or
// `q50sim replay` writes them (runner/sweep_base.h write_point). OutOfRange for a point
// outside the sweep.
absl::StatusOr<PointFiles> run_sweep_point(const io::SweepSpec& spec, std::int64_t point,
                                           const std::string& out_dir, const io::EnvLookup& env,
                                           const std::string& version);

}  // namespace q50::runner

#endif  // Q50SIM_RUNNER_SWEEP_H_
