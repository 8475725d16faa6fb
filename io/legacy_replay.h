#ifndef Q50SIM_IO_LEGACY_REPLAY_H_
#define Q50SIM_IO_LEGACY_REPLAY_H_

// One replay of an existing backtester (sim/legacy/replay.h) from its files: the input frame
// and config read (io/backtest_input.h), the run or its checkpoint, and the reference's output
// files written all or none (bars.csv, trades.csv, holds.csv, metrics.json for the hummingbot
// profile; trades.csv, metrics.json for the quantile profile), every float as Python's repr and
// metrics.json as json.dump writes it (io/py_json.h).
//
// Checkpoints (sim/legacy/replay_checkpoint.h): checkpoint_at K stops after event K and writes
// the checkpoint file atomically, without any output; resume continues one, refusing a
// checkpoint of other input/config files (by hash), another profile or another seed.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/legacy/strategy.h"
#include "io/backtest_input.h"
#include "sim/legacy/replay.h"

namespace q50::io {

struct LegacyReplayRequest {
  // Required unless resuming (then it defaults to the checkpoint's and must match it).
  std::optional<legacy::StrategyProfile> profile;
  std::string input;
  std::string config;
  std::string out_dir;                // not used with checkpoint_at
  std::optional<std::uint64_t> seed;  // default 0, or the checkpoint's
  std::uint64_t checkpoint_at = 0;    // > 0: stop there and write `checkpoint`
  std::string checkpoint;             // where checkpoint_at writes
  std::string resume;                 // a checkpoint file to continue
  // Runs body(0), ..., body(n - 1), each once, in any order and possibly at once (the output
  // files' pieces; each body writes only its own result). Empty: in order on this thread. The
  // CLI passes a loop on the machine's cores (app/parallel_for.h); io/ starts no threads itself.
  std::function<void(std::size_t n, const std::function<void(std::size_t)>& body)> for_each;
};

struct LegacyReplayOutcome {
  legacy::StrategyProfile profile = legacy::StrategyProfile::kLegacyHummingbot;
  std::uint64_t seed = 0;
  std::size_t bars = 0;  // bar records (hummingbot) or trade rows (quantile)
  std::size_t trades = 0;
  std::size_t holds = 0;
  std::uint64_t events = 0;
  std::uint64_t fingerprint = 0;  // 0 when only a checkpoint was written
  bool checkpoint_written = false;
};

// The simulator configuration of a backtester's config file: what `q50sim replay` runs with,
// and a sweep point of the same config.
sim::ReplayConfig hb_replay_config(const HbBacktestConfig& config);
sim::ReplayConfig qb_replay_config(const QbBacktestConfig& config);
// The files a request reads (input, config and the checkpoint it resumes); its outputs may
// not be one of them.
std::vector<std::string> legacy_replay_inputs(const LegacyReplayRequest& request);

// The names of the files --out receives (the hummingbot profile's, a superset of quantile's).
inline const std::vector<std::string> kLegacyReplayOutputs = {"bars.csv", "trades.csv",
                                                              "holds.csv", "metrics.json"};

// The profile and seed a request will run with: the request's, else the checkpoint's when
// resuming (read and checked here), else hummingbot/0 never (profile is required then).
// For the CLI to print "seed=" before the run starts.
absl::StatusOr<LegacyReplayRequest> resolve_legacy_replay(LegacyReplayRequest request);

// Runs the request (resolved or not). Errors: InvalidArgument for bad input or a damaged or
// foreign checkpoint; OutOfRange when checkpoint_at is beyond the run's events; NotFound /
// Unavailable for I/O. Outputs are unchanged on any error.
absl::StatusOr<LegacyReplayOutcome> run_legacy_replay(const LegacyReplayRequest& request);

}  // namespace q50::io

#endif  // Q50SIM_IO_LEGACY_REPLAY_H_
