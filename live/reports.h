#ifndef Q50SIM_LIVE_REPORTS_H_
#define Q50SIM_LIVE_REPORTS_H_

// Plain values parsed from Binance spot REST responses. Amounts are int64 scaled by 1e8
// ("_e8", see decimal.h); times are Binance milliseconds since the Unix epoch ("_ms"). Fields
// a response shape does not carry keep their defaults (0, "", empty, kUnknown).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace q50::live {

enum class OrderSide : std::uint8_t { kUnknown, kBuy, kSell };
enum class OrderStatus : std::uint8_t {
  kUnknown,  // absent (ACK responses) or a status this adapter does not know; see status_text
  kNew,
  kPendingNew,
  kPartiallyFilled,
  kFilled,
  kCanceled,
  kPendingCancel,
  kRejected,
  kExpired,
  kExpiredInMatch,  // expired by self-trade prevention
};

// "BUY"/"SELL" and back; unknown text gives kUnknown.
OrderSide parse_order_side(std::string_view text);
std::string_view order_side_name(OrderSide side);
// Binance status text ("PARTIALLY_FILLED", ...) and back; unknown text gives kUnknown.
OrderStatus parse_order_status(std::string_view text);
std::string_view order_status_name(OrderStatus status);
// True for statuses after which the order can never fill again.
bool is_terminal(OrderStatus status);

// One element of a FULL new-order response's fills[].
struct FillReport {
  std::int64_t price_e8 = 0;
  std::int64_t qty_e8 = 0;
  std::int64_t commission_e8 = 0;
  std::string commission_asset;
  std::int64_t trade_id = 0;
};

// A new-order (ACK / RESULT / FULL), query-order, open-order or cancel-order response.
struct OrderReport {
  enum class Shape : std::uint8_t { kAck, kResult, kFull };
  Shape shape = Shape::kAck;  // kResult when `status` is present, kFull when `fills` is too
  std::string symbol;
  std::int64_t order_id = 0;
  std::int64_t order_list_id = -1;
  std::string client_order_id;        // for a cancel: the cancel request's own id
  std::string orig_client_order_id;   // cancel responses only: the cancelled order's id
  std::int64_t transact_time_ms = 0;  // new-order and cancel responses
  std::int64_t price_e8 = 0;
  std::int64_t orig_qty_e8 = 0;
  std::int64_t executed_qty_e8 = 0;
  // Quote amount filled so far; nullopt when absent or reported negative (Binance: "data not
  // available" for some historical orders).
  std::optional<std::int64_t> cummulative_quote_qty_e8;
  std::int64_t orig_quote_order_qty_e8 = 0;
  std::int64_t stop_price_e8 = 0;
  OrderStatus status = OrderStatus::kUnknown;
  std::string status_text;  // as received, for statuses newer than this adapter
  std::string time_in_force;
  std::string type;
  OrderSide side = OrderSide::kUnknown;
  std::int64_t time_ms = 0;         // query / open orders
  std::int64_t update_time_ms = 0;  // query / open orders
  std::int64_t working_time_ms = 0;
  std::optional<bool> is_working;  // query / open orders
  std::vector<FillReport> fills;
};

struct Balance {
  std::string asset;
  std::int64_t free_e8 = 0;
  std::int64_t locked_e8 = 0;
};

// GET /api/v3/account.
struct AccountReport {
  bool can_trade = false;
  std::string account_type;  // "SPOT"
  std::int64_t update_time_ms = 0;
  std::int64_t maker_commission_rate_e8 = 0;  // commissionRates.maker, a fraction (0.001 = 10 bp)
  std::int64_t taker_commission_rate_e8 = 0;
  std::vector<Balance> balances;  // in the response's order
};

// One element of GET /api/v3/myTrades.
struct TradeReport {
  std::string symbol;
  std::int64_t id = 0;
  std::int64_t order_id = 0;
  std::int64_t order_list_id = -1;
  std::int64_t price_e8 = 0;
  std::int64_t qty_e8 = 0;
  std::int64_t quote_qty_e8 = 0;
  std::int64_t commission_e8 = 0;
  std::string commission_asset;
  std::int64_t time_ms = 0;
  bool is_buyer = false;
  bool is_maker = false;
  bool is_best_match = false;
};

// One 12-element array of GET /api/v3/klines. close_time_ms is the bar's last millisecond
// (open + interval - 1).
struct Kline {
  std::int64_t open_time_ms = 0;
  std::int64_t open_e8 = 0;
  std::int64_t high_e8 = 0;
  std::int64_t low_e8 = 0;
  std::int64_t close_e8 = 0;
  std::int64_t volume_e8 = 0;
  std::int64_t close_time_ms = 0;
  std::int64_t quote_volume_e8 = 0;
  std::int64_t trade_count = 0;
  std::int64_t taker_buy_base_volume_e8 = 0;
  std::int64_t taker_buy_quote_volume_e8 = 0;
};

// GET /api/v3/time.
struct ServerTime {
  std::int64_t server_time_ms = 0;
};

// An error body {"code": -NNNN, "msg": "..."}.
struct ApiError {
  std::int64_t code = 0;
  std::string msg;
};

}  // namespace q50::live

#endif  // Q50SIM_LIVE_REPORTS_H_
