// Properties of the native strategy over random accounts, price paths, signals and params:
// every order it sends passes the risk check it was sized against, is finite and non-zero, a
// LONG/SHORT target stays within the exposure cap, closing is mirror-symmetric, and nothing
// is sent while an order is in flight.
#include <rapidcheck/boost_test.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <optional>
#include <variant>
#include <vector>

#include "core/strategy.h"

namespace q50::strategy {
namespace {

constexpr TimestampNs kHourNs = 3'600'000'000'000;

rc::Gen<double> grid(int lo, int hi, double step) {
  return rc::gen::map(rc::gen::inRange(lo, hi + 1),
                      [step](int k) { return static_cast<double>(k) * step; });
}

Params any_params() {
  Params p;
  p.percentiles = {0.0029 * 0.0029, 0.0063 * 0.0063, 0.011 * 0.011};
  p.sizing = *rc::gen::element(SizingRule::kKellyPositionSize,
                               SizingRule::kPositionSizeSuggestion, SizingRule::kHb);
  p.hb_method = *rc::gen::element(HbSizingMethod::kSimple, HbSizingMethod::kKelly,
                                  HbSizingMethod::kVolatility, HbSizingMethod::kSharpe,
                                  HbSizingMethod::kRiskParity, HbSizingMethod::kEnhanced);
  p.hold = *rc::gen::element(HoldPolicy::kAlwaysClose, HoldPolicy::kKeep,
                             HoldPolicy::kLegacyMinConfidence);
  p.rule = *rc::gen::element(PositionRule::kTargetPosition,
                             PositionRule::kLegacyPyramid);
  p.max_abs_fraction = *grid(0, 150, 0.01);
  p.allow_short = *rc::gen::arbitrary<bool>();
  p.no_signal = *rc::gen::element(NoSignalPolicy::kKeep, NoSignalPolicy::kFlat);
  p.rebalance_min_fraction = *rc::gen::element(0.0, 0.02, 0.1);
  p.lot_size = *rc::gen::element(1e-5, 1e-3, 0.1);
  p.risk_mode = *rc::gen::element(RiskMode::kCheck, RiskMode::kClamp);
  p.limits = {*grid(0, 150, 0.01), *grid(0, 150, 0.01), *grid(0, 300, 0.01), *grid(1, 100, 0.01),
              *rc::gen::element(0.0, 1e-5, 0.01), *rc::gen::element(0.0, 5.0, 100.0)};
  p.initial_cash = *grid(0, 1000000, 1.0);
  return p;
}

// A random walk of closes around `start` (log steps up to +-3%).
std::vector<double> any_path(double start, int bars) {
  std::vector<double> out;
  double c = start;
  for (int i = 0; i < bars; ++i) {
    c *= std::exp(*grid(-300, 300, 1e-4));
    out.push_back(c);
  }
  return out;
}

SignalUpdate any_signal(TimestampNs ts) {
  const double q50 = *grid(-400, 400, 1e-4);
  const double lo = *grid(0, 400, 1e-4);
  const double hi = *grid(0, 400, 1e-4);
  return {ts, q50 - lo, q50, q50 + hi, SignalMatchKind::kExact};
}

Bar bar_at(int i, double close) { return {(i + 1) * kHourNs, close, close, close, close, 1.0}; }

struct Outcome {
  State state;
  std::optional<SubmitOrder> order;
  BarRecord record;
};

Outcome run_bar(const State& s0, const Params& p, int i, double close,
                const std::optional<SignalUpdate>& signal) {
  State s = s0;
  if (signal) s = step(s, *signal, p).state;
  const StepResult r = step(s, bar_at(i, close), p);
  Outcome out{r.state, std::nullopt, {}};
  for (const Command& c : r.commands) {
    if (const auto* o = std::get_if<SubmitOrder>(&c)) out.order = *o;
    if (const auto* b = std::get_if<BarRecord>(&c)) out.record = *b;
  }
  return out;
}

// Warm-up bars without signal under kKeep (no orders), then a random position and kill-switch
// history, as if earlier fills had happened.
State any_state(const Params& p, const std::vector<double>& path) {
  Params quiet = p;
  quiet.no_signal = NoSignalPolicy::kKeep;
  State s = initial_state(p);
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    s = run_bar(s, quiet, static_cast<int>(i), path[i], std::nullopt).state;
  }
  const double price = path.back();
  const double units = std::fmax(p.initial_cash, 1.0) / price;
  const double lo = p.allow_short ? -150 : 0;
  s.position = std::round(*grid(static_cast<int>(lo), 150, 0.01) * units / p.lot_size) * p.lot_size;
  s.cash = p.initial_cash - s.position * price * *grid(50, 150, 0.01);
  return s;
}

RC_BOOST_PROP(prop_orders_pass_the_risk_check_and_are_finite, ()) {
  const Params p = any_params();
  const std::vector<double> path = any_path(*grid(1, 100000, 1.0), *rc::gen::inRange(2, 12));
  const State s = any_state(p, path);
  const int last = static_cast<int>(path.size()) - 1;
  const std::optional<SignalUpdate> signal =
      *rc::gen::arbitrary<bool>() ? std::optional<SignalUpdate>(any_signal(bar_at(last, 1).ts_ns))
                                  : std::nullopt;
  const Outcome out = run_bar(s, p, last, path.back(), signal);
  RC_ASSERT(out.record.cash == s.cash);  // the bar itself never moves money
  RC_TAG(out.order ? "order" : "no order", out.record.risk_limited ? "risk limited" : "free");
  if (!out.order) return;
  const double qty = out.order->qty;
  RC_ASSERT(std::isfinite(qty));
  RC_ASSERT(qty != 0.0);
  // The account the strategy checked: this bar's close, its cash and position, the kill
  // switch after observing this bar's equity.
  const RiskDecision d = check_order(risk_account(out.state, path.back()), qty, p.limits);
  RC_ASSERT(d.accepted());
  RC_ASSERT(out.state.in_flight.active);
  // Spot (no shorting): never sells below flat.
  if (!p.allow_short) RC_ASSERT(s.position + qty >= -1e-9 * std::fabs(s.position));
  // One order in flight: the next bar, whatever its signal, sends nothing.
  const Outcome next =
      run_bar(out.state, p, last + 1, path.back(), any_signal(bar_at(last + 1, 1).ts_ns));
  RC_ASSERT(!next.order.has_value());
  RC_ASSERT(next.record.waiting);
}

RC_BOOST_PROP(prop_directional_target_within_the_cap, ()) {
  const Params p = any_params();
  const std::vector<double> path = any_path(*grid(1, 100000, 1.0), *rc::gen::inRange(2, 12));
  const State s = any_state(p, path);
  const int last = static_cast<int>(path.size()) - 1;
  const Outcome out = run_bar(s, p, last, path.back(), any_signal(bar_at(last, 1).ts_ns));
  const BarRecord& r = out.record;
  if (!r.signal_used || (r.side != kSideLong && r.side != kSideShort)) return;
  RC_TAG(r.side == kSideLong ? "long" : "short");
  const double equity = s.cash + s.position * path.back();
  const double cap = equity > 0 ? p.max_abs_fraction * equity / path.back() : 0.0;
  RC_ASSERT(std::isfinite(r.target_qty));
  RC_ASSERT(std::fabs(r.target_qty) <= cap * (1 + 1e-12));
  if (!p.allow_short) RC_ASSERT(r.target_qty >= 0.0);
  if (r.side == kSideShort && !p.allow_short) RC_ASSERT(r.target_qty == 0.0);
}

// Closing is symmetric: +p and -p (margin) under "flat without a signal" send -p and +p, or
// both nothing with the same risk outcome.
RC_BOOST_PROP(prop_closing_is_mirror_symmetric, ()) {
  Params p = any_params();
  p.allow_short = true;
  p.no_signal = NoSignalPolicy::kFlat;
  const std::vector<double> path = any_path(*grid(1, 100000, 1.0), *rc::gen::inRange(2, 12));
  const State s = any_state(p, path);
  State mirrored = s;
  mirrored.position = -s.position;
  mirrored.cash = s.cash + 2 * s.position * path.back();  // same equity at this close
  const int last = static_cast<int>(path.size()) - 1;
  const Outcome a = run_bar(s, p, last, path.back(), std::nullopt);
  const Outcome b = run_bar(mirrored, p, last, path.back(), std::nullopt);
  RC_ASSERT(a.order.has_value() == b.order.has_value());
  if (a.order) RC_ASSERT(a.order->qty == -b.order->qty);
  RC_ASSERT(a.record.risk_limited == b.record.risk_limited);
}

}  // namespace
}  // namespace q50::strategy
