#include "mockvenue/binance_json.h"

#include <limits>

#include "core/fixed_point.h"
#include "fmt/format.h"
#include "live/decimal.h"
#include "mockvenue/request_limits.h"

namespace q50::mockvenue {
namespace {

// An e8 amount that may exceed int64 (a kline's quote volume), printed with 8 decimals.
std::string wide_decimal_text(Int128 value_e8) {
  if (value_e8 <= std::numeric_limits<std::int64_t>::max()) {
    return decimal_text(static_cast<std::int64_t>(value_e8));
  }
  const auto whole = static_cast<unsigned long long>(value_e8 / kFixedScale);
  const auto frac = static_cast<unsigned long long>(value_e8 % kFixedScale);
  return fmt::format("{}.{:08}", whole, frac);
}

std::string_view status_text(sim::OrderStatus s) { return sim::order_status_name(s); }

// The order's amounts and state, as every order-shaped answer carries them.
void add_order_state(Json& j, const OrderRecord& o) {
  j["price"] = decimal_text(o.price_e8);
  j["origQty"] = decimal_text(o.orig_qty_e8);
  j["executedQty"] = decimal_text(o.executed_qty_e8);
  j["cummulativeQuoteQty"] = decimal_text(o.cum_quote_e8);
  j["status"] = status_text(o.status);
  j["timeInForce"] = sim::tif_name(o.tif);
  j["type"] = sim::order_type_name(o.type);
  j["side"] = sim::side_name(o.side);
  j["selfTradePreventionMode"] = "NONE";
}

}  // namespace

std::string decimal_text(std::int64_t value_e8) { return live::format_e8(value_e8, 8); }

Json new_order_json(std::string_view symbol, const OrderRecord& o, std::int64_t transact_ms,
                    ResponseType type, const std::vector<const TradeRecord*>& fills,
                    std::string_view commission_asset) {
  Json j;
  j["symbol"] = symbol;
  j["orderId"] = o.order_id;
  j["orderListId"] = -1;
  j["clientOrderId"] = o.client_order_id;
  j["transactTime"] = transact_ms;
  if (type == ResponseType::kAck) return j;
  add_order_state(j, o);
  j["origQuoteOrderQty"] = decimal_text(0);
  j["workingTime"] = o.time_ms;
  if (type == ResponseType::kResult) return j;
  Json list = Json::array();
  for (const TradeRecord* t : fills) {
    Json f;
    f["price"] = decimal_text(t->price_e8);
    f["qty"] = decimal_text(t->qty_e8);
    f["commission"] = decimal_text(t->commission_e8);
    f["commissionAsset"] = commission_asset;
    f["tradeId"] = t->id;
    list.push_back(std::move(f));
  }
  j["fills"] = std::move(list);
  return j;
}

Json order_json(std::string_view symbol, const OrderRecord& o) {
  Json j;
  j["symbol"] = symbol;
  j["orderId"] = o.order_id;
  j["orderListId"] = -1;
  j["clientOrderId"] = o.client_order_id;
  add_order_state(j, o);
  j["stopPrice"] = decimal_text(0);
  j["icebergQty"] = decimal_text(0);
  j["time"] = o.time_ms;
  j["updateTime"] = o.update_time_ms;
  j["isWorking"] = true;
  j["workingTime"] = o.time_ms;
  j["origQuoteOrderQty"] = decimal_text(0);
  return j;
}

Json cancel_json(std::string_view symbol, const OrderRecord& o, std::string_view cancel_client_id,
                 std::int64_t transact_ms) {
  Json j;
  j["symbol"] = symbol;
  j["origClientOrderId"] = o.client_order_id;
  j["orderId"] = o.order_id;
  j["orderListId"] = -1;
  j["clientOrderId"] = cancel_client_id;
  j["transactTime"] = transact_ms;
  add_order_state(j, o);
  j["origQuoteOrderQty"] = decimal_text(0);
  return j;
}

Json trade_json(std::string_view symbol, const TradeRecord& t, std::string_view commission_asset) {
  Json j;
  j["symbol"] = symbol;
  j["id"] = t.id;
  j["orderId"] = t.order_id;
  j["orderListId"] = -1;
  j["price"] = decimal_text(t.price_e8);
  j["qty"] = decimal_text(t.qty_e8);
  j["quoteQty"] = decimal_text(t.quote_qty_e8);
  j["commission"] = decimal_text(t.commission_e8);
  j["commissionAsset"] = commission_asset;
  j["time"] = t.time_ms;
  j["isBuyer"] = t.is_buyer;
  j["isMaker"] = t.is_maker;
  j["isBestMatch"] = true;
  return j;
}

Json account_json(const sim::FeeModel& fees, const std::vector<AssetBalance>& balances,
                  std::int64_t update_ms, bool omit_zero_balances) {
  Json j;
  // makerCommission is in hundredths of a percent (15 = 0.15%): ppm / 100.
  j["makerCommission"] = fees.maker_ppm / 100;
  j["takerCommission"] = fees.taker_ppm / 100;
  j["buyerCommission"] = 0;
  j["sellerCommission"] = 0;
  Json rates;
  rates["maker"] = decimal_text(fees.maker_ppm * 100);  // ppm -> e8 of a fraction
  rates["taker"] = decimal_text(fees.taker_ppm * 100);
  rates["buyer"] = decimal_text(0);
  rates["seller"] = decimal_text(0);
  j["commissionRates"] = std::move(rates);
  j["canTrade"] = true;
  j["canWithdraw"] = true;
  j["canDeposit"] = true;
  j["brokered"] = false;
  j["requireSelfTradePrevention"] = false;
  j["preventSor"] = false;
  j["updateTime"] = update_ms;
  j["accountType"] = "SPOT";
  Json list = Json::array();
  for (const AssetBalance& b : balances) {
    if (omit_zero_balances && b.balance.free_e8 == 0 && b.balance.locked_e8 == 0) continue;
    Json e;
    e["asset"] = b.asset;
    e["free"] = decimal_text(b.balance.free_e8);
    e["locked"] = decimal_text(b.balance.locked_e8);
    list.push_back(std::move(e));
  }
  j["balances"] = std::move(list);
  j["permissions"] = Json::array({"SPOT"});
  j["uid"] = 1;
  return j;
}

Json kline_json(const sim::Bar& b, std::int64_t interval_ms) {
  const std::int64_t close_ms = to_ms(b.ts_ns);
  const Int128 quote = static_cast<Int128>(b.volume_e8) * b.close_e8 / kFixedScale;
  return Json::array({close_ms - interval_ms, decimal_text(b.open_e8), decimal_text(b.high_e8),
                      decimal_text(b.low_e8), decimal_text(b.close_e8), decimal_text(b.volume_e8),
                      close_ms - 1, wide_decimal_text(quote), 0, decimal_text(0), decimal_text(0),
                      "0"});
}

Json forming_kline_json(const sim::Bar& b, std::int64_t interval_ms) {
  const std::int64_t close_ms = to_ms(b.ts_ns);
  const std::string open = decimal_text(b.open_e8);
  return Json::array({close_ms - interval_ms, open, open, open, open, decimal_text(0), close_ms - 1,
                      decimal_text(0), 0, decimal_text(0), decimal_text(0), "0"});
}

namespace {

Json symbol_filters(const sim::Instrument& ins) {
  Json price;
  price["filterType"] = "PRICE_FILTER";
  price["minPrice"] = decimal_text(ins.min_price_e8);
  price["maxPrice"] = decimal_text(ins.max_price_e8);
  price["tickSize"] = decimal_text(ins.tick_size_e8);
  Json lot;
  lot["filterType"] = "LOT_SIZE";
  lot["minQty"] = decimal_text(ins.min_qty_e8);
  lot["maxQty"] = decimal_text(ins.max_qty_e8);
  lot["stepSize"] = decimal_text(ins.step_size_e8);
  Json market_lot = lot;
  market_lot["filterType"] = "MARKET_LOT_SIZE";
  Json notional;
  notional["filterType"] = "NOTIONAL";
  notional["minNotional"] = decimal_text(ins.min_notional_e8);
  notional["applyMinToMarket"] = ins.apply_min_to_market;
  notional["maxNotional"] = decimal_text(kMaxNotionalE8);
  notional["applyMaxToMarket"] = false;
  notional["avgPriceMins"] = 0;
  return Json::array({std::move(price), std::move(lot), std::move(notional), std::move(market_lot)});
}

}  // namespace

Json exchange_info_json(const sim::Instrument& ins, std::string_view base_asset,
                        std::string_view quote_asset, std::int64_t server_ms,
                        const std::vector<RateLimitInfo>& limits) {
  Json j;
  j["timezone"] = "UTC";
  j["serverTime"] = server_ms;
  Json rate_limits = Json::array();
  for (const RateLimitInfo& r : limits) {
    const std::string text = RequestLimits::interval_text(r.window_ms);  // "10 SECOND"
    const std::size_t space = text.find(' ');
    Json e;
    e["rateLimitType"] = r.type;
    e["interval"] = text.substr(space + 1);
    e["intervalNum"] = std::stoll(text.substr(0, space));
    e["limit"] = r.limit;
    rate_limits.push_back(std::move(e));
  }
  j["rateLimits"] = std::move(rate_limits);
  j["exchangeFilters"] = Json::array();
  Json s;
  s["symbol"] = ins.symbol;
  s["status"] = "TRADING";
  s["baseAsset"] = base_asset;
  s["baseAssetPrecision"] = 8;
  s["quoteAsset"] = quote_asset;
  s["quotePrecision"] = 8;
  s["quoteAssetPrecision"] = 8;
  s["baseCommissionPrecision"] = 8;
  s["quoteCommissionPrecision"] = 8;
  s["orderTypes"] = Json::array({"LIMIT", "MARKET"});
  s["icebergAllowed"] = false;
  s["ocoAllowed"] = false;
  s["otoAllowed"] = false;
  s["quoteOrderQtyMarketAllowed"] = false;
  s["allowTrailingStop"] = false;
  s["cancelReplaceAllowed"] = false;
  s["amendAllowed"] = false;
  s["isSpotTradingAllowed"] = true;
  s["isMarginTradingAllowed"] = false;
  s["filters"] = symbol_filters(ins);
  s["permissions"] = Json::array();
  s["permissionSets"] = Json::array({Json::array({"SPOT"})});
  s["defaultSelfTradePreventionMode"] = "NONE";
  s["allowedSelfTradePreventionModes"] = Json::array({"NONE"});
  j["symbols"] = Json::array({std::move(s)});
  return j;
}

}  // namespace q50::mockvenue
