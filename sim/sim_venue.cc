#include "sim/sim_venue.h"
#include "core/overloaded.h"

#include <utility>
#include <variant>

namespace q50::sim {
void SimVenue::track(const std::vector<VenueEvent>& events, std::vector<VenueEvent>& out) {
  if (events.empty()) return;
  bool closed_any = false;
  const auto close = [&](const std::string& id, OrderStatus status) {
    auto it = orders_.find(id);
    if (it == orders_.end()) return;
    it->second.status = status;
    closed_.push_back(id);
    closed_any = true;
  };
  for (const VenueEvent& event : events) {
    std::visit(
        Overloaded{
            [&](const OrderAccepted& e) {
              orders_[e.client_order_id] = {e.ts_ns,   e.client_order_id, true, e.order_id,
                                            OrderStatus::kNew, e.side, e.qty_e8, 0};
            },
            [&](const OrderRejected&) {},
            [&](const Fill& e) {
              auto it = orders_.find(e.client_order_id);
              if (it == orders_.end()) return;
              it->second.filled_qty_e8 = e.filled_qty_e8;
              if (e.leaves_qty_e8 == 0) {
                close(e.client_order_id, OrderStatus::kFilled);
              } else {
                it->second.status = OrderStatus::kPartiallyFilled;
              }
            },
            [&](const OrderCanceled& e) { close(e.client_order_id, OrderStatus::kCanceled); },
            [&](const OrderExpired& e) { close(e.client_order_id, OrderStatus::kExpired); },
        },
        event);
    out.push_back(event);
  }
  if (!closed_any) return;
  while (closed_.size() > kRememberedClosed) {
    // A client id reused by a later order (Binance allows it once the first is closed) is
    // only forgotten when that order is closed too.
    auto it = orders_.find(closed_.front());
    if (it != orders_.end() && !it->second.open()) orders_.erase(it);
    closed_.pop_front();
  }
  exchange_.forget_closed_orders();
}

void SimVenue::submit(const OrderRequest& request, TimestampNs now_ns,
                      std::vector<VenueEvent>& out) {
  track(exchange_.submit(request, now_ns), out);
}

void SimVenue::cancel(const CancelRequest& request, TimestampNs now_ns,
                      std::vector<VenueEvent>& out) {
  track(exchange_.cancel(request, now_ns), out);
}

void SimVenue::on_bar(const Bar& bar, std::vector<VenueEvent>& out) {
  track(exchange_.on_bar(bar), out);
}

std::optional<venue::OrderStatusReport> SimVenue::query_order(std::string_view client_order_id,
                                                              TimestampNs now_ns) {
  venue::OrderStatusReport report;
  auto it = orders_.find(client_order_id);
  if (it != orders_.end()) report = it->second;
  report.ts_ns = now_ns;
  report.client_order_id = std::string(client_order_id);
  return report;
}

std::optional<venue::AccountReport> SimVenue::query_account(TimestampNs now_ns) {
  venue::AccountReport report;
  report.ts_ns = now_ns;
  report.base_total_e8 = exchange_.position_e8();
  report.quote_total_e8 = exchange_.balances().quote.total_e8();
  for (const Order& o : exchange_.open_orders()) {
    report.open_orders.push_back({o.client_order_id, o.order_id, o.side, o.qty_e8,
                                  o.filled_qty_e8});
  }
  return report;
}

}  // namespace q50::sim
