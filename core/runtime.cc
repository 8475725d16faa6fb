#include "core/runtime.h"
#include "core/overloaded.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/fixed_point.h"
#include "core/limits.h"
#include "fmt/format.h"

namespace q50::runtime {
namespace {

strategy::Params with_opening_balances(strategy::Params p, const Config& c) {
  p.initial_cash = to_double(c.initial_quote_e8);
  p.initial_position = to_double(c.initial_base_e8);
  return p;
}

bool is_terminal(const venue::VenueEvent& event) {
  if (const auto* f = std::get_if<venue::Fill>(&event)) return f->leaves_qty_e8 == 0;
  if (const auto* r = std::get_if<venue::OrderRejected>(&event)) {
    return r->request == venue::RequestKind::kNewOrder;
  }
  return std::holds_alternative<venue::OrderCanceled>(event) ||
         std::holds_alternative<venue::OrderExpired>(event);
}

}  // namespace

Runtime::Runtime(Config config) : config_(std::move(config)) {
  config_.strategy = with_opening_balances(config_.strategy, config_);
  flat_params_ = config_.strategy;
  flat_params_.no_signal = strategy::NoSignalPolicy::kFlat;
  state_.strategy = strategy::initial_state(config_.strategy);
  state_.ledger = {config_.initial_quote_e8, config_.initial_base_e8};
}

Runtime::Runtime(Config config, strategy::State strategy, const OrderLog& log, Counters counters)
    : config_(std::move(config)) {
  config_.strategy = with_opening_balances(config_.strategy, config_);
  flat_params_ = config_.strategy;
  flat_params_.no_signal = strategy::NoSignalPolicy::kFlat;
  state_.strategy = std::move(strategy);
  state_.orders = log;
  state_.counters = counters;
  state_.mode = Mode::kRecovering;
  ledger_known_ = false;
  state_.mark_e8 = to_e8_nearest(state_.strategy.last_close);
}

std::string Runtime::client_order_id(std::int64_t id) const {
  return config_.client_id_prefix + std::to_string(id);
}

bool Runtime::matches(std::string_view client_order_id) const {
  const Order& o = state_.orders.in_flight;
  if (!o.active) return false;
  const std::string_view prefix = config_.client_id_prefix;
  if (client_order_id.substr(0, prefix.size()) != prefix) return false;
  return client_order_id.substr(prefix.size()) == std::to_string(o.client_id);
}

void Runtime::anomaly(TimestampNs ts_ns, std::string what, Commands& out) {
  ++state_.counters.anomalies;
  out.push_back(Anomaly{ts_ns, std::move(what)});
}

void Runtime::on_bar(const BarInput& input, Commands& out) {
  out.clear();
  if (state_.mode != Mode::kRunning) return;
  Order& o = state_.orders.in_flight;
  if (o.active && o.phase == OrderPhase::kAcknowledged && config_.cancel_after_bars > 0 &&
      ++o.bars_open >= config_.cancel_after_bars) {
    o.phase = OrderPhase::kCanceling;
    ++state_.counters.cancels;
    out.push_back(SendCancel{{o.order_id, client_order_id(o.client_id)}});
  }
  state_.mark_e8 = to_e8_nearest(input.bar.close);
  const strategy::Params& params = input.signal_source_flat ? flat_params_ : config_.strategy;
  const ports::SignalSample& s = input.signal;
  strategy::Commands commands;
  if (s.kind != SignalMatchKind::kNone) {
    strategy::advance(state_.strategy,
                      strategy::SignalUpdate{input.bar.ts_ns, s.q10, s.q50, s.q90, s.kind},
                      params, commands);
  }
  strategy::advance(state_.strategy, input.bar, params, commands);
  for (const strategy::Command& c : commands) {
    if (const auto* order = std::get_if<strategy::SubmitOrder>(&c)) {
      send(*order, input.now_ns, out);
    } else if (const auto* record = std::get_if<strategy::BarRecord>(&c)) {
      out.push_back(BarDone{*record, s, state_.mark_e8});
    }
  }
}

// The boundary conversion of an order: nearest e8, then down to the step (see runtime.h).
void Runtime::send(const strategy::SubmitOrder& order, TimestampNs now_ns, Commands& out) {
  if (!(std::fabs(order.qty) <= limits::kMaxOrderQty)) {
    ++state_.counters.anomalies;
    out.push_back(Anomaly{now_ns,
                          fmt::format("the strategy asked for an order of {} base units, beyond "
                                      "the {} an order may hold",
                                      order.qty, limits::kMaxOrderQty),
                          true});
    strategy::Commands none;
    strategy::advance(state_.strategy, strategy::Rejected{now_ns, order.client_order_id, 0},
                      config_.strategy, none);
    return;
  }
  const std::int64_t asked_e8 = to_e8_nearest(std::fabs(order.qty));
  const std::int64_t qty_e8 = venue::round_qty_down(config_.instrument, asked_e8);
  const bool buy = order.qty > 0;
  if (qty_e8 <= 0) {
    out.push_back(LotRejected{now_ns, order.client_order_id, buy ? asked_e8 : -asked_e8});
    strategy::Commands none;
    strategy::advance(state_.strategy, strategy::Rejected{now_ns, order.client_order_id, 0},
                      config_.strategy, none);
    return;
  }
  state_.orders.last_client_id = order.client_order_id;
  Order& o = state_.orders.in_flight;
  o = Order{};
  o.active = true;
  o.client_id = order.client_order_id;
  o.buy = buy;
  o.asked_e8 = qty_e8;
  o.decided_ts_ns = now_ns;
  SendOrder send;
  send.request.client_order_id = client_order_id(o.client_id);
  send.request.symbol = config_.instrument.symbol;
  send.request.side = buy ? venue::Side::kBuy : venue::Side::kSell;
  send.request.type = venue::OrderType::kMarket;
  send.request.qty_e8 = qty_e8;
  send.client_id = o.client_id;
  send.decided_ts_ns = now_ns;
  out.push_back(std::move(send));
}

void Runtime::end_in_flight(Commands& out) {
  state_.orders.in_flight = Order{};
  if (config_.reconcile_after_orders && state_.mode == Mode::kRunning) {
    state_.mode = Mode::kReconciling;
    out.push_back(QueryAccount{});
  }
}

void Runtime::on_warm_up(const strategy::Bar& bar) {
  strategy::warm_up(state_.strategy, bar);
  state_.mark_e8 = to_e8_nearest(bar.close);
}

void Runtime::on_venue(const venue::VenueEvent& event, Commands& out) {
  out.clear();
  if (state_.mode == Mode::kAdopting) {
    adopted_event(event, out);
    return;
  }
  // Recovering or reconciling: the venue's report will include what this event did.
  if (state_.mode != Mode::kRunning) return;
  const TimestampNs ts = venue::event_ts_ns(event);
  std::visit(
      Overloaded{
          [&](const venue::OrderAccepted& e) {
            if (!matches(e.client_order_id)) return anomaly(ts, "accepted a foreign order", out);
            Order& o = state_.orders.in_flight;
            o.acked_e8 = e.qty_e8;
            o.order_id = e.order_id;
            if (o.phase != OrderPhase::kCanceling) o.phase = OrderPhase::kAcknowledged;
          },
          [&](const venue::OrderRejected& e) {
            if (!matches(e.client_order_id)) return anomaly(ts, "rejected a foreign order", out);
            Order& o = state_.orders.in_flight;
            if (e.request == venue::RequestKind::kCancel) {
              o.phase = OrderPhase::kAcknowledged;  // too late to cancel: its fills follow
              return;
            }
            if (o.filled_e8 != 0) return anomaly(ts, "rejected an order with fills", out);
            const std::int64_t id = o.client_id;
            end_in_flight(out);
            strategy::Commands none;
            strategy::advance(state_.strategy,
                              strategy::Rejected{ts, id, venue::binance_error_code(e.code)},
                              config_.strategy, none);
          },
          [&](const venue::Fill& e) { on_fill(e, out); },
          [&](const venue::OrderCanceled& e) {
            if (!matches(e.client_order_id)) return anomaly(ts, "canceled a foreign order", out);
            const Order o = state_.orders.in_flight;
            end_in_flight(out);
            strategy::Commands none;
            strategy::advance(state_.strategy,
                              strategy::Ended{ts, o.client_id, to_double(o.asked_e8 - e.filled_qty_e8),
                                              true},
                              config_.strategy, none);
          },
          [&](const venue::OrderExpired& e) {
            if (!matches(e.client_order_id)) return anomaly(ts, "expired a foreign order", out);
            const Order o = state_.orders.in_flight;
            end_in_flight(out);
            strategy::Commands none;
            strategy::advance(state_.strategy,
                              strategy::Ended{ts, o.client_id, to_double(o.asked_e8 - e.filled_qty_e8),
                                              false},
                              config_.strategy, none);
          },
      },
      event);
}

void Runtime::on_fill(const venue::Fill& f, Commands& out) {
  Order& o = state_.orders.in_flight;
  if (!matches(f.client_order_id)) return anomaly(f.ts_ns, "a fill of a foreign order", out);
  const bool adds_up = f.qty_e8 > 0 && o.acked_e8 > 0 && f.filled_qty_e8 <= o.acked_e8 &&
                       f.filled_qty_e8 == o.filled_e8 + f.qty_e8 &&
                       f.filled_qty_e8 + f.leaves_qty_e8 == o.acked_e8 &&
                       (f.side == venue::Side::kBuy) == o.buy;
  if (!adds_up) return anomaly(f.ts_ns, "fill quantities do not add up to the order", out);
  o.filled_e8 = f.filled_qty_e8;
  Ledger& l = state_.ledger;
  if (o.buy) {
    l.quote_e8 = checked_sub(l.quote_e8, checked_add(checked_add(f.notional_e8, f.fee_e8),
                                                     f.slippage_e8));
    l.base_e8 = checked_add(l.base_e8, f.qty_e8);
  } else {
    l.quote_e8 = checked_add(l.quote_e8, checked_sub(checked_sub(f.notional_e8, f.fee_e8),
                                                     f.slippage_e8));
    l.base_e8 = checked_sub(l.base_e8, f.qty_e8);
  }
  const std::int64_t id = o.client_id;
  const std::int64_t cut_e8 = o.asked_e8 - o.acked_e8;
  const std::int64_t signed_qty = o.buy ? f.qty_e8 : -f.qty_e8;
  const strategy::Filled event{f.ts_ns,
                               id,
                               to_double(signed_qty),
                               to_double(f.price_e8),
                               to_double(f.notional_e8),
                               to_double(f.fee_e8),
                               to_double(f.slippage_e8),
                               to_double(f.leaves_qty_e8 + cut_e8)};
  if (f.leaves_qty_e8 == 0) end_in_flight(out);
  strategy::Commands none;
  strategy::advance(state_.strategy, event, config_.strategy, none);
  // The venue acknowledged less than asked and has filled all of it: the rest of the
  // strategy's order expires, like an IOC remainder.
  if (f.leaves_qty_e8 == 0 && cut_e8 > 0) {
    strategy::advance(state_.strategy, strategy::Ended{f.ts_ns, id, to_double(cut_e8), false},
                      config_.strategy, none);
  }
}

void Runtime::on_outcome_unknown(const OrderOutcomeUnknown& event, Commands& out) {
  out.clear();
  if (state_.mode != Mode::kRunning || !matches(event.client_order_id)) return;
  ++state_.counters.unknown_outcomes;
  state_.orders.in_flight.phase = OrderPhase::kUnknown;
  out.push_back(QueryOrder{event.client_order_id});
}

void Runtime::on_order_status(const venue::OrderStatusReport& report, Commands& out) {
  out.clear();
  Order& o = state_.orders.in_flight;
  if (state_.mode == Mode::kRecovering) {
    const bool adopting = o.active && matches(report.client_order_id) && report.open();
    out.push_back(Restarted{report.ts_ns, adopting});
    if (adopting) {
      state_.mode = Mode::kAdopting;
      o.acked_e8 = report.qty_e8;
      o.filled_e8 = report.filled_qty_e8;
      o.order_id = report.order_id;
      o.phase = OrderPhase::kAcknowledged;
    } else {
      state_.mode = Mode::kReconciling;
      out.push_back(QueryAccount{});
    }
    return;
  }
  if (state_.mode != Mode::kRunning || o.phase != OrderPhase::kUnknown ||
      !matches(report.client_order_id)) {
    return;
  }
  if (!report.found) {
    // It never reached the venue: the same order again, under the same client id.
    ++state_.counters.resends;
    o.phase = OrderPhase::kSent;
    SendOrder send;
    send.request.client_order_id = client_order_id(o.client_id);
    send.request.symbol = config_.instrument.symbol;
    send.request.side = o.buy ? venue::Side::kBuy : venue::Side::kSell;
    send.request.type = venue::OrderType::kMarket;
    send.request.qty_e8 = o.asked_e8;
    send.client_id = o.client_id;
    send.decided_ts_ns = o.decided_ts_ns;
    send.resend = true;
    out.push_back(std::move(send));
  } else if (report.open()) {
    o.phase = OrderPhase::kAcknowledged;  // its fills arrive as events
    o.acked_e8 = report.qty_e8;
    o.order_id = report.order_id;
  } else {
    // It ended without us seeing how: its fills are in the venue's balances only.
    state_.mode = Mode::kReconciling;
    out.push_back(QueryAccount{});
  }
}

void Runtime::on_account(const venue::AccountReport& report, Commands& out) {
  out.clear();
  if (state_.mode == Mode::kReconciling) reconcile(report, out);
}

// The venue is the truth: the strategy takes its balances and continues its ids.
void Runtime::reconcile(const venue::AccountReport& report, Commands& out) {
  const Ledger before = state_.ledger;
  strategy::State& s = state_.strategy;
  s.in_flight = {};
  s.cash = to_double(report.quote_total_e8);
  s.position = to_double(report.base_total_e8);
  s.next_order_id = std::max(s.next_order_id, state_.orders.last_client_id + 1);
  state_.orders.in_flight = Order{};
  state_.ledger = {report.quote_total_e8, report.base_total_e8};
  state_.mark_e8 = to_e8_nearest(s.last_close);
  state_.mode = Mode::kRunning;
  ++state_.counters.reconciliations;
  out.push_back(Reconciled{report.ts_ns, report.base_total_e8, report.quote_total_e8,
                           before.base_e8, before.quote_e8, ledger_known_});
  ledger_known_ = true;
}

// Restarted with an order still open at the venue: follow it to its end, then reconcile.
void Runtime::adopted_event(const venue::VenueEvent& event, Commands& out) {
  Order& o = state_.orders.in_flight;
  const std::string_view id = std::visit(
      [](const auto& e) -> std::string_view { return e.client_order_id; }, event);
  if (!matches(id)) return;
  if (const auto* f = std::get_if<venue::Fill>(&event)) o.filled_e8 = f->filled_qty_e8;
  if (!is_terminal(event)) return;
  state_.mode = Mode::kReconciling;
  out.push_back(QueryAccount{});
}

void Runtime::request_reconcile(Commands& out) {
  out.clear();
  if (state_.mode != Mode::kRunning || state_.orders.in_flight.active) return;
  state_.mode = Mode::kReconciling;
  out.push_back(QueryAccount{});
}

void Runtime::recover(TimestampNs now_ns, Commands& out) {
  out.clear();
  if (state_.orders.in_flight.active) {
    state_.mode = Mode::kRecovering;
    out.push_back(QueryOrder{client_order_id(state_.orders.in_flight.client_id)});
    return;
  }
  out.push_back(Restarted{now_ns, false});
  state_.mode = Mode::kReconciling;
  out.push_back(QueryAccount{});
}

}  // namespace q50::runtime
