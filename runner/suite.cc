#include "runner/suite.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <system_error>
#include <thread>
#include <utility>

#include "fmt/format.h"
#include "io/atomic_file.h"
#include "io/scenario_file.h"

namespace q50::runner {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kGoldenFiles[] = {"metrics.json", "bars.csv", "trades.csv",
                                             "fingerprint.txt"};

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

absl::StatusOr<std::string> output_file(const fs::path& out, std::string_view name,
                                        const io::ScenarioRunResult& r) {
  if (name == "fingerprint.txt") return fmt::format("{:016x}\n", r.summary.fingerprint);
  return io::read_file((out / name).string());
}

void fail(SuiteEntry& e, std::string message) {
  e.outcome = SuiteOutcome::kFail;
  e.messages.push_back(std::move(message));
}

// Compares (or with update rewrites) the golden folder of one scenario that ran.
void check_golden(const SuiteOptions& o, const fs::path& out, SuiteEntry& e) {
  const fs::path golden = fs::path(o.golden) / e.stem;
  bool changed = false;
  for (const std::string_view name : kGoldenFiles) {
    auto actual = output_file(out, name, e.result);
    if (!actual.ok()) return fail(e, std::string(actual.status().message()));
    const std::string path = (golden / name).string();
    auto expected = io::read_file(path);
    if (expected.ok() && *expected == *actual) continue;
    if (o.update) {
      std::error_code ec;
      fs::create_directories(golden, ec);
      if (auto st = io::write_file_atomic(path, *actual); !st.ok()) {
        return fail(e, std::string(st.message()));
      }
      changed = true;
    } else if (!expected.ok()) {
      fail(e, fmt::format("{}: missing golden file (create it with --update)", path));
    } else {
      fail(e, first_difference(path, *expected, *actual));
    }
  }
  if (changed) e.outcome = SuiteOutcome::kUpdated;
}

void run_entry(const SuiteOptions& o, const fs::path& work, SuiteEntry& e) {
  auto scenario = io::read_scenario(e.path);
  if (!scenario.ok()) return fail(e, std::string(scenario.status().message()));
  if (auto missing = io::missing_reference_data(*scenario, o.env)) {
    if (o.require_reference_data) {
      return fail(e, fmt::format("{} (CI=true: reference data is required)", *missing));
    }
    e.outcome = SuiteOutcome::kSkip;
    e.messages.push_back(fmt::format("skipped: {}", *missing));
    return;
  }
  const fs::path out = work / e.stem;
  io::ScenarioRunOptions options;
  options.env = o.env;
  options.force_deterministic_check = true;
  options.version = o.version;
  auto result = io::run_scenario(*scenario, out.string(), options);
  if (!result.ok()) return fail(e, std::string(result.status().message()));
  e.ran = true;
  e.result = std::move(*result);
  for (const std::string& f : e.result.failures) fail(e, "assertion failed: " + f);
  if (e.outcome == SuiteOutcome::kFail) return;
  if (!o.golden.empty()) check_golden(o, out, e);
}

void run_all(const SuiteOptions& o, const fs::path& work, std::vector<SuiteEntry>& entries) {
  std::atomic<std::size_t> next{0};
  const auto worker = [&] {
    for (std::size_t i = next++; i < entries.size(); i = next++) run_entry(o, work, entries[i]);
  };
  std::vector<std::thread> threads;
  const std::size_t n = std::min(o.jobs, entries.size());
  for (std::size_t t = 1; t < n; ++t) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
}

absl::StatusOr<std::vector<SuiteEntry>> list_scenarios(const std::string& dir) {
  std::error_code ec;
  std::vector<SuiteEntry> entries;
  for (const auto& item : fs::directory_iterator(dir, ec)) {
    if (item.path().extension() != ".toml") continue;
    SuiteEntry e;
    e.stem = item.path().stem().string();
    e.path = item.path().string();
    entries.push_back(std::move(e));
  }
  if (ec) return absl::UnavailableError(fmt::format("{}: cannot list: {}", dir, ec.message()));
  std::sort(entries.begin(), entries.end(),
            [](const SuiteEntry& a, const SuiteEntry& b) { return a.stem < b.stem; });
  if (entries.empty()) return absl::NotFoundError(fmt::format("{}: no *.toml scenario", dir));
  return entries;
}

}  // namespace

std::string_view suite_outcome_name(SuiteOutcome o) {
  switch (o) {
    case SuiteOutcome::kPass:
      return "PASS";
    case SuiteOutcome::kFail:
      return "FAIL";
    case SuiteOutcome::kSkip:
      return "SKIP";
    case SuiteOutcome::kUpdated:
      return "UPDATED";
  }
  return "?";
}

std::size_t SuiteReport::count(SuiteOutcome outcome) const {
  return static_cast<std::size_t>(std::count_if(
      entries.begin(), entries.end(), [&](const SuiteEntry& e) { return e.outcome == outcome; }));
}

absl::StatusOr<SuiteReport> run_suite(const SuiteOptions& options) {
  auto entries = list_scenarios(options.dir);
  if (!entries.ok()) return entries.status();
  std::error_code ec;
  const fs::path work =
      fs::temp_directory_path(ec) / fmt::format("q50sim-suite-{}", static_cast<long long>(::getpid()));
  const auto start = std::chrono::steady_clock::now();
  run_all(options, work, *entries);
  SuiteReport report;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.jobs = options.jobs;
  report.entries = std::move(*entries);
  fs::remove_all(work, ec);
  return report;
}

std::string format_suite_report(const SuiteReport& report) {
  std::string out = fmt::format("{:<32} {:>7} {:>7} {:>12} {:>8} {:>7}  {}\n", "scenario", "bars",
                                "trades", "PnL", "Sharpe", "faults", "result");
  for (const SuiteEntry& e : report.entries) {
    const std::string_view result = suite_outcome_name(e.outcome);
    if (!e.ran) {
      out += fmt::format("{:<32} {:>7} {:>7} {:>12} {:>8} {:>7}  {}\n", e.stem, "-", "-", "-", "-",
                         "-", result);
      continue;
    }
    const io::ScenarioRunResult& r = e.result;
    const std::string faults =
        r.fault_windows == 0 ? "-" : fmt::format("{}/{}", r.faults_recovered, r.fault_windows);
    out += fmt::format("{:<32} {:>7} {:>7} {:>12.2f} {:>8.3f} {:>7}  {}\n", e.stem, r.summary.bars,
                       r.summary.fills, r.final_equity - r.initial_equity,
                       r.metrics.total.returns.sharpe_ratio, faults, result);
  }
  for (const SuiteEntry& e : report.entries) {
    if (e.messages.empty() || e.outcome == SuiteOutcome::kUpdated) continue;
    out += fmt::format("\n{} ({}):\n", e.stem, suite_outcome_name(e.outcome));
    for (const std::string& m : e.messages) out += fmt::format("  {}\n", m);
  }
  out += fmt::format(
      "\nsuite: {} scenarios: {} passed, {} updated, {} failed, {} skipped; wall time {:.2f} s "
      "with --jobs {}\n",
      report.entries.size(), report.count(SuiteOutcome::kPass),
      report.count(SuiteOutcome::kUpdated), report.count(SuiteOutcome::kFail),
      report.count(SuiteOutcome::kSkip), report.seconds, report.jobs);
  return out;
}

}  // namespace q50::runner
