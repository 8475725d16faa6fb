#ifndef Q50SIM_RUNNER_SUITE_H_
#define Q50SIM_RUNNER_SUITE_H_

// The scenario suite: every DIR/*.toml scenario (sorted by file name) run, each twice for the
// determinism check, its assertions checked, and its metrics.json, bars.csv, trades.csv and
// fingerprint.txt compared byte for byte with GOLDEN/<file stem>/ (or rewritten with update).
// report.html and journal.txt are not compared: the report renders metrics.json, and the
// journal's content is pinned by the fingerprint.
//
// Isolation: every scenario runs in a child process of its own (runner/child_process.h) with a
// wall-time and a memory limit, so one that crashes, hangs, runs out of memory or is malformed
// is one FAIL row with its reason and the others still run. Outputs go to a fresh temporary
// directory (mkdtemp) that is removed at the end, also when SIGINT, SIGTERM or SIGHUP stops
// the suite: the children are killed, the directory removed, and the process then ends with
// that signal.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "io/scenario_inputs.h"
#include "io/scenario_runner.h"

namespace q50::runner {

struct SuiteOptions {
  std::string dir;
  std::string golden;  // empty: run and check assertions only
  bool update = false;  // rewrite the golden files of every scenario that passed its assertions
  std::size_t jobs = 1;
  double timeout_seconds = 600;                         // per scenario, wall time
  std::uint64_t memory_bytes = std::uint64_t{4} << 30;  // per scenario, resident set
  // Reference data a scenario needs (a "${NAME}" path) that is missing: SKIP, or FAIL when
  // require_reference_data (CI=true).
  bool require_reference_data = false;
  io::EnvLookup env;
  std::string version;
};

enum class SuiteOutcome : std::uint8_t { kPass, kFail, kSkip, kUpdated };
std::string_view suite_outcome_name(SuiteOutcome outcome);

// The figures of a scenario that ran, for its table row.
struct SuiteFigures {
  std::int64_t bars = 0;
  std::int64_t fills = 0;
  double pnl = 0;  // final - initial equity, quote
  double sharpe = 0;
  std::int64_t fault_windows = 0;
  std::int64_t faults_recovered = 0;
};

struct SuiteEntry {
  std::string stem;
  std::string path;
  SuiteOutcome outcome = SuiteOutcome::kPass;
  bool ran = false;
  SuiteFigures figures;
  std::vector<std::string> messages;  // why it failed or was skipped
  double seconds = 0;                 // its child's wall time
};

struct SuiteReport {
  std::vector<SuiteEntry> entries;  // sorted by stem
  double seconds = 0;               // wall time
  std::size_t jobs = 1;
  std::size_t count(SuiteOutcome outcome) const;
};

// Runs the suite. Unavailable / NotFound when DIR cannot be listed or holds no scenario; a
// scenario's own failure is an entry, never an error.
absl::StatusOr<SuiteReport> run_suite(const SuiteOptions& options);

// The table (scenario, bars, trades, PnL, Sharpe, faults recovered/opened, result), then for
// every FAIL/SKIP what happened, then one summary line.
std::string format_suite_report(const SuiteReport& report);

}  // namespace q50::runner

#endif  // Q50SIM_RUNNER_SUITE_H_
