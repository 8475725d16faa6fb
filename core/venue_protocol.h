#ifndef Q50SIM_CORE_VENUE_PROTOCOL_H_
#define Q50SIM_CORE_VENUE_PROTOCOL_H_

// The vocabulary between the runtime (core/runtime.h) and a venue, whichever venue it is: the
// simulator's mock exchange (sim/exchange.h) or the Binance spot testnet (live/). Requests go
// out, events and reports come back; every amount is int64 1e-8 units (core/fixed_point.h),
// every time a simulated or venue-clock ns. The names and codes are Binance's
// (spec/binance-testnet.md), so a live adapter maps them one to one.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/instrument.h"
#include "core/timestamp.h"

namespace q50::venue {

enum class Liquidity : std::uint8_t { kMaker, kTaker };

inline std::string_view liquidity_name(Liquidity l) {
  return l == Liquidity::kMaker ? "MAKER" : "TAKER";
}

enum class OrderType : std::uint8_t { kMarket, kLimit };
enum class TimeInForce : std::uint8_t { kGtc, kIoc };
// Binance's statuses that a bar-driven venue produces. Rejected requests never become orders.
enum class OrderStatus : std::uint8_t { kNew, kPartiallyFilled, kFilled, kCanceled, kExpired };

std::string_view order_type_name(OrderType t);
std::string_view tif_name(TimeInForce t);
std::string_view order_status_name(OrderStatus s);

struct OrderRequest {
  // Binance's newClientOrderId rule: 1 to 36 of [A-Za-z0-9_-], unique among open orders.
  std::string client_order_id;
  std::string symbol;  // must be the instrument's symbol
  Side side = Side::kBuy;
  OrderType type = OrderType::kMarket;
  TimeInForce tif = TimeInForce::kGtc;
  std::int64_t qty_e8 = 0;
  std::int64_t price_e8 = 0;  // limit price; must be 0 for a market order
};

// Names the order by exchange id (order_id > 0) or by client id among open orders (else the
// most recent order with that client id). When both are given they must name the same order.
struct CancelRequest {
  std::int64_t order_id = 0;
  std::string client_order_id;
};

enum class RequestKind : std::uint8_t { kNewOrder, kCancel };

enum class RejectCode : std::uint8_t {
  kInvalidRequest,       // -1102: malformed (symbol, client id, qty/price shape)
  kFilterFailure,        // -1013: "Filter failure: <filter>"
  kInsufficientBalance,  // -2010
  kDuplicateOrder,       // -2010: client id of an open order
  kRateLimited,          // -1015: too many new orders in the window
  kVenueDown,            // -1001: outage window
  kUnknownOrder,         // -2011: no such open order (never existed, canceled or expired)
  kOrderAlreadyFilled,   // -2011: the order filled completely before the cancel arrived
};

std::string_view reject_code_name(RejectCode c);
int binance_error_code(RejectCode c);

struct OrderAccepted {
  TimestampNs ts_ns = 0;
  std::int64_t order_id = 0;
  std::string client_order_id;
  Side side = Side::kBuy;
  OrderType type = OrderType::kMarket;
  TimeInForce tif = TimeInForce::kGtc;
  std::int64_t qty_e8 = 0;
  std::int64_t price_e8 = 0;
};

struct OrderRejected {
  TimestampNs ts_ns = 0;
  RequestKind request = RequestKind::kNewOrder;
  std::int64_t order_id = 0;  // the cancel's target when known, else 0
  std::string client_order_id;
  RejectCode code = RejectCode::kInvalidRequest;
  std::string reason;  // Binance's message text
};

struct Fill {
  TimestampNs ts_ns = 0;
  std::int64_t order_id = 0;
  std::string client_order_id;
  std::int64_t trade_id = 0;  // sequential per venue
  Side side = Side::kBuy;
  Liquidity liquidity = Liquidity::kTaker;
  std::int64_t qty_e8 = 0;
  std::int64_t price_e8 = 0;
  std::int64_t notional_e8 = 0;
  std::int64_t fee_e8 = 0;         // in quote, rounded up
  std::int64_t slippage_e8 = 0;    // in quote, taker fills only
  std::int64_t filled_qty_e8 = 0;  // cumulative for the order, this fill included
  std::int64_t leaves_qty_e8 = 0;  // still open after this fill
};

struct OrderCanceled {
  TimestampNs ts_ns = 0;
  std::int64_t order_id = 0;
  std::string client_order_id;
  std::int64_t filled_qty_e8 = 0;
};

struct OrderExpired {
  TimestampNs ts_ns = 0;
  std::int64_t order_id = 0;
  std::string client_order_id;
  std::int64_t filled_qty_e8 = 0;
  std::string reason;
};

using VenueEvent = std::variant<OrderAccepted, OrderRejected, Fill, OrderCanceled, OrderExpired>;

TimestampNs event_ts_ns(const VenueEvent& e);

// Canonical single-line text for the journal: the event kind, then key=value fields in a fixed
// order, integers only (amounts in e8 units), reason text last and quoted. Client ids are
// printed with every byte outside [A-Za-z0-9_-] as \xHH, so a line never contains a space,
// quote or newline that the venue did not put there.
std::string describe(const VenueEvent& e);

// The venue's answer to a query for one order by client id (Binance GET /api/v3/order).
struct OrderStatusReport {
  TimestampNs ts_ns = 0;
  std::string client_order_id;
  // false: the venue has no such order (Binance -2013): the request never reached it, so the
  // same client id may be sent again.
  bool found = false;
  std::int64_t order_id = 0;
  OrderStatus status = OrderStatus::kNew;
  Side side = Side::kBuy;
  std::int64_t qty_e8 = 0;
  std::int64_t filled_qty_e8 = 0;
  bool open() const {
    return found && (status == OrderStatus::kNew || status == OrderStatus::kPartiallyFilled);
  }
};

// One open order as an account report lists it.
struct OpenOrder {
  std::string client_order_id;
  std::int64_t order_id = 0;
  Side side = Side::kBuy;
  std::int64_t qty_e8 = 0;
  std::int64_t filled_qty_e8 = 0;
};

// The venue's view of the account (Binance GET /api/v3/account + openOrders): what
// reconciliation believes over any local ledger.
struct AccountReport {
  TimestampNs ts_ns = 0;
  std::int64_t base_total_e8 = 0;   // free + locked; negative for a margin short
  std::int64_t quote_total_e8 = 0;  // free + locked
  std::vector<OpenOrder> open_orders;
};

}  // namespace q50::venue

#endif  // Q50SIM_CORE_VENUE_PROTOCOL_H_
