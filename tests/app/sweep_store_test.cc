// The sweeps shipped in scenarios/sweeps run as a user runs them (`q50sim sweep FILE --out DIR`,
// nothing else: the hummingbot grid reads the reference data gzipped from golden/existing), each
// stored in SQLite and in PostgreSQL, exported to CSV and read by pandas; both stores give the
// same CSV bytes, and the grid's point with the reference config is the reference replay.
// Idempotence on both backends: a re-run adds nothing, and a sweep SIGKILLed mid-way keeps whole
// batches only and, run again, completes to exactly the rows of an uninterrupted run. Every case
// runs on SQLite and PostgreSQL (tests/store/store_test_support.h: without Q50SIM_PG_URL the
// PostgreSQL cases are SKIPPED, or fail when CI is set).
#define BOOST_TEST_NO_MAIN
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <regex>
#include <thread>

#include "nlohmann/json.hpp"
#include "tests/app/sweep_test_support.h"
#include "tests/store/store_test_support.h"

namespace {

using q50::store::testing::TestBackend;
namespace t = q50::testing;
using q50::testing::source_dir;

// Reads the CSV with pandas as SCHEMA.md advises and returns what it found, as JSON. Debian's
// python3 (python3-pandas, installed by ci/install_deps.sh), whatever else is on PATH.
nlohmann::json pandas_summary(const std::string& csv, const std::string& metric) {
  const std::string python = "/usr/bin/python3";
  const std::string script = t::make_temp_dir("pandas_" + std::to_string(getpid())) + "/read.py";
  t::write_text(
      script,
      "import json, sys\nimport pandas as pd\n"
      "df = pd.read_csv(sys.argv[1], float_precision='round_trip', dtype={'fingerprint': str})\n"
      "ok = df[df.status == 'ok']\n"
      "best = ok.loc[ok[sys.argv[2]].idxmax()]\n"
      "print(json.dumps({'rows': len(df), 'unique_points': int(df.point_index.nunique()),\n"
      "  'first_point': int(df.point_index.min()), 'last_point': int(df.point_index.max()),\n"
      "  'ok': len(ok), 'fingerprints': int(ok.fingerprint.str.fullmatch('[0-9a-f]{16}').sum()),\n"
      "  'columns': list(df.columns), 'best_point': int(best.point_index),\n"
      "  'metric_dtype': str(df[sys.argv[2]].dtype)}))\n");
  const auto r = t::run_process({python, script, csv, metric});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  return nlohmann::json::parse(r.out);
}

// Runs a shipped sweep into a fresh store of the backend and checks its CSV with pandas.
std::string shipped_sweep_csv(TestBackend& backend, const std::string& file, std::int64_t points,
                              const std::vector<std::string>& parameters,
                              std::string* store = nullptr) {
  const std::string stem = std::filesystem::path(file).stem().string();
  const std::string url = backend.fresh_url(stem);
  const std::string out = t::make_temp_dir(fmt::format("shipped_{}_{}", stem, backend.name()));
  std::vector<std::string> args{source_dir() + "/scenarios/sweeps/" + file, "--out", out, "--jobs",
                                "2"};
  if (backend.is_postgres()) args.insert(args.end(), {"--db", url});
  const std::string printed = t::run_sweep(args);
  BOOST_TEST(printed.find(fmt::format("{0} run with --jobs 2", points)) != std::string::npos,
             printed);
  BOOST_TEST(t::file_exists(out + "/sweep.html"));
  const std::string db = backend.is_postgres() ? url : out + "/results.sqlite";
  if (store != nullptr) *store = db;
  const std::string csv_path = out + "/" + stem + ".csv";
  const std::string csv = t::export_csv(db, csv_path);
  const nlohmann::json summary = pandas_summary(csv_path, "sharpe_ratio");
  BOOST_TEST(summary["rows"].get<std::int64_t>() == points);
  BOOST_TEST(summary["unique_points"].get<std::int64_t>() == points);
  BOOST_TEST(summary["first_point"].get<std::int64_t>() == 0);
  BOOST_TEST(summary["last_point"].get<std::int64_t>() == points - 1);
  BOOST_TEST(summary["fingerprints"].get<std::int64_t>() == summary["ok"].get<std::int64_t>());
  BOOST_TEST(summary["ok"].get<std::int64_t>() > points / 2);
  BOOST_TEST(summary["metric_dtype"].get<std::string>() == "float64");
  const auto columns = summary["columns"].get<std::vector<std::string>>();
  for (const std::string& p : parameters) {
    BOOST_TEST((std::find(columns.begin(), columns.end(), p) != columns.end()), p);
  }
  // A re-run into the same store adds nothing and changes nothing.
  const std::string again = t::run_sweep(args);
  BOOST_TEST(again.find(fmt::format("{0} already stored, 0 run", points)) != std::string::npos,
             again);
  BOOST_TEST((t::export_csv(db, csv_path + ".again") == csv));
  return csv;
}

// One CSV per sweep and backend: SQLite's and PostgreSQL's must be byte for byte the same.
std::map<std::string, std::string>& csv_by_sweep() {
  static std::map<std::string, std::string> csvs;
  return csvs;
}

void same_as_other_backend(const std::string& sweep, const std::string& csv) {
  auto [it, fresh] = csv_by_sweep().try_emplace(sweep, csv);
  if (!fresh) BOOST_TEST((it->second == csv), sweep << ": SQLite and PostgreSQL exports differ");
}

// The number of runs the store holds for the sweep (0 before the sweep is begun).
std::int64_t stored_runs(const std::string& db, const std::string& sweep) {
  const auto r = t::q50sim({"results", db, "--sweep", sweep});
  if (r.exit_code != 0) return 0;
  std::smatch m;
  static const std::regex kRuns("runs +([0-9]+) ok, ([0-9]+) failed, ([0-9]+) assertion");
  if (!std::regex_search(r.out, m, kRuns)) return 0;
  return std::stoll(m[1]) + std::stoll(m[2]) + std::stoll(m[3]);
}

pid_t spawn(const std::vector<std::string>& argv) {
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    if (std::freopen("/dev/null", "w", stdout) == nullptr) _exit(127);
    std::vector<char*> cargv;
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

// The grid's point with the reference case's own config over the whole frame is the reference
// replay: its pinned fingerprint and the existing system's total return, bit for bit.
void check_reference_point(const std::string& csv_text) {
  const t::Csv csv = t::parse_csv(csv_text);
  std::size_t found = 0;
  for (std::size_t i = 0; i < csv.rows.size(); ++i) {
    if (csv.at(i, "sizing_method") != "enhanced" || csv.at(i, "min_confidence_hold") != "1.0" ||
        csv.at(i, "fee_rate") != "0.001" || csv.at(i, "window") != "..") {
      continue;
    }
    ++found;
    const std::string pinned = t::read_text(source_dir() + "/golden/replay/fingerprints.txt");
    BOOST_TEST(pinned.find("backtest_hb/d17245f_enhanced " + csv.at(i, "fingerprint")) !=
                   std::string::npos,
               csv.at(i, "fingerprint"));
    const nlohmann::json expected = nlohmann::json::parse(t::read_text(
        source_dir() + "/golden/existing/backtest_hb/d17245f_enhanced/expected_metrics.json"));
    BOOST_TEST(std::stod(csv.at(i, "total_return")) == expected["total_return"].get<double>());
    BOOST_TEST(std::stod(csv.at(i, "total_trades")) == expected["total_trades"].get<double>());
  }
  BOOST_TEST(found == 1u);
}

Q50_STORE_CASE(hb_grid_is_stored_exported_and_read_by_pandas) {
  const std::string csv =
      shipped_sweep_csv(backend, "hb_grid.toml", 1008,
                        {"sizing_method", "min_confidence_hold", "fee_rate", "window"});
  check_reference_point(csv);
  same_as_other_backend("hb_grid", csv);
}

// The SQLite store of the seed sweep, for the PostgreSQL case to merge (2,000 runs of a
// simulated year cost about 25 CPU seconds; the PostgreSQL writer is exercised by the other
// cases, which write to the server directly).
std::string& seeds_faults_sqlite() {
  static std::string path;
  return path;
}

Q50_STORE_CASE(seeds_faults_is_stored_exported_and_read_by_pandas) {
  const std::vector<std::string> parameters{"signals.synthetic.skill",
                                            "strategy.max_position_fraction", "seed"};
  if (!backend.is_postgres() || seeds_faults_sqlite().empty()) {
    std::string store;
    const std::string csv =
        shipped_sweep_csv(backend, "seeds_faults.toml", 2000, parameters, &store);
    same_as_other_backend("seeds_faults", csv);
    if (!backend.is_postgres()) seeds_faults_sqlite() = store;
    return;
  }
  const std::string url = backend.fresh_url("seeds_faults");
  const auto merged = t::q50sim({"results", "merge", url, seeds_faults_sqlite()});
  BOOST_REQUIRE_MESSAGE(merged.exit_code == 0, merged.out << merged.err);
  const std::string csv_path = t::make_temp_dir("seeds_faults_pg") + "/seeds_faults.csv";
  const std::string csv = t::export_csv(url, csv_path);
  const nlohmann::json summary = pandas_summary(csv_path, "sharpe_ratio");
  BOOST_TEST(summary["rows"].get<std::int64_t>() == 2000);
  BOOST_TEST(summary["unique_points"].get<std::int64_t>() == 2000);
  same_as_other_backend("seeds_faults", csv);
}

Q50_STORE_CASE(a_sweep_killed_mid_way_then_run_again_completes_exactly) {
  const std::string dir = t::make_temp_dir(fmt::format("sweep_killed_{}", backend.name()));
  t::write_text(dir + "/base.toml", t::small_fault_scenario(1500));
  t::write_text(dir + "/s.toml",
                "[sweep]\nname = \"killed\"\nbatch_points = 8\n[base]\nscenario = \"base.toml\"\n"
                "[[dimension]]\nkey = \"signals.synthetic.skill\"\nvalues = [0.05, 0.1, 0.2]\n"
                "[[dimension]]\nseeds = { from = 1, count = 80 }\n");
  // The uninterrupted run, in SQLite, is what the killed one must end up equal to.
  t::run_sweep({dir + "/s.toml", "--out", dir + "/clean"});
  const std::string expected = t::export_csv(dir + "/clean/results.sqlite", dir + "/clean.csv");
  const std::string url = backend.fresh_url("killed");
  const std::string db = backend.is_postgres() ? url : url.substr(7);
  const pid_t pid =
      spawn({t::q50sim_bin(), "sweep", dir + "/s.toml", "--out", dir + "/killed", "--db", db});
  std::int64_t before_kill = 0;
  for (int i = 0; i < 3000 && before_kill < 24; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    before_kill = stored_runs(db, "killed");
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  BOOST_REQUIRE_MESSAGE(WIFSIGNALED(status), "the sweep ended before it could be killed");
  const std::int64_t kept = stored_runs(db, "killed");
  BOOST_TEST(kept >= before_kill);
  BOOST_TEST(kept < 240);
  BOOST_TEST(kept % 8 == 0, kept << " runs: batches are kept whole or not at all");
  const std::string retried = t::run_sweep({dir + "/s.toml", "--out", dir + "/killed", "--db", db});
  BOOST_TEST(
      retried.find(fmt::format("{} already stored, {} run", kept, 240 - kept)) != std::string::npos,
      retried);
  BOOST_TEST((t::export_csv(db, dir + "/killed.csv") == expected));
  BOOST_TEST(stored_runs(db, "killed") == 240);
}
