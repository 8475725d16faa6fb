#ifndef Q50SIM_APP_SCENARIO_RUNNER_H_
#define Q50SIM_APP_SCENARIO_RUNNER_H_

// One scenario (sim/scenario.h, read by io/scenario_file.h) run through the simulator
// (sim/engine.h) into an output directory:
//   bars.csv      one row per bar record, streamed while the run goes (stable columns,
//                 Python repr floats as the reference files write them)
//   trades.csv    one row per fill, streamed
//   journal.txt   the engine's readable journal (one line per event)
//   metrics.json  render_metrics_json of the run, plus "engine" (the engine summary:
//                 fingerprint, orders, fills, rejects by code and reason, faults) and
//                 "assertions" (each failure)
//   report.html   render_report_html
// All files or none: each is written as DIR/NAME.partial and renamed once every file is
// complete; a failure removes the partial files, so DIR never holds half a run.
//
// Scenario -> engine mapping: [strategy] and [signals].percentiles -> strategy::Params
// (max_position_fraction -> max_abs_fraction, on_missing_signal -> no_signal, lot_size = the
// instrument's step size), [risk] -> Params::limits, [exchange] as is, [[faults]] and
// checkpoint_every_bars to the engine, which maps bar indices to times itself.
//
// Sources: the synthetic market streams (SyntheticSource, with [market].jumps applied as
// price gaps); csv and qlib markets are loaded whole (open/high/low default to the close and
// volume to "unlimited" when the source has no such column/field). Signals: the synthetic
// forecaster; over a csv/qlib market it is the batch forecaster (forecast_quantiles) with the
// real closes labelled "normal" (real data has no regime label); or a signal file
// (io/signal_file.h) looked up with [signals.file]'s tolerance/max_staleness.
//
// Memory: the run's RunSeries (for metrics.json/report.html) and the readable journal hold
// one entry per bar, about 200 bytes a bar: fine for the library's year of hourly bars
// (8,760) and for runs of a few million bars; the CSV files stream.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/run_metrics.h"
#include "sim/engine.h"
#include "sim/scenario.h"

namespace q50::app {

// Looks up "${NAME}" placeholders of scenario paths (the CLI: the process environment).
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// The process environment (empty values count as unset).
EnvLookup process_env();

struct ScenarioRunOptions {
  EnvLookup env;
  std::optional<std::uint64_t> seed;  // overrides [scenario] seed (market, forecaster, venue)
  // Run twice and compare fingerprints even when [assertions] deterministic = false.
  bool force_deterministic_check = false;
  bool progress = false;  // "\rbars N" on stderr during long runs
};

struct ScenarioRunResult {
  std::string name;
  std::uint64_t seed = 0;
  sim::EngineSummary summary;
  RunMetrics metrics;
  double initial_equity = 0;  // quote
  double final_equity = 0;    // quote, the venue's mark-to-market
  std::int64_t fault_windows = 0;
  std::int64_t faults_recovered = 0;
  // [assertions] that failed, one readable line each; empty = the run passed.
  std::vector<std::string> failures;
};

// Applies the seed override: [scenario] seed and the synthetic market's/forecaster's seeds.
void apply_seed(sim::Scenario& scenario, std::uint64_t seed);

// When a source the scenario selects reads a path that starts with a "${NAME}" placeholder
// (reference data outside the repository) and NAME is unset or the expanded path does not
// exist: a message saying which. nullopt when every such path is present (or none is used).
std::optional<std::string> missing_reference_data(const sim::Scenario& scenario,
                                                  const EnvLookup& env);

// Runs the scenario and writes out_dir (created if needed; existing files of the same names
// are replaced). Errors: InvalidArgument for bad data (naming file and line), NotFound /
// Unavailable for I/O. A failed assertion is not an error: see ScenarioRunResult::failures.
absl::StatusOr<ScenarioRunResult> run_scenario(const sim::Scenario& scenario,
                                               const std::string& out_dir,
                                               const ScenarioRunOptions& options);

// The engine config a scenario maps to (exposed for tests).
sim::EngineConfig engine_config(const sim::Scenario& scenario);

}  // namespace q50::app

#endif  // Q50SIM_APP_SCENARIO_RUNNER_H_
