// The scenario library (scenarios/*.toml) against its golden folders (golden/scenarios/):
// `q50sim suite` must pass every scenario, each run twice in process with identical
// fingerprints, and reproduce every golden file byte for byte. The real-data scenarios read
// ${Q50SIM_REFERENCE_DIR}, which this test sets to reference_dir() for the suite it runs, so
// they run here on the checked copy of golden/existing.
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <string>

#include "tests/support/test_env.h"

namespace q50 {
namespace {

using testing::source_dir;

int count_rows(const std::string& out, const std::string& result) {
  std::istringstream in(out);
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.size() > result.size() + 2 &&
        line.compare(line.size() - result.size() - 2, std::string::npos, "  " + result) == 0) {
      ++n;
    }
  }
  return n;
}

BOOST_AUTO_TEST_CASE(every_library_scenario_matches_its_golden_folder) {
  const std::string ref = testing::reference_dir();  // fails early when it is missing
  const std::string src = source_dir();
  const auto r = testing::run_process({"/usr/bin/env", "Q50SIM_REFERENCE_DIR=" + ref,
                                       testing::q50sim_bin(), "suite", src + "/scenarios",
                                       "--golden", src + "/golden/scenarios", "--jobs", "2"});
  BOOST_TEST_MESSAGE(r.out);
  BOOST_TEST(r.exit_code == 0, "suite failed:\n" << r.out << r.err);
  BOOST_TEST(count_rows(r.out, "FAIL") == 0);
  // Everything runs, the documentation example too: the reference data is present here.
  BOOST_TEST(count_rows(r.out, "SKIP") == 0);
  BOOST_TEST(count_rows(r.out, "PASS") >= 25);
  for (const char* name : {"example", "stability_year", "real_qlib_btc_2022", "real_csv_closes",
                           "faults_venue", "flash_crash", "risk_kill_switch"}) {
    BOOST_TEST(std::regex_search(r.out, std::regex(std::string("\n") + name + " .* PASS\n")),
               name << " did not pass");
  }
  BOOST_TEST(r.out.find("wall time") != std::string::npos);
}

}  // namespace
}  // namespace q50
