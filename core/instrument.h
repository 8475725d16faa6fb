#ifndef Q50SIM_CORE_INSTRUMENT_H_
#define Q50SIM_CORE_INSTRUMENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/fixed_point.h"

// A spot instrument and Binance's order filters (spec/binance-testnet.md §1.4). Validation
// returns the failing filter as a value; it never aborts, because a bad order is a domain
// outcome (the venue answers -1013 "Filter failure: X"), not a programmer error.

namespace q50::venue {

enum class Side : std::uint8_t { kBuy, kSell };

inline std::string_view side_name(Side s) { return s == Side::kBuy ? "BUY" : "SELL"; }

// All amounts in 1e-8 units (sim/fixed_point.h). A zero disables the rule, as on Binance.
struct Instrument {
  std::string symbol = "BTCUSDT";
  // PRICE_FILTER: min_price <= price <= max_price and price % tick_size == 0.
  std::int64_t tick_size_e8 = 0;
  std::int64_t min_price_e8 = 0;
  std::int64_t max_price_e8 = 0;
  // LOT_SIZE (also used for MARKET orders, i.e. MARKET_LOT_SIZE = LOT_SIZE):
  // min_qty <= qty <= max_qty and qty % step_size == 0. qty <= 0 always fails.
  std::int64_t step_size_e8 = 0;
  std::int64_t min_qty_e8 = 0;
  std::int64_t max_qty_e8 = 0;
  // NOTIONAL: price * qty >= min_notional, compared exactly (no rounding). MARKET orders are
  // checked against the reference price (the last bar's close) when apply_min_to_market.
  std::int64_t min_notional_e8 = 0;
  bool apply_min_to_market = true;
};

// Binance spot BTCUSDT's filters (exchangeInfo, 2025): tick 0.01, step 0.00001,
// qty in [0.00001, 9000], min notional 5 USDT.
inline Instrument btcusdt_spot() {
  Instrument i;
  i.symbol = "BTCUSDT";
  i.tick_size_e8 = 1'000'000;
  i.min_price_e8 = 1'000'000;
  i.max_price_e8 = 100'000'000'000'000;
  i.step_size_e8 = 1'000;
  i.min_qty_e8 = 1'000;
  i.max_qty_e8 = 900'000'000'000;
  i.min_notional_e8 = 500'000'000;
  return i;
}

enum class Filter : std::uint8_t { kPriceFilter, kLotSize, kNotional };

// Binance's filterType string, used in the reject text "Filter failure: <name>".
inline std::string_view filter_name(Filter f) {
  switch (f) {
    case Filter::kPriceFilter:
      return "PRICE_FILTER";
    case Filter::kLotSize:
      return "LOT_SIZE";
    case Filter::kNotional:
      return "NOTIONAL";
  }
  return "UNKNOWN_FILTER";
}

inline std::optional<Filter> check_price(const Instrument& ins, std::int64_t price_e8) {
  const bool ok = price_e8 > 0 && (ins.min_price_e8 == 0 || price_e8 >= ins.min_price_e8) &&
                  (ins.max_price_e8 == 0 || price_e8 <= ins.max_price_e8) &&
                  (ins.tick_size_e8 == 0 || price_e8 % ins.tick_size_e8 == 0);
  return ok ? std::nullopt : std::optional<Filter>(Filter::kPriceFilter);
}

inline std::optional<Filter> check_qty(const Instrument& ins, std::int64_t qty_e8) {
  const bool ok = qty_e8 > 0 && (ins.min_qty_e8 == 0 || qty_e8 >= ins.min_qty_e8) &&
                  (ins.max_qty_e8 == 0 || qty_e8 <= ins.max_qty_e8) &&
                  (ins.step_size_e8 == 0 || qty_e8 % ins.step_size_e8 == 0);
  return ok ? std::nullopt : std::optional<Filter>(Filter::kLotSize);
}

// price * qty >= min_notional, exact in 128 bits (both sides scaled by 1e8 * 1e8).
inline std::optional<Filter> check_notional(const Instrument& ins, std::int64_t price_e8,
                                            std::int64_t qty_e8) {
  const Int128 notional = static_cast<Int128>(price_e8) * qty_e8;
  const Int128 minimum = static_cast<Int128>(ins.min_notional_e8) * kFixedScale;
  return notional >= minimum ? std::nullopt : std::optional<Filter>(Filter::kNotional);
}

// The order filters in Binance's order: PRICE_FILTER (limit orders), LOT_SIZE, NOTIONAL.
// price_e8 is the limit price, or for a market order the reference price (0 = none known, then
// NOTIONAL is skipped). Returns the first failing filter.
inline std::optional<Filter> validate_order(const Instrument& ins, bool is_limit,
                                            std::int64_t qty_e8, std::int64_t price_e8) {
  if (is_limit) {
    if (auto f = check_price(ins, price_e8)) return f;
  }
  if (auto f = check_qty(ins, qty_e8)) return f;
  const bool check_min = is_limit ? true : (ins.apply_min_to_market && price_e8 > 0);
  if (check_min) return check_notional(ins, price_e8, qty_e8);
  return std::nullopt;
}

// Quantity rounded down to the step size (never more than asked). The caller still validates:
// rounding can break min_qty or min_notional, which must be rejected, not bumped up.
inline std::int64_t round_qty_down(const Instrument& ins, std::int64_t qty_e8) {
  if (ins.step_size_e8 == 0) return qty_e8;
  return round_to_multiple(qty_e8, ins.step_size_e8, Rounding::kDown);
}

// Price rounded to the tick in the conservative direction: a buy down (never pays more than
// asked), a sell up (never sells for less).
inline std::int64_t round_price(const Instrument& ins, std::int64_t price_e8, Side side) {
  if (ins.tick_size_e8 == 0) return price_e8;
  return round_to_multiple(price_e8, ins.tick_size_e8,
                           side == Side::kBuy ? Rounding::kDown : Rounding::kUp);
}

}  // namespace q50::venue

#endif  // Q50SIM_CORE_INSTRUMENT_H_
