// q50sim suite: every scenario of a directory, each compared byte for byte with its golden
// folder (metrics.json, bars.csv, trades.csv, fingerprint.txt). report.html and journal.txt
// are not compared: the report is a rendering of metrics.json, and the journal's content is
// pinned by the fingerprint.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "app/args.h"
#include "app/command_output.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "io/scenario_runner.h"
#include "fmt/format.h"
#include "io/atomic_file.h"
#include "io/scenario_file.h"

#ifndef Q50SIM_VERSION
#define Q50SIM_VERSION "unknown"
#endif

namespace q50::app {
namespace {

constexpr std::string_view kHelp =
    "usage: q50sim suite DIR [--golden GOLDEN_DIR] [--update] [--jobs N]\n"
    "\n"
    "Runs every DIR/*.toml scenario (sorted by file name) and compares its metrics.json,\n"
    "bars.csv, trades.csv and fingerprint.txt with GOLDEN_DIR/<file stem>/, byte for byte.\n"
    "Every scenario runs twice in process: both runs must give the same fingerprint.\n"
    "\n"
    "  --golden GOLDEN_DIR  the golden folders (without it: runs and checks assertions only)\n"
    "  --update             rewrites the golden files of every scenario that ran and passed its\n"
    "                       assertions (review the change with git diff)\n"
    "  --jobs N             runs N scenarios at a time (default 1); the table stays sorted\n"
    "\n"
    "Prints one row per scenario (scenario, bars, trades, PnL, Sharpe, faults recovered/opened,\n"
    "result PASS/FAIL/SKIP/UPDATED), then for every FAIL what differed: the file and its first\n"
    "differing line (line number, expected, actual) or the failed assertions.\n"
    "A scenario whose ${NAME} reference data is missing is SKIPped with the reason, unless the\n"
    "environment has CI=true: there it must run, and a missing directory is a FAIL.\n"
    "exit codes: 0 every scenario passed (or was skipped), 1 any difference or failure,\n"
    "2 bad command line, 4 DIR unreadable\n";

constexpr CommandOutput kCli("suite", kHelp);

constexpr std::string_view kGoldenFiles[] = {"metrics.json", "bars.csv", "trades.csv",
                                             "fingerprint.txt"};

enum class Outcome : std::uint8_t { kPass, kFail, kSkip, kUpdated };

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kPass:
      return "PASS";
    case Outcome::kFail:
      return "FAIL";
    case Outcome::kSkip:
      return "SKIP";
    case Outcome::kUpdated:
      return "UPDATED";
  }
  return "?";
}

struct Options {
  std::string dir;
  std::string golden;  // empty: no comparison
  bool update = false;
  std::size_t jobs = 1;
  bool ci = false;
  std::filesystem::path work;  // temporary output root
};

struct Entry {
  std::string stem;
  std::string path;
  Outcome outcome = Outcome::kPass;
  bool ran = false;
  io::ScenarioRunResult result;
  std::vector<std::string> messages;
};

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// "FILE: first difference at line N" with the expected and actual lines (or "<end of file>").
std::string first_difference(const std::string& name, std::string_view expected,
                             std::string_view actual) {
  const std::vector<std::string> e = split_lines(expected);
  const std::vector<std::string> a = split_lines(actual);
  std::size_t i = 0;
  while (i < e.size() && i < a.size() && e[i] == a[i]) ++i;
  const auto line = [](const std::vector<std::string>& v, std::size_t k) {
    return k < v.size() ? v[k] : std::string("<end of file>");
  };
  if (i == e.size() && i == a.size()) {
    return fmt::format("{}: differs in line endings or the final newline", name);
  }
  return fmt::format("{}: first difference at line {} (expected {} lines, got {})\n"
                     "    expected: {}\n    actual:   {}",
                     name, i + 1, e.size(), a.size(), line(e, i), line(a, i));
}

absl::StatusOr<std::string> output_file(const std::filesystem::path& out, std::string_view name,
                                        const io::ScenarioRunResult& r) {
  if (name == "fingerprint.txt") return fmt::format("{:016x}\n", r.summary.fingerprint);
  return io::read_file((out / name).string());
}

// Compares (or with --update rewrites) the golden folder of one scenario that ran.
void check_golden(const Options& o, const std::filesystem::path& out, Entry& e) {
  const std::filesystem::path golden = std::filesystem::path(o.golden) / e.stem;
  bool changed = false;
  for (const std::string_view name : kGoldenFiles) {
    auto actual = output_file(out, name, e.result);
    if (!actual.ok()) {
      e.messages.emplace_back(actual.status().message());
      e.outcome = Outcome::kFail;
      return;
    }
    const std::string path = (golden / name).string();
    auto expected = io::read_file(path);
    if (expected.ok() && *expected == *actual) continue;
    if (o.update) {
      std::error_code ec;
      std::filesystem::create_directories(golden, ec);
      if (auto st = io::write_file_atomic(path, *actual); !st.ok()) {
        e.messages.emplace_back(st.message());
        e.outcome = Outcome::kFail;
        return;
      }
      changed = true;
    } else if (!expected.ok()) {
      e.messages.push_back(fmt::format("{}: missing golden file (create it with --update)", path));
      e.outcome = Outcome::kFail;
    } else {
      e.messages.push_back(first_difference(path, *expected, *actual));
      e.outcome = Outcome::kFail;
    }
  }
  if (changed) e.outcome = Outcome::kUpdated;
}

void run_entry(const Options& o, Entry& e) {
  auto scenario = io::read_scenario(e.path);
  if (!scenario.ok()) {
    e.outcome = Outcome::kFail;
    e.messages.emplace_back(scenario.status().message());
    return;
  }
  const io::EnvLookup env = io::process_env();
  if (auto missing = io::missing_reference_data(*scenario, env)) {
    e.outcome = o.ci ? Outcome::kFail : Outcome::kSkip;
    e.messages.push_back(o.ci ? fmt::format("{} (CI=true: reference data is required)", *missing)
                              : fmt::format("skipped: {}", *missing));
    return;
  }
  const std::filesystem::path out = o.work / e.stem;
  io::ScenarioRunOptions options;
  options.env = env;
  options.force_deterministic_check = true;
  options.version = Q50SIM_VERSION;
  auto result = io::run_scenario(*scenario, out.string(), options);
  if (!result.ok()) {
    e.outcome = Outcome::kFail;
    e.messages.emplace_back(result.status().message());
    return;
  }
  e.ran = true;
  e.result = std::move(*result);
  for (const std::string& f : e.result.failures) e.messages.push_back("assertion failed: " + f);
  if (!e.messages.empty()) {
    e.outcome = Outcome::kFail;
    return;
  }
  if (!o.golden.empty()) check_golden(o, out, e);
}

void run_all(const Options& o, std::vector<Entry>& entries) {
  std::atomic<std::size_t> next{0};
  const auto worker = [&] {
    for (std::size_t i = next++; i < entries.size(); i = next++) run_entry(o, entries[i]);
  };
  std::vector<std::thread> threads;
  const std::size_t n = std::min(o.jobs, entries.size());
  for (std::size_t t = 1; t < n; ++t) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
}

void print_table(const std::vector<Entry>& entries) {
  std::printf("%-32s %7s %7s %12s %8s %7s  %s\n", "scenario", "bars", "trades", "PnL", "Sharpe",
              "faults", "result");
  for (const Entry& e : entries) {
    const std::string_view result = outcome_name(e.outcome);
    if (!e.ran) {
      std::printf("%-32s %7s %7s %12s %8s %7s  %.*s\n", e.stem.c_str(), "-", "-", "-", "-", "-",
                  static_cast<int>(result.size()), result.data());
      continue;
    }
    const io::ScenarioRunResult& r = e.result;
    const std::string faults =
        r.fault_windows == 0 ? "-" : fmt::format("{}/{}", r.faults_recovered, r.fault_windows);
    std::printf("%-32s %7" PRId64 " %7" PRId64 " %12.2f %8.3f %7s  %.*s\n", e.stem.c_str(),
                r.summary.bars, r.summary.fills, r.final_equity - r.initial_equity,
                r.metrics.total.returns.sharpe_ratio, faults.c_str(),
                static_cast<int>(result.size()), result.data());
  }
}

absl::StatusOr<std::vector<Entry>> list_scenarios(const std::string& dir) {
  std::error_code ec;
  std::vector<Entry> entries;
  for (const auto& item : std::filesystem::directory_iterator(dir, ec)) {
    if (item.path().extension() != ".toml") continue;
    Entry e;
    e.stem = item.path().stem().string();
    e.path = item.path().string();
    entries.push_back(std::move(e));
  }
  if (ec) return absl::UnavailableError(fmt::format("{}: cannot list: {}", dir, ec.message()));
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.stem < b.stem; });
  if (entries.empty()) return absl::NotFoundError(fmt::format("{}: no *.toml scenario", dir));
  return entries;
}

absl::StatusOr<Options> parse_options(const Args& args) {
  Options o;
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
  o.ci = io::process_env()("CI").value_or("") == "true";
  return o;
}

}  // namespace

int run_suite(const std::vector<std::string_view>& argv) {
  const Args::Spec spec{{"golden", "jobs"}, {"update"}, 1};
  auto args = Args::parse(argv, spec);
  if (!args.ok()) return kCli.usage_error(args.status());
  if (args->help()) return kCli.help();
  auto o = parse_options(*args);
  if (!o.ok()) return kCli.usage_error(o.status());
  auto entries = list_scenarios(o->dir);
  if (!entries.ok()) return kCli.fail(entries.status());
  std::error_code ec;
  o->work = std::filesystem::temp_directory_path(ec) /
            fmt::format("q50sim-suite-{}", static_cast<long long>(::getpid()));
  const auto start = std::chrono::steady_clock::now();
  run_all(*o, *entries);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::filesystem::remove_all(o->work, ec);
  print_table(*entries);
  std::size_t counts[4] = {0, 0, 0, 0};
  for (const Entry& e : *entries) {
    ++counts[static_cast<std::size_t>(e.outcome)];
    if (e.messages.empty() || e.outcome == Outcome::kUpdated) continue;
    std::printf("\n%s (%.*s):\n", e.stem.c_str(), static_cast<int>(outcome_name(e.outcome).size()),
                outcome_name(e.outcome).data());
    for (const std::string& m : e.messages) std::printf("  %s\n", m.c_str());
  }
  std::printf("\nsuite: %zu scenarios: %zu passed, %zu updated, %zu failed, %zu skipped; "
              "wall time %.2f s with --jobs %zu\n",
              entries->size(), counts[0], counts[3], counts[1], counts[2], seconds, o->jobs);
  return counts[1] == 0 ? kExitOk : kExitCheckFailed;
}

}  // namespace q50::app
