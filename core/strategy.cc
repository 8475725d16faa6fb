#include "core/strategy.h"

#include <cmath>
#include <optional>

namespace q50::strategy {
namespace {

// Binary noise allowance when rounding to lots: qty / lot of an exact multiple can land a few
// ulps below the integer (0.3 / 1e-5 = 29999.999999999996), which must not cost a whole lot.
constexpr double kLotNoise = 1e-9;

constexpr std::size_t index_of(RejectReason r) { return static_cast<std::size_t>(r); }

double equity_at(const State& s, double price) { return s.cash + s.position * price; }

// Toward zero to a multiple of lot (> 0); non-finite input gives 0.
double round_to_lot(double qty, double lot) {
  if (!std::isfinite(qty)) return 0.0;
  const double lots = std::floor(std::fabs(qty) / lot + kLotNoise);
  return std::copysign(lots * lot, qty);
}

// What one bar decided (internal): the order after lot rounding and risk, 0 for none.
struct Decision {
  double target_qty = 0;
  double order_qty = 0;
  double size = 0;
  std::int8_t side = kSideHold;
  std::uint8_t tier = 0;
  bool signal_used = false;
  bool risk_limited = false;
  RejectReason risk_reason = RejectReason::kInvalidInput;
};

double size_of(const SignalRow& row, const SignalUpdate& u, const FeatureRow& f,
               const Params& p) {
  switch (p.sizing) {
    case SizingRule::kKellyPositionSize:
      return row.kelly_position_size;
    case SizingRule::kPositionSizeSuggestion:
      return row.position_size_suggestion;
    case SizingRule::kHb: {
      HbSizingInputs in{u.q10, u.q50, u.q90, hb_tier_confidence(static_cast<double>(row.signal_tier))};
      in.signal_thresh = row.signal_thresh_adaptive;
      // The stream's Std6 of log returns stands in for the row's $realized_vol_6; before it
      // exists (first bars) the original's absent-column default 0.009 applies.
      if (std::isfinite(f.vol_raw)) in.realized_vol_6 = static_cast<double>(f.vol_raw);
      in.max_position_pct = p.hb_max_position_pct;
      return hb_calculate_target_pct(p.hb_method, in);
    }
  }
  return 0.0;
}

// |target| <= max_abs_fraction * equity / price, in base units (0 when equity <= 0).
double cap_qty(double equity, double price, const Params& p) {
  return equity > 0 ? p.max_abs_fraction * equity / price : 0.0;
}

// The position a LONG/SHORT/HOLD bar aims at, in base units; nullopt = leave it alone.
std::optional<double> target_for(const State& s, const Decision& d, double equity, double price,
                                 const Params& p) {
  const bool is_long = d.side == kSideLong;
  const bool is_short = d.side == kSideShort;
  if (!is_long && !is_short) {
    switch (p.hold) {
      case HoldPolicy::kAlwaysClose:
        return 0.0;
      case HoldPolicy::kKeep:
        return std::nullopt;
      case HoldPolicy::kLegacyMinConfidence:
        if (hb_tier_confidence(static_cast<double>(d.tier)) < p.min_confidence_hold) return 0.0;
        return std::nullopt;
    }
  }
  if (is_short && !p.allow_short) return 0.0;  // spot: a SHORT can only take us to flat
  if (p.rule == PositionRule::kTargetPosition) {
    const double fraction =
        target_position_fraction(static_cast<Side>(d.side), d.size, p.max_abs_fraction);
    const auto order = target_position_order(fraction, equity, price, s.position);
    if (!order) return std::nullopt;
    return order->target_qty;
  }
  // kLegacyPyramid: the size is an order, added in the signal's direction every bar (a flip
  // or an open goes to exactly one unit); ours: never beyond the exposure cap.
  const double size = d.size > 0 ? std::fmin(d.size, p.max_abs_fraction) : 0.0;
  const double unit = equity > 0 ? size * equity / price : 0.0;
  const double sign = is_long ? 1.0 : -1.0;
  const double target = s.position * sign > 0 ? s.position + sign * unit : sign * unit;
  const double cap = cap_qty(equity, price, p);
  return std::fmax(-cap, std::fmin(target, cap));
}

// The risk gate on a lot-rounded order; returns the order to send (0 = none).
double risk_gate(State& s, double qty, double price, const Params& p, Decision& d) {
  const AccountState account = risk_account(s, price);
  if (p.risk_mode == RiskMode::kClamp) {
    const ClampedOrder c = clamp_order(account, qty, p.limits);
    if (c.limited_by) {
      ++s.counters.risk_clamps[index_of(*c.limited_by)];
      d.risk_limited = true;
      d.risk_reason = *c.limited_by;
      // A clamped size is no longer a lot multiple.
      qty = round_to_lot(c.qty, p.lot_size);
    }
    if (qty == 0.0) return 0.0;
  }
  // kCheck, and after a clamp: lot rounding can break the minimum size, so check again.
  const RiskDecision decision = check_order(account, qty, p.limits);
  if (!decision.accepted()) {
    ++s.counters.risk_rejects[index_of(decision.reason())];
    d.risk_limited = true;
    d.risk_reason = decision.reason();
    return 0.0;
  }
  return qty;
}

// Target -> lot-rounded, risk-checked order.
void order_for(State& s, double target, double equity, double price, const Params& p,
               Decision& d) {
  d.target_qty = target;
  const double want = target - s.position;
  if (!std::isfinite(want) || want == 0.0) return;
  // Closing sends exactly the position: it is already a multiple of the venue's step, and
  // rounding it again could leave dust behind.
  const bool closing = target == 0.0;
  if (!closing && p.rebalance_min_fraction > 0 &&
      std::fabs(want) * price < p.rebalance_min_fraction * equity) {
    ++s.counters.below_rebalance;
    return;
  }
  const double qty = closing ? want : round_to_lot(want, p.lot_size);
  if (qty == 0.0) {
    ++s.counters.below_lot;
    return;
  }
  d.order_qty = risk_gate(s, qty, price, p, d);
}

Decision decide(State& s, const FeatureRow& f, double price, double equity, const Params& p) {
  Decision d;
  d.target_qty = s.position;
  const SignalUpdate& u = s.signal.update;
  const bool have = s.signal.present && u.match != SignalMatchKind::kNone &&
                    (p.use_stale || u.match != SignalMatchKind::kStale);
  if (!have) {
    if (p.no_signal == NoSignalPolicy::kFlat) order_for(s, 0.0, equity, price, p, d);
    return d;
  }
  ++s.counters.signals_used;
  // size_of, the side and the tier never read signal_tanh: skip computing it.
  const SignalRow row = compute_signal_without_tanh(
      {u.q10, u.q50, u.q90, f.vol_risk, f.vol_raw_momentum}, p.percentiles);
  d.signal_used = true;
  d.side = row.side;
  d.tier = row.signal_tier;
  d.size = size_of(row, u, f, p);
  const std::optional<double> target = target_for(s, d, equity, price, p);
  if (target) order_for(s, *target, equity, price, p, d);
  return d;
}

// Fills r (the step's command slot, written in place: see Commands::emplace).
void write_record(BarRecord& r, const State& s, const Bar& bar, const Decision& d, bool waiting,
                  VarianceRegime regime) {
  r.ts_ns = bar.ts_ns;
  r.close = bar.close;
  r.signal_used = d.signal_used;
  r.side = d.side;
  r.tier = d.tier;
  r.variance_regime = regime;
  r.size = d.size;
  r.target_qty = d.target_qty;
  r.order_qty = d.order_qty;
  r.waiting = waiting;
  r.risk_limited = d.risk_limited;
  r.risk_reason = d.risk_reason;
  r.position = s.position;
  r.cash = s.cash;
  r.equity = equity_at(s, bar.close);
}

void on_bar(State& s, const Bar& bar, const Params& p, Commands& commands) {
  ++s.counters.bars;
  const FeatureRow f = s.features.push(static_cast<float>(bar.close));
  s.last_close = bar.close;
  const double equity = equity_at(s, bar.close);
  s.kill_switch = observe_equity(s.kill_switch, equity, p.limits.max_drawdown_fraction);
  Decision d;
  d.target_qty = s.position;
  const bool waiting = s.in_flight.active;
  if (waiting) {
    ++s.counters.bars_waiting;  // a signal meant for this bar is dropped with it
  } else {
    d = decide(s, f, bar.close, equity, p);
  }
  s.signal.present = false;
  if (d.order_qty != 0.0) {
    const std::int64_t id = s.next_order_id++;
    s.in_flight = {true, id, d.order_qty, 0.0};
    ++s.counters.orders;
    commands.push(SubmitOrder{id, d.order_qty, OrderKind::kMarket, 0.0});
  }
  write_record(commands.emplace<BarRecord>(), s, bar, d, waiting,
               variance_regime_of(variance_regime_flags(f.vol_risk, p.percentiles)));
}

void check_in_flight(const State& s, std::int64_t order_id) {
  Q50_CHECK(s.in_flight.active && s.in_flight.order_id == order_id,
            "venue event for an order that is not in flight");
}

void on_fill(State& s, const Filled& f, const Params& p) {
  check_in_flight(s, f.order_id);
  Q50_CHECK(f.qty != 0.0 && (f.qty > 0) == (s.in_flight.qty > 0), "fill on the wrong side");
  s.in_flight.filled += f.qty;
  Q50_CHECK(std::fabs(s.in_flight.filled) <= std::fabs(s.in_flight.qty) * (1 + 1e-12),
            "fills exceed the order quantity");
  s.position = std::round((s.position + f.qty) / p.qty_quantum) * p.qty_quantum;
  s.cash += (f.qty > 0 ? -f.notional : f.notional) - f.fee - f.slippage;
  ++s.counters.fills;
  if (f.remaining <= 0) s.in_flight = InFlight{};
}

}  // namespace

void warm_up(State& state, const Bar& bar) {
  state.features.push(static_cast<float>(bar.close));
  state.last_close = bar.close;
}

AccountState risk_account(const State& state, double close) {
  return {equity_at(state, close), state.position, close, 0.0, state.kill_switch};
}

State initial_state(const Params& params) {
  Q50_CHECK(params.lot_size > 0 && std::isfinite(params.lot_size), "lot_size must be > 0");
  Q50_CHECK(params.qty_quantum > 0 && std::isfinite(params.qty_quantum),
            "qty_quantum must be > 0");
  Q50_CHECK(params.max_abs_fraction >= 0 && std::isfinite(params.max_abs_fraction),
            "max_abs_fraction must be finite and >= 0");
  State s;
  s.cash = params.initial_cash;
  s.position = params.initial_position;
  return s;
}

StepResult step(const State& state, const Event& event, const Params& params) {
  StepResult out{state, {}};
  advance(out.state, event, params, out.commands);
  return out;
}

void advance(State& s, const Event& event, const Params& params, Commands& commands) {
  commands.clear();
  if (const auto* bar = std::get_if<Bar>(&event)) {
    on_bar(s, *bar, params, commands);
  } else if (const auto* fill = std::get_if<Filled>(&event)) {
    on_fill(s, *fill, params);
  } else if (const auto* u = std::get_if<SignalUpdate>(&event)) {
    s.signal = {true, *u};
    ++s.counters.signals;
    if (u->match == SignalMatchKind::kStale) ++s.counters.stale_signals;
  } else if (const auto* r = std::get_if<Rejected>(&event)) {
    check_in_flight(s, r->order_id);
    Q50_CHECK(s.in_flight.filled == 0.0, "a rejected order cannot have fills");
    s.in_flight = InFlight{};
    ++s.counters.venue_rejects;
  } else if (const auto* e = std::get_if<Ended>(&event)) {
    check_in_flight(s, e->order_id);
    s.in_flight = InFlight{};
    ++s.counters.orders_ended;
  }
}

}  // namespace q50::strategy
