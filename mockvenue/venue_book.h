#ifndef Q50SIM_MOCKVENUE_VENUE_BOOK_H_
#define Q50SIM_MOCKVENUE_VENUE_BOOK_H_

// The mock venue's books: the simulator's mock exchange (sim/exchange.h: filters, balances,
// locks, fees, matching on bars) seen the way Binance shows an account -- every order with its
// status, executed quantity and quote amount, every trade, the balances. Single-threaded and
// pure: every call carries the venue time it happens at, and the same calls give the same books.
//
// Binance view of the exchange's events:
//  - an order's origQty is what the client asked; a partial_fill fault gives the exchange less
//    (venue_qty); when the exchange has finished that part the order is EXPIRED, the rest never
//    filled (as a Binance market order whose remainder expires);
//  - a trade's commission is the exchange's fee plus its slippage charge, in the quote asset:
//    Binance has no separate slippage, and this way quote balance = initial - sum(buy quoteQty +
//    commission) + sum(sell quoteQty - commission), exactly;
//  - a wipe (the testnet's monthly reset) deletes every open order: its locks are released and
//    the order is gone for the API (-2013 on a query, absent from openOrders); its trades and
//    the balances stay. The books keep it, marked wiped.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/timestamp.h"
#include "sim/exchange.h"

namespace q50::mockvenue {

struct OrderRecord {
  std::int64_t order_id = 0;
  std::string client_order_id;
  sim::Side side = sim::Side::kBuy;
  sim::OrderType type = sim::OrderType::kMarket;
  sim::TimeInForce tif = sim::TimeInForce::kGtc;
  std::int64_t price_e8 = 0;  // 0 for MARKET
  std::int64_t orig_qty_e8 = 0;
  std::int64_t venue_qty_e8 = 0;  // what the exchange was given (< orig under partial_fill)
  std::int64_t executed_qty_e8 = 0;
  std::int64_t cum_quote_e8 = 0;
  sim::OrderStatus status = sim::OrderStatus::kNew;
  std::int64_t time_ms = 0;
  std::int64_t update_time_ms = 0;
  bool wiped = false;

  bool open() const {
    return !wiped && (status == sim::OrderStatus::kNew ||
                      status == sim::OrderStatus::kPartiallyFilled);
  }
};

struct TradeRecord {
  std::int64_t id = 0;
  std::int64_t order_id = 0;
  std::int64_t price_e8 = 0;
  std::int64_t qty_e8 = 0;
  std::int64_t quote_qty_e8 = 0;
  std::int64_t commission_e8 = 0;  // fee + slippage, quote asset
  std::int64_t time_ms = 0;
  bool is_buyer = false;
  bool is_maker = false;
};

// A new order the exchange accepted: its id and the trades it made at once.
struct Placed {
  std::int64_t order_id = 0;
  std::vector<std::int64_t> trade_ids;
};

class VenueBook {
 public:
  // `config` must be valid (validate_exchange_config; checked by the exchange).
  explicit VenueBook(sim::ExchangeConfig config);

  // A new order arriving at now_ns: the exchange is given venue_qty_e8 (<= request.qty_e8)
  // instead of the request's quantity. The exchange's reject, or the accepted order.
  std::variant<Placed, sim::OrderRejected> place(const sim::OrderRequest& request,
                                                 std::int64_t venue_qty_e8, TimestampNs now_ns);
  // Cancels an open order (the caller checked it is open): its record afterwards, or the
  // exchange's reject (an outage window of the exchange's own model).
  std::variant<const OrderRecord*, sim::OrderRejected> cancel(std::int64_t order_id,
                                                              TimestampNs now_ns);
  // A bar closed: resting orders match. Returns the number of fills.
  std::size_t on_bar(const sim::Bar& bar);
  // The testnet wipe at now_ns: every open order the exchange lets go of is deleted (none while
  // the exchange is down). Returns how many.
  std::size_t wipe(TimestampNs now_ns);

  // The order with this id, or nullptr (wiped orders included: check wiped).
  const OrderRecord* find(std::int64_t order_id) const;
  // The most recent order with this client id that the API still shows (not wiped), or nullptr.
  const OrderRecord* find_client(std::string_view client_order_id) const;
  std::vector<const OrderRecord*> open_orders() const;  // by order id
  const std::map<std::int64_t, OrderRecord>& orders() const { return orders_; }
  const std::vector<TradeRecord>& trades() const { return trades_; }
  const sim::AccountState& balances() const { return exchange_.balances(); }
  const sim::ExchangeConfig& config() const { return exchange_.config(); }
  sim::Exchange& exchange() { return exchange_; }
  const sim::ExchangeState& exchange_state() const { return exchange_.state(); }

 private:
  // Books the exchange's events; returns its reject, if the events hold one.
  std::optional<sim::OrderRejected> apply(const std::vector<sim::VenueEvent>& events,
                                          std::vector<std::int64_t>* trade_ids);
  void settle_fill(const sim::Fill& fill);
  void close(std::int64_t order_id, sim::OrderStatus status, TimestampNs ts_ns);

  sim::Exchange exchange_;
  std::map<std::int64_t, OrderRecord> orders_;
  std::map<std::string, std::vector<std::int64_t>, std::less<>> by_client_;
  std::vector<TradeRecord> trades_;
};

// Venue ns -> Binance ms (floor).
std::int64_t to_ms(TimestampNs ns);

}  // namespace q50::mockvenue

#endif  // Q50SIM_MOCKVENUE_VENUE_BOOK_H_
