#ifndef Q50SIM_IO_SCENARIO_INPUTS_H_
#define Q50SIM_IO_SCENARIO_INPUTS_H_

// What a scenario reads from disk before it runs (sim/scenario_run.h ScenarioInputs): a csv or
// qlib market, cut to the run's range, and signal file rows, or the synthetic forecaster's rows
// over the loaded market. Paths that start with a "${NAME}" placeholder are expanded from an
// environment lookup (the CLI's: the process environment).
//
// A csv market without an open column uses the close for it, without high/low columns the
// larger/smaller of open and close; every price must lie in [1e-6, 1e9] with low <= open, close
// <= high, every volume in [0, 1e10] (core/limits.h); without a volume column
// (or qlib without volume.bin) every bar has unlimited volume (1e9 base units, far inside the
// venue's int64 e8 range and above any order the library places). A qlib market keeps the
// instrument's calendar rows with a finite close (qlib's D.features restriction).

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/scenario.h"
#include "sim/scenario_run.h"

namespace q50::io {

// Looks up "${NAME}" placeholders (unset: nullopt).
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// The process environment (empty values count as unset).
EnvLookup process_env();

// When a source the scenario selects reads a path that starts with a "${NAME}" placeholder
// (reference data outside the scenario's folder) and NAME is unset or the expanded path does
// not exist: a message saying which. nullopt when every such path is present (or none is used).
std::optional<std::string> missing_reference_data(const sim::Scenario& scenario,
                                                  const EnvLookup& env);

// Every file the scenario reads: the scenario itself and, for the sources it selects, the csv
// market, the signal file, the qlib calendar, instruments and feature bins (placeholders
// expanded where they can be). A run refuses to write over any of them.
std::vector<std::string> scenario_input_paths(const sim::Scenario& scenario, const EnvLookup& env);

// The files `q50sim run --out DIR` writes into DIR.
inline const std::vector<std::string> kScenarioOutputs = {"bars.csv", "trades.csv", "journal.txt",
                                                          "metrics.json", "report.html"};

// What the scenario's sources read from disk, before the run's range is cut: the whole csv or
// qlib market (empty for a synthetic one) and the signal file's rows (signal_rows holds only
// signal_ts_ns, q10, q50, q90 and has_signal_rows). A sweep reads them once for all its points.
struct ScenarioSources {
  std::vector<strategy::Bar> market;
  sim::ScenarioInputs signal_rows;
};

// Reads the files the scenario's selected sources name. Errors as load_scenario_inputs'.
absl::StatusOr<ScenarioSources> read_scenario_sources(const sim::Scenario& scenario,
                                                      const EnvLookup& env);

// The run's inputs from sources read for a scenario with the same market and signal files
// (its range, seed and forecaster may differ): the market cut to the run, the signal rows, or
// the synthetic forecaster over the real closes. No file is read.
absl::StatusOr<sim::ScenarioInputs> scenario_inputs_from(const sim::Scenario& scenario,
                                                         const ScenarioSources& sources);

// Loads what the scenario's sources need (read_scenario_sources, then scenario_inputs_from). InvalidArgument for bad data (file:line), NotFound /
// Unavailable for I/O errors; a csv/qlib market with no bar inside the run's range is
// InvalidArgument naming the scenario.
absl::StatusOr<sim::ScenarioInputs> load_scenario_inputs(const sim::Scenario& scenario,
                                                         const EnvLookup& env);

}  // namespace q50::io

#endif  // Q50SIM_IO_SCENARIO_INPUTS_H_
