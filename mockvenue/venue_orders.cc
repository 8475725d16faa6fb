// The trading endpoints of the mock venue: new order (and its test), query, cancel, open orders
// and trades. Parameters are checked the way Binance checks them, in its order: symbol, side,
// type, timeInForce / price presence, decimals (grammar, precision), client id, response type,
// then the filters and the balance in the exchange.
#include <algorithm>
#include <utility>

#include "core/fixed_point.h"
#include "mockvenue/binance_json.h"
#include "mockvenue/venue_service_impl.h"

namespace q50::mockvenue {
namespace {

using Impl = VenueService::Impl;

constexpr std::string_view kClientIdRange = "^[a-zA-Z0-9-_]{1,36}$";
constexpr TimestampNs kMaxTradeSpanMs = 24 * 3600 * 1000;

Answer ok(const Json& j) { return {200, j.dump()}; }

bool valid_client_id(std::string_view id) {
  return !id.empty() && id.size() <= 36 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
  });
}

std::variant<std::int64_t, ApiError> optional_integer(const Params& p, std::string_view name,
                                                      std::int64_t fallback) {
  if (!p.get(name)) return fallback;
  return read_integer(p, name);
}

// Side, type and time in force of a new order, or the error Binance gives.
std::optional<ApiError> read_kind(const Params& p, sim::OrderRequest& r) {
  const std::string side = *p.get("side");
  if (side != "BUY" && side != "SELL") return errors::invalid_side();
  r.side = side == "BUY" ? sim::Side::kBuy : sim::Side::kSell;
  const std::string type = *p.get("type");
  if (type != "MARKET" && type != "LIMIT") return errors::invalid_order_type();
  r.type = type == "LIMIT" ? sim::OrderType::kLimit : sim::OrderType::kMarket;
  const std::optional<std::string> tif = p.get("timeInForce");
  if (r.type == sim::OrderType::kMarket) {
    if (tif) return errors::not_required("timeInForce");
    if (p.get("price")) return errors::not_required("price");
    return std::nullopt;
  }
  if (!tif) return errors::mandatory_missing("timeInForce");
  if (*tif != "GTC" && *tif != "IOC") return errors::invalid_tif();
  r.tif = *tif == "IOC" ? sim::TimeInForce::kIoc : sim::TimeInForce::kGtc;
  if (!p.get("price")) return errors::mandatory_missing("price");
  return std::nullopt;
}

}  // namespace

std::variant<Impl::OrderAsk, ApiError> Impl::read_order(const Call& call) const {
  const Params& p = call.params;
  if (auto e = check_symbol(p, true)) return *e;
  OrderAsk ask;
  sim::OrderRequest& r = ask.request;
  r.symbol = *p.get("symbol");
  if (auto e = read_kind(p, r)) return *e;
  const auto qty = read_decimal(p, "quantity", "LOT_SIZE");
  if (const auto* e = std::get_if<ApiError>(&qty)) return *e;
  r.qty_e8 = std::get<std::int64_t>(qty);
  if (r.type == sim::OrderType::kLimit) {
    const auto price = read_decimal(p, "price", "PRICE_FILTER");
    if (const auto* e = std::get_if<ApiError>(&price)) return *e;
    r.price_e8 = std::get<std::int64_t>(price);
  }
  if (const auto id = p.get("newClientOrderId")) {
    if (!valid_client_id(*id)) return errors::illegal_parameter("newClientOrderId", kClientIdRange);
    r.client_order_id = *id;
  }
  if (const auto type = p.get("newOrderRespType")) {
    if (*type == "ACK") {
      ask.response = ResponseType::kAck;
    } else if (*type == "RESULT") {
      ask.response = ResponseType::kResult;
    } else if (*type != "FULL") {
      return errors::illegal_parameter("newOrderRespType", "ACK, RESULT, FULL");
    }
  }
  if (const auto stp = p.get("selfTradePreventionMode")) {
    static constexpr std::string_view kModes[] = {"NONE", "EXPIRE_TAKER", "EXPIRE_MAKER",
                                                  "EXPIRE_BOTH", "DECREMENT"};
    if (std::find(std::begin(kModes), std::end(kModes), *stp) == std::end(kModes)) {
      return errors::illegal_parameter("selfTradePreventionMode",
                                       "NONE, EXPIRE_TAKER, EXPIRE_MAKER, EXPIRE_BOTH, DECREMENT");
    }
  }
  if (r.qty_e8 <= 0) return errors::filter_failure("LOT_SIZE");
  if (r.type == sim::OrderType::kLimit && r.price_e8 <= 0) {
    return errors::filter_failure("PRICE_FILTER");
  }
  // NOTIONAL's maximum, at the limit or at the last close, for an order that passes every other
  // filter (the exchange checks those, in Binance's order, after the order_reject fault drew).
  const sim::ExchangeState& state = book_.exchange_state();
  const bool is_limit = r.type == sim::OrderType::kLimit;
  const std::int64_t price = is_limit ? r.price_e8 : (state.has_bar ? state.last_bar.close_e8 : 0);
  const bool other_filters_pass =
      !sim::validate_order(book_.config().instrument, is_limit, r.qty_e8, price).has_value();
  if (other_filters_pass &&
      static_cast<Int128>(price) * r.qty_e8 > static_cast<Int128>(kMaxNotionalE8) * kFixedScale) {
    return errors::filter_failure("NOTIONAL");
  }
  return ask;
}

// The exchange's reject as Binance answers it.
ApiError Impl::exchange_reject(const sim::OrderRejected& r, TimestampNs now_ns) {
  switch (r.code) {
    case sim::RejectCode::kFilterFailure:
      return {400, -1013, r.reason};
    case sim::RejectCode::kInsufficientBalance:
      return errors::insufficient_balance();
    case sim::RejectCode::kDuplicateOrder:
      return errors::duplicate_order();
    case sim::RejectCode::kRateLimited: {
      // The exchange's own limit, on venue-time windows: Retry-After is the wall time to the
      // window's end (a token bucket: to its next token).
      const sim::RateLimit& l = book_.config().rate_limit;
      const TimestampNs left = l.kind == sim::RateLimit::Kind::kFixedWindow
                                   ? l.window_ns - (now_ns % l.window_ns + l.window_ns) % l.window_ns
                                   : l.window_ns / std::max<std::int64_t>(1, l.max_orders);
      ApiError e = errors::too_many_orders(
          l.max_orders, RequestLimits::interval_text(std::max<std::int64_t>(1000, l.window_ns / 1'000'000)));
      e.retry_after_s = retry_after_wall_s(left);
      return e;
    }
    case sim::RejectCode::kVenueDown:
      return errors::disconnected();
    case sim::RejectCode::kInvalidRequest:
      return {400, -1102, r.reason};
    case sim::RejectCode::kUnknownOrder:
    case sim::RejectCode::kOrderAlreadyFilled:
      return errors::unknown_order_cancel();
  }
  return errors::disconnected();
}

Outcome Impl::new_order(Call& call) {
  auto read = read_order(call);
  if (const auto* e = std::get_if<ApiError>(&read)) return *e;
  const OrderAsk& ask = std::get<OrderAsk>(read);
  const LimitVerdict v = limits_.admit_order(call.now.wall_ms);
  if (v.kind != LimitVerdict::Kind::kOk) {
    count("orders_rate_limited_429");
    const sim::VenueRateLimits& l = limits_.limits();
    ApiError e = errors::too_many_orders(l.order_limit,
                                         RequestLimits::interval_text(l.order_window_ns / 1'000'000));
    e.retry_after_s = v.retry_after_s;
    return e;
  }
  if (const auto reason = scenario_faults_.order_reject()) {
    // The fault's reason answered as Binance words it.
    sim::OrderRejected r;
    r.code = *reason;
    r.reason = *reason == sim::RejectCode::kFilterFailure
                   ? "Filter failure: NOTIONAL"
                   : errors::mandatory_missing("quantity").msg;
    return exchange_reject(r, call.venue_ns);
  }
  const std::int64_t venue_qty =
      scenario_faults_.partial_qty(ask.request.qty_e8, book_.config().instrument);
  auto placed = book_.place(ask.request, venue_qty, call.venue_ns);
  if (const auto* r = std::get_if<sim::OrderRejected>(&placed)) {
    if (r->code == sim::RejectCode::kRateLimited) scenario_faults_.count_rate_limited();
    return exchange_reject(*r, call.venue_ns);
  }
  const Placed& p = std::get<Placed>(placed);
  std::vector<const TradeRecord*> fills;
  for (const TradeRecord& t : book_.trades()) {
    if (std::find(p.trade_ids.begin(), p.trade_ids.end(), t.id) != p.trade_ids.end()) {
      fills.push_back(&t);
    }
  }
  count("orders");
  return ok(new_order_json(ask.request.symbol, *book_.find(p.order_id), to_ms(call.venue_ns),
                           ask.response, fills, quote_asset_));
}

Outcome Impl::test_order(Call& call) {
  auto read = read_order(call);
  if (const auto* e = std::get_if<ApiError>(&read)) return *e;
  const sim::OrderRequest& r = std::get<OrderAsk>(read).request;
  const sim::ExchangeState& state = book_.exchange().state();
  const bool is_limit = r.type == sim::OrderType::kLimit;
  const std::int64_t price = is_limit ? r.price_e8 : (state.has_bar ? state.last_bar.close_e8 : 0);
  if (auto f = sim::validate_order(book_.config().instrument, is_limit, r.qty_e8, price)) {
    return errors::filter_failure(sim::filter_name(*f));
  }
  if (call.params.get("computeCommissionRates") != std::optional<std::string>("true")) {
    return ok(Json::object());
  }
  const sim::FeeModel& fee = book_.config().fee;
  Json rates;
  rates["maker"] = decimal_text(fee.maker_ppm * 100);
  rates["taker"] = decimal_text(fee.taker_ppm * 100);
  Json zero;
  zero["maker"] = decimal_text(0);
  zero["taker"] = decimal_text(0);
  Json j;
  j["standardCommissionForOrder"] = rates;
  j["specialCommissionForOrder"] = zero;
  j["taxCommissionForOrder"] = zero;
  j["discount"] = {{"enabledForAccount", false},
                   {"enabledForSymbol", false},
                   {"discountAsset", "BNB"},
                   {"discount", decimal_text(0)}};
  return ok(j);
}

// The order orderId and/or origClientOrderId name among the orders the API still shows: when
// both are given they must name the same order. nullptr when there is none.
std::variant<const OrderRecord*, ApiError> Impl::named_order(const Params& p) const {
  const std::optional<std::string> client = p.get("origClientOrderId");
  if (!p.get("orderId") && !client) return errors::ids_missing();
  if (p.get("orderId")) {
    const auto id = read_integer(p, "orderId");
    if (const auto* e = std::get_if<ApiError>(&id)) return *e;
    const OrderRecord* rec = book_.find(std::get<std::int64_t>(id));
    if (rec == nullptr || rec->wiped || (client && rec->client_order_id != *client)) {
      return static_cast<const OrderRecord*>(nullptr);
    }
    return rec;
  }
  return book_.find_client(*client);
}

Outcome Impl::query_order(Call& call) {
  if (auto e = check_symbol(call.params, true)) return *e;
  auto named = named_order(call.params);
  if (const auto* e = std::get_if<ApiError>(&named)) return *e;
  const OrderRecord* rec = std::get<const OrderRecord*>(named);
  if (rec == nullptr) return errors::no_such_order();
  return ok(order_json(book_.config().instrument.symbol, *rec));
}

Outcome Impl::cancel_order(Call& call) {
  const Params& p = call.params;
  if (auto e = check_symbol(p, true)) return *e;
  auto named = named_order(p);
  if (const auto* e = std::get_if<ApiError>(&named)) return *e;
  const OrderRecord* rec = std::get<const OrderRecord*>(named);
  if (rec == nullptr || !rec->open()) return errors::unknown_order_cancel();
  const std::optional<std::string> cancel_id = p.get("newClientOrderId");
  if (cancel_id && !valid_client_id(*cancel_id)) {
    return errors::illegal_parameter("newClientOrderId", kClientIdRange);
  }
  if (const auto restriction = p.get("cancelRestrictions")) {
    if (*restriction != "ONLY_NEW" && *restriction != "ONLY_PARTIALLY_FILLED") {
      return errors::illegal_parameter("cancelRestrictions", "ONLY_NEW, ONLY_PARTIALLY_FILLED");
    }
    const bool is_new = rec->status == sim::OrderStatus::kNew;
    if ((*restriction == "ONLY_NEW") != is_new) return errors::cancel_restricted();
  }
  auto canceled = book_.cancel(rec->order_id, call.venue_ns);
  if (const auto* r = std::get_if<sim::OrderRejected>(&canceled)) {
    return exchange_reject(*r, call.venue_ns);
  }
  const OrderRecord& done = *std::get<const OrderRecord*>(canceled);
  count("cancels");
  const std::string id = cancel_id.value_or("cancel-" + std::to_string(done.order_id));
  return ok(cancel_json(book_.config().instrument.symbol, done, id, to_ms(call.venue_ns)));
}

Outcome Impl::open_orders(Call& call) {
  if (auto e = check_symbol(call.params, false)) return *e;
  Json list = Json::array();
  for (const OrderRecord* o : book_.open_orders()) {
    list.push_back(order_json(book_.config().instrument.symbol, *o));
  }
  return ok(list);
}

Outcome Impl::my_trades(Call& call) {
  const Params& p = call.params;
  if (auto e = check_symbol(p, true)) return *e;
  const auto order_id = optional_integer(p, "orderId", -1);
  const auto start = optional_integer(p, "startTime", -1);
  const auto end = optional_integer(p, "endTime", -1);
  const auto from_id = optional_integer(p, "fromId", -1);
  const auto limit = optional_integer(p, "limit", 500);
  for (const auto* v : {&order_id, &start, &end, &from_id, &limit}) {
    if (const auto* e = std::get_if<ApiError>(v)) return *e;
  }
  const std::int64_t start_ms = std::get<std::int64_t>(start);
  const std::int64_t end_ms = std::get<std::int64_t>(end);
  if (start_ms >= 0 && end_ms >= 0 && end_ms - start_ms > kMaxTradeSpanMs) {
    return ApiError{400, -1127, "More than 24 hours between startTime and endTime."};
  }
  const std::int64_t n = std::clamp<std::int64_t>(std::get<std::int64_t>(limit), 1, 1000);
  std::vector<const TradeRecord*> picked;
  for (const TradeRecord& t : book_.trades()) {
    const std::int64_t oid = std::get<std::int64_t>(order_id);
    if (oid >= 0 && t.order_id != oid) continue;
    if (start_ms >= 0 && t.time_ms < start_ms) continue;
    if (end_ms >= 0 && t.time_ms > end_ms) continue;
    if (t.id < std::get<std::int64_t>(from_id)) continue;
    picked.push_back(&t);
  }
  const auto total = static_cast<std::int64_t>(picked.size());
  const bool from_start = std::get<std::int64_t>(from_id) >= 0 || start_ms >= 0;
  const std::int64_t first = from_start ? 0 : std::max<std::int64_t>(0, total - n);
  Json list = Json::array();
  for (std::int64_t i = first; i < std::min(total, first + n); ++i) {
    list.push_back(trade_json(book_.config().instrument.symbol,
                              *picked[static_cast<std::size_t>(i)], quote_asset_));
  }
  return ok(list);
}

}  // namespace q50::mockvenue
