#include "runner/suite.h"

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "fmt/format.h"
#include "io/atomic_file.h"
#include "io/scenario_file.h"
#include "runner/child_process.h"

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
                                        std::uint64_t fingerprint) {
  if (name == "fingerprint.txt") return fmt::format("{:016x}\n", fingerprint);
  return io::read_file((out / name).string());
}

void fail(SuiteEntry& e, std::string message) {
  e.outcome = SuiteOutcome::kFail;
  e.messages.push_back(std::move(message));
}

// Compares (or with update rewrites) the golden folder of one scenario that ran.
void check_golden(const SuiteOptions& o, const fs::path& out, std::uint64_t fingerprint,
                  SuiteEntry& e) {
  const fs::path golden = fs::path(o.golden) / e.stem;
  bool changed = false;
  for (const std::string_view name : kGoldenFiles) {
    auto actual = output_file(out, name, fingerprint);
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
  const io::ScenarioRunResult& r = *result;
  e.figures = {r.summary.bars,  r.summary.fills,   r.final_equity - r.initial_equity,
               r.metrics.total.returns.sharpe_ratio, r.fault_windows, r.faults_recovered};
  for (const std::string& f : r.failures) fail(e, "assertion failed: " + f);
  if (e.outcome == SuiteOutcome::kFail) return;
  if (!o.golden.empty()) check_golden(o, out, r.summary.fingerprint, e);
}

// A child's entry as bytes for the pipe, and back.
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xffU);
}

std::string encode_entry(const SuiteEntry& e) {
  std::string out;
  out += static_cast<char>(e.outcome);
  out += static_cast<char>(e.ran ? 1 : 0);
  const SuiteFigures& f = e.figures;
  for (const std::int64_t v : {f.bars, f.fills, f.fault_windows, f.faults_recovered}) {
    put_u64(out, static_cast<std::uint64_t>(v));
  }
  for (const double v : {f.pnl, f.sharpe}) put_u64(out, std::bit_cast<std::uint64_t>(v));
  put_u64(out, e.messages.size());
  for (const std::string& m : e.messages) {
    put_u64(out, m.size());
    out += m;
  }
  return out;
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool u64(std::uint64_t& v) {
    if (in_.size() < 8) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) {
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in_[static_cast<std::size_t>(i)]))
           << (8 * i);
    }
    in_.remove_prefix(8);
    return true;
  }
  bool bytes(std::size_t n, std::string& out) {
    if (in_.size() < n) return false;
    out.assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

bool decode_entry(std::string_view in, SuiteEntry& e) {
  if (in.size() < 2 || static_cast<unsigned char>(in[0]) > 3) return false;
  e.outcome = static_cast<SuiteOutcome>(in[0]);
  e.ran = in[1] != 0;
  Reader r(in.substr(2));
  std::uint64_t v[6];
  for (std::uint64_t& x : v) {
    if (!r.u64(x)) return false;
  }
  e.figures = {static_cast<std::int64_t>(v[0]), static_cast<std::int64_t>(v[1]),
               std::bit_cast<double>(v[4]),     std::bit_cast<double>(v[5]),
               static_cast<std::int64_t>(v[2]), static_cast<std::int64_t>(v[3])};
  std::uint64_t n = 0;
  if (!r.u64(n)) return false;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::uint64_t size = 0;
    std::string m;
    if (!r.u64(size) || !r.bytes(static_cast<std::size_t>(size), m)) return false;
    e.messages.push_back(std::move(m));
  }
  return r.done();
}

// A scenario whose child was killed may have left staged files in its golden folder (it was
// updating it): they carry the child's pid in their names (io/output_set.h).
void remove_leftovers(const SuiteOptions& o, const SuiteEntry& e, int pid) {
  if (!o.update || o.golden.empty()) return;
  const std::string marker = fmt::format(".q50sim-{}-", pid);
  std::error_code ec;
  for (fs::directory_iterator it(fs::path(o.golden) / e.stem, ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code ignored;
    if (name.find(marker) != std::string::npos) fs::remove(it->path(), ignored);
  }
}

void collect(const SuiteOptions& o, const ChildLimits& limits, const ChildResult& c,
             SuiteEntry& e) {
  e.seconds = c.seconds;
  if (c.kind == ChildResult::Kind::kExited && c.exit_code == 0) {
    SuiteEntry decoded;
    if (decode_entry(c.output, decoded)) {
      e.outcome = decoded.outcome;
      e.ran = decoded.ran;
      e.figures = decoded.figures;
      e.messages = std::move(decoded.messages);
      return;
    }
    return fail(e, "its process reported a result that could not be read");
  }
  remove_leftovers(o, e, c.pid);
  fail(e, describe_failure(c, limits));
}

volatile std::sig_atomic_t g_stop = 0;

void on_stop(int sig) { g_stop = sig; }

// The suite's handlers for a scope: a signal stops the children and the suite cleans up
// before the process ends with it.
class StopOnSignal {
 public:
  StopOnSignal() {
    g_stop = 0;
    struct sigaction action {};
    action.sa_handler = on_stop;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &action, &old_[i]);
  }
  ~StopOnSignal() {
    for (std::size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &old_[i], nullptr);
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

 private:
  static constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction old_[std::size(kSignals)] {};
};

absl::StatusOr<std::vector<SuiteEntry>> list_scenarios(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return absl::UnavailableError(fmt::format("{}: not a directory of scenarios", dir));
  }
  std::vector<SuiteEntry> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".toml") continue;
    SuiteEntry e;
    e.stem = it->path().stem().string();
    e.path = it->path().string();
    entries.push_back(std::move(e));
  }
  if (ec) return absl::UnavailableError(fmt::format("{}: cannot list: {}", dir, ec.message()));
  std::sort(entries.begin(), entries.end(),
            [](const SuiteEntry& a, const SuiteEntry& b) { return a.stem < b.stem; });
  if (entries.empty()) return absl::NotFoundError(fmt::format("{}: no *.toml scenario", dir));
  return entries;
}

absl::StatusOr<fs::path> make_work_dir() {
  std::error_code ec;
  std::string pattern = (fs::temp_directory_path(ec) / "q50sim-suite-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return absl::UnavailableError(
        fmt::format("{}: cannot create the suite's work folder: {}", pattern, std::strerror(errno)));
  }
  return fs::path(pattern);
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
  auto work = make_work_dir();
  if (!work.ok()) return work.status();
  const ChildLimits limits{options.timeout_seconds, options.memory_bytes};
  const auto start = std::chrono::steady_clock::now();
  std::vector<ChildResult> children;
  {
    const StopOnSignal stop;
    children = run_in_children(
        entries->size(), options.jobs, limits,
        [&](std::size_t i) {
          SuiteEntry e = (*entries)[i];
          run_entry(options, *work, e);
          return encode_entry(e);
        },
        &g_stop);
    std::error_code ec;
    fs::remove_all(*work, ec);
    if (g_stop != 0) {
      const int sig = g_stop;
      std::signal(sig, SIG_DFL);
      std::raise(sig);
    }
  }
  for (std::size_t i = 0; i < entries->size(); ++i) {
    collect(options, limits, children[i], (*entries)[i]);
  }
  SuiteReport report;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.jobs = options.jobs;
  report.entries = std::move(*entries);
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
    const SuiteFigures& r = e.figures;
    const std::string faults =
        r.fault_windows == 0 ? "-" : fmt::format("{}/{}", r.faults_recovered, r.fault_windows);
    out += fmt::format("{:<32} {:>7} {:>7} {:>12.2f} {:>8.3f} {:>7}  {}\n", e.stem, r.bars,
                       r.fills, r.pnl, r.sharpe, faults, result);
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
