#ifndef Q50SIM_LIVE_REQUESTS_H_
#define Q50SIM_LIVE_REQUESTS_H_

// Request parameters for the Binance spot endpoints the adapter uses (pure). The REST client
// turns them into the signed query string; keeping them here lets tests pin the exact bytes.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "live/order_rounding.h"
#include "live/query_string.h"
#include "live/reports.h"

namespace q50::live {

// POST /api/v3/order and /api/v3/order/test. Amount texts come from RoundedOrder.
struct NewOrder {
  std::string symbol;
  OrderSide side = OrderSide::kBuy;
  OrderKind kind = OrderKind::kMarket;
  std::string quantity_text;
  std::string price_text;              // LIMIT only
  std::string time_in_force = "GTC";   // LIMIT only: GTC, IOC or FOK
  std::string client_order_id;         // required: how the order is found after a timeout
  std::string response_type = "FULL";  // ACK, RESULT or FULL
};

// GET /api/v3/klines. A zero time or limit is omitted (Binance's defaults apply).
struct KlinesQuery {
  std::string symbol;
  std::string interval = "1h";  // 1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M
  std::int64_t start_time_ms = 0;
  std::int64_t end_time_ms = 0;
  std::int64_t limit = 0;  // 1..1000
};

// GET /api/v3/myTrades. Zero / negative values are omitted.
struct TradesQuery {
  std::string symbol;
  std::int64_t order_id = 0;
  std::int64_t from_id = -1;
  std::int64_t start_time_ms = 0;
  std::int64_t end_time_ms = 0;
  std::int64_t limit = 0;  // 1..1000
};

// OK when id matches Binance's newClientOrderId rule ^[a-zA-Z0-9-_]{1,36}$.
absl::Status validate_client_order_id(std::string_view id);

// symbol, side, type, [timeInForce, price,] quantity, newClientOrderId, newOrderRespType, in
// that order. InvalidArgument (naming the field, never sending anything) for an empty symbol,
// an unknown side, a quantity/price that is not a Binance decimal, a LIMIT without price or a
// bad client order id.
absl::StatusOr<std::vector<QueryParam>> new_order_params(const NewOrder& order);

std::vector<QueryParam> klines_params(const KlinesQuery& query);
std::vector<QueryParam> my_trades_params(const TradesQuery& query);

// The signed query string: params + recvWindow + timestamp, percent-encoded, then
// "&signature=<hex HMAC-SHA256 of exactly that string>" (no body: the client sends every
// parameter in the query string, as NautilusTrader does).
absl::StatusOr<std::string> signed_query(std::vector<QueryParam> params, std::int64_t timestamp_ms,
                                         std::int64_t recv_window_ms, std::string_view secret);

}  // namespace q50::live

#endif  // Q50SIM_LIVE_REQUESTS_H_
