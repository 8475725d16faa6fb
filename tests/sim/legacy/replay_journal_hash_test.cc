// The legacy replay hashes its journal lines without building them when it keeps no text
// (core/fnv_literal.h); with keep_journal_text it builds the text and hashes that byte by
// byte. Both must give the same fingerprint, equal to FNV-1a of the kept text, on every
// reference case of both profiles (every kind of journal line occurs in them).
#include <boost/test/unit_test.hpp>

#include <string>

#include "core/prng.h"
#include "io/backtest_input.h"
#include "sim/legacy/replay.h"
#include "tests/sim/legacy/replay_agreement.h"

namespace q50 {
namespace {

void check(const std::vector<legacy::MarketBar>& bars, sim::ReplayConfig rc) {
  rc.keep_journal_text = false;
  const sim::ReplayResult hashed = sim::run_replay(bars, rc);
  rc.keep_journal_text = true;
  const sim::ReplayResult text = sim::run_replay(bars, rc);
  BOOST_TEST(!text.journal_text.empty());
  BOOST_TEST(hashed.fingerprint == text.fingerprint);
  BOOST_TEST(text.fingerprint == fnv1a(text.journal_text));
}

BOOST_AUTO_TEST_CASE(hashed_lines_equal_text_lines_on_every_case) {
  for (const auto& dir : replay_test::cases("backtest_hb")) {
    BOOST_TEST_CONTEXT(dir.filename().string()) {
      const auto config = io::read_hb_config((dir / "config.json").string());
      BOOST_REQUIRE(config.ok());
      const auto bars = io::read_hb_bars((dir / "input.csv").string(), *config);
      BOOST_REQUIRE(bars.ok());
      sim::ReplayConfig rc;
      rc.params.profile = legacy::StrategyProfile::kLegacyHummingbot;
      rc.params.hb.max_position_pct = config->max_position_pct;
      rc.params.hb.min_confidence_hold = config->min_confidence_hold;
      rc.params.hb.pnl = config->real_prices ? legacy::PnlFormula::kFromPriceChange
                                             : legacy::PnlFormula::kFromTruth;
      rc.params.hb.options.sizing = config->sizing;
      rc.venue.initial_cash = config->initial_balance;
      rc.venue.fee_rate = config->fee_rate;
      check(*bars, rc);
    }
  }
  for (const auto& dir : replay_test::cases("backtest_quantile")) {
    BOOST_TEST_CONTEXT(dir.filename().string()) {
      const auto config = io::read_qb_config((dir / "config.json").string());
      BOOST_REQUIRE(config.ok());
      const auto bars = io::read_qb_bars((dir / "input.csv").string(), *config);
      BOOST_REQUIRE(bars.ok());
      sim::ReplayConfig rc;
      rc.params.profile = legacy::StrategyProfile::kLegacyQuantile;
      check(*bars, rc);
    }
  }
}

}  // namespace
}  // namespace q50
