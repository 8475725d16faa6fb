#include "mockvenue/venue_book.h"

#include <utility>

#include "core/check.h"
#include "core/fixed_point.h"

namespace q50::mockvenue {

std::int64_t to_ms(TimestampNs ns) {
  const std::int64_t q = ns / 1'000'000;
  return ns % 1'000'000 < 0 ? q - 1 : q;
}

VenueBook::VenueBook(sim::ExchangeConfig config) : exchange_(std::move(config)) {}

std::variant<Placed, sim::OrderRejected> VenueBook::place(const sim::OrderRequest& request,
                                                          std::int64_t venue_qty_e8,
                                                          TimestampNs now_ns) {
  Q50_CHECK(venue_qty_e8 > 0 && venue_qty_e8 <= request.qty_e8,
            "the exchange gets a positive part of the order");
  sim::OrderRequest sent = request;
  sent.qty_e8 = venue_qty_e8;
  const std::vector<sim::VenueEvent> events = exchange_.submit(sent, now_ns);
  Q50_CHECK(!events.empty(), "the exchange answers every order");
  if (const auto* r = std::get_if<sim::OrderRejected>(&events.front())) return *r;
  const auto& accepted = std::get<sim::OrderAccepted>(events.front());
  OrderRecord rec;
  rec.order_id = accepted.order_id;
  rec.client_order_id = accepted.client_order_id;
  rec.side = accepted.side;
  rec.type = accepted.type;
  rec.tif = accepted.tif;
  rec.price_e8 = accepted.price_e8;
  rec.orig_qty_e8 = request.qty_e8;
  rec.venue_qty_e8 = venue_qty_e8;
  rec.time_ms = to_ms(accepted.ts_ns);
  rec.update_time_ms = rec.time_ms;
  orders_.emplace(rec.order_id, rec);
  by_client_[rec.client_order_id].push_back(rec.order_id);
  Placed placed{rec.order_id, {}};
  apply(events, &placed.trade_ids);
  return placed;
}

std::variant<const OrderRecord*, sim::OrderRejected> VenueBook::cancel(std::int64_t order_id,
                                                                      TimestampNs now_ns) {
  const OrderRecord* rec = find(order_id);
  Q50_CHECK(rec != nullptr && rec->open(), "cancel needs an open order");
  if (auto reject = apply(exchange_.cancel(sim::CancelRequest{order_id, ""}, now_ns), nullptr)) {
    return *reject;
  }
  return &orders_.at(order_id);
}

std::size_t VenueBook::on_bar(const sim::Bar& bar) {
  const std::size_t before = trades_.size();
  apply(exchange_.on_bar(bar), nullptr);
  return trades_.size() - before;
}

std::size_t VenueBook::wipe(TimestampNs now_ns) {
  std::size_t n = 0;
  for (auto& [id, rec] : orders_) {
    if (!rec.open()) continue;
    if (apply(exchange_.cancel(sim::CancelRequest{id, ""}, now_ns), nullptr)) continue;
    rec.wiped = true;
    ++n;
  }
  return n;
}

std::optional<sim::OrderRejected> VenueBook::apply(const std::vector<sim::VenueEvent>& events,
                                                   std::vector<std::int64_t>* trade_ids) {
  std::optional<sim::OrderRejected> reject;
  for (const sim::VenueEvent& ev : events) {
    if (const auto* f = std::get_if<sim::Fill>(&ev)) {
      settle_fill(*f);
      if (trade_ids != nullptr) trade_ids->push_back(f->trade_id);
    } else if (const auto* c = std::get_if<sim::OrderCanceled>(&ev)) {
      close(c->order_id, sim::OrderStatus::kCanceled, c->ts_ns);
    } else if (const auto* x = std::get_if<sim::OrderExpired>(&ev)) {
      close(x->order_id, sim::OrderStatus::kExpired, x->ts_ns);
    } else if (const auto* r = std::get_if<sim::OrderRejected>(&ev)) {
      reject = *r;
    }
  }
  exchange_.forget_closed_orders();
  return reject;
}

void VenueBook::settle_fill(const sim::Fill& f) {
  OrderRecord& rec = orders_.at(f.order_id);
  rec.executed_qty_e8 += f.qty_e8;
  rec.cum_quote_e8 = checked_add(rec.cum_quote_e8, f.notional_e8);
  rec.update_time_ms = to_ms(f.ts_ns);
  const bool venue_done = f.leaves_qty_e8 == 0;
  if (!venue_done) {
    rec.status = sim::OrderStatus::kPartiallyFilled;
  } else {
    rec.status = rec.executed_qty_e8 == rec.orig_qty_e8 ? sim::OrderStatus::kFilled
                                                        : sim::OrderStatus::kExpired;
  }
  trades_.push_back({f.trade_id, f.order_id, f.price_e8, f.qty_e8, f.notional_e8,
                     checked_add(f.fee_e8, f.slippage_e8), to_ms(f.ts_ns),
                     f.side == sim::Side::kBuy, f.liquidity == sim::Liquidity::kMaker});
}

void VenueBook::close(std::int64_t order_id, sim::OrderStatus status, TimestampNs ts_ns) {
  OrderRecord& rec = orders_.at(order_id);
  rec.status = status;
  rec.update_time_ms = to_ms(ts_ns);
}

const OrderRecord* VenueBook::find(std::int64_t order_id) const {
  const auto it = orders_.find(order_id);
  return it == orders_.end() ? nullptr : &it->second;
}

const OrderRecord* VenueBook::find_client(std::string_view client_order_id) const {
  const auto it = by_client_.find(client_order_id);
  if (it == by_client_.end()) return nullptr;
  for (auto id = it->second.rbegin(); id != it->second.rend(); ++id) {
    const OrderRecord& rec = orders_.at(*id);
    if (!rec.wiped) return &rec;
  }
  return nullptr;
}

std::vector<const OrderRecord*> VenueBook::open_orders() const {
  std::vector<const OrderRecord*> out;
  for (const auto& [id, rec] : orders_) {
    if (rec.open()) out.push_back(&rec);
  }
  return out;
}

}  // namespace q50::mockvenue
