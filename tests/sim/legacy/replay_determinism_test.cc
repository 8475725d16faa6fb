// Determinism of `q50sim replay`: every reference case of both profiles, run twice, gives the
// same journal fingerprint and byte-identical output files; a different --seed changes
// neither (the legacy profiles draw no random numbers, README "seed is the bug report"); and
// the fingerprints equal the ones pinned in golden/replay/.
#include <cstdlib>
#include <set>
#include <string>
#include <utility>

#include <boost/test/unit_test.hpp>

#include "tests/sim/legacy/replay_agreement.h"
#include "tests/support/test_env.h"

namespace q50 {
namespace {

void check_case(const std::filesystem::path& dir, const std::string& profile,
                const std::vector<std::string>& files) {
  const auto a = replay_test::replay(dir, profile, "det_a", "1");
  const auto b = replay_test::replay(dir, profile, "det_b", "1");
  const auto c = replay_test::replay(dir, profile, "det_c", "987654321");
  BOOST_TEST(a.fingerprint == b.fingerprint);
  BOOST_TEST(a.fingerprint == c.fingerprint);
  for (const std::string& f : files) {
    const std::string text = testing::read_text(a.out_dir + "/" + f);
    BOOST_TEST(!text.empty());
    BOOST_TEST_CONTEXT(f) {
      BOOST_TEST((text == testing::read_text(b.out_dir + "/" + f)));
      BOOST_TEST((text == testing::read_text(c.out_dir + "/" + f)));
    }
  }
  BOOST_TEST_MESSAGE(dir.filename().string() << " fingerprint=" << a.fingerprint);
}

BOOST_AUTO_TEST_CASE(hummingbot_cases_replay_identically) {
  for (const auto& dir : replay_test::cases("backtest_hb")) {
    BOOST_TEST_CONTEXT(dir.filename().string()) {
      check_case(dir, "hummingbot", {"bars.csv", "trades.csv", "holds.csv", "metrics.json"});
    }
  }
}

BOOST_AUTO_TEST_CASE(quantile_cases_replay_identically) {
  for (const auto& dir : replay_test::cases("backtest_quantile")) {
    BOOST_TEST_CONTEXT(dir.filename().string()) {
      check_case(dir, "quantile", {"trades.csv", "metrics.json"});
    }
  }
}

std::string golden_path() {
  return testing::source_dir() + "/golden/replay/fingerprints.txt";
}

// Every reference case's fingerprint is pinned in golden/replay/fingerprints.txt ("group/case
// fingerprint" per line). CI runs this under g++ and clang, so a pass in both proves identical
// fingerprints across compilers. Distinct cases must not collide either: the fingerprint
// covers the run, not just its shape. After an intended change, rewrite the file with
// Q50SIM_UPDATE_GOLDEN=1 and review it with `git diff`.
BOOST_AUTO_TEST_CASE(fingerprints_match_golden_and_are_distinct) {
  std::string text;
  std::set<std::string> seen;
  std::size_t n = 0;
  for (const auto& [group, profile] : {std::pair{"backtest_hb", "hummingbot"},
                                       std::pair{"backtest_quantile", "quantile"}}) {
    for (const auto& dir : replay_test::cases(group)) {
      const std::string fingerprint = replay_test::replay(dir, profile, "pinned").fingerprint;
      text += std::string(group) + "/" + dir.filename().string() + " " + fingerprint + "\n";
      seen.insert(fingerprint);
      ++n;
    }
  }
  BOOST_TEST(seen.size() == n);
  const char* update = std::getenv("Q50SIM_UPDATE_GOLDEN");
  if (update != nullptr && *update == '1') {
    testing::write_text(golden_path(), text);
  }
  BOOST_REQUIRE_MESSAGE(testing::file_exists(golden_path()),
                        golden_path() << " is missing; create it with Q50SIM_UPDATE_GOLDEN=1");
  const std::string golden = testing::read_text(golden_path());
  BOOST_TEST(text == golden, "fingerprints differ from " << golden_path() << ":\ngot:\n"
                                                         << text << "pinned:\n"
                                                         << golden);
}

}  // namespace
}  // namespace q50
