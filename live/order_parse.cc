// Order and trade responses: new order (ACK/RESULT/FULL), query, cancel, openOrders, myTrades.
#include <fmt/format.h>

#include "live/response_parse.h"

namespace q50::live {
namespace {

using nlohmann::json;

absl::StatusOr<FillReport> read_fill(const json& value, std::string where) {
  FieldReader r(value, std::move(where));
  FillReport f;
  f.price_e8 = r.required_e8("price");
  f.qty_e8 = r.required_e8("qty");
  f.commission_e8 = r.e8("commission");
  f.commission_asset = r.string("commissionAsset");
  f.trade_id = r.int64("tradeId");
  if (!r.status().ok()) return r.status();
  return f;
}

absl::Status read_fills(const json& object, const std::string& where, OrderReport& order) {
  absl::StatusOr<const json*> fills = optional_array(object, "fills", where);
  if (!fills.ok()) return fills.status();
  if (*fills == nullptr) return absl::OkStatus();
  order.shape = OrderReport::Shape::kFull;
  std::size_t i = 0;
  for (const json& element : **fills) {
    absl::StatusOr<FillReport> fill = read_fill(element, fmt::format("{}.fills[{}]", where, i++));
    if (!fill.ok()) return fill.status();
    order.fills.push_back(*std::move(fill));
  }
  return absl::OkStatus();
}

absl::StatusOr<OrderReport> read_order(const json& value, const std::string& where) {
  FieldReader r(value, where);
  OrderReport o;
  o.symbol = r.required_string("symbol");
  o.order_id = r.required_int64("orderId");
  o.order_list_id = r.int64("orderListId", -1);
  o.client_order_id = r.string("clientOrderId");
  o.orig_client_order_id = r.string("origClientOrderId");
  o.transact_time_ms = r.int64("transactTime");
  o.price_e8 = r.e8("price");
  o.orig_qty_e8 = r.e8("origQty");
  o.executed_qty_e8 = r.e8("executedQty");
  o.cummulative_quote_qty_e8 = r.e8_unless_negative("cummulativeQuoteQty");
  o.orig_quote_order_qty_e8 = r.e8("origQuoteOrderQty");
  o.stop_price_e8 = r.e8("stopPrice");
  o.status_text = r.string("status");
  o.status = parse_order_status(o.status_text);
  o.time_in_force = r.string("timeInForce");
  o.type = r.string("type");
  o.side = parse_order_side(r.string("side"));
  o.time_ms = r.int64("time");
  o.update_time_ms = r.int64("updateTime");
  o.working_time_ms = r.int64("workingTime");
  if (r.has("isWorking")) o.is_working = r.boolean("isWorking");
  if (!r.status().ok()) return r.status();
  if (!o.status_text.empty()) o.shape = OrderReport::Shape::kResult;
  if (absl::Status s = read_fills(value, where, o); !s.ok()) return s;
  return o;
}

absl::StatusOr<TradeReport> read_trade(const json& value, std::string where) {
  FieldReader r(value, std::move(where));
  TradeReport t;
  t.symbol = r.string("symbol");
  t.id = r.required_int64("id");
  t.order_id = r.required_int64("orderId");
  t.order_list_id = r.int64("orderListId", -1);
  t.price_e8 = r.required_e8("price");
  t.qty_e8 = r.required_e8("qty");
  t.quote_qty_e8 = r.e8("quoteQty");
  t.commission_e8 = r.e8("commission");
  t.commission_asset = r.string("commissionAsset");
  t.time_ms = r.int64("time");
  t.is_buyer = r.boolean("isBuyer");
  t.is_maker = r.boolean("isMaker");
  t.is_best_match = r.boolean("isBestMatch");
  if (!r.status().ok()) return r.status();
  return t;
}

// Reads every element of a top-level array with read(element, "name[i]").
template <class T, class Read>
absl::StatusOr<std::vector<T>> read_array(const json& doc, std::string_view name, Read read) {
  if (!doc.is_array()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: expected a JSON array, got {}", name, describe_json(doc)));
  }
  std::vector<T> out;
  std::size_t i = 0;
  for (const json& element : doc) {
    absl::StatusOr<T> item = read(element, fmt::format("{}[{}]", name, i++));
    if (!item.ok()) return item.status();
    out.push_back(*std::move(item));
  }
  return out;
}

}  // namespace

absl::StatusOr<OrderReport> parse_order_report(std::string_view body, const JsonLimits& limits) {
  return without_exceptions("order", [&]() -> absl::StatusOr<OrderReport> {
    absl::StatusOr<json> doc = parse_json_bounded(body, limits);
    if (!doc.ok()) return doc.status();
    return read_order(*doc, "order");
  });
}

absl::StatusOr<std::vector<OrderReport>> parse_open_orders(std::string_view body,
                                                           const JsonLimits& limits) {
  using Result = absl::StatusOr<std::vector<OrderReport>>;
  return without_exceptions("openOrders", [&]() -> Result {
    absl::StatusOr<json> doc = parse_json_bounded(body, limits);
    if (!doc.ok()) return doc.status();
    return read_array<OrderReport>(
        *doc, "openOrders", [](const json& v, const std::string& w) { return read_order(v, w); });
  });
}

absl::StatusOr<std::vector<TradeReport>> parse_my_trades(std::string_view body,
                                                         const JsonLimits& limits) {
  using Result = absl::StatusOr<std::vector<TradeReport>>;
  return without_exceptions("myTrades", [&]() -> Result {
    absl::StatusOr<json> doc = parse_json_bounded(body, limits);
    if (!doc.ok()) return doc.status();
    return read_array<TradeReport>(*doc, "myTrades", read_trade);
  });
}

}  // namespace q50::live
