// The README's main job. `q50sim demo` runs the embedded scenario (a simulated year with every
// fault kind) and prints the same summary run after run, pinned in golden/demo/harness.txt;
// `q50sim demo --pipeline` prints the signal pipeline's summary over a synthetic series, pinned
// in golden/demo/pipeline_seed42.txt (it pins the batch synthetic generators). Rewrite the
// golden files after an intended change with Q50SIM_UPDATE_GOLDEN=1 and review `git diff`.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <boost/test/unit_test.hpp>

#include "tests/support/test_env.h"

namespace q50::testing {
namespace {

std::string golden_path(const std::string& name) {
  return testing::source_dir() + "/golden/demo/" + name;
}

void check_golden(const std::string& name, const std::string& actual) {
  if (const char* update = std::getenv("Q50SIM_UPDATE_GOLDEN"); update != nullptr && *update == '1') {
    write_text(golden_path(name), actual);
  }
  BOOST_TEST(actual == read_text(golden_path(name)));
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

BOOST_AUTO_TEST_CASE(harness_demo_matches_golden_writes_the_report_and_is_deterministic) {
  const std::string dir = make_temp_dir("demo_harness");
  const RunResult a = run_process({q50sim_bin(), "demo", "--out", dir + "/a"});
  const RunResult b = run_process({q50sim_bin(), "demo", "--out", dir + "/b"});
  BOOST_TEST_REQUIRE(a.exit_code == 0, a.out << a.err);
  BOOST_TEST(a.out.rfind("seed=2024 scenario=stability_year version=", 0) == 0);
  BOOST_TEST(replace_all(a.out, dir + "/a", "OUT") == replace_all(b.out, dir + "/b", "OUT"));
  for (const char* f : {"report.html", "metrics.json", "bars.csv", "trades.csv", "journal.txt"}) {
    BOOST_TEST(std::filesystem::file_size(dir + "/a/" + f) > 0u, f);
  }
  BOOST_TEST(a.out.find("assertions    all passed") != std::string::npos, a.out);
  BOOST_TEST(a.out.find("34 recovered") != std::string::npos, a.out);
  check_golden("harness.txt", replace_all(a.out, dir + "/a", "OUT"));
}

BOOST_AUTO_TEST_CASE(harness_demo_seed_changes_the_run) {
  const std::string dir = make_temp_dir("demo_seed");
  const RunResult a = run_process({q50sim_bin(), "demo", "--seed", "7", "--out", dir});
  BOOST_TEST_REQUIRE(a.exit_code == 0, a.out << a.err);
  BOOST_TEST(a.out.rfind("seed=7 scenario=stability_year", 0) == 0);
  BOOST_TEST(a.out.find("fingerprint=0058774de09ffea4") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(pipeline_demo_matches_golden_and_is_deterministic) {
  const RunResult a = run_process({q50sim_bin(), "demo", "--pipeline"});
  const RunResult b = run_process({q50sim_bin(), "demo", "--pipeline"});
  BOOST_TEST_REQUIRE(a.exit_code == 0, a.err);
  BOOST_TEST(a.out == b.out);
  BOOST_TEST(a.out.rfind("seed=42 scenario=demo-synthetic version=", 0) == 0);
  check_golden("pipeline_seed42.txt", a.out);
}

BOOST_AUTO_TEST_CASE(pipeline_seed_changes_the_run) {
  const RunResult a = run_process({q50sim_bin(), "demo", "--pipeline", "--seed", "1", "--bars", "500"});
  const RunResult b = run_process({q50sim_bin(), "demo", "--pipeline", "--seed", "2", "--bars", "500"});
  BOOST_TEST_REQUIRE(a.exit_code == 0, a.err);
  BOOST_TEST(a.out != b.out);
}

BOOST_AUTO_TEST_CASE(pipeline_out_writes_the_signals_layout) {
  const std::string out = make_temp_dir("demo_out") + "/signals.csv";
  const RunResult r = run_process({q50sim_bin(), "demo", "--pipeline", "--bars", "100", "--out", out});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const std::string text = read_text(out);
  BOOST_TEST(text.rfind("timestamp,prob_up,spread,abs_q50,", 0) == 0);
  BOOST_TEST(std::count(text.begin(), text.end(), '\n') == 101);
}

BOOST_AUTO_TEST_CASE(bad_arguments_exit_2) {
  BOOST_TEST(run_process({q50sim_bin(), "demo", "--pipeline", "--bars", "x"}).exit_code == 2);
  BOOST_TEST(run_process({q50sim_bin(), "demo", "--pipeline", "--skill", "2"}).exit_code == 2);
  BOOST_TEST(run_process({q50sim_bin(), "demo", "--bars", "100"}).exit_code == 2);
  BOOST_TEST(run_process({q50sim_bin(), "demo", "--seed", "-1"}).exit_code == 2);
  BOOST_TEST(run_process({q50sim_bin(), "demo", "--nope"}).exit_code == 2);
}

}  // namespace
}  // namespace q50::testing
