// `q50sim replay --profile hummingbot` on every case of shared/reference/backtest_hb: every
// column of bars.csv, trades.csv and holds.csv against the expected files by row position,
// and metrics.json against expected_metrics.json (reference README §5, §7).
#include <boost/test/unit_test.hpp>

#include "tests/sim/legacy/replay_agreement.h"

namespace q50 {
namespace {

BOOST_AUTO_TEST_CASE(every_hummingbot_case_agrees_bar_for_bar) {
  const std::set<std::string> dollar = {"pnl"};
  for (const auto& dir : replay_test::cases("backtest_hb")) {
    const std::string name = dir.filename().string();
    BOOST_TEST_CONTEXT(name) {
      const auto run = replay_test::replay(dir, "hummingbot", "hb");
      const std::string out = run.out_dir + "/";
      replay_test::compare_csv(name + " bars", out + "bars.csv",
                               (dir / "expected_bars.csv").string(),
                               {"timestamp", "signal_direction", "action_taken", "hold_reason"},
                               dollar);
      replay_test::compare_csv(name + " trades", out + "trades.csv",
                               (dir / "expected_trades.csv").string(),
                               {"timestamp", "side", "trade_type", "original_signal"}, dollar);
      replay_test::compare_csv(name + " holds", out + "holds.csv",
                               (dir / "expected_holds.csv").string(),
                               {"timestamp", "hold_reason"}, dollar);
      replay_test::compare_metrics(name + " metrics", out + "metrics.json",
                                   (dir / "expected_metrics.json").string());
      BOOST_TEST_MESSAGE(name << " fingerprint=" << run.fingerprint);
    }
  }
}

}  // namespace
}  // namespace q50
