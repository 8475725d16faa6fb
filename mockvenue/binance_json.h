#ifndef Q50SIM_MOCKVENUE_BINANCE_JSON_H_
#define Q50SIM_MOCKVENUE_BINANCE_JSON_H_

// Response bodies shaped as the Binance spot docs show them (field names, order and types:
// decimals as strings with 8 decimals, ids and times as integers; the doc examples are in
// tests/live/fixtures), so the live codec's parsers (live/response_parse.h) read them as they
// read Binance's.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mockvenue/venue_book.h"
#include "sim/exchange.h"

namespace q50::mockvenue {

using Json = nlohmann::ordered_json;

// An e8 amount as Binance prints it: "0.12300000".
std::string decimal_text(std::int64_t value_e8);

enum class ResponseType : std::uint8_t { kAck, kResult, kFull };

// POST /api/v3/order: ACK, RESULT or FULL (fills = the trades the request made).
Json new_order_json(std::string_view symbol, const OrderRecord& order, std::int64_t transact_ms,
                    ResponseType type, const std::vector<const TradeRecord*>& fills,
                    std::string_view commission_asset);
// GET /api/v3/order and each element of GET /api/v3/openOrders.
Json order_json(std::string_view symbol, const OrderRecord& order);
// DELETE /api/v3/order.
Json cancel_json(std::string_view symbol, const OrderRecord& order,
                 std::string_view cancel_client_id, std::int64_t transact_ms);
// One element of GET /api/v3/myTrades.
Json trade_json(std::string_view symbol, const TradeRecord& trade,
                std::string_view commission_asset);

struct AssetBalance {
  std::string asset;
  sim::Balance balance;
};
// GET /api/v3/account.
Json account_json(const sim::FeeModel& fees, const std::vector<AssetBalance>& balances,
                  std::int64_t update_ms, bool omit_zero_balances);

// One 12-element kline array: [openTime, o, h, l, c, volume, closeTime, quoteVolume, trades,
// takerBuyBase, takerBuyQuote, "0"]. The mock has no trade tape: trades and the taker volumes
// are 0; quoteVolume is volume x close.
Json kline_json(const sim::Bar& bar, std::int64_t interval_ms);
// The bar in progress: its open as open, high, low and close, no volume yet.
Json forming_kline_json(const sim::Bar& bar, std::int64_t interval_ms);

struct RateLimitInfo {
  std::string type;      // "REQUEST_WEIGHT", "ORDERS"
  std::int64_t window_ms = 0;
  std::int64_t limit = 0;
};
// GET /api/v3/exchangeInfo for the one symbol: PRICE_FILTER, LOT_SIZE, MARKET_LOT_SIZE (the
// same rule as LOT_SIZE: the exchange applies LOT_SIZE to market orders too) and NOTIONAL.
Json exchange_info_json(const sim::Instrument& instrument, std::string_view base_asset,
                        std::string_view quote_asset, std::int64_t server_ms,
                        const std::vector<RateLimitInfo>& limits);

// The largest notional NOTIONAL admits (Binance's maxNotional for BTCUSDT), in e8.
inline constexpr std::int64_t kMaxNotionalE8 = 900'000'000'000'000;

}  // namespace q50::mockvenue

#endif  // Q50SIM_MOCKVENUE_BINANCE_JSON_H_
