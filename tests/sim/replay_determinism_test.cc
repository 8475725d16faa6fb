// Determinism of `q50sim replay`: every reference case of both profiles, run twice, gives the
// same journal fingerprint and byte-identical output files; a different --seed changes
// neither (the legacy profiles draw no random numbers, README "seed is the bug report").
#include <boost/test/unit_test.hpp>

#include "tests/sim/replay_agreement.h"

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

// Distinct cases must not collide: the fingerprint covers the run, not just its shape.
BOOST_AUTO_TEST_CASE(distinct_cases_have_distinct_fingerprints) {
  std::set<std::string> seen;
  std::size_t n = 0;
  for (const auto& dir : replay_test::cases("backtest_hb")) {
    seen.insert(replay_test::replay(dir, "hummingbot", "uniq").fingerprint);
    ++n;
  }
  for (const auto& dir : replay_test::cases("backtest_quantile")) {
    seen.insert(replay_test::replay(dir, "quantile", "uniq").fingerprint);
    ++n;
  }
  BOOST_TEST(seen.size() == n);
}

}  // namespace
}  // namespace q50
