#include "live/binance_venue.h"

#include <algorithm>
#include <utility>
#include <variant>

#include "core/fixed_point.h"
#include "live/order_rounding.h"

namespace q50::live {
namespace {

constexpr std::int64_t kNsPerMs = 1'000'000;

venue::OrderStatus venue_status(OrderStatus s) {
  switch (s) {
    case OrderStatus::kPartiallyFilled:
      return venue::OrderStatus::kPartiallyFilled;
    case OrderStatus::kFilled:
      return venue::OrderStatus::kFilled;
    case OrderStatus::kCanceled:
    case OrderStatus::kPendingCancel:
      return venue::OrderStatus::kCanceled;
    case OrderStatus::kRejected:
    case OrderStatus::kExpired:
    case OrderStatus::kExpiredInMatch:
      return venue::OrderStatus::kExpired;
    default:
      return venue::OrderStatus::kNew;
  }
}

venue::Side venue_side(OrderSide s) {
  return s == OrderSide::kSell ? venue::Side::kSell : venue::Side::kBuy;
}

venue::OrderRejected rejected(TimestampNs now_ns, venue::RequestKind kind,
                              const std::string& client_order_id, venue::RejectCode code,
                              std::string reason) {
  venue::OrderRejected r;
  r.ts_ns = now_ns;
  r.request = kind;
  r.client_order_id = client_order_id;
  r.code = code;
  r.reason = std::move(reason);
  return r;
}

}  // namespace

venue::RejectCode reject_code_for(std::int64_t binance_code, std::string_view msg) {
  switch (binance_code) {
    case -2010:
      return msg.find("Duplicate order") != std::string_view::npos
                 ? venue::RejectCode::kDuplicateOrder
                 : venue::RejectCode::kInsufficientBalance;
    case -1013:
      return venue::RejectCode::kFilterFailure;
    case -1003:
    case -1015:
      return venue::RejectCode::kRateLimited;
    case -1001:
      return venue::RejectCode::kVenueDown;
    case -2011:
    case -2013:
      return venue::RejectCode::kUnknownOrder;
    default:
      return venue::RejectCode::kInvalidRequest;
  }
}

BinanceVenue::BinanceVenue(RestClient& rest, BinanceVenueConfig config)
    : rest_(rest), config_(std::move(config)) {}

template <class T>
void BinanceVenue::note(const RestResult<T>& result, TimestampNs now_ns) {
  ++stats_.requests;
  if (auto w = RateUsage::find(result.usage.used_weight, 1, 'M')) stats_.used_weight_1m = *w;
  const Outcome& o = result.outcome;
  switch (o.kind) {
    case OutcomeKind::kOk:
      return;
    case OutcomeKind::kRetryAfter:
      if (o.http_status != 0) ++stats_.rate_limited;  // 0: held back locally, never sent
      backoff_ms_ = std::max(backoff_ms_, 1000 * std::max<std::int64_t>(o.retry_after_s, 1));
      break;
    case OutcomeKind::kBanned: {
      if (o.http_status != 0) ++stats_.banned;
      const std::int64_t until_ms = o.banned_until_ms - now_ns / kNsPerMs;
      backoff_ms_ = std::max({backoff_ms_, 1000 * std::max<std::int64_t>(o.retry_after_s, 1),
                              std::min<std::int64_t>(until_ms, 3 * 24 * 3600 * 1000LL)});
      break;
    }
    case OutcomeKind::kAuthFatal:
      fatal_message_ = result.message;
      break;
    case OutcomeKind::kUnknownOutcome:
      if (o.http_status == 0) ++stats_.transport_errors;
      break;
    default:
      break;
  }
  problems_.push_back(result.message);
}

void BinanceVenue::submit(const venue::OrderRequest& request, TimestampNs now_ns,
                          std::vector<venue::VenueEvent>& out) {
  const bool limit = request.type == venue::OrderType::kLimit;
  const OrderSide side = request.side == venue::Side::kBuy ? OrderSide::kBuy : OrderSide::kSell;
  const RoundingOutcome rounding = round_order(
      config_.symbol, {side, limit ? OrderKind::kLimit : OrderKind::kMarket, request.qty_e8,
                       request.price_e8, reference_price_e8_});
  if (const auto* reject = std::get_if<FilterReject>(&rounding)) {
    ++stats_.orders_rejected;
    out.push_back(rejected(now_ns, venue::RequestKind::kNewOrder, request.client_order_id,
                           venue::RejectCode::kFilterFailure, reject->message));
    return;
  }
  const auto& rounded = std::get<RoundedOrder>(rounding);
  if (config_.paper) return submit_paper(request, rounded.quantity_text, now_ns, out);
  NewOrder order;
  order.symbol = config_.symbol.symbol;
  order.side = side;
  order.kind = limit ? OrderKind::kLimit : OrderKind::kMarket;
  order.quantity_text = rounded.quantity_text;
  order.price_text = rounded.price_text;
  order.time_in_force = request.tif == venue::TimeInForce::kIoc ? "IOC" : "GTC";
  order.client_order_id = request.client_order_id;
  ++stats_.orders_sent;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const RestResult<OrderReport> result = rest_.new_order(order);
    note(result, now_ns);
    const Outcome& o = result.outcome;
    if (result.ok()) return accepted(*result.value, request, now_ns, out);
    if (o.kind == OutcomeKind::kClockSkew && attempt == 0) {
      // Not processed: resynchronise and send the same request again.
      ++stats_.clock_resyncs;
      note(rest_.server_time(), now_ns);
      continue;
    }
    if (o.kind == OutcomeKind::kUnknownOutcome || o.kind == OutcomeKind::kAuthFatal) {
      ++stats_.unknown_outcomes;
      return;  // nothing appended: the runtime queries before it sends again
    }
    const bool limited = o.kind == OutcomeKind::kRetryAfter || o.kind == OutcomeKind::kBanned;
    ++stats_.orders_rejected;
    out.push_back(rejected(now_ns, venue::RequestKind::kNewOrder, request.client_order_id,
                           limited ? venue::RejectCode::kRateLimited
                                   : reject_code_for(o.error_code, o.error_msg),
                           o.error_msg.empty() ? result.message : o.error_msg));
    return;
  }
}

venue::Fill BinanceVenue::fill_of(Tracked& t, std::int64_t trade_id, std::int64_t price_e8,
                                  std::int64_t qty_e8, std::int64_t commission_e8,
                                  std::string_view commission_asset, bool maker,
                                  TimestampNs now_ns) {
  t.filled_e8 += qty_e8;
  t.trade_ids.insert(trade_id);
  ++stats_.fills;
  const bool buy = t.side == venue::Side::kBuy;
  venue::Fill f;
  f.ts_ns = now_ns;
  f.order_id = t.order_id;
  f.client_order_id = t.client_order_id;
  f.trade_id = trade_id;
  f.side = t.side;
  f.liquidity = maker ? venue::Liquidity::kMaker : venue::Liquidity::kTaker;
  f.qty_e8 = qty_e8;
  f.price_e8 = price_e8;
  // In the venue's favour, as the mock exchange rounds it: the buyer pays up, the seller gets
  // down.
  f.notional_e8 = mul_scaled(price_e8, qty_e8, buy ? Rounding::kUp : Rounding::kDown);
  f.fee_e8 = commission_asset == config_.symbol.quote_asset ? commission_e8 : 0;
  if (commission_e8 != 0 && commission_asset != config_.symbol.quote_asset) unmirrored_fee_ = true;
  f.filled_qty_e8 = t.filled_e8;
  f.leaves_qty_e8 = t.qty_e8 - t.filled_e8;
  return f;
}

void BinanceVenue::accepted(const OrderReport& report, const venue::OrderRequest& request,
                            TimestampNs now_ns, std::vector<venue::VenueEvent>& out) {
  ++stats_.orders_accepted;
  Tracked t;
  t.client_order_id = request.client_order_id;
  t.order_id = report.order_id;
  t.side = request.side;
  t.qty_e8 = report.orig_qty_e8 > 0 ? report.orig_qty_e8 : request.qty_e8;
  venue::OrderAccepted a;
  a.ts_ns = now_ns;
  a.order_id = t.order_id;
  a.client_order_id = t.client_order_id;
  a.side = t.side;
  a.type = request.type;
  a.tif = request.tif;
  a.qty_e8 = t.qty_e8;
  a.price_e8 = report.price_e8;
  out.push_back(std::move(a));
  for (const FillReport& f : report.fills) {
    out.push_back(fill_of(t, f.trade_id, f.price_e8, f.qty_e8, f.commission_e8,
                          f.commission_asset, false, now_ns));
  }
  if (report.shape == OrderReport::Shape::kFull || report.executed_qty_e8 == t.filled_e8) {
    close_if_done(t, report, now_ns, out);
    return;
  }
  // An ACK/RESULT answer carries no fills: they come from the trades.
  open_[t.client_order_id] = std::move(t);
  poll_one(open_.find(request.client_order_id)->second, now_ns, out);
}

void BinanceVenue::close_if_done(Tracked& t, const OrderReport& report, TimestampNs now_ns,
                                 std::vector<venue::VenueEvent>& out) {
  const std::string id = t.client_order_id;
  const bool filled_all = t.filled_e8 >= t.qty_e8;
  if (filled_all || !is_terminal(report.status) || report.executed_qty_e8 > t.filled_e8) {
    // Still open, or filled but some trades not seen yet: keep following it (a fully
    // reported order ended with its last fill).
    if (filled_all) {
      open_.erase(id);
    } else {
      open_[id] = t;
    }
    return;
  }
  if (report.status == OrderStatus::kCanceled || report.status == OrderStatus::kPendingCancel) {
    venue::OrderCanceled c;
    c.ts_ns = now_ns;
    c.order_id = t.order_id;
    c.client_order_id = id;
    c.filled_qty_e8 = t.filled_e8;
    out.push_back(std::move(c));
  } else {
    venue::OrderExpired e;
    e.ts_ns = now_ns;
    e.order_id = t.order_id;
    e.client_order_id = id;
    e.filled_qty_e8 = t.filled_e8;
    e.reason = report.status_text.empty() ? std::string(order_status_name(report.status))
                                          : report.status_text;
    out.push_back(std::move(e));
  }
  open_.erase(id);
}

void BinanceVenue::poll_one(Tracked& t, TimestampNs now_ns, std::vector<venue::VenueEvent>& out) {
  const RestResult<OrderReport> status = rest_.query_order(config_.symbol.symbol, t.client_order_id);
  note(status, now_ns);
  if (status.outcome.kind == OutcomeKind::kNotFound) {
    // The venue no longer knows it (the testnet wipes open orders): it ended with what we saw.
    ++stats_.orders_vanished;
    venue::OrderCanceled c;
    c.ts_ns = now_ns;
    c.order_id = t.order_id;
    c.client_order_id = t.client_order_id;
    c.filled_qty_e8 = t.filled_e8;
    const std::string id = t.client_order_id;
    out.push_back(std::move(c));
    open_.erase(id);
    return;
  }
  if (!status.ok()) return;
  if (status.value->executed_qty_e8 > t.filled_e8) {
    TradesQuery q;
    q.symbol = config_.symbol.symbol;
    q.order_id = t.order_id;
    const RestResult<std::vector<TradeReport>> trades = rest_.my_trades(q);
    note(trades, now_ns);
    if (!trades.ok()) return;
    std::vector<TradeReport> fresh;
    for (const TradeReport& tr : *trades.value) {
      if (tr.order_id == t.order_id && t.trade_ids.count(tr.id) == 0) fresh.push_back(tr);
    }
    std::sort(fresh.begin(), fresh.end(),
              [](const TradeReport& a, const TradeReport& b) { return a.id < b.id; });
    for (const TradeReport& tr : fresh) {
      out.push_back(fill_of(t, tr.id, tr.price_e8, tr.qty_e8, tr.commission_e8,
                            tr.commission_asset, tr.is_maker, now_ns));
    }
  }
  close_if_done(t, *status.value, now_ns, out);
}

void BinanceVenue::poll(TimestampNs now_ns, std::vector<venue::VenueEvent>& out) {
  std::vector<std::string> ids;
  for (const auto& [id, t] : open_) ids.push_back(id);
  for (const std::string& id : ids) {
    auto it = open_.find(id);
    if (it != open_.end()) poll_one(it->second, now_ns, out);
  }
}

void BinanceVenue::cancel(const venue::CancelRequest& request, TimestampNs now_ns,
                          std::vector<venue::VenueEvent>& out) {
  // Fills that happened before the cancel are reported first.
  if (auto it = open_.find(request.client_order_id); it != open_.end()) {
    poll_one(it->second, now_ns, out);
  }
  const RestResult<OrderReport> result =
      rest_.cancel_order(config_.symbol.symbol, request.client_order_id);
  note(result, now_ns);
  const Outcome& o = result.outcome;
  if (result.ok()) {
    auto it = open_.find(request.client_order_id);
    if (it == open_.end()) return;
    close_if_done(it->second, *result.value, now_ns, out);
    return;
  }
  if (o.kind == OutcomeKind::kUnknownOutcome || o.kind == OutcomeKind::kAuthFatal) return;
  const venue::RejectCode code = o.kind == OutcomeKind::kNotFound
                                     ? venue::RejectCode::kUnknownOrder
                                     : reject_code_for(o.error_code, o.error_msg);
  out.push_back(rejected(now_ns, venue::RequestKind::kCancel, request.client_order_id, code,
                         o.error_msg.empty() ? result.message : o.error_msg));
}

std::optional<venue::OrderStatusReport> BinanceVenue::query_order(
    std::string_view client_order_id, TimestampNs now_ns) {
  venue::OrderStatusReport report;
  report.ts_ns = now_ns;
  report.client_order_id = std::string(client_order_id);
  if (config_.paper) return report;  // paper orders end at once: never open
  const RestResult<OrderReport> result = rest_.query_order(config_.symbol.symbol, client_order_id);
  note(result, now_ns);
  if (result.outcome.kind == OutcomeKind::kNotFound) return report;  // found = false
  if (!result.ok()) return std::nullopt;
  const OrderReport& r = *result.value;
  report.found = true;
  report.order_id = r.order_id;
  report.status = venue_status(r.status);
  report.side = venue_side(r.side);
  report.qty_e8 = r.orig_qty_e8;
  report.filled_qty_e8 = r.executed_qty_e8;
  if (report.open() && open_.count(report.client_order_id) == 0) {
    // An order this process did not send, or whose answer was lost: follow its fills.
    Tracked t;
    t.client_order_id = report.client_order_id;
    t.order_id = r.order_id;
    t.side = report.side;
    t.qty_e8 = r.orig_qty_e8;
    t.filled_e8 = r.executed_qty_e8;
    open_[t.client_order_id] = std::move(t);
  }
  return report;
}

std::optional<bool> BinanceVenue::replay_closed(const venue::OrderStatusReport& report, TimestampNs now_ns,
                                 std::vector<venue::VenueEvent>& out) {
  if (config_.paper || !report.found || report.open() || report.filled_qty_e8 <= 0) return false;
  TradesQuery q;
  q.symbol = config_.symbol.symbol;
  q.order_id = report.order_id;
  const RestResult<std::vector<TradeReport>> trades = rest_.my_trades(q);
  note(trades, now_ns);
  if (!trades.ok()) return std::nullopt;
  std::vector<TradeReport> own;
  std::int64_t total_e8 = 0;
  for (const TradeReport& tr : *trades.value) {
    if (tr.order_id != report.order_id) continue;
    own.push_back(tr);
    total_e8 = checked_add(total_e8, tr.qty_e8);
  }
  if (total_e8 != report.filled_qty_e8) return false;
  std::sort(own.begin(), own.end(),
            [](const TradeReport& a, const TradeReport& b) { return a.id < b.id; });
  Tracked t;
  t.client_order_id = report.client_order_id;
  t.order_id = report.order_id;
  t.side = report.side;
  t.qty_e8 = report.qty_e8;
  ++stats_.orders_accepted;
  venue::OrderAccepted a;
  a.ts_ns = now_ns;
  a.order_id = t.order_id;
  a.client_order_id = t.client_order_id;
  a.side = t.side;
  a.type = venue::OrderType::kMarket;
  a.qty_e8 = t.qty_e8;
  out.push_back(std::move(a));
  for (const TradeReport& tr : own) {
    out.push_back(fill_of(t, tr.id, tr.price_e8, tr.qty_e8, tr.commission_e8,
                          tr.commission_asset, tr.is_maker, now_ns));
  }
  if (t.filled_e8 < t.qty_e8) {
    venue::OrderExpired e;
    e.ts_ns = now_ns;
    e.order_id = t.order_id;
    e.client_order_id = t.client_order_id;
    e.filled_qty_e8 = t.filled_e8;
    e.reason = "ended while its answer was lost";
    out.push_back(std::move(e));
  }
  open_.erase(t.client_order_id);
  return true;
}

std::optional<venue::AccountReport> BinanceVenue::query_account(TimestampNs now_ns) {
  venue::AccountReport report;
  report.ts_ns = now_ns;
  if (config_.paper) {
    report.base_total_e8 = config_.paper_base_e8;
    report.quote_total_e8 = config_.paper_quote_e8;
    return report;
  }
  const RestResult<AccountReport> account = rest_.account();
  note(account, now_ns);
  if (!account.ok()) return std::nullopt;
  for (const Balance& b : account.value->balances) {
    const std::int64_t total = checked_add(b.free_e8, b.locked_e8);
    if (b.asset == config_.symbol.base_asset) report.base_total_e8 = total;
    if (b.asset == config_.symbol.quote_asset) report.quote_total_e8 = total;
  }
  const RestResult<std::vector<OrderReport>> open = rest_.open_orders(config_.symbol.symbol);
  note(open, now_ns);
  if (!open.ok()) return std::nullopt;
  for (const OrderReport& o : *open.value) {
    report.open_orders.push_back(
        {o.client_order_id, o.order_id, venue_side(o.side), o.orig_qty_e8, o.executed_qty_e8});
  }
  return report;
}

void BinanceVenue::submit_paper(const venue::OrderRequest& request,
                                const std::string& quantity_text, TimestampNs now_ns,
                                std::vector<venue::VenueEvent>& out) {
  NewOrder order;
  order.symbol = config_.symbol.symbol;
  order.side = request.side == venue::Side::kBuy ? OrderSide::kBuy : OrderSide::kSell;
  order.kind = OrderKind::kMarket;
  order.quantity_text = quantity_text;
  order.client_order_id = request.client_order_id;
  ++stats_.orders_sent;
  const RestResult<Empty> result = rest_.test_order(order);
  note(result, now_ns);
  if (result.outcome.kind == OutcomeKind::kUnknownOutcome) {
    ++stats_.unknown_outcomes;
    return;
  }
  const std::int64_t qty = request.qty_e8;
  const bool buy = request.side == venue::Side::kBuy;
  const std::int64_t notional =
      mul_scaled(reference_price_e8_, qty, buy ? Rounding::kUp : Rounding::kDown);
  const std::int64_t fee = apply_ppm(notional, config_.paper_fee_ppm, Rounding::kUp);
  const bool affordable = buy ? config_.paper_quote_e8 >= notional + fee
                              : config_.paper_base_e8 >= qty;
  if (!result.ok() || !affordable || reference_price_e8_ <= 0) {
    ++stats_.orders_rejected;
    const Outcome& o = result.outcome;
    out.push_back(rejected(now_ns, venue::RequestKind::kNewOrder, request.client_order_id,
                           result.ok() ? venue::RejectCode::kInsufficientBalance
                                       : reject_code_for(o.error_code, o.error_msg),
                           result.ok() ? "paper book: insufficient balance" : result.message));
    return;
  }
  config_.paper_base_e8 += buy ? qty : -qty;
  config_.paper_quote_e8 += buy ? -(notional + fee) : notional - fee;
  OrderReport report;
  report.shape = OrderReport::Shape::kFull;
  report.order_id = paper_next_id_;
  report.orig_qty_e8 = qty;
  report.executed_qty_e8 = qty;
  report.status = OrderStatus::kFilled;
  report.fills.push_back({reference_price_e8_, qty, fee, config_.symbol.quote_asset, paper_next_id_});
  ++paper_next_id_;
  accepted(report, request, now_ns, out);
}

}  // namespace q50::live
