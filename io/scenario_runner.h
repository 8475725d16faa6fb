#ifndef Q50SIM_IO_SCENARIO_RUNNER_H_
#define Q50SIM_IO_SCENARIO_RUNNER_H_

// One scenario run into an output directory: its inputs loaded (io/scenario_inputs.h), the
// run simulated (sim/scenario_run.h), its assertions checked, and these files written, all or
// none (io/output_set.h):
//   bars.csv      one row per bar record, streamed while the run goes (stable columns,
//                 Python repr floats as the reference files write them)
//   trades.csv    one row per fill, streamed
//   journal.txt   the engine's readable journal (one line per event)
//   metrics.json  render_metrics_json of the run, plus "engine" (the engine summary:
//                 fingerprint, orders, fills, rejects by code and reason, faults) and
//                 "assertions" (each failure)
//   report.html   render_report_html
//
// Memory does not grow with the run: the CSV files and the journal stream to their staged
// files, the per-bar and per-trade records the metrics and the report need go to a temporary
// file (io/series_spill.h) read back in passes, and only the signal-to-order latencies (8
// bytes per order) and the reject counts stay in memory.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/run_metrics.h"
#include "io/scenario_inputs.h"
#include "sim/engine.h"
#include "sim/scenario.h"

namespace q50::io {

struct ScenarioRunOptions {
  EnvLookup env;
  std::optional<std::uint64_t> seed;  // overrides [scenario] seed (market, forecaster, venue)
  // Run twice and compare fingerprints even when [assertions] deterministic = false.
  bool force_deterministic_check = false;
  bool progress = false;  // "\rbars N" on stderr during long runs, when stderr is a terminal
  std::string version;    // q50sim's, for metrics.json and the report
};

struct ScenarioRunResult {
  std::string name;
  std::uint64_t seed = 0;
  sim::EngineSummary summary;
  RunMetrics metrics;
  double initial_equity = 0;  // quote, marked at the first bar
  double final_equity = 0;    // quote, the venue's mark-to-market
  std::int64_t fault_windows = 0;
  std::int64_t faults_recovered = 0;
  // [assertions] that failed, one readable line each; empty = the run passed.
  std::vector<std::string> failures;
};

// Runs the scenario and writes out_dir (created if needed). Errors: InvalidArgument for bad
// data (naming file and line), NotFound / Unavailable for I/O; out_dir is then unchanged. A
// failed assertion is not an error: see ScenarioRunResult::failures.
absl::StatusOr<ScenarioRunResult> run_scenario(const sim::Scenario& scenario,
                                               const std::string& out_dir,
                                               const ScenarioRunOptions& options);

// metrics.json of a finished run.
std::string scenario_metrics_json(const ScenarioRunResult& result);

}  // namespace q50::io

#endif  // Q50SIM_IO_SCENARIO_RUNNER_H_
