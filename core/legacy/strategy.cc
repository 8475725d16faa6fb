#include "core/legacy/strategy.h"

#include <bit>
#include <cmath>
#include <optional>

#include "core/probability.h"

namespace q50::legacy {
namespace {

// Existing system: positions below this many base units count as flat, and orders below it
// are not sent (HummingbotQuantileBacktester's hard-coded 0.001).
constexpr double kMinUnits = 0.001;

double portfolio_value(const HbState& s, double price) { return s.cash + s.position * price; }

// The portfolio_history `pnl` diagnostic for a bar at `price`, given the position after it.
double diagnostic_pnl(const HbState& s, const MarketBar& bar, PnlFormula formula) {
  if (!s.has_prev) return 0.0;
  if (formula == PnlFormula::kFromPriceChange) {
    const double price_change = (bar.price - s.prev_price) / s.prev_price;
    return s.position * s.prev_price * price_change;
  }
  if (std::isnan(bar.truth)) return 0.0;
  return s.position * s.prev_price * bar.truth;
}

HbBarRecord bar_record(const HbState& s, TimestampNs ts_ns, double price, const HbSignal& sig,
                       bool traded, HoldReason reason, double pnl) {
  HbBarRecord r;
  r.ts_ns = ts_ns;
  r.price = price;
  r.signal = sig;
  r.traded = traded;
  r.hold_reason = reason;
  r.balance = s.cash;
  r.position = s.position;
  r.portfolio_value = portfolio_value(s, price);
  r.pnl = pnl;
  return r;
}

bool close_on_hold(const HbSignal& sig, const HbParams& params) {
  switch (params.options.hold) {
    case HoldPolicy::kLegacyMinConfidence:
      return sig.confidence < params.min_confidence_hold;
    case HoldPolicy::kAlwaysClose:
      return true;
    case HoldPolicy::kKeep:
      return false;
  }
  return false;
}

// execute_trade's position_change for a LONG/SHORT bar.
double directional_change(const HbState& s, const HbSignal& sig, double price,
                          const HbParams& params) {
  const double position_value = portfolio_value(s, price) * sig.target_pct;
  const double position_size = position_value / price;
  const bool is_long = sig.direction == HbDirection::kLong;
  if (params.options.rule == PositionRule::kTargetPosition) {
    return (is_long ? position_size : -position_size) - s.position;
  }
  // Existing system: pyramiding; a flip goes to exactly +-position_size.
  if (is_long) return s.position < 0 ? position_size - s.position : position_size;
  return s.position > 0 ? -position_size - s.position : -position_size;
}

// A bar that ends without an order: one hold record and the bar's record.
void record_hold(StepResult& out, const MarketBar& bar, const HbSignal& sig,
                 HoldReason reason, const HbParams& params) {
  HbState& s = out.state.hb;
  const double pnl = diagnostic_pnl(s, bar, params.pnl);
  out.commands.push(HbHoldRecord{bar.ts_ns, reason, s.position, bar.price,
                                 portfolio_value(s, bar.price)});
  out.commands.push(bar_record(s, bar.ts_ns, bar.price, sig, false, reason, pnl));
  s.has_prev = true;
  s.prev_price = bar.price;
}

void submit(StepResult& out, const MarketBar& bar, const HbSignal& sig, double qty,
            OrderPurpose purpose) {
  HbPending& p = out.state.hb.pending;
  p.active = true;
  p.purpose = purpose;
  p.signal = sig;
  p.bar = bar;
  out.commands.push(SubmitMarketOrder{qty, purpose});
}

// The bar's signal from a table made beforehand (HbParams::signals).
const HbSignal& table_signal(const HbSignalTable& table, const MarketBar& bar,
                             const HbParams& params) {
  Q50_CHECK(table.sizing == params.options.sizing &&
                std::bit_cast<std::uint64_t>(table.max_position_pct) ==
                    std::bit_cast<std::uint64_t>(params.max_position_pct) &&
                bar.index >= 0 && static_cast<std::uint64_t>(bar.index) < table.signals.size(),
            "HB signal table made for other params or bars");
  return table.signals[static_cast<std::size_t>(bar.index)];
}

// The step functions below update out.state (the state before the event) in place and push
// their commands to out.commands (empty on entry).
void hb_on_bar(StepResult& out, const MarketBar& bar, const HbParams& params) {
  HbState& s = out.state.hb;
  Q50_CHECK(!s.pending.active && !s.ended, "HB strategy got a bar while an order is in flight");
  s.last_price = bar.price;
  const HbSignal sig = params.signals != nullptr ? table_signal(*params.signals, bar, params)
                                                 : hb_signal(bar, params);
  if (sig.direction == HbDirection::kHold) {
    if (std::fabs(s.position) <= kMinUnits) {
      return record_hold(out, bar, sig, HoldReason::kHoldNoPosition, params);
    }
    if (close_on_hold(sig, params)) {
      return submit(out, bar, sig, -s.position, OrderPurpose::kNeutralClose);
    }
    return record_hold(out, bar, sig, HoldReason::kHoldPosition, params);
  }
  const double change = directional_change(s, sig, bar.price, params);
  if (std::fabs(change) < kMinUnits) {
    const bool is_long = sig.direction == HbDirection::kLong;
    const bool holding = std::fabs(s.position) > kMinUnits;
    const HoldReason reason = is_long ? (holding ? HoldReason::kLongHold
                                                 : HoldReason::kLongNoPosition)
                                      : (holding ? HoldReason::kShortHold
                                                 : HoldReason::kShortNoPosition);
    return record_hold(out, bar, sig, reason, params);
  }
  return submit(out, bar, sig, change, OrderPurpose::kDirectional);
}

// _execute_position_change after the cash leg: realised pnl on the closed part (only with a
// known entry), minus this trade's costs; then the entry price. Existing-system quirk: a
// long<->short flip is neither "adding" nor a full close, so the new position keeps the OLD
// entry price.
HbTradeRecord apply_fill(HbState& s, const OrderFilled& fill, OrderPurpose purpose,
                         HbDirection signal) {
  const double before = s.position;
  const double change = fill.qty;
  double trade_pnl = 0.0;
  if ((before > 0 && change < 0) || (before < 0 && change > 0)) {
    const double closed = std::fabs(change) < std::fabs(before) ? std::fabs(change)
                                                                : std::fabs(before);
    if (s.entry_price > 0) {
      trade_pnl = before > 0 ? closed * (fill.price - s.entry_price)
                             : closed * (s.entry_price - fill.price);
    }
  }
  s.cash = fill.cash_after;
  s.position = fill.position_after;
  if (std::fabs(s.position) < kMinUnits) {
    s.entry_price = 0.0;
  } else if ((before >= 0 && change > 0) || (before <= 0 && change < 0)) {
    if (std::fabs(before) < kMinUnits) {
      s.entry_price = fill.price;
    } else {
      const double total_cost_before = std::fabs(before) * s.entry_price;
      const double additional_cost = std::fabs(change) * fill.price;
      const double total_quantity = std::fabs(before) + std::fabs(change);
      s.entry_price = (total_cost_before + additional_cost) / total_quantity;
    }
  }
  trade_pnl -= (fill.fee + fill.slippage);
  return HbTradeRecord{fill.ts_ns,      change > 0,      purpose,    signal,
                       std::fabs(change), fill.price,    fill.fee,   fill.slippage,
                       before,           s.position,      s.cash,     trade_pnl,
                       s.entry_price};
}

// A venue response to the bar's order (or to BACKTEST_END): the trade record if it filled,
// then the bar's record. Existing system: a rejected buy records no trade and no hold, so the
// bar shows HOLD with an empty reason. The diagnostic pnl uses the position after the response.
void hb_on_response(StepResult& out, const Event& event, const HbParams& params) {
  HbState& s = out.state.hb;
  Q50_CHECK(s.pending.active, "HB strategy got a venue response with no order in flight");
  const HbPending p = s.pending;
  s.pending.active = false;
  const auto* fill = std::get_if<OrderFilled>(&event);
  if (fill != nullptr) out.commands.push(apply_fill(s, *fill, p.purpose, p.signal.direction));
  if (p.purpose == OrderPurpose::kBacktestEnd) return;
  const double pnl = diagnostic_pnl(s, p.bar, params.pnl);
  out.commands.push(bar_record(s, p.bar.ts_ns, p.bar.price, p.signal, fill != nullptr,
                               HoldReason::kNone, pnl));
  s.has_prev = true;
  s.prev_price = p.bar.price;
}

void hb_on_end(StepResult& out, const EndOfData& end) {
  HbState& s = out.state.hb;
  Q50_CHECK(!s.pending.active && !s.ended, "HB strategy ended twice or with an order in flight");
  s.ended = true;
  if (std::fabs(s.position) > kMinUnits) {
    HbPending& p = s.pending;
    p.active = true;
    p.purpose = OrderPurpose::kBacktestEnd;
    p.bar = MarketBar{};
    p.bar.ts_ns = end.ts_ns;
    p.bar.price = s.last_price;
    out.commands.push(SubmitMarketOrder{-s.position, OrderPurpose::kBacktestEnd});
  }
}

// QuantileBacktester.run_backtest, one loop iteration.
void qb_on_bar(StepResult& out, const MarketBar& bar, const QbParams& params) {
  QbState& s = out.state.qb;
  double pnl = 0.0;
  if (s.bars > 0) {
    // PnL timing: the position set at the previous bar earns this bar's truth.
    pnl = s.position * bar.truth * s.capital;
    s.cumulative_pnl += pnl;
    s.capital += pnl;
  }
  const Quantiles q{bar.q10, bar.q50, bar.q90};
  const QbTradingSignal sig =
      qb_trading_signal(params.sizing, q, params.tier_confidence, params.volatility, s.capital);
  double target = sig.target_position;
  // Existing system: costs in position fractions times a "price" of 1.0, subtracted from
  // dollar capital, so they are about $0; slippage is quadratic in the change.
  const double change = target - s.position;
  const double notional = std::fabs(change * 1.0);
  const double fee = notional * params.fee_rate;
  const double slippage = notional * params.slippage_rate * std::fabs(change);
  s.capital -= (fee + slippage);
  s.cumulative_pnl -= (fee + slippage);
  if (s.capital > s.peak) s.peak = s.capital;
  const double drawdown = (s.peak - s.capital) / s.peak;
  QbSide side = sig.signal == QbSignal::kBuy    ? QbSide::kBuy
                : sig.signal == QbSignal::kSell ? QbSide::kSell
                                                : QbSide::kHold;
  if (drawdown > params.max_drawdown_limit) {
    // Existing system: the costs were already charged on the original change.
    target = 0.0;
    side = QbSide::kLiquidate;
  }
  const ThreeWayProbs probs = qb_calculate_probabilities(bar.q10, bar.q50, bar.q90);
  out.commands.push(QbRowRecord{bar.ts_ns, side, s.position, target, bar.q90 - bar.q10,
                                probs.down, probs.neutral, probs.up, bar.signal_tier,
                                params.tier_confidence, pnl, s.cumulative_pnl, fee, slippage,
                                s.capital, drawdown});
  s.position = target;
  ++s.bars;
}

}  // namespace

std::string_view profile_name(StrategyProfile p) {
  return p == StrategyProfile::kLegacyHummingbot ? "hummingbot" : "quantile";
}

std::string_view direction_name(HbDirection d) {
  switch (d) {
    case HbDirection::kLong:
      return "LONG";
    case HbDirection::kShort:
      return "SHORT";
    case HbDirection::kHold:
      return "HOLD";
  }
  return "HOLD";
}

std::string_view hold_reason_name(HoldReason r) {
  switch (r) {
    case HoldReason::kNone:
      return "";
    case HoldReason::kHoldPosition:
      return "HOLD_POSITION";
    case HoldReason::kHoldNoPosition:
      return "HOLD_NO_POSITION";
    case HoldReason::kLongHold:
      return "LONG_HOLD";
    case HoldReason::kShortHold:
      return "SHORT_HOLD";
    case HoldReason::kLongNoPosition:
      return "LONG_NO_POSITION";
    case HoldReason::kShortNoPosition:
      return "SHORT_NO_POSITION";
  }
  return "";
}

std::string_view qb_side_name(QbSide s) {
  switch (s) {
    case QbSide::kBuy:
      return "BUY";
    case QbSide::kSell:
      return "SELL";
    case QbSide::kHold:
      return "HOLD";
    case QbSide::kLiquidate:
      return "LIQUIDATE";
  }
  return "HOLD";
}

HbSignal hb_signal(const MarketBar& bar, const HbParams& params) {
  HbSignal sig;
  sig.confidence = hb_tier_confidence(static_cast<double>(bar.signal_tier));
  const ThreeWayProbs probs =
      hb_quantiles_to_probabilities(bar.q10, bar.q50, bar.q90, std::nullopt);
  sig.prob_down_adj = probs.down;
  sig.prob_neutral = probs.neutral;
  sig.prob_up_adj = probs.up;
  HbSizingInputs in{bar.q10, bar.q50, bar.q90, sig.confidence};
  in.signal_thresh = bar.signal_thresh;
  in.max_position_pct = params.max_position_pct;
  sig.target_pct = hb_calculate_target_pct(params.options.sizing, in);
  sig.prob_up = prob_up_piecewise(bar.q10, bar.q50, bar.q90);
  sig.direction = bar.side == 1   ? HbDirection::kLong
                  : bar.side == 0 ? HbDirection::kShort
                                  : HbDirection::kHold;
  return sig;
}

HbSignalTable hb_signal_table(std::span<const MarketBar> bars, const HbParams& params) {
  HbSignalTable table;
  table.sizing = params.options.sizing;
  table.max_position_pct = params.max_position_pct;
  table.signals.reserve(bars.size());
  for (const MarketBar& bar : bars) table.signals.push_back(hb_signal(bar, params));
  return table;
}

StrategyState initial_state(const StrategyParams& params, double initial_balance) {
  StrategyState s;
  s.hb.cash = initial_balance;
  s.qb.capital = params.qb.initial_capital;
  s.qb.peak = params.qb.initial_capital;
  return s;
}

void step_in_place(StepResult& io, const Event& event, const StrategyParams& params) {
  io.commands.clear();
  if (params.profile == StrategyProfile::kLegacyQuantile) {
    const auto* bar = std::get_if<MarketBar>(&event);
    if (bar != nullptr) return qb_on_bar(io, *bar, params.qb);
    Q50_CHECK(std::holds_alternative<EndOfData>(event), "QB strategy has no orders");
    return;
  }
  if (const auto* bar = std::get_if<MarketBar>(&event)) return hb_on_bar(io, *bar, params.hb);
  if (const auto* end = std::get_if<EndOfData>(&event)) return hb_on_end(io, *end);
  hb_on_response(io, event, params.hb);
}

StepResult step(const StrategyState& state, const Event& event, const StrategyParams& params) {
  StepResult out{state, {}};
  step_in_place(out, event, params);
  return out;
}

}  // namespace q50::legacy
