#ifndef Q50SIM_RUNNER_SWEEP_BASE_H_
#define Q50SIM_RUNNER_SWEEP_BASE_H_

// What every point of a sweep runs on, prepared once: the scenario file parsed (and the market
// and signal files it reads, read), or the replay's input frame and config read and parsed.
// A point then runs in memory only: no file is read or written per point.
//
// A point is the run `q50sim run` / `q50sim replay` makes of the same configuration, with the
// same fingerprint:
//   scenario: the scenario file with the point's keys set (io/scenario_template.h), and its
//             seed, as `q50sim run` applies --seed; assertions checked as `run` checks them
//             (the determinism assertion only with [sweep] check_determinism: it reruns);
//   replay:   the config file with the point's keys set, over the input frame's rows in the
//             point's window, as `q50sim replay` runs the cut frame (write_point writes both).
//
// run_point and run_batch are const and may be called from many threads at once.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "io/scenario_inputs.h"
#include "io/sweep_file.h"
#include "runner/sweep_grid.h"
#include "store/records.h"

namespace q50::runner {

// A point run with its full outputs (write_point).
struct PointFiles {
  store::RunRecord record;
  // The q50sim command that runs the same configuration on its own: `q50sim run BASE --seed N`
  // or `q50sim replay ... --input DIR/point/input.csv --config DIR/point/config.json`.
  std::string command;
};

// A point to run: its index in the grid and its parameters.
struct PointToRun {
  std::int64_t point = 0;
  std::vector<Assignment> params;
};

class SweepBase {
 public:
  virtual ~SweepBase() = default;

  // e.g. "scenario scenarios/faults_venue.toml", "replay hummingbot INPUT CONFIG".
  virtual std::string description() const = 0;
  // SHA-256 of every file the points read (the store refuses a sweep whose inputs changed).
  virtual const std::vector<store::InputDigest>& inputs() const = 0;

  // Runs one point. A point that cannot run (a value the base rejects, a run error) comes back
  // with status failed and the reason; a scenario assertion that fails with
  // assertion_failed and the failed assertions. version goes into the record.
  virtual store::RunRecord run_point(std::int64_t point, std::span<const Assignment> params,
                                     const std::string& version) const = 0;

  // Runs several points in this thread and returns their records in the same order, each as
  // run_point gives it. The default runs them one by one; a base whose runs are cheaper
  // together overrides it (the replay base: sim::run_replays).
  virtual std::vector<store::RunRecord> run_batch(std::span<const PointToRun> points,
                                                  const std::string& version) const;
  // How many points a thread should hand to run_batch at once.
  virtual std::size_t batch_size() const { return 1; }

  // Runs one point and writes into out_dir what `q50sim run` / `q50sim replay` would write for
  // it (a replay also writes the point's input frame and config to out_dir/point/). Errors as
  // those commands give them; the record as run_point gives it.
  virtual absl::StatusOr<PointFiles> write_point(std::int64_t point,
                                                 std::span<const Assignment> params,
                                                 const std::string& out_dir,
                                                 const std::string& version) const = 0;
};

// Prepares the spec's base: reads and parses its files once. env expands "${NAME}" paths.
// Errors name the file (bad input: InvalidArgument; I/O: NotFound / Unavailable).
absl::StatusOr<std::unique_ptr<SweepBase>> prepare_sweep_base(const io::SweepSpec& spec,
                                                              const io::EnvLookup& env);

// The record of a point before it runs: its index, parameters (as the sweep wrote them), seed
// and version; status ok.
store::RunRecord point_record(std::int64_t point, std::span<const Assignment> params,
                              std::uint64_t seed, const std::string& version);

// The point's seed parameter, or fallback when it has none.
std::uint64_t point_seed(std::span<const Assignment> params, std::uint64_t fallback);

}  // namespace q50::runner

#endif  // Q50SIM_RUNNER_SWEEP_BASE_H_
