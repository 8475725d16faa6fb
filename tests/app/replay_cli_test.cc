// `q50sim replay` command line and bad inputs: every error exits with the documented code,
// names the file (and line or key) and the offending value, and leaves no output file.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "tests/support/test_env.h"

namespace q50 {
namespace {

using testing::file_exists;
using testing::run_process;
using testing::write_text;

const std::string kHbHeader =
    "timestamp,q10,q50,q90,side,signal_tier,signal_thresh_adaptive,truth,close\n";
const std::string kHbRow1 = "2024-01-01 00:00:00,-0.01,0.005,0.02,1,0,0.002,0.01,100.0\n";
const std::string kHbRow2 = "2024-01-01 01:00:00,-0.01,0.005,0.02,0,3,0.002,-0.02,101.0\n";
const std::string kHbConfig =
    R"({"initial_balance": 1000.0, "max_position_pct": 0.3, "fee_rate": 0.001,
        "sizing_method": "enhanced", "min_confidence_hold": 1.0, "price_mode": "simulated"})";

struct Outcome {
  int exit_code;
  std::string err;
  std::string out_dir;
};

Outcome run(const std::string& tag, const std::string& input, const std::string& config,
            const std::string& profile = "hummingbot") {
  const std::string dir = testing::make_temp_dir("replay_cli_" + tag);
  write_text(dir + "/input.csv", input);
  write_text(dir + "/config.json", config);
  const auto r = run_process({testing::q50sim_bin(), "replay", "--profile", profile, "--input",
                              dir + "/input.csv", "--config", dir + "/config.json", "--out",
                              dir + "/out"});
  return {r.exit_code, r.err, dir + "/out"};
}

void expect_bad_input(const Outcome& o, const std::vector<std::string>& needles) {
  BOOST_TEST(o.exit_code == 3, "exit " << o.exit_code << ": " << o.err);
  for (const auto& n : needles) {
    BOOST_TEST(o.err.find(n) != std::string::npos, "'" << n << "' not in: " << o.err);
  }
  for (const char* f : {"bars.csv", "trades.csv", "holds.csv", "metrics.json"}) {
    BOOST_TEST(!file_exists(o.out_dir + "/" + f), f << " was written");
  }
}

BOOST_AUTO_TEST_CASE(a_small_valid_run_writes_every_file) {
  const Outcome o = run("ok", kHbHeader + kHbRow1 + kHbRow2, kHbConfig);
  BOOST_REQUIRE_MESSAGE(o.exit_code == 0, o.err);
  for (const char* f : {"bars.csv", "trades.csv", "holds.csv", "metrics.json"}) {
    BOOST_TEST(file_exists(o.out_dir + "/" + f), f);
  }
  // Bar 0 buys (LONG, tier 0), bar 1 flips short, BACKTEST_END closes: 3 trades.
  const std::string trades = testing::read_text(o.out_dir + "/trades.csv");
  BOOST_TEST(trades.find(",BUY,DIRECTIONAL,LONG,") != std::string::npos, trades);
  BOOST_TEST(trades.find(",SELL,DIRECTIONAL,SHORT,") != std::string::npos, trades);
  BOOST_TEST(trades.find(",BUY,POSITION_CLOSURE,BACKTEST_END,") != std::string::npos, trades);
}

BOOST_AUTO_TEST_CASE(bad_input_files_exit_3_naming_file_line_and_value) {
  expect_bad_input(run("num", kHbHeader + kHbRow1 +
                                  "2024-01-01 01:00:00,-0.01,abc,0.02,0,3,0.002,-0.02,101.0\n",
                       kHbConfig),
                   {"input.csv:3", "q50", "abc"});
  expect_bad_input(run("order", kHbHeader + kHbRow2 + kHbRow1, kHbConfig),
                   {"input.csv", "2024-01-01 00:00:00"});
  expect_bad_input(run("col", "timestamp,q10,q50\n2024-01-01 00:00:00,1,2\n", kHbConfig),
                   {"input.csv", "q90"});
  expect_bad_input(run("empty", kHbHeader, kHbConfig), {"input.csv", "no bar"});
  expect_bad_input(run("side", kHbHeader + "2024-01-01 00:00:00,-0.01,0.005,0.02,x,0,0.002,0,1\n",
                       kHbConfig),
                   {"input.csv:2", "side", "x"});
}

BOOST_AUTO_TEST_CASE(bad_configs_exit_3_naming_the_key_and_value) {
  const std::string in = kHbHeader + kHbRow1;
  expect_bad_input(run("json", in, "{not json"), {"config.json", "JSON"});
  expect_bad_input(run("miss", in, R"({"initial_balance": 1.0})"),
                   {"config.json", "max_position_pct"});
  std::string typo = kHbConfig;
  typo.replace(typo.find("\"enhanced\""), 10, "\"enhance\"");
  expect_bad_input(run("sizing", in, typo), {"config.json", "sizing_method", "enhance"});
  std::string mode = kHbConfig;
  mode.replace(mode.find("\"simulated\""), 11, "\"live\"");
  expect_bad_input(run("mode", in, mode), {"config.json", "price_mode", "live"});
  std::string neg = kHbConfig;
  neg.replace(neg.find("1000.0"), 6, "-5");
  expect_bad_input(run("neg", in, neg), {"config.json", "initial_balance", "-5"});
  expect_bad_input(run("qb", "timestamp,q10,q50,q90,signal_tier,truth\n", R"({"fee_rate": 0})",
                       "quantile"),
                   {"config.json", "initial_capital"});
}

BOOST_AUTO_TEST_CASE(bad_command_lines_exit_2_and_missing_files_exit_4) {
  const std::string bin = testing::q50sim_bin();
  BOOST_TEST(run_process({bin, "replay", "--profile", "nautilus", "--input", "a", "--config",
                          "b", "--out", "c"})
                 .exit_code == 2);
  BOOST_TEST(run_process({bin, "replay", "--profile", "quantile"}).exit_code == 2);
  BOOST_TEST(run_process({bin, "replay", "--bogus", "1"}).exit_code == 2);
  BOOST_TEST(run_process({bin, "replay", "--profile", "hummingbot", "--input", "a", "--config",
                          "b", "--out", "c", "--seed", "-1"})
                 .exit_code == 2);
  const std::string dir = testing::make_temp_dir("replay_cli_missing");
  write_text(dir + "/config.json", kHbConfig);
  const auto missing = run_process({bin, "replay", "--profile", "hummingbot", "--input",
                                    dir + "/nope.csv", "--config", dir + "/config.json", "--out",
                                    dir + "/out"});
  BOOST_TEST(missing.exit_code == 4, missing.err);
  BOOST_TEST(missing.err.find("nope.csv") != std::string::npos, missing.err);
  BOOST_TEST(run_process({bin, "replay", "--help"}).exit_code == 0);
}

}  // namespace
}  // namespace q50
