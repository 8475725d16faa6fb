// q50sim demo: the main job on an embedded default. A simulated year of hourly bars through
// the simulator with every fault kind injected, the strategy users run, its assertions, a short
// summary and the report it wrote (app/embedded_scenario.h). --pipeline prints the signal
// pipeline's summary over a synthetic series instead (sim/pipeline_demo.h).
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "app/args.h"
#include "app/command_output.h"
#include "app/commands.h"
#include "app/embedded_scenario.h"
#include "app/exit_codes.h"
#include "fmt/format.h"
#include "io/scenario_file.h"
#include "io/scenario_runner.h"
#include "io/signal_output.h"
#include "sim/pipeline_demo.h"

namespace q50::app {
namespace {

constexpr std::string_view kHelp =
    "usage: q50sim demo [--out DIR] [--seed N]\n"
    "       q50sim demo --pipeline [--seed N] [--bars N] [--skill X] [--out SIGNALS.csv]\n"
    "\n"
    "Runs the scenario compiled into q50sim (scenarios/stability_year.toml: a simulated leap\n"
    "year of hourly bars through quiet, normal, trending, volatile and crash regimes, with every\n"
    "fault kind injected twice) through the simulator: the Q50 strategy against the mock\n"
    "exchange, its assertions checked, the run repeated to check its fingerprint. Needs no\n"
    "external data. Prints a summary and writes the run's files.\n"
    "\n"
    "  --out DIR   where report.html, metrics.json, bars.csv, trades.csv and journal.txt go\n"
    "              (default q50sim-demo)\n"
    "  --seed N    another seed for the market, forecaster and venue (default the scenario's)\n"
    "\n"
    "--pipeline: the existing system's signal pipeline over a synthetic quantile series\n"
    "  --seed N     PRNG seed (default 42); the same seed always prints the same summary\n"
    "  --bars N     hourly bars (default 8760, one year)\n"
    "  --skill X    forecaster skill in [0, 1] (default 0.05)\n"
    "  --out FILE   also write the per-bar signal columns (the `q50sim signals` layout)\n"
    "\n"
    "exit codes: 0 ok, 1 an assertion failed, 2 bad command line, 4 an output could not be\n"
    "written\n";

constexpr CommandOutput kCli("demo", kHelp);

std::string percent(double fraction) { return fmt::format("{:.2f}%", 100.0 * fraction); }

std::string duration(std::int64_t ns) {
  const std::int64_t minutes = ns / (60 * kNsPerSecond);
  if (minutes < 120) return fmt::format("{} min", minutes);
  return fmt::format("{:.1f} h", static_cast<double>(minutes) / 60.0);
}

void print_harness_summary(const sim::Scenario& sc, const io::ScenarioRunResult& r,
                           const std::string& out_dir) {
  const RunMetrics& m = r.metrics;
  const sim::EngineSummary& s = r.summary;
  std::int64_t longest = 0;
  std::int64_t venue_rejects = 0;
  for (const auto& [kind, k] : m.faults_by_kind) longest = std::max(longest, k.max_recovery_ns);
  for (const auto& [code, n] : s.venue_rejects) venue_rejects += n;
  fmt::print("{}: {}\n", sc.name, sc.description);
  fmt::print("  market        {} hourly bars, {} .. {}\n", s.bars, format_timestamp(m.start_ts_ns),
             format_timestamp(m.end_ts_ns));
  fmt::print("  return        {} (equity {:.2f} -> {:.2f} quote)\n",
             percent(r.final_equity / r.initial_equity - 1.0), r.initial_equity, r.final_equity);
  fmt::print("  sharpe        {:.3f} (hourly periods, annualised)\n",
             m.total.returns.sharpe_ratio);
  fmt::print("  max drawdown  {}\n", percent(-m.max_drawdown));
  fmt::print("  trades        {} fills of {} orders; rejects: {} by the venue, {} by risk, {} below "
             "one lot\n",
             s.fills, s.orders, venue_rejects, m.rejects - venue_rejects - s.lot_rejects,
             s.lot_rejects);
  fmt::print("  faults        {} windows of {} kinds injected, {} recovered (longest recovery {})\n",
             r.fault_windows, s.faults.size(), r.faults_recovered, duration(longest));
  if (r.failures.empty()) {
    fmt::print("  assertions    all passed (a second run gave the same fingerprint)\n");
  } else {
    for (const std::string& f : r.failures) fmt::print("  assertion failed: {}\n", f);
  }
  fmt::print("  report        {}/report.html (self-contained: open it in a browser)\n", out_dir);
  fmt::print("fingerprint={:016x}\n", s.fingerprint);
}

int run_harness_demo(const Args& args) {
  auto scenario = io::parse_scenario(std::string(embedded_scenario_name()),
                                     embedded_scenario_text());
  if (!scenario.ok()) return kCli.fail(scenario.status());
  io::ScenarioRunOptions options;
  options.env = io::process_env();
  options.version = Q50SIM_VERSION;
  options.progress = true;
  if (args.has("seed")) {
    auto seed = args.get_int("seed", 0);
    if (!seed.ok() || *seed < 0) {
      return kCli.usage_error(absl::InvalidArgumentError("--seed: expected an integer N >= 0"));
    }
    options.seed = static_cast<std::uint64_t>(*seed);
  }
  const std::string out_dir = args.get("out").value_or("q50sim-demo");
  std::printf("seed=%" PRIu64 " scenario=%s version=%s\n", options.seed.value_or(scenario->seed),
              scenario->name.c_str(), Q50SIM_VERSION);
  std::fflush(stdout);
  auto result = io::run_scenario(*scenario, out_dir, options);
  if (!result.ok()) return kCli.fail(result.status());
  print_harness_summary(*scenario, *result, out_dir);
  return result->failures.empty() ? kExitOk : kExitCheckFailed;
}

int run_pipeline_demo(const Args& args) {
  auto seed = args.get_int("seed", 42);
  auto bars = args.get_int("bars", 8760);
  auto skill = args.get_double("skill", 0.05);
  for (const absl::Status& st : {seed.status(), bars.status(), skill.status()}) {
    if (!st.ok()) return kCli.usage_error(st);
  }
  if (*seed < 0 || *bars < 10 || *bars > 100'000'000 || !(*skill >= 0 && *skill <= 1)) {
    return kCli.usage_error(absl::InvalidArgumentError(
        "need --seed >= 0, 10 <= --bars <= 1e8, 0 <= --skill <= 1"));
  }
  const sim::PipelineDemo demo =
      sim::run_pipeline_demo({static_cast<std::uint64_t>(*seed), *bars, *skill});
  fmt::print("seed={} scenario=demo-synthetic version={}\n{}", *seed, Q50SIM_VERSION,
             sim::pipeline_demo_summary(demo));
  if (auto out_path = args.get("out")) {
    if (auto st = io::write_signal_rows(*out_path, demo.ts_ns, demo.rows); !st.ok()) {
      return kCli.fail(st);
    }
  }
  return kExitOk;
}

}  // namespace

int run_demo(const std::vector<std::string_view>& argv) {
  const Args::Spec spec{{"seed", "bars", "skill", "out"}, {"pipeline"}, 0};
  auto args = Args::parse(argv, spec);
  if (!args.ok()) return kCli.usage_error(args.status());
  if (args->help()) return kCli.help();
  if (args->has("pipeline")) return run_pipeline_demo(*args);
  if (args->has("bars") || args->has("skill")) {
    return kCli.usage_error(absl::InvalidArgumentError("--bars and --skill need --pipeline"));
  }
  return run_harness_demo(*args);
}

}  // namespace q50::app
