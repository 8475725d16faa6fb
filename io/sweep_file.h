#ifndef Q50SIM_IO_SWEEP_FILE_H_
#define Q50SIM_IO_SWEEP_FILE_H_

// Sweep files (TOML; scenarios/sweeps/README.md documents every key): a base to run — a
// scenario file, or a legacy replay of the existing system's backtesters (profile, input frame,
// config) — and the dimensions it is swept over: explicit lists, grids, seeded random samples
// over any scenario or config key, and seed ranges. The points of a sweep are the Cartesian
// product of its dimensions, the first dimension varying slowest (like nested loops).
//
// Strictness, as for scenario files: an unknown key at any depth, a bad value, a key the base
// cannot take, or a key swept by two dimensions is an error
//   "<path>:<line>:<column>: [dimension 2].range: expected ..., got ..."
// Values a key cannot take (e.g. a fee of 1.5) are NOT errors here: a point that fails is a
// result of the sweep, recorded with its reason.
//
// Random samples draw from q50sim's own PRNG (core/prng.h), one named stream per dimension
// forked from [sweep] seed, so adding a dimension never changes another's draws; floats are
// rounded to `digits` significant digits and their text is what every run parses, so a point
// is the same on every machine and compiler.
//
// Paths are resolved against the sweep file's directory; a path starting with "${NAME}" is
// kept verbatim for the runner to expand from the environment (as in scenario files).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "core/legacy/strategy.h"
#include "io/backtest_input.h"

namespace q50::io {

// One value a dimension gives a key.
struct SweepValue {
  std::variant<bool, std::int64_t, double, std::string> value;
  // The value as written in the file or generated: "0.0005", "kelly", "true", "7",
  // "2024-01-01..2024-07-01". The store keeps this text; runs are built from `value`, which the
  // text parses back to exactly.
  std::string text;
  // "path:line:column" of the value in the sweep file, or of the dimension that generated it.
  std::string origin;
};

enum class SweepBaseKind : std::uint8_t { kScenario, kReplay };

struct SweepBase {
  SweepBaseKind kind = SweepBaseKind::kScenario;
  std::string scenario;  // kScenario: the scenario file
  legacy::StrategyProfile profile = legacy::StrategyProfile::kLegacyHummingbot;  // kReplay
  std::string input;   // kReplay: the input frame (.csv, or gzip-compressed .csv.gz)
  std::string config;  // kReplay: the backtester's config.json
  // The paths as the file writes them: what names the inputs in the store, the same whichever
  // directory the sweep runs from (the resolved paths above depend on it).
  std::string scenario_as_written, input_as_written, config_as_written;
};

// The two keys every base understands besides its own: the run's seed (a scenario's --seed;
// the legacy profiles draw no random number, so it changes nothing there but is recorded), and
// for a replay the data window "FROM..UNTIL" of the input frame's rows.
inline constexpr std::string_view kSeedKey = "seed";
inline constexpr std::string_view kWindowKey = "window";

struct SweepDimension {
  std::vector<std::string> keys;              // at least one
  std::vector<std::vector<SweepValue>> rows;  // rows[i][k] is keys[k]'s value in row i
  std::string origin;                         // "path:line:column" of the [[dimension]]
};

// What sweep.html shows (the [report] table).
struct SweepReportSpec {
  std::string metric = "sharpe_ratio";
  bool higher_is_better = true;
  std::string x;  // dimension keys of the heatmap; empty: the first two that are not the seed
  std::string y;
  std::string breakdown_metric = "total_return";  // per-regime robustness
  std::int64_t best = 10;
};

// The sbatch job array `q50sim sweep --emit-slurm` writes (the [slurm] table).
struct SlurmSpec {
  std::int64_t shards = 4;
  std::int64_t cpus_per_task = 1;
  std::string mem = "1G";
  std::string time = "01:00:00";
  std::string partition;          // empty: the cluster's default
  std::int64_t max_parallel = 0;  // tasks at once (sbatch --array=...%K); 0: no cap
  std::int64_t retries = 2;       // extra attempts of a failed shard inside its task
};

struct SweepSpec {
  std::string path;  // the file as given
  std::string dir;   // its directory, against which relative paths were resolved
  std::string text;  // its bytes: the store keeps them and their digest
  std::string name;
  std::string description;
  std::uint64_t sample_seed = 1;
  // Run a scenario point twice and compare fingerprints, as `q50sim run` does when the
  // scenario asserts determinism (off by default in a sweep: it doubles the cost).
  bool check_determinism = false;
  std::int64_t batch_points = 256;  // runs per store transaction
  SweepBase base;
  std::vector<SweepDimension> dimensions;
  SweepReportSpec report;
  SlurmSpec slurm;
};

// Parses sweep text; path names it in errors and anchors relative paths.
absl::StatusOr<SweepSpec> parse_sweep(const std::string& path, std::string_view text);

// Reads and parses the file at path (NotFound / Unavailable for I/O errors).
absl::StatusOr<SweepSpec> read_sweep(const std::string& path);

// Every key of every dimension, in order: the sweep's parameter names.
std::vector<std::string> sweep_parameter_names(const SweepSpec& spec);

// A data window "FROM..UNTIL" (either side may be empty: open) with FROM and UNTIL as
// "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" (UTC); the window holds FROM <= t < UNTIL.
// InvalidArgument naming the text otherwise, or when UNTIL is not after FROM.
absl::StatusOr<FrameWindow> parse_frame_window(std::string_view text);

// Every key of the replay profile's config.json a sweep may set (io/backtest_input.h reads
// them); nested keys are dotted ("run_backtest.price_col").
std::vector<std::string_view> replay_config_keys(legacy::StrategyProfile profile);

}  // namespace q50::io

#endif  // Q50SIM_IO_SWEEP_FILE_H_
