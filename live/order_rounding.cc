#include "live/order_rounding.h"

#include <fmt/format.h>

#include <limits>
#include <optional>

#include "live/decimal.h"

namespace q50::live {
namespace {

__extension__ typedef __int128 i128;
constexpr i128 kMaxI64 = std::numeric_limits<std::int64_t>::max();

// An amount in messages: exact, with only the decimals it needs.
std::string text_e8(std::int64_t value_e8) { return format_e8(value_e8, decimals_of_e8(value_e8)); }

FilterReject reject(std::string_view filter, std::string_view detail) {
  return FilterReject{std::string(filter), fmt::format("Filter failure: {} ({})", filter, detail)};
}

// value >= 0, step > 0: the largest multiple of step <= value.
std::int64_t floor_to_step(std::int64_t value, std::int64_t step) { return value - value % step; }

// value >= 0, step > 0: the smallest multiple of step >= value, or nullopt past int64.
std::optional<std::int64_t> ceil_to_step(std::int64_t value, std::int64_t step) {
  const std::int64_t rem = value % step;
  if (rem == 0) return value;
  const i128 up = static_cast<i128>(value) + (step - rem);
  if (up > kMaxI64) return std::nullopt;
  return static_cast<std::int64_t>(up);
}

// Step 1: the LIMIT price on the tick grid, checked against min/max price.
std::variant<std::int64_t, FilterReject> fit_price(const PriceFilter& f, const OrderAsk& ask) {
  if (ask.price_e8 <= 0) return reject("PRICE_FILTER", "price must be positive");
  std::int64_t price = ask.price_e8;
  if (f.present && f.tick_size_e8 > 0) {
    if (ask.side == OrderSide::kSell) {
      std::optional<std::int64_t> up = ceil_to_step(price, f.tick_size_e8);
      if (!up) return reject("PRICE_FILTER", "price overflows when rounded up to tickSize");
      price = *up;
    } else {
      price = floor_to_step(price, f.tick_size_e8);
    }
  }
  if (price <= 0) {
    return reject("PRICE_FILTER", fmt::format("price {} rounds down to 0 at tickSize {}",
                                              text_e8(ask.price_e8), text_e8(f.tick_size_e8)));
  }
  if (f.present && f.min_price_e8 > 0 && price < f.min_price_e8) {
    return reject("PRICE_FILTER", fmt::format("price {} below minPrice {}", text_e8(price),
                                              text_e8(f.min_price_e8)));
  }
  if (f.present && f.max_price_e8 > 0 && price > f.max_price_e8) {
    return reject("PRICE_FILTER", fmt::format("price {} above maxPrice {}", text_e8(price),
                                              text_e8(f.max_price_e8)));
  }
  return price;
}

std::optional<FilterReject> check_lot(const LotSizeFilter& f, std::string_view name,
                                      std::int64_t qty) {
  if (!f.present) return std::nullopt;
  if (f.min_qty_e8 > 0 && qty < f.min_qty_e8) {
    return reject(name,
                  fmt::format("quantity {} below minQty {}", text_e8(qty), text_e8(f.min_qty_e8)));
  }
  if (f.max_qty_e8 > 0 && qty > f.max_qty_e8) {
    return reject(name,
                  fmt::format("quantity {} above maxQty {}", text_e8(qty), text_e8(f.max_qty_e8)));
  }
  return std::nullopt;
}

// Step 2: the quantity rounded down to the step that applies, checked against min/max qty.
struct FittedQty {
  std::int64_t qty_e8;
  std::int64_t step_e8;  // 0 when no step applies
};
std::variant<FittedQty, FilterReject> fit_qty(const SymbolFilters& f, const OrderAsk& ask) {
  const bool market = ask.kind == OrderKind::kMarket;
  const bool use_market_lot =
      market && f.market_lot_size.present && f.market_lot_size.step_size_e8 > 0;
  const LotSizeFilter& lot = use_market_lot ? f.market_lot_size : f.lot_size;
  const std::string_view lot_name = use_market_lot ? "MARKET_LOT_SIZE" : "LOT_SIZE";
  if (ask.qty_e8 <= 0) return reject(lot_name, "quantity must be positive");
  const std::int64_t step = lot.present && lot.step_size_e8 > 0 ? lot.step_size_e8 : 0;
  const std::int64_t qty = step > 0 ? floor_to_step(ask.qty_e8, step) : ask.qty_e8;
  if (qty <= 0) {
    return reject(lot_name, fmt::format("quantity {} rounds down to 0 at stepSize {}",
                                        text_e8(ask.qty_e8), text_e8(step)));
  }
  if (auto r = check_lot(f.lot_size, "LOT_SIZE", qty)) return *r;
  if (market) {
    if (auto r = check_lot(f.market_lot_size, "MARKET_LOT_SIZE", qty)) return *r;
  }
  return FittedQty{qty, step};
}

// Step 3: one notional filter (MIN_NOTIONAL or NOTIONAL) at `price_e8`.
std::optional<FilterReject> check_notional(const NotionalFilter& f, std::string_view name,
                                           const OrderAsk& ask, std::int64_t price_e8,
                                           std::int64_t qty_e8) {
  if (!f.present) return std::nullopt;
  const bool market = ask.kind == OrderKind::kMarket;
  const bool check_min = f.min_notional_e8 > 0 && (!market || f.apply_min_to_market);
  const bool check_max = f.max_notional_e8 > 0 && (!market || f.apply_max_to_market);
  if (!check_min && !check_max) return std::nullopt;
  if (price_e8 <= 0) return reject(name, "no positive reference price for a MARKET order");
  // price * qty is e16; compare with the limits scaled to e16 too, exactly.
  const i128 notional_e16 = static_cast<i128>(price_e8) * qty_e8;
  const std::string shown = fmt::format("notional {} x {}", text_e8(price_e8), text_e8(qty_e8));
  if (check_min && notional_e16 < static_cast<i128>(f.min_notional_e8) * kE8) {
    return reject(name, fmt::format("{} below minNotional {}", shown, text_e8(f.min_notional_e8)));
  }
  if (check_max && notional_e16 > static_cast<i128>(f.max_notional_e8) * kE8) {
    return reject(name, fmt::format("{} above maxNotional {}", shown, text_e8(f.max_notional_e8)));
  }
  return std::nullopt;
}

}  // namespace

RoundingOutcome round_order(const SymbolInfo& symbol, const OrderAsk& ask) {
  const SymbolFilters& f = symbol.filters;
  const bool market = ask.kind == OrderKind::kMarket;
  std::int64_t price = 0;
  if (!market) {
    auto fitted = fit_price(f.price, ask);
    if (auto* r = std::get_if<FilterReject>(&fitted)) return *r;
    price = std::get<std::int64_t>(fitted);
  }
  auto fitted_qty = fit_qty(f, ask);
  if (auto* r = std::get_if<FilterReject>(&fitted_qty)) return *r;
  const FittedQty qty = std::get<FittedQty>(fitted_qty);
  const std::int64_t notional_price = market ? ask.reference_price_e8 : price;
  if (auto r = check_notional(f.min_notional, "MIN_NOTIONAL", ask, notional_price, qty.qty_e8)) {
    return *r;
  }
  if (auto r = check_notional(f.notional, "NOTIONAL", ask, notional_price, qty.qty_e8)) {
    return *r;
  }
  RoundedOrder out;
  out.qty_e8 = qty.qty_e8;
  out.quantity_text =
      format_e8(qty.qty_e8, decimals_of_e8(qty.step_e8 > 0 ? qty.step_e8 : qty.qty_e8));
  if (!market) {
    const std::int64_t tick = f.price.present ? f.price.tick_size_e8 : 0;
    out.price_e8 = price;
    out.price_text = format_e8(price, decimals_of_e8(tick > 0 ? tick : price));
  }
  return out;
}

}  // namespace q50::live
