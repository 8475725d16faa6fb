// core/q50_strategy step(): hand-worked cases of the native strategy. Sizes use the HB
// 'simple' rule where a number is worked by hand: 10|q50| / max(1, spread / 0.01), clipped to
// [0.01, cap] -- with q10/q50/q90 = 0.01/0.02/0.03 that is 10 * 0.02 / 2 = 0.1 of equity.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <optional>
#include <variant>

#include "core/strategy.h"

namespace q50::strategy {
namespace {

namespace tt = boost::test_tools;

constexpr TimestampNs kHourNs = 3'600'000'000'000;

Params simple_params() {
  Params p;
  p.percentiles = {0.0029 * 0.0029, 0.0063 * 0.0063, 0.011 * 0.011};
  p.sizing = SizingRule::kHb;
  p.hb_method = HbSizingMethod::kSimple;
  p.hb_max_position_pct = 0.5;
  p.max_abs_fraction = 0.5;
  p.lot_size = 1e-5;
  p.limits = {1.0, 1.0, 1.0, 1.0, 1e-5, 5.0};
  p.initial_cash = 10000.0;
  return p;
}

Bar bar_at(int i, double close = 100.0) {
  return {(i + 1) * kHourNs, close, close, close, close, 10.0};
}

SignalUpdate long_signal(int i) { return {(i + 1) * kHourNs, 0.01, 0.02, 0.03}; }
SignalUpdate short_signal(int i) { return {(i + 1) * kHourNs, -0.03, -0.02, -0.01}; }
// q50 == 0: never tradeable, so HOLD (existing system: zero q50 stays HOLD).
SignalUpdate hold_signal(int i) { return {(i + 1) * kHourNs, -0.01, 0.0, 0.01}; }

// Eight flat bars without a signal: the features exist, nothing trades.
State warmed(const Params& p) {
  State s = initial_state(p);
  for (int i = 0; i < 8; ++i) {
    const StepResult r = step(s, bar_at(i), p);
    BOOST_REQUIRE(r.commands.size() == 1U);
    s = r.state;
  }
  return s;
}

struct BarOutcome {
  State state;
  std::optional<SubmitOrder> order;
  BarRecord record;
};

BarOutcome on_bar(const State& s0, const Params& p, int i, std::optional<SignalUpdate> signal,
                  double close = 100.0) {
  State s = s0;
  if (signal) {
    const StepResult r = step(s, *signal, p);
    BOOST_TEST(r.commands.size() == 0U);
    s = r.state;
  }
  const StepResult r = step(s, bar_at(i, close), p);
  BarOutcome out{r.state, std::nullopt, {}};
  for (const Command& c : r.commands) {
    if (const auto* o = std::get_if<SubmitOrder>(&c)) out.order = *o;
    if (const auto* b = std::get_if<BarRecord>(&c)) out.record = *b;
  }
  return out;
}

// The venue fills the whole order at price with a fee, no slippage.
State filled(const State& s, const SubmitOrder& o, double price, double fee, const Params& p) {
  const double notional = std::fabs(o.qty) * price;
  return step(s, Filled{0, o.client_order_id, o.qty, price, notional, fee, 0.0, 0.0}, p).state;
}

BOOST_AUTO_TEST_CASE(long_signal_opens_the_expected_size) {
  const Params p = simple_params();
  const BarOutcome b = on_bar(warmed(p), p, 8, long_signal(8));
  BOOST_TEST(b.record.side == kSideLong);
  BOOST_TEST(b.record.signal_used);
  BOOST_TEST(b.record.size == 0.1, tt::tolerance(1e-12));  // 0.10000000000000003
  // 0.1 * 10000 / 100 = 10 units, already a lot multiple.
  BOOST_REQUIRE(b.order.has_value());
  BOOST_TEST(b.order->qty == 10.0);
  BOOST_TEST(b.order->client_order_id == 1);
  BOOST_TEST(b.record.target_qty == 10.0, tt::tolerance(1e-12));
  BOOST_TEST(b.state.in_flight.active);
  BOOST_TEST(b.state.counters.orders == 1);
  BOOST_TEST(b.state.counters.signals_used == 1);
}

BOOST_AUTO_TEST_CASE(order_rounds_toward_zero_to_the_lot) {
  Params p = simple_params();
  p.lot_size = 0.3;  // 10 units -> 33 lots of 0.3 = 9.9
  const BarOutcome b = on_bar(warmed(p), p, 8, long_signal(8));
  BOOST_REQUIRE(b.order.has_value());
  BOOST_TEST(b.order->qty == 33 * 0.3);
}

BOOST_AUTO_TEST_CASE(a_fill_moves_cash_and_position) {
  const Params p = simple_params();
  BarOutcome b = on_bar(warmed(p), p, 8, long_signal(8));
  BOOST_REQUIRE(b.order.has_value());
  const State s = filled(b.state, *b.order, 100.0, 1.0, p);
  BOOST_TEST(s.position == 10.0);
  BOOST_TEST(s.cash == 10000.0 - 1000.0 - 1.0);
  BOOST_TEST(!s.in_flight.active);
  BOOST_TEST(s.counters.fills == 1);
}

BOOST_AUTO_TEST_CASE(partial_fill_keeps_the_order_in_flight) {
  const Params p = simple_params();
  BarOutcome b = on_bar(warmed(p), p, 8, long_signal(8));
  BOOST_REQUIRE(b.order.has_value());
  State s = step(b.state, Filled{0, 1, 4.0, 100.0, 400.0, 0.4, 0.2, 6.0}, p).state;
  BOOST_TEST(s.in_flight.active);
  BOOST_TEST(s.position == 4.0);
  BOOST_TEST(s.cash == 10000.0 - 400.0 - 0.4 - 0.2);
  s = step(s, Ended{0, 1, 6.0, false}, p).state;
  BOOST_TEST(!s.in_flight.active);
  BOOST_TEST(s.counters.orders_ended == 1);
}

BOOST_AUTO_TEST_CASE(one_order_in_flight) {
  const Params p = simple_params();
  const BarOutcome first = on_bar(warmed(p), p, 8, long_signal(8));
  BOOST_REQUIRE(first.order.has_value());
  // Unanswered: the next bar records but decides nothing, whatever its signal says.
  const BarOutcome waiting = on_bar(first.state, p, 9, short_signal(9));
  BOOST_TEST(!waiting.order.has_value());
  BOOST_TEST(waiting.record.waiting);
  BOOST_TEST(!waiting.record.signal_used);
  BOOST_TEST(waiting.state.counters.bars_waiting == 1);
  // A reject ends it; the next bar may send again (id 2).
  const State after = step(waiting.state, Rejected{0, 1, -1001}, p).state;
  BOOST_TEST(after.counters.venue_rejects == 1);
  const BarOutcome again = on_bar(after, p, 10, long_signal(10));
  BOOST_REQUIRE(again.order.has_value());
  BOOST_TEST(again.order->client_order_id == 2);
}

// A long position of 10 units, then a HOLD bar.
State long_ten(const Params& p) {
  const BarOutcome b = on_bar(warmed(p), p, 8, long_signal(8));
  BOOST_REQUIRE(b.order.has_value());
  return filled(b.state, *b.order, 100.0, 0.0, p);
}

BOOST_AUTO_TEST_CASE(hold_closes_or_keeps_by_option) {
  Params p = simple_params();
  p.hold = HoldPolicy::kAlwaysClose;
  const BarOutcome closed = on_bar(long_ten(p), p, 9, hold_signal(9));
  BOOST_TEST(closed.record.side == kSideHold);
  BOOST_REQUIRE(closed.order.has_value());
  BOOST_TEST(closed.order->qty == -10.0);
  BOOST_TEST(closed.record.target_qty == 0.0);

  p.hold = HoldPolicy::kKeep;
  const BarOutcome kept = on_bar(long_ten(p), p, 9, hold_signal(9));
  BOOST_TEST(!kept.order.has_value());
  BOOST_TEST(kept.record.target_qty == 10.0);

  // Legacy: closes only when the tier confidence (HOLD rows have tier 0 -> 10) is below
  // min_confidence_hold.
  p.hold = HoldPolicy::kLegacyMinConfidence;
  BOOST_TEST(!on_bar(long_ten(p), p, 9, hold_signal(9)).order.has_value());
  p.min_confidence_hold = 11.0;
  BOOST_TEST(on_bar(long_ten(p), p, 9, hold_signal(9)).order.has_value());
}

BOOST_AUTO_TEST_CASE(no_signal_keeps_or_flattens_by_option) {
  Params p = simple_params();
  BOOST_TEST(!on_bar(long_ten(p), p, 9, std::nullopt).order.has_value());
  p.no_signal = NoSignalPolicy::kFlat;
  const BarOutcome flat = on_bar(long_ten(p), p, 9, std::nullopt);
  BOOST_REQUIRE(flat.order.has_value());
  BOOST_TEST(flat.order->qty == -10.0);
}

BOOST_AUTO_TEST_CASE(stale_signals_are_used_or_ignored_by_option) {
  Params p = simple_params();
  SignalUpdate stale = long_signal(8);
  stale.match = SignalMatchKind::kStale;
  BOOST_TEST(on_bar(warmed(p), p, 8, stale).order.has_value());
  p.use_stale = false;
  const BarOutcome ignored = on_bar(warmed(p), p, 8, stale);
  BOOST_TEST(!ignored.order.has_value());
  BOOST_TEST(ignored.state.counters.stale_signals == 1);
}

BOOST_AUTO_TEST_CASE(short_signal_closes_in_spot_and_shorts_with_margin) {
  Params p = simple_params();
  const BarOutcome spot = on_bar(long_ten(p), p, 9, short_signal(9));
  BOOST_TEST(spot.record.side == kSideShort);
  BOOST_REQUIRE(spot.order.has_value());
  BOOST_TEST(spot.order->qty == -10.0);  // to flat, not below
  p.allow_short = true;
  const BarOutcome margin = on_bar(long_ten(p), p, 9, short_signal(9));
  BOOST_REQUIRE(margin.order.has_value());
  BOOST_TEST(margin.record.target_qty == -10.0, tt::tolerance(1e-12));
  BOOST_TEST(margin.order->qty == -20.0);
}

BOOST_AUTO_TEST_CASE(pyramid_adds_until_the_cap) {
  Params p = simple_params();
  p.rule = PositionRule::kLegacyPyramid;
  p.max_abs_fraction = 0.15;  // cap 15 units at equity 10000, price 100
  const BarOutcome add = on_bar(long_ten(p), p, 9, long_signal(9));
  BOOST_REQUIRE(add.order.has_value());
  BOOST_TEST(add.record.target_qty == 15.0);  // 10 + 10, capped
  BOOST_TEST(add.order->qty == 5.0);
  p.rule = PositionRule::kTargetPosition;
  p.max_abs_fraction = 0.5;
  BOOST_TEST(!on_bar(long_ten(p), p, 9, long_signal(9)).order.has_value());  // at target
}

BOOST_AUTO_TEST_CASE(risk_cap_clamps_or_rejects_by_mode) {
  Params p = simple_params();
  p.limits.max_order_fraction = 0.05;  // 500 quote: 5 units at 100
  p.risk_mode = RiskMode::kClamp;
  const BarOutcome clamped = on_bar(warmed(p), p, 8, long_signal(8));
  BOOST_REQUIRE(clamped.order.has_value());
  BOOST_TEST(clamped.order->qty == 5.0);
  BOOST_TEST(clamped.record.risk_limited);
  BOOST_TEST(reject_reason_name(clamped.record.risk_reason) ==
             reject_reason_name(RejectReason::kOrderCap));
  BOOST_TEST(clamped.state.counters.risk_clamps[static_cast<int>(RejectReason::kOrderCap)] == 1);

  p.risk_mode = RiskMode::kCheck;
  const BarOutcome rejected = on_bar(warmed(p), p, 8, long_signal(8));
  BOOST_TEST(!rejected.order.has_value());
  BOOST_TEST(rejected.record.risk_limited);
  BOOST_TEST(rejected.state.counters.risk_rejects[static_cast<int>(RejectReason::kOrderCap)] ==
             1);
  BOOST_TEST(!rejected.state.in_flight.active);
}

BOOST_AUTO_TEST_CASE(below_min_notional_sends_nothing_in_either_mode) {
  Params p = simple_params();
  p.limits.min_notional = 2000.0;  // the 1000-quote order is too small
  constexpr auto kReason = static_cast<int>(RejectReason::kBelowMinNotional);
  p.risk_mode = RiskMode::kCheck;
  const BarOutcome checked = on_bar(warmed(p), p, 8, long_signal(8));
  BOOST_TEST(!checked.order.has_value());
  BOOST_TEST(checked.state.counters.risk_rejects[kReason] == 1);
  // clamp_order finds no acceptable smaller order: counted as a clamp to zero.
  p.risk_mode = RiskMode::kClamp;
  const BarOutcome clamped = on_bar(warmed(p), p, 8, long_signal(8));
  BOOST_TEST(!clamped.order.has_value());
  BOOST_TEST(clamped.record.risk_limited);
  BOOST_TEST(clamped.state.counters.risk_clamps[kReason] == 1);
}

BOOST_AUTO_TEST_CASE(kelly_rule_uses_the_signal_rows_size) {
  Params p = simple_params();
  p.sizing = SizingRule::kKellyPositionSize;
  const State s = warmed(p);
  const BarOutcome b = on_bar(s, p, 8, long_signal(8));
  // The same row, recomputed: features of nine flat closes are vol_risk 0, momentum 0.
  const SignalRow row = compute_signal({0.01, 0.02, 0.03, 0.0f, 0.0f}, p.percentiles);
  BOOST_TEST(b.record.size == row.kelly_position_size);
  BOOST_REQUIRE(b.order.has_value());
  const double want = std::fmin(row.kelly_position_size, 0.5) * 10000.0 / 100.0;
  BOOST_TEST(std::fabs(b.order->qty - want) < 1e-5);
  BOOST_TEST(b.order->qty <= want);
}

BOOST_AUTO_TEST_CASE(flat_after_round_trip_is_exactly_zero) {
  // 0.1 + 0.2 - 0.3 leaves binary dust in doubles; the mirror snaps to the 1e-8 quantum.
  const Params p = simple_params();
  State s = warmed(p);
  s.in_flight = {true, 1, 0.3, 0.0};
  s = step(s, Filled{0, 1, 0.1, 100.0, 10.0, 0.0, 0.0, 0.2}, p).state;
  s = step(s, Filled{0, 1, 0.2, 100.0, 20.0, 0.0, 0.0, 0.0}, p).state;
  s.in_flight = {true, 2, -0.3, 0.0};
  s = step(s, Filled{0, 2, -0.3, 100.0, 30.0, 0.0, 0.0, 0.0}, p).state;
  BOOST_TEST(s.position == 0.0);
}

}  // namespace
}  // namespace q50::strategy
