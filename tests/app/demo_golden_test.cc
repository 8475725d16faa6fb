// The README's main job: `q50sim demo` prints the same summary for the same seed, run after
// run, and that summary is pinned in golden/demo/. Rewrite the golden file after an intended
// change with Q50SIM_UPDATE_GOLDEN=1 and review it with `git diff`.
#include <algorithm>
#include <cstdlib>
#include <string>

#include <boost/test/unit_test.hpp>

#include "tests/support/test_env.h"

namespace q50::testing {
namespace {

std::string golden_path() {
  const char* src = std::getenv("Q50SIM_SOURCE_DIR");
  BOOST_REQUIRE(src != nullptr);
  return std::string(src) + "/golden/demo/seed42.txt";
}

BOOST_AUTO_TEST_CASE(demo_matches_golden_and_is_deterministic) {
  const RunResult a = run_process({q50sim_bin(), "demo"});
  const RunResult b = run_process({q50sim_bin(), "demo"});
  BOOST_TEST_REQUIRE(a.exit_code == 0, a.err);
  BOOST_TEST(a.out == b.out);
  BOOST_TEST(a.out.rfind("seed=42 scenario=demo-synthetic version=", 0) == 0);
  if (const char* update = std::getenv("Q50SIM_UPDATE_GOLDEN"); update != nullptr && *update == '1') {
    write_text(golden_path(), a.out);
  }
  BOOST_TEST(a.out == read_text(golden_path()));
}

BOOST_AUTO_TEST_CASE(seed_changes_the_run) {
  const RunResult a = run_process({q50sim_bin(), "demo", "--seed", "1", "--bars", "500"});
  const RunResult b = run_process({q50sim_bin(), "demo", "--seed", "2", "--bars", "500"});
  BOOST_TEST_REQUIRE(a.exit_code == 0, a.err);
  BOOST_TEST(a.out != b.out);
}

BOOST_AUTO_TEST_CASE(out_writes_the_signals_layout) {
  const std::string out = make_temp_dir("demo_out") + "/signals.csv";
  const RunResult r = run_process({q50sim_bin(), "demo", "--bars", "100", "--out", out});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const std::string text = read_text(out);
  BOOST_TEST(text.rfind("timestamp,prob_up,spread,abs_q50,", 0) == 0);
  BOOST_TEST(std::count(text.begin(), text.end(), '\n') == 101);
}

BOOST_AUTO_TEST_CASE(bad_arguments_exit_2) {
  BOOST_TEST(run_process({q50sim_bin(), "demo", "--bars", "x"}).exit_code == 2);
  BOOST_TEST(run_process({q50sim_bin(), "demo", "--skill", "2"}).exit_code == 2);
  BOOST_TEST(run_process({q50sim_bin(), "demo", "--nope"}).exit_code == 2);
}

}  // namespace
}  // namespace q50::testing
