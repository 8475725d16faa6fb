#ifndef Q50SIM_LIVE_RESPONSE_PARSE_H_
#define Q50SIM_LIVE_RESPONSE_PARSE_H_

// Binance spot REST response bodies -> reports.h values. Every function takes the raw body,
// checks its size and nesting depth first (JsonLimits), accepts missing optional fields and
// ignores unknown ones, and returns InvalidArgument naming the field and the offending value
// for anything it cannot read. Nothing throws; no input crashes.

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "live/json_reader.h"
#include "live/reports.h"

namespace q50::live {

// POST /api/v3/order (ACK, RESULT or FULL), GET /api/v3/order and DELETE /api/v3/order.
// Requires symbol and orderId; every other field is optional.
absl::StatusOr<OrderReport> parse_order_report(std::string_view body,
                                               const JsonLimits& limits = {});

// GET /api/v3/openOrders: an array of order objects.
absl::StatusOr<std::vector<OrderReport>> parse_open_orders(std::string_view body,
                                                           const JsonLimits& limits = {});

// GET /api/v3/account. Each balance requires asset, free and locked.
absl::StatusOr<AccountReport> parse_account(std::string_view body, const JsonLimits& limits = {});

// GET /api/v3/myTrades. Each trade requires id, orderId, price and qty.
absl::StatusOr<std::vector<TradeReport>> parse_my_trades(std::string_view body,
                                                         const JsonLimits& limits = {});

// GET /api/v3/klines: arrays of at least 11 elements (the 12th is unused and ignored) with
// integer times and trade counts and decimal strings elsewhere.
absl::StatusOr<std::vector<Kline>> parse_klines(std::string_view body,
                                                const JsonLimits& limits = {});

// The bars that are complete at server_time_ms (close_time_ms < server_time_ms), in order.
// The newest kline of a klines response is usually still forming and must not be traded on.
std::vector<Kline> closed_klines(const std::vector<Kline>& klines, std::int64_t server_time_ms);

// GET /api/v3/time: {"serverTime": <ms>}.
absl::StatusOr<ServerTime> parse_server_time(std::string_view body, const JsonLimits& limits = {});

// GET /api/v3/ping and POST /api/v3/order/test: any JSON object ({} or commission details).
absl::Status parse_json_object(std::string_view body, const JsonLimits& limits = {});

// An error body {"code": <int>, "msg": <string>}; both are required.
absl::StatusOr<ApiError> parse_api_error(std::string_view body, const JsonLimits& limits = {});

}  // namespace q50::live

#endif  // Q50SIM_LIVE_RESPONSE_PARSE_H_
