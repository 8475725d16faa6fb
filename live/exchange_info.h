#ifndef Q50SIM_LIVE_EXCHANGE_INFO_H_
#define Q50SIM_LIVE_EXCHANGE_INFO_H_

// GET /api/v3/exchangeInfo: the trading rules of a symbol (the filters order_rounding.h
// applies) and the venue's rate limits. Amounts are int64 scaled by 1e8; a 0 in any rule
// disables that rule, as at Binance.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "live/json_reader.h"

namespace q50::live {

// PRICE_FILTER: min_price <= price <= max_price, price % tick_size == 0.
struct PriceFilter {
  bool present = false;
  std::int64_t min_price_e8 = 0;
  std::int64_t max_price_e8 = 0;
  std::int64_t tick_size_e8 = 0;
};

// LOT_SIZE (every order) and MARKET_LOT_SIZE (MARKET orders): min_qty <= qty <= max_qty,
// qty % step_size == 0.
struct LotSizeFilter {
  bool present = false;
  std::int64_t min_qty_e8 = 0;
  std::int64_t max_qty_e8 = 0;
  std::int64_t step_size_e8 = 0;
};

// MIN_NOTIONAL (min only; applyToMarket) or NOTIONAL (min and max; applyMinToMarket,
// applyMaxToMarket): min_notional <= price * qty <= max_notional (quote units).
struct NotionalFilter {
  bool present = false;
  std::int64_t min_notional_e8 = 0;
  std::int64_t max_notional_e8 = 0;  // NOTIONAL only; 0 = no maximum
  bool apply_min_to_market = false;
  bool apply_max_to_market = false;
  std::int64_t avg_price_mins = 0;  // the window of the reference price MARKET orders use
};

struct SymbolFilters {
  PriceFilter price;
  LotSizeFilter lot_size;
  LotSizeFilter market_lot_size;
  NotionalFilter min_notional;  // the MIN_NOTIONAL filter
  NotionalFilter notional;      // the NOTIONAL filter
};

struct SymbolInfo {
  std::string symbol;
  std::string status;  // "TRADING", "HALT", "BREAK"
  std::string base_asset;
  std::int64_t base_asset_precision = 0;
  std::string quote_asset;
  std::int64_t quote_asset_precision = 0;
  std::vector<std::string> order_types;
  SymbolFilters filters;
  // Decimals to print a price / quantity with: decimals_of(tickSize / stepSize) once trailing
  // zeros are stripped (8 when the rule is disabled).
  int price_decimals = 8;
  int qty_decimals = 8;
};

// An element of rateLimits[]: at most `limit` per interval_num intervals.
struct RateLimit {
  std::string rate_limit_type;  // "REQUEST_WEIGHT", "ORDERS", "RAW_REQUESTS"
  std::string interval;         // "SECOND", "MINUTE", "HOUR", "DAY"
  std::int64_t interval_num = 0;
  std::int64_t limit = 0;
};

struct ExchangeInfo {
  std::string timezone;
  std::int64_t server_time_ms = 0;
  std::vector<RateLimit> rate_limits;
  std::vector<SymbolInfo> symbols;
};

// Parses an exchangeInfo body. Every symbol requires `symbol`; known filters require their
// amounts as decimal strings; unknown filter types are ignored.
absl::StatusOr<ExchangeInfo> parse_exchange_info(std::string_view body,
                                                 const JsonLimits& limits = {});

// The symbol named `symbol` (exact match), or nullptr.
const SymbolInfo* find_symbol(const ExchangeInfo& info, std::string_view symbol);

}  // namespace q50::live

#endif  // Q50SIM_LIVE_EXCHANGE_INFO_H_
