// Rounding to tick and step in e8 integers, rejects named like Binance's filter failures, and
// the rule that rounding never bumps a size up past a minimum.
#include "live/order_rounding.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "live/decimal.h"

namespace q50::live {
namespace {

std::int64_t e8(std::string_view text) { return *parse_e8(text); }

// Shaped like Binance's BTCUSDT: tick 0.01, step 0.00001, NOTIONAL min 5 (also for MARKET).
SymbolInfo btcusdt() {
  SymbolInfo s;
  s.symbol = "BTCUSDT";
  s.filters.price = {true, e8("0.01"), e8("1000000"), e8("0.01")};
  s.filters.lot_size = {true, e8("0.00001"), e8("9000"), e8("0.00001")};
  s.filters.market_lot_size = {true, e8("0"), e8("100"), e8("0")};
  s.filters.notional = {true, e8("5"), e8("9000000"), true, false, 5};
  return s;
}

OrderAsk limit(OrderSide side, std::string_view qty, std::string_view price) {
  return {side, OrderKind::kLimit, e8(qty), e8(price), 0};
}

OrderAsk market(OrderSide side, std::string_view qty, std::string_view reference) {
  return {side, OrderKind::kMarket, e8(qty), 0, e8(reference)};
}

RoundedOrder accepted(const RoundingOutcome& r) {
  const auto* rej = std::get_if<FilterReject>(&r);
  BOOST_REQUIRE_MESSAGE(rej == nullptr, (rej ? rej->message : ""));
  return std::get<RoundedOrder>(r);
}

FilterReject rejected(const RoundingOutcome& r) {
  BOOST_REQUIRE(std::holds_alternative<FilterReject>(r));
  return std::get<FilterReject>(r);
}

BOOST_AUTO_TEST_CASE(limit_price_rounds_by_side_and_qty_rounds_down) {
  RoundedOrder buy =
      accepted(round_order(btcusdt(), limit(OrderSide::kBuy, "0.12345678", "65000.129")));
  BOOST_TEST(buy.qty_e8 == e8("0.12345"));
  BOOST_TEST(buy.price_e8 == e8("65000.12"));
  BOOST_TEST(buy.quantity_text == "0.12345");
  BOOST_TEST(buy.price_text == "65000.12");
  RoundedOrder sell =
      accepted(round_order(btcusdt(), limit(OrderSide::kSell, "0.12345678", "65000.121")));
  BOOST_TEST(sell.qty_e8 == e8("0.12345"));
  BOOST_TEST(sell.price_text == "65000.13");
  // On the grid already: unchanged either way, printed with the tick's 2 decimals.
  RoundedOrder exact = accepted(round_order(btcusdt(), limit(OrderSide::kSell, "1", "65000")));
  BOOST_TEST(exact.price_text == "65000.00");
  BOOST_TEST(exact.quantity_text == "1.00000");
}

BOOST_AUTO_TEST_CASE(market_order_uses_market_lot_size_step_only_when_non_zero) {
  RoundedOrder m = accepted(round_order(btcusdt(), market(OrderSide::kBuy, "0.000129", "65000")));
  BOOST_TEST(m.qty_e8 == e8("0.00012"));  // LOT_SIZE's step: MARKET_LOT_SIZE's is 0
  BOOST_TEST(m.price_text.empty());
  SymbolInfo s = btcusdt();
  s.filters.market_lot_size.step_size_e8 = e8("0.001");
  m = accepted(round_order(s, market(OrderSide::kBuy, "0.0129", "65000")));
  BOOST_TEST(m.qty_e8 == e8("0.012"));
  BOOST_TEST(m.quantity_text == "0.012");
  // MARKET_LOT_SIZE's maxQty binds for market orders only.
  FilterReject r = rejected(round_order(btcusdt(), market(OrderSide::kSell, "100.00001", "65000")));
  BOOST_TEST(r.filter == "MARKET_LOT_SIZE");
  BOOST_TEST(r.message.find("Filter failure: MARKET_LOT_SIZE") == 0u, r.message);
  accepted(round_order(btcusdt(), limit(OrderSide::kSell, "100.00001", "65000")));
}

BOOST_AUTO_TEST_CASE(rounding_below_min_qty_is_a_local_reject_never_a_bump) {
  FilterReject r = rejected(round_order(btcusdt(), limit(OrderSide::kBuy, "0.000009", "65000")));
  BOOST_TEST(r.filter == "LOT_SIZE");
  BOOST_TEST(r.message.find("Filter failure: LOT_SIZE") == 0u, r.message);
  SymbolInfo s = btcusdt();
  s.filters.lot_size.min_qty_e8 = e8("0.0015");
  s.filters.lot_size.step_size_e8 = e8("0.001");
  // 0.0019 >= minQty as asked, but rounds down to 0.001 < minQty: rejected, not raised to 0.002.
  r = rejected(round_order(s, limit(OrderSide::kBuy, "0.0019", "65000")));
  BOOST_TEST(r.filter == "LOT_SIZE");
  BOOST_TEST(r.message.find("quantity 0.001 below minQty 0.0015") != std::string::npos, r.message);
  BOOST_TEST(accepted(round_order(s, limit(OrderSide::kBuy, "0.0029", "65000"))).qty_e8 ==
             e8("0.002"));
  r = rejected(round_order(btcusdt(), limit(OrderSide::kBuy, "9000.00001", "1")));
  BOOST_TEST(r.message.find("above maxQty 9000") != std::string::npos, r.message);
}

BOOST_AUTO_TEST_CASE(notional_checked_after_rounding) {
  // 0.0000769 BTC at 65000 = 4.9985 USDT... rounded to 0.00007 = 4.55 < 5.
  FilterReject r = rejected(round_order(btcusdt(), limit(OrderSide::kBuy, "0.0000769", "65000")));
  BOOST_TEST(r.filter == "NOTIONAL");
  BOOST_TEST(r.message.find(
                 "Filter failure: NOTIONAL (notional 65000 x 0.00007 below minNotional 5)") == 0u,
             r.message);
  // Exactly at the minimum passes: 0.0001 * 50000 = 5.
  accepted(round_order(btcusdt(), limit(OrderSide::kBuy, "0.0001", "50000")));
  // BUY price rounding down can push a borderline order under the minimum:
  // 0.00011 x 45454.549 = 5.00000039, but 0.00011 x 45454.54 = 4.9999994.
  BOOST_TEST(
      rejected(round_order(btcusdt(), limit(OrderSide::kBuy, "0.00011", "45454.549"))).filter ==
      "NOTIONAL");
  accepted(round_order(btcusdt(), limit(OrderSide::kSell, "0.00011", "45454.549")));
  // MARKET: checked at the reference price because applyMinToMarket is true...
  r = rejected(round_order(btcusdt(), market(OrderSide::kBuy, "0.00007", "65000")));
  BOOST_TEST(r.filter == "NOTIONAL");
  r = rejected(round_order(btcusdt(), market(OrderSide::kBuy, "0.001", "0")));
  BOOST_TEST(r.message.find("reference price") != std::string::npos, r.message);
  // ...and not at all when it is false.
  SymbolInfo s = btcusdt();
  s.filters.notional.apply_min_to_market = false;
  accepted(round_order(s, market(OrderSide::kBuy, "0.00007", "0")));
  // maxNotional binds LIMIT orders; for MARKET only with applyMaxToMarket.
  r = rejected(round_order(btcusdt(), limit(OrderSide::kBuy, "139", "65000")));
  BOOST_TEST(r.message.find("above maxNotional 9000000") != std::string::npos, r.message);
  accepted(round_order(btcusdt(), market(OrderSide::kBuy, "99", "1000000")));
}

BOOST_AUTO_TEST_CASE(min_notional_spelling_and_disabled_rules) {
  SymbolInfo s = btcusdt();
  s.filters.notional = {};
  s.filters.min_notional = {true, e8("10"), 0, false, false, 5};
  FilterReject r = rejected(round_order(s, limit(OrderSide::kSell, "0.0001", "65000")));
  BOOST_TEST(r.filter == "MIN_NOTIONAL");
  accepted(round_order(s, market(OrderSide::kSell, "0.0001", "65000")));  // applyToMarket false
  // Every rule 0: nothing is rounded or bounded, the text keeps the exact value.
  SymbolInfo open;
  open.filters.price = {true, 0, 0, 0};
  open.filters.lot_size = {true, 0, 0, 0};
  RoundedOrder o = accepted(round_order(open, limit(OrderSide::kBuy, "0.12345678", "1.5")));
  BOOST_TEST(o.quantity_text == "0.12345678");
  BOOST_TEST(o.price_text == "1.5");
}

BOOST_AUTO_TEST_CASE(price_bounds_and_invalid_inputs) {
  FilterReject r = rejected(round_order(btcusdt(), limit(OrderSide::kBuy, "1", "0.009")));
  BOOST_TEST(r.filter == "PRICE_FILTER");
  BOOST_TEST(r.message.find("rounds down to 0") != std::string::npos, r.message);
  r = rejected(round_order(btcusdt(), limit(OrderSide::kSell, "0.001", "1000000.001")));
  BOOST_TEST(r.message.find("above maxPrice") != std::string::npos, r.message);
  SymbolInfo s = btcusdt();
  s.filters.price.min_price_e8 = e8("100");
  r = rejected(round_order(s, limit(OrderSide::kBuy, "1", "99.99")));
  BOOST_TEST(r.message.find("below minPrice 100") != std::string::npos, r.message);
  OrderAsk bad = limit(OrderSide::kBuy, "1", "1");
  bad.qty_e8 = -5;
  BOOST_TEST(rejected(round_order(btcusdt(), bad)).filter == "LOT_SIZE");
  bad = limit(OrderSide::kBuy, "1", "1");
  bad.price_e8 = 0;
  BOOST_TEST(rejected(round_order(btcusdt(), bad)).filter == "PRICE_FILTER");
  // Rounding a SELL up past int64 is a reject, not an overflow.
  s.filters.price = {true, 0, 0, e8("0.03")};
  bad = {OrderSide::kSell, OrderKind::kLimit, 1, INT64_MAX, 0};
  BOOST_TEST(rejected(round_order(s, bad)).message.find("overflows") != std::string::npos);
}

}  // namespace
}  // namespace q50::live
