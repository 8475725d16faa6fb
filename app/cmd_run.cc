// q50sim run: one scenario file through the simulator into an output directory
// (app/scenario_runner.h describes the files and the scenario -> engine mapping).
#include <charconv>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "app/args.h"
#include "app/command_output.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "io/scenario_runner.h"
#include "fmt/format.h"
#include "io/output_set.h"
#include "io/scenario_file.h"
#include "io/scenario_inputs.h"

namespace q50::app {
namespace {

constexpr std::string_view kHelp =
    "usage: q50sim run SCENARIO.toml --out DIR [--seed N]\n"
    "\n"
    "Runs one scenario (scenarios/example.toml documents the file) through the simulator:\n"
    "synthetic, CSV or qlib market; synthetic or file signals; the native Q50 strategy against\n"
    "the mock exchange, with the scenario's faults injected and its assertions checked.\n"
    "\n"
    "  --out DIR   writes bars.csv, trades.csv, journal.txt, metrics.json and report.html;\n"
    "              all files or none (each is staged as NAME.partial and renamed at the end)\n"
    "  --seed N    overrides the scenario's seed (decimal, or hex with 0x): the seed is the\n"
    "              bug report, --seed N replays a run\n"
    "\n"
    "Paths in the scenario may start with ${NAME}, taken from the environment (e.g.\n"
    "${Q50SIM_REFERENCE_DIR}, the existing system's reference data).\n"
    "\n"
    "Prints 'seed= scenario= version=' first and 'fingerprint=' (FNV-1a of the journal) last;\n"
    "a failed assertion is printed as 'assertion failed: ...'.\n"
    "exit codes: 0 ok, 1 an assertion failed (the outputs are still written), 2 bad command\n"
    "line, 3 bad scenario or input data (file:line:column), 4 a file could not be read or\n"
    "written (also: reference data the scenario needs is missing)\n";

constexpr CommandOutput kCli("run", kHelp);

void print_summary(const io::ScenarioRunResult& r, const std::string& out_dir) {
  std::printf(
      "run: bars=%" PRId64 " orders=%" PRId64 " fills=%" PRId64 " pnl=%.2f sharpe=%.3f "
      "max_drawdown=%.4f faults=%" PRId64 "/%" PRId64 " recovered -> %s\n",
      r.summary.bars, r.summary.orders, r.summary.fills, r.final_equity - r.initial_equity,
      r.metrics.total.returns.sharpe_ratio, r.metrics.max_drawdown, r.faults_recovered,
      r.fault_windows, out_dir.c_str());
  for (const std::string& f : r.failures) std::printf("assertion failed: %s\n", f.c_str());
  std::printf("fingerprint=%016" PRIx64 "\n", r.summary.fingerprint);
}

}  // namespace

int run_run(const std::vector<std::string_view>& argv) {
  const Args::Spec spec{{"out", "seed"}, {}, 1};
  auto args = Args::parse(argv, spec);
  if (!args.ok()) return kCli.usage_error(args.status());
  if (args->help()) return kCli.help();
  if (args->positional().size() != 1) {
    return kCli.usage_error(absl::InvalidArgumentError("missing SCENARIO.toml"));
  }
  auto out_dir = args->require("out");
  if (!out_dir.ok()) return kCli.usage_error(out_dir.status());
  io::ScenarioRunOptions options;
  options.env = io::process_env();
  options.progress = true;
  options.version = Q50SIM_VERSION;
  auto seed = args->get_u64("seed");
  if (!seed.ok()) return kCli.usage_error(seed.status());
  if (*seed) options.seed = **seed;
  auto scenario = io::read_scenario(args->positional()[0]);
  if (!scenario.ok()) return kCli.fail(scenario.status());
  if (auto st = io::check_outputs_not_inputs(
          {*out_dir}, io::scenario_input_paths(*scenario, options.env), io::kScenarioOutputs);
      !st.ok()) {
    return kCli.usage_error(st);
  }
  std::printf("seed=%" PRIu64 " scenario=%s version=%s\n", options.seed.value_or(scenario->seed),
              scenario->name.c_str(), Q50SIM_VERSION);
  std::fflush(stdout);
  if (auto missing = io::missing_reference_data(*scenario, options.env)) {
    return kCli.fail(absl::NotFoundError(fmt::format("{}: {}", scenario->path, *missing)));
  }
  auto result = io::run_scenario(*scenario, *out_dir, options);
  if (!result.ok()) return kCli.fail(result.status());
  print_summary(*result, *out_dir);
  return result->failures.empty() ? kExitOk : kExitCheckFailed;
}

}  // namespace q50::app
