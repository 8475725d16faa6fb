// core/strategy step(): the HB order/response contract and the named options that are ours
// (HOLD closes or keeps, target position instead of pyramiding). The legacy behaviour itself
// is pinned bar for bar by tests/sim/replay_*_agreement_test.cc.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <variant>

#include "core/legacy/strategy.h"

namespace q50::legacy {
namespace {

MarketBar bar(std::int64_t i, std::int64_t side, double price = 100.0) {
  MarketBar b;
  b.ts_ns = (i + 1) * 3'600'000'000'000;
  b.index = i;
  b.price = price;
  b.q10 = -0.01;
  b.q50 = 0.005;
  b.q90 = 0.02;
  b.side = side;
  b.signal_tier = 0;  // confidence 10
  b.signal_thresh = 0.002;
  b.truth = 0.0;
  return b;
}

// Fills an order the way the legacy venue would (no costs, to keep the arithmetic obvious).
StepResult fill(const StrategyState& s, const SubmitMarketOrder& o, double price,
                const StrategyParams& p) {
  const OrderFilled f{0, o.qty, price, 0.0, 0.0, s.hb.cash - o.qty * price,
                      s.hb.position + o.qty};
  return step(s, f, p);
}

// Runs one bar; returns the order it sent (qty 0 when it held) and the state after the fill.
double run_bar(StrategyState& s, const MarketBar& b, const StrategyParams& p) {
  StepResult r = step(s, b, p);
  s = r.state;
  if (r.commands.size() == 1) {
    const auto& o = std::get<SubmitMarketOrder>(*r.commands.begin());
    StepResult done = fill(s, o, b.price, p);
    s = done.state;
    BOOST_TEST(done.commands.size() == 2u);  // trade record + bar record
    return o.qty;
  }
  BOOST_TEST(r.commands.size() == 2u);  // hold record + bar record
  return 0.0;
}

BOOST_AUTO_TEST_CASE(legacy_pyramids_and_target_position_does_not) {
  StrategyParams p;
  p.hb.max_position_pct = 0.3;
  StrategyState s = initial_state(p, 10000.0);
  const double first = run_bar(s, bar(0, 1), p);
  const double second = run_bar(s, bar(1, 1), p);
  BOOST_TEST(first > 0.001);
  BOOST_TEST(second > 0.001);  // existing system: a repeated LONG adds again

  p.hb.options.rule = PositionRule::kTargetPosition;
  StrategyState t = initial_state(p, 10000.0);
  BOOST_TEST(run_bar(t, bar(0, 1), p) == first);
  BOOST_TEST(run_bar(t, bar(1, 1), p) == 0.0);  // already at target: a LONG_HOLD
}

BOOST_AUTO_TEST_CASE(hold_policy_decides_what_a_hold_bar_does_to_a_position) {
  for (const auto& policy_closes :
       {std::pair{HoldPolicy::kLegacyMinConfidence, false}, std::pair{HoldPolicy::kKeep, false},
        std::pair{HoldPolicy::kAlwaysClose, true}}) {
    const bool closes = policy_closes.second;
    StrategyParams p;
    p.hb.options.hold = policy_closes.first;
    StrategyState s = initial_state(p, 10000.0);
    const double opened = run_bar(s, bar(0, 1), p);
    const double on_hold = run_bar(s, bar(1, -1), p);  // confidence 10 >= min 1: legacy keeps
    BOOST_TEST((on_hold == -opened) == closes);
    BOOST_TEST((std::fabs(s.hb.position) < 1e-12) == closes);
  }
  // Existing system: a HOLD closes when confidence < min_confidence_hold (strict).
  StrategyParams p;
  p.hb.min_confidence_hold = 11.0;
  StrategyState s = initial_state(p, 10000.0);
  const double opened = run_bar(s, bar(0, 1), p);
  BOOST_TEST(run_bar(s, bar(1, -1), p) == -opened);
}

BOOST_AUTO_TEST_CASE(a_rejected_order_records_a_hold_bar_without_reason) {
  StrategyParams p;
  StrategyState s = initial_state(p, 10000.0);
  StepResult r = step(s, bar(0, 1), p);
  BOOST_REQUIRE(r.commands.size() == 1u);
  StepResult rj = step(r.state, OrderRejected{0, 1.0}, p);
  BOOST_REQUIRE(rj.commands.size() == 1u);
  const auto& rec = std::get<HbBarRecord>(*rj.commands.begin());
  BOOST_TEST(!rec.traded);
  BOOST_TEST((rec.hold_reason == HoldReason::kNone));
  BOOST_TEST(rec.portfolio_value == 10000.0);
}

BOOST_AUTO_TEST_CASE(a_flip_keeps_the_old_entry_price) {
  StrategyParams p;
  StrategyState s = initial_state(p, 10000.0);
  run_bar(s, bar(0, 1, 100.0), p);
  BOOST_TEST(s.hb.entry_price == 100.0);
  run_bar(s, bar(1, 0, 120.0), p);  // LONG -> SHORT flip
  BOOST_TEST(s.hb.position < 0);
  BOOST_TEST(s.hb.entry_price == 100.0);  // existing system's bug, kept
}

}  // namespace
}  // namespace q50::legacy
