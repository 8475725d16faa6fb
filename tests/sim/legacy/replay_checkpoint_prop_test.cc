// Checkpoint and resume across processes (ARCHITECTURE "Determinism is itself tested"): for a
// reference case and an event K drawn from the seed, one q50sim process runs to event K,
// writes its checkpoint and stops (a crash, on purpose); a fresh process resumes from the file
// and must end with the uninterrupted run's fingerprint and byte-identical output files.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>

#include "tests/sim/legacy/replay_agreement.h"

namespace q50 {
namespace {

// Each trial spawns two processes, so the property runs at most this many trials whatever
// RC_PARAMS' max_success says (its seed is kept): about 30 trials keep the test near 10 s.
constexpr int kMaxTrials = 30;

struct Case {
  std::filesystem::path dir;
  std::string profile;
  std::vector<std::string> files;
  // The uninterrupted run.
  std::string fingerprint;
  std::uint64_t events = 0;
  std::map<std::string, std::string> outputs;
};

std::uint64_t events_of(const std::string& stdout_text) {
  const std::size_t at = stdout_text.find(" events=");
  BOOST_REQUIRE(at != std::string::npos);
  return std::stoull(stdout_text.substr(at + 8));
}

std::vector<Case> uninterrupted_runs() {
  std::vector<Case> out;
  const auto add = [&](const std::string& group, const std::string& profile,
                       const std::vector<std::string>& files) {
    for (const auto& dir : replay_test::cases(group)) {
      const auto run = replay_test::replay(dir, profile, "ckpt_full");
      Case c{dir, profile, files, run.fingerprint, events_of(run.process.out), {}};
      for (const auto& f : files) c.outputs[f] = testing::read_text(run.out_dir + "/" + f);
      out.push_back(std::move(c));
    }
  };
  add("backtest_hb", "hummingbot", {"bars.csv", "trades.csv", "holds.csv", "metrics.json"});
  add("backtest_quantile", "quantile", {"trades.csv", "metrics.json"});
  return out;
}

void prop_resume_in_a_fresh_process_matches_the_uninterrupted_run(const std::vector<Case>& cases) {
  // resize(100): draw from the whole range in every trial, not a size-scaled part of it.
  const auto index = *rc::gen::resize(100, rc::gen::inRange<std::size_t>(0, cases.size()));
  const Case& c = cases[index];
  const auto k = *rc::gen::resize(100, rc::gen::inRange<std::uint64_t>(1, c.events));
  RC_TAG(c.profile);
  const std::string input = (c.dir / "input.csv").string();
  const std::string config = (c.dir / "config.json").string();
  const std::string tmp = testing::make_temp_dir("ckpt_prop");
  const std::string file = tmp + "/run.ckpt";

  const auto first = testing::run_process(
      {testing::q50sim_bin(), "replay", "--profile", c.profile, "--input", input, "--config",
       config, "--seed", "7", "--checkpoint-at", std::to_string(k), "--checkpoint", file});
  RC_ASSERT(first.exit_code == 0);
  RC_ASSERT(first.out.find("checkpoint: events=" + std::to_string(k) + " -> " + file + "\n") !=
            std::string::npos);
  RC_ASSERT(first.out.find("fingerprint=") == std::string::npos);

  const std::string out_dir = tmp + "/out";
  const auto second =
      testing::run_process({testing::q50sim_bin(), "replay", "--resume", file, "--input", input,
                            "--config", config, "--out", out_dir});
  RC_ASSERT(second.exit_code == 0);
  RC_ASSERT(second.out.rfind("seed=7 scenario=" + input + " version=", 0) == 0);
  const std::size_t at = second.out.rfind("fingerprint=");
  RC_ASSERT(at != std::string::npos);
  RC_ASSERT(second.out.substr(at + 12, 16) == c.fingerprint);
  RC_ASSERT(events_of(second.out) == c.events);
  for (const auto& f : c.files) {
    RC_ASSERT(testing::read_text(out_dir + "/" + f) == c.outputs.at(f));
  }
}

// RC_BOOST_PROP takes its trial count from RC_PARAMS (1000 in ctest); this is its body with
// the count capped (rapidcheck/boost_test.h's checkBoostTest, with explicit TestParams).
BOOST_AUTO_TEST_CASE(prop_checkpoint_resume_in_a_fresh_process_matches_uninterrupted_run) {
  const std::vector<Case> cases = uninterrupted_runs();
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = std::min(params.maxSuccess, kMaxTrials);
  rc::detail::TestMetadata metadata;
  metadata.id = boost::unit_test::framework::current_test_case().full_name();
  metadata.description = boost::unit_test::framework::current_test_case().p_name;
  const auto result = rc::detail::checkTestable(
      [&] { prop_resume_in_a_fresh_process_matches_the_uninterrupted_run(cases); }, metadata,
      params);
  std::ostringstream report;
  rc::detail::printResultMessage(result, report);
  BOOST_TEST_MESSAGE(report.str());
  BOOST_TEST(result.template is<rc::detail::SuccessResult>(), report.str());
}

}  // namespace
}  // namespace q50
