// q50sim suite: every scenario of a directory against its golden folder (runner/suite.h).
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "app/args.h"
#include "app/command_output.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "fmt/format.h"
#include "runner/suite.h"

namespace q50::app {
namespace {

constexpr std::string_view kHelp =
    "usage: q50sim suite DIR [--golden GOLDEN_DIR] [--update] [--jobs N] [--timeout SECONDS]\n"
    "                        [--memory MIB]\n"
    "\n"
    "Runs every DIR/*.toml scenario (sorted by file name) and compares its metrics.json,\n"
    "bars.csv, trades.csv and fingerprint.txt with GOLDEN_DIR/<file stem>/, byte for byte.\n"
    "Every scenario runs in a process of its own, twice: both runs must give the same\n"
    "fingerprint. A scenario that crashes, hangs, runs out of memory or does not parse is one\n"
    "FAIL row with its reason; the others still run and the table always prints.\n"
    "\n"
    "  --golden GOLDEN_DIR  the golden folders (without it: runs and checks assertions only)\n"
    "  --update             rewrites the golden files of every scenario that ran and passed its\n"
    "                       assertions (review the change with git diff)\n"
    "  --jobs N             runs N scenarios at a time (default 1); the table stays sorted\n"
    "  --timeout SECONDS    wall time a scenario may take before it is killed (default 600)\n"
    "  --memory MIB         resident memory a scenario may use before it is killed (default\n"
    "                       4096)\n"
    "\n"
    "Prints one row per scenario (scenario, bars, trades, PnL, Sharpe, faults recovered/opened,\n"
    "result PASS/FAIL/SKIP/UPDATED), then for every FAIL what differed: the file and its first\n"
    "differing line (line number, expected, actual) or the failed assertions.\n"
    "A scenario whose ${NAME} reference data is missing is SKIPped with the reason, unless the\n"
    "environment has CI=true: there it must run, and a missing directory is a FAIL.\n"
    "exit codes: 0 every scenario passed (or was skipped), 1 any difference or failure,\n"
    "2 bad command line, 4 DIR unreadable\n";

constexpr CommandOutput kCli("suite", kHelp);

absl::StatusOr<runner::SuiteOptions> parse_options(const Args& args) {
  runner::SuiteOptions o;
  if (args.positional().size() != 1) return absl::InvalidArgumentError("missing DIR");
  o.dir = args.positional()[0];
  o.golden = args.get("golden").value_or("");
  o.update = args.has("update");
  if (o.update && o.golden.empty()) {
    return absl::InvalidArgumentError("--update needs --golden GOLDEN_DIR");
  }
  auto jobs = args.get_int("jobs", 1);
  if (!jobs.ok()) return jobs.status();
  if (*jobs < 1 || *jobs > 256) {
    return absl::InvalidArgumentError(fmt::format("--jobs: expected 1..256 (got {})", *jobs));
  }
  o.jobs = static_cast<std::size_t>(*jobs);
  auto timeout = args.get_double("timeout", o.timeout_seconds);
  if (!timeout.ok()) return timeout.status();
  if (!(*timeout > 0 && *timeout <= 86400)) {
    return absl::InvalidArgumentError(
        fmt::format("--timeout: expected seconds in (0, 86400] (got {})", *timeout));
  }
  o.timeout_seconds = *timeout;
  auto memory = args.get_int("memory", static_cast<long long>(o.memory_bytes >> 20));
  if (!memory.ok()) return memory.status();
  if (*memory < 16 || *memory > (1LL << 24)) {
    return absl::InvalidArgumentError(
        fmt::format("--memory: expected MiB in [16, 16777216] (got {})", *memory));
  }
  o.memory_bytes = static_cast<std::uint64_t>(*memory) << 20;
  o.env = io::process_env();
  o.require_reference_data = o.env("CI").value_or("") == "true";
  o.version = Q50SIM_VERSION;
  return o;
}

}  // namespace

int run_suite(const std::vector<std::string_view>& argv) {
  const Args::Spec spec{{"golden", "jobs", "timeout", "memory"}, {"update"}, 1};
  auto args = Args::parse(argv, spec);
  if (!args.ok()) return kCli.usage_error(args.status());
  if (args->help()) return kCli.help();
  auto options = parse_options(*args);
  if (!options.ok()) return kCli.usage_error(options.status());
  auto report = runner::run_suite(*options);
  if (!report.ok()) return kCli.fail(report.status());
  const std::string text = runner::format_suite_report(*report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return report->count(runner::SuiteOutcome::kFail) == 0 ? kExitOk : kExitCheckFailed;
}

}  // namespace q50::app
