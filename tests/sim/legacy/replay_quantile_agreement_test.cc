// `q50sim replay --profile quantile` on every case of shared/reference/backtest_quantile: every
// column of trades.csv against expected_trades.csv by row position, and metrics.json (with
// tier_performance and probability_calibration) against expected_metrics.json (README §6, §7).
#include <boost/test/unit_test.hpp>

#include "tests/sim/legacy/replay_agreement.h"

namespace q50 {
namespace {

BOOST_AUTO_TEST_CASE(every_quantile_case_agrees_row_for_row) {
  for (const auto& dir : replay_test::cases("backtest_quantile")) {
    const std::string name = dir.filename().string();
    BOOST_TEST_CONTEXT(name) {
      const auto run = replay_test::replay(dir, "quantile", "qb");
      replay_test::compare_csv(
          name + " trades", run.out_dir + "/trades.csv", (dir / "expected_trades.csv").string(),
          {"timestamp", "date", "hour", "day_of_week", "side", "tier", "is_profitable"},
          {"pnl", "cumulative_pnl"});
      replay_test::compare_metrics(name + " metrics", run.out_dir + "/metrics.json",
                                   (dir / "expected_metrics.json").string());
      BOOST_TEST_MESSAGE(name << " fingerprint=" << run.fingerprint);
    }
  }
}

}  // namespace
}  // namespace q50
