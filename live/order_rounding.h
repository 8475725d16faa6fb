#ifndef Q50SIM_LIVE_ORDER_ROUNDING_H_
#define Q50SIM_LIVE_ORDER_ROUNDING_H_

// Fits an order to a symbol's exchange filters before it is sent, in int64 e8 fixed point
// (price * qty in __int128), the way Binance checks it:
//   1. LIMIT price to tickSize: BUY rounds down, SELL rounds up, so a limit never pays more
//      (BUY) or accepts less (SELL) than the caller asked for;
//   2. quantity DOWN to stepSize (MARKET_LOT_SIZE's step for MARKET orders when that filter is
//      present with a non-zero step, LOT_SIZE's otherwise);
//   3. min/max price, min/max quantity (LOT_SIZE; MARKET orders also MARKET_LOT_SIZE), then
//      MIN_NOTIONAL / NOTIONAL against the rounded price (LIMIT) or the caller's reference
//      price (MARKET, when the filter applies to market orders).
// A rule with a 0 limit is disabled. When rounding breaks a minimum the order is rejected
// locally, named like Binance's -1013 ("Filter failure: LOT_SIZE"); the size is never bumped
// up, so rounding can only shrink what is traded.

#include <cstdint>
#include <string>
#include <variant>

#include "live/exchange_info.h"
#include "live/reports.h"

namespace q50::live {

enum class OrderKind : std::uint8_t { kLimit, kMarket };

struct OrderAsk {
  OrderSide side = OrderSide::kBuy;
  OrderKind kind = OrderKind::kMarket;
  std::int64_t qty_e8 = 0;    // base units wanted, > 0
  std::int64_t price_e8 = 0;  // LIMIT price, > 0; ignored for MARKET
  // MARKET only: the price notional rules are checked at (Binance uses its reference price or
  // the average price over avgPriceMins; pass the latest close). Ignored for LIMIT.
  std::int64_t reference_price_e8 = 0;
};

// The order as it may be sent: amounts rounded, and their text with the decimals of the step
// and tick (trailing zeros stripped), ready for the quantity= and price= parameters.
struct RoundedOrder {
  std::int64_t qty_e8 = 0;
  std::int64_t price_e8 = 0;  // 0 for MARKET
  std::string quantity_text;
  std::string price_text;  // empty for MARKET
};

// A local reject: `filter` is the Binance filter name ("PRICE_FILTER", "LOT_SIZE",
// "MARKET_LOT_SIZE", "MIN_NOTIONAL", "NOTIONAL"); message starts "Filter failure: <filter>"
// and then says which bound failed with the values.
struct FilterReject {
  std::string filter;
  std::string message;
};

using RoundingOutcome = std::variant<RoundedOrder, FilterReject>;

// Rounds and checks `ask` against `symbol`'s filters (see the top of this file). Total: any
// int64 inputs give a RoundedOrder or a FilterReject (a non-positive quantity or price, or an
// overflow while rounding up, is a reject), never a crash. A symbol without a given filter
// skips that filter's rules.
RoundingOutcome round_order(const SymbolInfo& symbol, const OrderAsk& ask);

}  // namespace q50::live

#endif  // Q50SIM_LIVE_ORDER_ROUNDING_H_
