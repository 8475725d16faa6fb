// The legacy replay hashes its journal lines without building them when it keeps no text
// (core/fnv_literal.h); with keep_journal_text it builds the text and hashes that byte by
// byte. Both must give the same fingerprint, equal to FNV-1a of the kept text, on every
// reference case of both profiles (every kind of journal line occurs in them). run_replays
// (the runs of one sweep thread, their journals' text hashed side by side) gives every run
// run_replay's result, fingerprint included, whatever the batch holds.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "core/prng.h"
#include "io/backtest_input.h"
#include "sim/legacy/replay.h"
#include "tests/sim/legacy/replay_agreement.h"

namespace q50 {
namespace {

// Every case's bars and config, for the batch test below.
struct Case {
  std::string name;
  std::vector<legacy::MarketBar> bars;
  sim::ReplayConfig config;
};
std::vector<Case> all_cases;

void check(const std::vector<legacy::MarketBar>& bars, sim::ReplayConfig rc,
           const std::string& name) {
  all_cases.push_back({name, bars, rc});
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
      check(*bars, rc, dir.filename().string());
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
      check(*bars, rc, dir.filename().string());
    }
  }
}

void expect_same(const sim::ReplayResult& got, const sim::ReplayResult& want) {
  BOOST_TEST(got.fingerprint == want.fingerprint);
  BOOST_TEST(got.events == want.events);
  BOOST_TEST(got.final_cash == want.final_cash);
  BOOST_TEST(got.final_position == want.final_position);
  BOOST_TEST(got.hb_bars.size() == want.hb_bars.size());
  BOOST_TEST(got.hb_trades.size() == want.hb_trades.size());
  BOOST_TEST(got.hb_holds.size() == want.hb_holds.size());
  BOOST_TEST(got.qb_rows.size() == want.qb_rows.size());
  for (std::size_t i = 0; i < std::min(got.hb_bars.size(), want.hb_bars.size()); ++i) {
    BOOST_TEST_CONTEXT("bar " << i) {
      BOOST_TEST(got.hb_bars[i].portfolio_value == want.hb_bars[i].portfolio_value);
      BOOST_TEST(got.hb_bars[i].position == want.hb_bars[i].position);
    }
  }
  BOOST_TEST(got.journal_text == want.journal_text);
}

// A run given its bar signals beforehand (HbParams::signals, what a sweep shares between its
// points) is the run that computes them bar by bar, on every HB case and for every sizing rule.
BOOST_AUTO_TEST_CASE(a_signal_table_gives_the_same_run,
                     *boost::unit_test::depends_on("hashed_lines_equal_text_lines_on_every_case")) {
  std::size_t hb_cases = 0;
  for (const Case& c : all_cases) {
    if (c.config.params.profile != legacy::StrategyProfile::kLegacyHummingbot) continue;
    ++hb_cases;
    for (const HbSizingMethod sizing :
         {HbSizingMethod::kSimple, HbSizingMethod::kKelly, HbSizingMethod::kVolatility,
          HbSizingMethod::kSharpe, HbSizingMethod::kRiskParity, HbSizingMethod::kEnhanced}) {
      BOOST_TEST_CONTEXT(c.name << ", " << hb_sizing_method_name(sizing)) {
        sim::ReplayConfig rc = c.config;
        rc.params.hb.options.sizing = sizing;
        const sim::ReplayResult computed = sim::run_replay(c.bars, rc);
        const legacy::HbSignalTable table = legacy::hb_signal_table(c.bars, rc.params.hb);
        BOOST_TEST(table.signals.size() == c.bars.size());
        rc.params.hb.signals = &table;
        expect_same(sim::run_replay(c.bars, rc), computed);
        const sim::ReplayJob jobs[] = {{c.bars, &rc}, {c.bars, &rc}, {c.bars, &rc}};
        for (const auto& r : sim::run_replays(jobs)) expect_same(r, computed);
      }
    }
  }
  BOOST_TEST(hb_cases >= 9);
}

// Runs the test above filled all_cases with; both profiles, long and short runs, mixed.
BOOST_AUTO_TEST_CASE(a_batch_of_runs_gives_each_run_its_own_result,
                     *boost::unit_test::depends_on("hashed_lines_equal_text_lines_on_every_case")) {
  BOOST_REQUIRE(all_cases.size() >= 12);
  std::vector<sim::ReplayResult> single;
  for (const Case& c : all_cases) single.push_back(sim::run_replay(c.bars, c.config));
  // Every case once, then batches of every size 1..9 over a rotating choice of cases, a case
  // twice in one batch, and one run keeping its journal text among deferred ones.
  std::vector<std::vector<std::size_t>> batches;
  std::vector<std::size_t> every(all_cases.size());
  for (std::size_t i = 0; i < every.size(); ++i) every[i] = i;
  batches.push_back(every);
  for (std::size_t size = 1; size <= 9; ++size) {
    std::vector<std::size_t> b;
    for (std::size_t j = 0; j < size; ++j) b.push_back((size * 5 + j * 7) % all_cases.size());
    batches.push_back(b);
  }
  batches.push_back({0, 0, 1});
  for (const auto& batch : batches) {
    std::vector<sim::ReplayConfig> configs;
    configs.reserve(batch.size());
    for (const std::size_t i : batch) configs.push_back(all_cases[i].config);
    const bool with_text = batch.size() == 3 && batch[0] == 0 && batch[1] == 0;
    if (with_text) configs[1].keep_journal_text = true;
    std::vector<sim::ReplayJob> jobs;
    for (std::size_t j = 0; j < batch.size(); ++j) {
      jobs.push_back({all_cases[batch[j]].bars, &configs[j]});
    }
    const std::vector<sim::ReplayResult> results = sim::run_replays(jobs);
    BOOST_REQUIRE(results.size() == batch.size());
    for (std::size_t j = 0; j < batch.size(); ++j) {
      BOOST_TEST_CONTEXT("batch of " << batch.size() << ", run " << j << ": "
                                     << all_cases[batch[j]].name) {
        if (with_text && j == 1) {
          BOOST_TEST(results[j].fingerprint == single[batch[j]].fingerprint);
          BOOST_TEST(results[j].fingerprint == fnv1a(results[j].journal_text));
        } else {
          expect_same(results[j], single[batch[j]]);
        }
      }
    }
  }
  BOOST_TEST(sim::run_replays({}).empty());
}

}  // namespace
}  // namespace q50
