// Properties of round_order over random filters and orders: rounding never creates value
// (quantity only down, a BUY limit never up, a SELL limit never down), results sit on the
// step/tick grid and inside every enabled rule, on-grid orders pass unchanged, the printed
// text parses back to the amount, and arbitrary int64 inputs never crash.
#include <rapidcheck/boost_test.h>

#include <boost/test/unit_test.hpp>
#include <limits>
#include <vector>

#include "live/decimal.h"
#include "live/order_rounding.h"

namespace q50::live {
namespace {

__extension__ typedef __int128 i128;
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

// Any int64, with the edges and small values over-represented.
rc::Gen<std::int64_t> any_int64() {
  return rc::gen::oneOf(
      rc::gen::arbitrary<std::int64_t>(),
      rc::gen::elementOf(std::vector<std::int64_t>{kMin, kMin + 1, -1, 0, 1, kMax - 1, kMax}),
      rc::gen::inRange<std::int64_t>(-1000, 1000000000000));
}

// A step or tick as Binance writes them: {1, 2, 5} x 10^k e8 units, sometimes 0 (disabled).
rc::Gen<std::int64_t> step_e8() {
  return rc::gen::oneOf(rc::gen::just<std::int64_t>(0),
                        rc::gen::apply(
                            [](int mantissa, int exponent) {
                              std::int64_t v = mantissa;
                              for (int i = 0; i < exponent; ++i) v *= 10;
                              return v;
                            },
                            rc::gen::element(1, 2, 5), rc::gen::inRange(0, 12)));
}

rc::Gen<std::int64_t> bound_e8() {
  return rc::gen::oneOf(rc::gen::just<std::int64_t>(0),
                        rc::gen::inRange<std::int64_t>(1, 100000000000000));
}

SymbolInfo realistic_symbol() {
  SymbolInfo s;
  SymbolFilters& f = s.filters;
  f.price = {true, *bound_e8(), *bound_e8(), *step_e8()};
  f.lot_size = {true, *bound_e8(), *bound_e8(), *step_e8()};
  f.market_lot_size = {*rc::gen::arbitrary<bool>(), *bound_e8(), *bound_e8(), *step_e8()};
  f.notional = {*rc::gen::arbitrary<bool>(),
                *bound_e8(),
                *bound_e8(),
                *rc::gen::arbitrary<bool>(),
                *rc::gen::arbitrary<bool>(),
                5};
  f.min_notional = {*rc::gen::arbitrary<bool>(), *bound_e8(), 0,
                    *rc::gen::arbitrary<bool>(), false,       5};
  return s;
}

OrderAsk realistic_ask() {
  OrderAsk a;
  a.side = *rc::gen::element(OrderSide::kBuy, OrderSide::kSell);
  a.kind = *rc::gen::element(OrderKind::kLimit, OrderKind::kMarket);
  a.qty_e8 = *rc::gen::inRange<std::int64_t>(1, 1000000000000000);
  a.price_e8 = *rc::gen::inRange<std::int64_t>(1, 100000000000000);
  a.reference_price_e8 = *rc::gen::inRange<std::int64_t>(0, 100000000000000);
  return a;
}

// The step the quantity is rounded to for this ask (0 = none).
std::int64_t qty_step(const SymbolFilters& f, const OrderAsk& a) {
  if (a.kind == OrderKind::kMarket && f.market_lot_size.present &&
      f.market_lot_size.step_size_e8 > 0) {
    return f.market_lot_size.step_size_e8;
  }
  return f.lot_size.present && f.lot_size.step_size_e8 > 0 ? f.lot_size.step_size_e8 : 0;
}

RC_BOOST_PROP(prop_rounding_never_creates_value, ()) {
  const SymbolInfo s = realistic_symbol();
  const OrderAsk a = realistic_ask();
  const RoundingOutcome r = round_order(s, a);
  const auto* o = std::get_if<RoundedOrder>(&r);
  if (o == nullptr) {
    RC_ASSERT(std::get<FilterReject>(r).message.rfind("Filter failure: ", 0) == 0u);
    return;
  }
  const std::int64_t step = qty_step(s.filters, a);
  RC_ASSERT(o->qty_e8 > 0);
  RC_ASSERT(o->qty_e8 <= a.qty_e8);
  if (step > 0) {
    RC_ASSERT(o->qty_e8 % step == 0);
    RC_ASSERT(a.qty_e8 - o->qty_e8 < step);
  } else {
    RC_ASSERT(o->qty_e8 == a.qty_e8);
  }
  if (a.kind == OrderKind::kLimit) {
    const std::int64_t tick = s.filters.price.tick_size_e8;
    if (a.side == OrderSide::kBuy) RC_ASSERT(o->price_e8 <= a.price_e8);
    if (a.side == OrderSide::kSell) RC_ASSERT(o->price_e8 >= a.price_e8);
    if (tick > 0) {
      RC_ASSERT(o->price_e8 % tick == 0);
      RC_ASSERT(std::abs(o->price_e8 - a.price_e8) < tick);
    }
  }
}

RC_BOOST_PROP(prop_accepted_orders_satisfy_every_enabled_rule, ()) {
  const SymbolInfo s = realistic_symbol();
  const OrderAsk a = realistic_ask();
  const RoundingOutcome r = round_order(s, a);
  const auto* o = std::get_if<RoundedOrder>(&r);
  RC_TAG(o == nullptr ? "rejected" : "accepted");
  if (o == nullptr) return;
  const SymbolFilters& f = s.filters;
  const bool market = a.kind == OrderKind::kMarket;
  const auto within = [](std::int64_t v, std::int64_t lo, std::int64_t hi) {
    return (lo == 0 || v >= lo) && (hi == 0 || v <= hi);
  };
  RC_ASSERT(within(o->qty_e8, f.lot_size.min_qty_e8, f.lot_size.max_qty_e8));
  if (market && f.market_lot_size.present) {
    RC_ASSERT(within(o->qty_e8, f.market_lot_size.min_qty_e8, f.market_lot_size.max_qty_e8));
  }
  if (!market) RC_ASSERT(within(o->price_e8, f.price.min_price_e8, f.price.max_price_e8));
  const i128 notional_e16 =
      static_cast<i128>(market ? a.reference_price_e8 : o->price_e8) * o->qty_e8;
  for (const NotionalFilter* n : {&f.notional, &f.min_notional}) {
    if (!n->present) continue;
    if (n->min_notional_e8 > 0 && (!market || n->apply_min_to_market)) {
      RC_ASSERT(notional_e16 >= static_cast<i128>(n->min_notional_e8) * kE8);
    }
    if (n->max_notional_e8 > 0 && (!market || n->apply_max_to_market)) {
      RC_ASSERT(notional_e16 <= static_cast<i128>(n->max_notional_e8) * kE8);
    }
  }
}

RC_BOOST_PROP(prop_on_grid_orders_pass_unchanged_and_text_parses_back, ()) {
  SymbolInfo s = realistic_symbol();
  s.filters.notional.present = false;
  s.filters.min_notional.present = false;
  s.filters.price.min_price_e8 = s.filters.price.max_price_e8 = 0;
  s.filters.lot_size.min_qty_e8 = s.filters.lot_size.max_qty_e8 = 0;
  s.filters.market_lot_size.present = false;
  OrderAsk a = realistic_ask();
  const std::int64_t step = qty_step(s.filters, a);
  const std::int64_t tick = s.filters.price.tick_size_e8;
  if (step > 0) a.qty_e8 = step * *rc::gen::inRange<std::int64_t>(1, 1000000);
  if (tick > 0) a.price_e8 = tick * *rc::gen::inRange<std::int64_t>(1, 1000000);
  const RoundedOrder o = std::get<RoundedOrder>(round_order(s, a));
  RC_ASSERT(o.qty_e8 == a.qty_e8);
  RC_ASSERT(*parse_e8(o.quantity_text) == o.qty_e8);
  if (a.kind == OrderKind::kLimit) {
    RC_ASSERT(o.price_e8 == a.price_e8);
    RC_ASSERT(*parse_e8(o.price_text) == o.price_e8);
    RC_ASSERT(o.price_text.find_first_not_of("0123456789.") == std::string::npos);
  }
}

RC_BOOST_PROP(prop_any_int64_inputs_never_crash, ()) {
  SymbolInfo s;
  SymbolFilters& f = s.filters;
  f.price = {*rc::gen::arbitrary<bool>(), *any_int64(), *any_int64(), *any_int64()};
  f.lot_size = {*rc::gen::arbitrary<bool>(), *any_int64(), *any_int64(), *any_int64()};
  f.market_lot_size = {*rc::gen::arbitrary<bool>(), *any_int64(), *any_int64(), *any_int64()};
  f.notional = {
      *rc::gen::arbitrary<bool>(), *any_int64(), *any_int64(), *rc::gen::arbitrary<bool>(),
      *rc::gen::arbitrary<bool>(), *any_int64()};
  f.min_notional = {*rc::gen::arbitrary<bool>(),
                    *any_int64(),
                    *any_int64(),
                    *rc::gen::arbitrary<bool>(),
                    *rc::gen::arbitrary<bool>(),
                    0};
  OrderAsk a;
  a.side = *rc::gen::element(OrderSide::kBuy, OrderSide::kSell, OrderSide::kUnknown);
  a.kind = *rc::gen::element(OrderKind::kLimit, OrderKind::kMarket);
  a.qty_e8 = *any_int64();
  a.price_e8 = *any_int64();
  a.reference_price_e8 = *any_int64();
  const RoundingOutcome r = round_order(s, a);
  if (const auto* o = std::get_if<RoundedOrder>(&r)) {
    RC_ASSERT(o->qty_e8 > 0 && o->qty_e8 <= a.qty_e8);
    RC_ASSERT(*parse_e8(o->quantity_text) == o->qty_e8);
  } else {
    RC_ASSERT(!std::get<FilterReject>(r).filter.empty());
  }
}

}  // namespace
}  // namespace q50::live
