#include "sim/exchange.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "io/csv.h"
#include "sim/exchange_models.h"
#include "core/fixed_point.h"
#include "core/instrument.h"
#include "sim/journal.h"
#include "core/prng.h"
#include "tests/support/test_env.h"

namespace q50::sim {
namespace {

constexpr TimestampNs kHour = kNsPerHour;
constexpr TimestampNs kMs = 1'000'000;

std::int64_t e8(std::string_view decimal) {
  const auto v = parse_decimal(decimal);
  BOOST_REQUIRE_MESSAGE(v.has_value(), "bad decimal in test: " << decimal);
  return *v;
}

// tick 0.01, step 0.001, qty in [0.001, 1000], min notional 10 USDT.
Instrument test_instrument() {
  Instrument i;
  i.symbol = "BTCUSDT";
  i.tick_size_e8 = e8("0.01");
  i.step_size_e8 = e8("0.001");
  i.min_qty_e8 = e8("0.001");
  i.max_qty_e8 = e8("1000");
  i.min_notional_e8 = e8("10");
  return i;
}

// Spot, 1 BTC + 100,000 USDT, 0.1% fees, no slippage, no latency, fills at the bar close.
ExchangeConfig spot_config() {
  ExchangeConfig c;
  c.instrument = test_instrument();
  c.account.mode = AccountMode::kSpot;
  c.account.initial_base_e8 = e8("1");
  c.account.initial_quote_e8 = e8("100000");
  return c;
}

Bar bar(TimestampNs ts_ns, std::string_view open, std::string_view high, std::string_view low,
        std::string_view close, std::string_view volume = "100") {
  return Bar{ts_ns, e8(open), e8(high), e8(low), e8(close), e8(volume)};
}

OrderRequest market(Side side, std::string_view qty, std::string id,
                    TimeInForce tif = TimeInForce::kGtc) {
  return OrderRequest{std::move(id), "BTCUSDT", side, OrderType::kMarket, tif, e8(qty), 0};
}

OrderRequest limit(Side side, std::string_view qty, std::string_view price, std::string id,
                   TimeInForce tif = TimeInForce::kGtc) {
  return OrderRequest{std::move(id), "BTCUSDT", side, OrderType::kLimit, tif, e8(qty), e8(price)};
}

// By value: callers often pass the temporary vector submit() returns.
template <typename T>
T as(const VenueEvent& e) {
  BOOST_REQUIRE_MESSAGE(std::holds_alternative<T>(e), "unexpected event: " << describe(e));
  return std::get<T>(e);
}

template <typename T>
T only(const std::vector<VenueEvent>& events) {
  BOOST_REQUIRE_EQUAL(events.size(), 1u);
  return as<T>(events[0]);
}

RejectCode rejected_code(const std::vector<VenueEvent>& events) {
  return only<OrderRejected>(events).code;
}

BOOST_AUTO_TEST_CASE(market_buy_fills_at_the_bar_close_like_the_existing_backtester) {
  Exchange ex(spot_config());
  BOOST_TEST(ex.on_bar(bar(kHour, "100", "101", "99", "100.5")).empty());
  const auto events = ex.submit(market(Side::kBuy, "1", "b1"), kHour);
  BOOST_REQUIRE_EQUAL(events.size(), 2u);
  BOOST_TEST(as<OrderAccepted>(events[0]).order_id == 1);
  const Fill& f = as<Fill>(events[1]);
  BOOST_TEST(f.ts_ns == kHour);
  BOOST_TEST(f.price_e8 == e8("100.5"));
  BOOST_TEST(f.qty_e8 == e8("1"));
  BOOST_TEST(f.notional_e8 == e8("100.5"));
  BOOST_TEST(f.fee_e8 == e8("0.1005"));
  BOOST_TEST(f.slippage_e8 == 0);
  BOOST_TEST((f.liquidity == Liquidity::kTaker));
  BOOST_TEST(f.leaves_qty_e8 == 0);
  BOOST_TEST(ex.balances().quote.free_e8 == e8("99899.3995"));
  BOOST_TEST(ex.position_e8() == e8("2"));
  BOOST_TEST(ex.balances().fees_paid_e8 == e8("0.1005"));
  BOOST_TEST((ex.find_order(1)->status == OrderStatus::kFilled));
}

BOOST_AUTO_TEST_CASE(market_order_before_any_bar_fills_at_the_first_bar) {
  Exchange ex(spot_config());
  BOOST_TEST(only<OrderAccepted>(ex.submit(market(Side::kSell, "0.5", "s1"), 0)).order_id == 1);
  const Fill& f = only<Fill>(ex.on_bar(bar(kHour, "100", "101", "99", "100.5")));
  BOOST_TEST(f.ts_ns == kHour);
  BOOST_TEST(f.price_e8 == e8("100.5"));
  BOOST_TEST(ex.balances().quote.free_e8 == e8("100050.19975"));  // 50.25 - 0.05025
  BOOST_TEST(ex.balances().base.locked_e8 == 0);
  BOOST_TEST(ex.position_e8() == e8("0.5"));
}

BOOST_AUTO_TEST_CASE(next_bar_open_model_waits_for_the_next_bar) {
  ExchangeConfig cfg = spot_config();
  cfg.fill.price = FillPrice::kNextBarOpen;
  Exchange ex(cfg);
  ex.on_bar(bar(kHour, "100", "101", "99", "100.5"));
  only<OrderAccepted>(ex.submit(market(Side::kBuy, "1", "b1"), kHour));
  const Fill& f = only<Fill>(ex.on_bar(bar(2 * kHour, "101", "103", "100", "102")));
  BOOST_TEST(f.ts_ns == 2 * kHour);
  BOOST_TEST(f.price_e8 == e8("101"));
  BOOST_TEST((f.liquidity == Liquidity::kTaker));
}

BOOST_AUTO_TEST_CASE(resting_buy_limit_fills_on_penetration_at_its_price_as_maker) {
  ExchangeConfig cfg = spot_config();
  cfg.fee.maker_ppm = 200;
  Exchange ex(cfg);
  ex.on_bar(bar(kHour, "100", "101", "99.5", "100.5"));
  only<OrderAccepted>(ex.submit(limit(Side::kBuy, "1", "99", "b1"), kHour));
  // Locked: notional at the limit + the larger fee rate (0.1%).
  BOOST_TEST(ex.balances().quote.locked_e8 == e8("99.099"));
  BOOST_TEST(ex.on_bar(bar(2 * kHour, "100", "101", "99", "100")).empty());  // touch only
  const Fill& f = only<Fill>(ex.on_bar(bar(3 * kHour, "100", "101", "98.99", "100")));
  BOOST_TEST(f.price_e8 == e8("99"));
  BOOST_TEST((f.liquidity == Liquidity::kMaker));
  BOOST_TEST(f.fee_e8 == e8("0.0198"));
  BOOST_TEST(ex.balances().quote.locked_e8 == 0);
  BOOST_TEST(ex.balances().quote.free_e8 == e8("99900.9802"));
}

BOOST_AUTO_TEST_CASE(touch_option_fills_a_limit_the_bar_only_touches) {
  ExchangeConfig cfg = spot_config();
  cfg.fill.limit_touch_fills = true;
  Exchange ex(cfg);
  ex.on_bar(bar(kHour, "100", "101", "99.5", "100.5"));
  only<OrderAccepted>(ex.submit(limit(Side::kSell, "1", "102", "s1"), kHour));
  const Fill& f = only<Fill>(ex.on_bar(bar(2 * kHour, "100", "102", "99", "100")));
  BOOST_TEST(f.price_e8 == e8("102"));
  BOOST_TEST((f.liquidity == Liquidity::kMaker));
}

BOOST_AUTO_TEST_CASE(resting_sell_limit_needs_the_high_above_it) {
  Exchange ex(spot_config());
  ex.on_bar(bar(kHour, "100", "101", "99.5", "100.5"));
  only<OrderAccepted>(ex.submit(limit(Side::kSell, "1", "102", "s1"), kHour));
  BOOST_TEST(ex.balances().base.locked_e8 == e8("1"));
  BOOST_TEST(ex.on_bar(bar(2 * kHour, "100", "102", "99", "100")).empty());
  const Fill& f = only<Fill>(ex.on_bar(bar(3 * kHour, "100", "102.01", "99", "100")));
  BOOST_TEST(f.price_e8 == e8("102"));
  BOOST_TEST(ex.balances().base.locked_e8 == 0);
  BOOST_TEST(ex.position_e8() == 0);
}

BOOST_AUTO_TEST_CASE(marketable_limit_takes_at_the_reference_price_and_unlocks_the_rest) {
  Exchange ex(spot_config());
  ex.on_bar(bar(kHour, "100", "101", "99.5", "100.5"));
  const auto events = ex.submit(limit(Side::kBuy, "1", "101", "b1"), kHour);
  BOOST_REQUIRE_EQUAL(events.size(), 2u);
  const Fill& f = as<Fill>(events[1]);
  BOOST_TEST(f.price_e8 == e8("100.5"));
  BOOST_TEST((f.liquidity == Liquidity::kTaker));
  BOOST_TEST(ex.balances().quote.locked_e8 == 0);
  BOOST_TEST(ex.balances().quote.free_e8 == e8("99899.3995"));
}

BOOST_AUTO_TEST_CASE(next_open_limit_takes_at_a_gap_open_else_rests_in_the_same_bar) {
  ExchangeConfig cfg = spot_config();
  cfg.fill.price = FillPrice::kNextBarOpen;
  Exchange ex(cfg);
  ex.on_bar(bar(kHour, "100", "101", "99.5", "100.5"));
  only<OrderAccepted>(ex.submit(limit(Side::kBuy, "1", "99", "gap"), kHour));
  only<OrderAccepted>(ex.submit(limit(Side::kBuy, "1", "97.5", "rest"), kHour));
  const auto events = ex.on_bar(bar(2 * kHour, "98", "98.5", "97", "98"));
  BOOST_REQUIRE_EQUAL(events.size(), 2u);
  BOOST_TEST(as<Fill>(events[0]).price_e8 == e8("98"));  // opened below the 99 limit
  BOOST_TEST((as<Fill>(events[0]).liquidity == Liquidity::kTaker));
  BOOST_TEST(as<Fill>(events[1]).price_e8 == e8("97.5"));  // traded through later in the bar
  BOOST_TEST((as<Fill>(events[1]).liquidity == Liquidity::kMaker));
}

BOOST_AUTO_TEST_CASE(volume_participation_splits_a_market_order_across_bars) {
  ExchangeConfig cfg = spot_config();
  cfg.fill.max_participation_ppm = 100'000;  // 10% of each bar's volume
  Exchange ex(cfg);
  ex.on_bar(bar(kHour, "100", "101", "99", "100", "5"));
  const auto first = ex.submit(market(Side::kBuy, "1.2", "b1"), kHour);
  BOOST_REQUIRE_EQUAL(first.size(), 2u);
  BOOST_TEST(as<Fill>(first[1]).qty_e8 == e8("0.5"));
  BOOST_TEST(as<Fill>(first[1]).leaves_qty_e8 == e8("0.7"));
  BOOST_TEST((ex.find_order(1)->status == OrderStatus::kPartiallyFilled));
  const Fill& second = only<Fill>(ex.on_bar(bar(2 * kHour, "100", "101", "99", "101", "5")));
  BOOST_TEST(second.qty_e8 == e8("0.5"));
  BOOST_TEST(second.price_e8 == e8("101"));
  const Fill& third = only<Fill>(ex.on_bar(bar(3 * kHour, "101", "103", "100", "102", "5")));
  BOOST_TEST(third.qty_e8 == e8("0.2"));
  BOOST_TEST(third.price_e8 == e8("102"));
  BOOST_TEST(third.filled_qty_e8 == e8("1.2"));
  BOOST_TEST((ex.find_order(1)->status == OrderStatus::kFilled));
}

BOOST_AUTO_TEST_CASE(participation_cap_is_shared_by_all_orders_on_a_bar) {
  ExchangeConfig cfg = spot_config();
  cfg.fill.max_participation_ppm = 100'000;
  Exchange ex(cfg);
  ex.on_bar(bar(kHour, "100", "101", "99", "100", "5"));
  BOOST_TEST(as<Fill>(ex.submit(market(Side::kBuy, "0.4", "a"), kHour)[1]).qty_e8 == e8("0.4"));
  BOOST_TEST(as<Fill>(ex.submit(market(Side::kBuy, "0.4", "b"), kHour)[1]).qty_e8 == e8("0.1"));
  BOOST_TEST(ex.submit(market(Side::kBuy, "0.4", "c"), kHour).size() == 1u);  // cap used up
  const auto next = ex.on_bar(bar(2 * kHour, "100", "101", "99", "100", "5"));
  BOOST_REQUIRE_EQUAL(next.size(), 2u);  // b gets 0.3, then c the remaining 0.2 (id order)
  BOOST_TEST(as<Fill>(next[0]).order_id == 2);
  BOOST_TEST(as<Fill>(next[0]).qty_e8 == e8("0.3"));
  BOOST_TEST(as<Fill>(next[1]).order_id == 3);
  BOOST_TEST(as<Fill>(next[1]).qty_e8 == e8("0.2"));
}

BOOST_AUTO_TEST_CASE(ioc_remainder_expires) {
  ExchangeConfig cfg = spot_config();
  cfg.fill.max_participation_ppm = 100'000;
  Exchange ex(cfg);
  ex.on_bar(bar(kHour, "100", "101", "99", "100", "5"));
  const auto events = ex.submit(market(Side::kBuy, "1.2", "b1", TimeInForce::kIoc), kHour);
  BOOST_REQUIRE_EQUAL(events.size(), 3u);
  BOOST_TEST(as<Fill>(events[1]).qty_e8 == e8("0.5"));
  const OrderExpired& x = as<OrderExpired>(events[2]);
  BOOST_TEST(x.filled_qty_e8 == e8("0.5"));
  BOOST_TEST(x.reason == "IOC remainder not filled immediately.");
  BOOST_TEST((ex.find_order(1)->status == OrderStatus::kExpired));
  BOOST_TEST(ex.on_bar(bar(2 * kHour, "100", "101", "99", "100", "5")).empty());

  // A limit IOC that is not marketable expires unfilled and unlocks its quote.
  const auto limit_events =
      ex.submit(limit(Side::kBuy, "1", "99", "b2", TimeInForce::kIoc), 2 * kHour);
  BOOST_REQUIRE_EQUAL(limit_events.size(), 2u);
  BOOST_TEST(as<OrderExpired>(limit_events[1]).filled_qty_e8 == 0);
  BOOST_TEST(ex.balances().quote.locked_e8 == 0);
}

BOOST_AUTO_TEST_CASE(ioc_limit_under_next_open_gets_only_the_open) {
  ExchangeConfig cfg = spot_config();
  cfg.fill.price = FillPrice::kNextBarOpen;
  Exchange ex(cfg);
  ex.on_bar(bar(kHour, "100", "101", "99", "100"));
  only<OrderAccepted>(ex.submit(limit(Side::kBuy, "1", "99.5", "b1", TimeInForce::kIoc), kHour));
  // The bar trades down to 98 after opening at 100: too late for an IOC.
  const OrderExpired& x = only<OrderExpired>(ex.on_bar(bar(2 * kHour, "100", "100", "98", "99")));
  BOOST_TEST(x.filled_qty_e8 == 0);
}

BOOST_AUTO_TEST_CASE(cancel_rules) {
  Exchange ex(spot_config());
  ex.on_bar(bar(kHour, "100", "101", "99", "100"));
  only<OrderAccepted>(ex.submit(limit(Side::kBuy, "1", "90", "rest"), kHour));
  BOOST_TEST(ex.balances().quote.locked_e8 == e8("90.09"));
  const OrderCanceled& c = only<OrderCanceled>(ex.cancel({1, ""}, kHour));
  BOOST_TEST(c.order_id == 1);
  BOOST_TEST(c.filled_qty_e8 == 0);
  BOOST_TEST(ex.balances().quote.locked_e8 == 0);
  BOOST_TEST(ex.balances().quote.free_e8 == e8("100000"));
  BOOST_TEST((rejected_code(ex.cancel({1, ""}, kHour)) == RejectCode::kUnknownOrder));

  BOOST_TEST(ex.submit(market(Side::kBuy, "1", "mkt"), kHour).size() == 2u);
  const OrderRejected& filled = only<OrderRejected>(ex.cancel({0, "mkt"}, kHour));
  BOOST_TEST((filled.code == RejectCode::kOrderAlreadyFilled));
  BOOST_TEST(filled.order_id == 2);
  BOOST_TEST(binance_error_code(filled.code) == -2011);
  BOOST_TEST((rejected_code(ex.cancel({2, ""}, kHour)) == RejectCode::kOrderAlreadyFilled));
  BOOST_TEST((rejected_code(ex.cancel({999, ""}, kHour)) == RejectCode::kUnknownOrder));
  BOOST_TEST((rejected_code(ex.cancel({0, "nope"}, kHour)) == RejectCode::kUnknownOrder));
  BOOST_TEST((rejected_code(ex.cancel({2, "rest"}, kHour)) == RejectCode::kUnknownOrder));
  BOOST_TEST((rejected_code(ex.cancel({0, ""}, kHour)) == RejectCode::kInvalidRequest));
}

BOOST_AUTO_TEST_CASE(insufficient_balance_rejects) {
  ExchangeConfig cfg = spot_config();
  cfg.account.initial_quote_e8 = e8("150");
  Exchange ex(cfg);
  ex.on_bar(bar(kHour, "100", "101", "99", "100"));
  // 1.5 BTC at 100 costs 150.15 with the fee: 0.15 short.
  const OrderRejected& r = only<OrderRejected>(ex.submit(market(Side::kBuy, "1.5", "b"), kHour));
  BOOST_TEST((r.code == RejectCode::kInsufficientBalance));
  BOOST_TEST(binance_error_code(r.code) == -2010);
  BOOST_TEST(r.reason == "Account has insufficient balance for requested action.");
  BOOST_TEST((rejected_code(ex.submit(limit(Side::kBuy, "1.5", "100", "l"), kHour)) ==
              RejectCode::kInsufficientBalance));
  BOOST_TEST((rejected_code(ex.submit(market(Side::kSell, "1.001", "s"), kHour)) ==
              RejectCode::kInsufficientBalance));
  // Locked base cannot be sold twice.
  only<OrderAccepted>(ex.submit(limit(Side::kSell, "0.6", "120", "s1"), kHour));
  BOOST_TEST((rejected_code(ex.submit(limit(Side::kSell, "0.6", "120", "s2"), kHour)) ==
              RejectCode::kInsufficientBalance));
}

BOOST_AUTO_TEST_CASE(market_buy_that_cannot_pay_at_the_fill_expires) {
  ExchangeConfig cfg = spot_config();
  cfg.fill.price = FillPrice::kNextBarOpen;
  cfg.account.initial_quote_e8 = e8("150");
  Exchange ex(cfg);
  ex.on_bar(bar(kHour, "100", "101", "99", "100"));
  only<OrderAccepted>(ex.submit(market(Side::kBuy, "1.4", "b"), kHour));  // 140.14 at 100
  const OrderExpired& x = only<OrderExpired>(ex.on_bar(bar(2 * kHour, "110", "111", "109", "110")));
  BOOST_TEST(x.reason == "Account has insufficient balance for requested action.");
  BOOST_TEST(ex.balances().quote.free_e8 == e8("150"));
}

BOOST_AUTO_TEST_CASE(filter_failures_name_the_filter) {
  Exchange ex(spot_config());
  ex.on_bar(bar(kHour, "100", "101", "99", "100"));
  const struct {
    OrderRequest request;
    std::string_view reason;
  } cases[] = {
      {limit(Side::kBuy, "1", "100.005", "a"), "Filter failure: PRICE_FILTER"},
      {limit(Side::kBuy, "1.0005", "100", "b"), "Filter failure: LOT_SIZE"},
      {limit(Side::kBuy, "1001", "100", "c"), "Filter failure: LOT_SIZE"},
      {limit(Side::kBuy, "0.099", "100", "d"), "Filter failure: NOTIONAL"},  // 9.9 < 10
      {market(Side::kBuy, "0.099", "e"), "Filter failure: NOTIONAL"},        // at the close
  };
  for (const auto& c : cases) {
    const OrderRejected& r = only<OrderRejected>(ex.submit(c.request, kHour));
    BOOST_TEST((r.code == RejectCode::kFilterFailure));
    BOOST_TEST(r.reason == c.reason);
    BOOST_TEST(binance_error_code(r.code) == -1013);
  }
  BOOST_TEST(ex.submit(limit(Side::kBuy, "0.2", "50", "f"), kHour).size() == 1u);  // exactly 10
  BOOST_TEST(ex.state().next_order_id == 2);
}

BOOST_AUTO_TEST_CASE(malformed_and_duplicate_requests) {
  Exchange ex(spot_config());
  ex.on_bar(bar(kHour, "100", "101", "99", "100"));
  OrderRequest wrong_symbol = limit(Side::kBuy, "1", "90", "a");
  wrong_symbol.symbol = "ETHUSDT";
  OrderRequest priced_market = market(Side::kBuy, "1", "b");
  priced_market.price_e8 = e8("100");
  for (const OrderRequest& r :
       {wrong_symbol, priced_market, limit(Side::kBuy, "1", "0", "c"),
        limit(Side::kBuy, "1", "90", "bad id"), limit(Side::kBuy, "0", "90", "d"),
        limit(Side::kBuy, "1", "90", std::string(37, 'x'))}) {
    BOOST_TEST((rejected_code(ex.submit(r, kHour)) == RejectCode::kInvalidRequest));
  }
  only<OrderAccepted>(ex.submit(limit(Side::kBuy, "1", "90", "dup"), kHour));
  const OrderRejected& d =
      only<OrderRejected>(ex.submit(limit(Side::kBuy, "1", "91", "dup"), kHour));
  BOOST_TEST((d.code == RejectCode::kDuplicateOrder));
  BOOST_TEST(d.reason == "Duplicate order sent.");
  only<OrderCanceled>(ex.cancel({0, "dup"}, kHour));
  // Binance: a client id is unique among open orders only, so it may be reused once closed.
  only<OrderAccepted>(ex.submit(limit(Side::kBuy, "1", "91", "dup"), kHour));
  // An empty client id gets one from the venue.
  BOOST_TEST(
      only<OrderAccepted>(ex.submit(limit(Side::kBuy, "1", "92", ""), kHour)).client_order_id ==
      "q50-3");
}

BOOST_AUTO_TEST_CASE(fixed_window_rate_limit) {
  ExchangeConfig cfg = spot_config();
  cfg.rate_limit = {RateLimit::Kind::kFixedWindow, 2, kNsPerSecond};
  Exchange ex(cfg);
  const TimestampNs t0 = 10 * kNsPerSecond;
  BOOST_TEST(ex.submit(limit(Side::kBuy, "1", "90", "a"), t0).size() == 1u);
  BOOST_TEST(ex.submit(limit(Side::kBuy, "1", "90", "b"), t0 + 500 * kMs).size() == 1u);
  const OrderRejected& r =
      only<OrderRejected>(ex.submit(limit(Side::kBuy, "1", "90", "c"), t0 + 999 * kMs));
  BOOST_TEST((r.code == RejectCode::kRateLimited));
  BOOST_TEST(binance_error_code(r.code) == -1015);
  // Cancels do not count; the next window starts at 11 s.
  only<OrderCanceled>(ex.cancel({1, ""}, t0 + 999 * kMs));
  only<OrderAccepted>(ex.submit(limit(Side::kBuy, "1", "90", "c"), t0 + kNsPerSecond));
}

BOOST_AUTO_TEST_CASE(token_bucket_rate_limit) {
  ExchangeConfig cfg = spot_config();
  cfg.rate_limit = {RateLimit::Kind::kTokenBucket, 2, kNsPerSecond};  // a token per 500 ms
  Exchange ex(cfg);
  auto code_at = [&](TimestampNs t, std::string id) {
    const auto events = ex.submit(limit(Side::kBuy, "0.1", "100", std::move(id)), t);
    return std::holds_alternative<OrderRejected>(events[0]);
  };
  BOOST_TEST(!code_at(0, "a"));
  BOOST_TEST(!code_at(0, "b"));
  BOOST_TEST(code_at(499 * kMs, "c"));   // bucket empty until 500 ms
  BOOST_TEST(!code_at(500 * kMs, "d"));  // one token back
  BOOST_TEST(code_at(500 * kMs, "e"));
  BOOST_TEST(!code_at(2000 * kMs, "f"));  // refilled to 2, not more
  BOOST_TEST(!code_at(2000 * kMs, "g"));
  BOOST_TEST(code_at(2000 * kMs, "h"));
}

BOOST_AUTO_TEST_CASE(outage_window_rejects_requests_and_halts_matching) {
  ExchangeConfig cfg = spot_config();
  cfg.outages = {{2 * kHour, 3 * kHour}};
  Exchange ex(cfg);
  ex.on_bar(bar(kHour, "100", "101", "99", "100"));
  only<OrderAccepted>(ex.submit(limit(Side::kBuy, "1", "95", "rest"), kHour));
  BOOST_TEST(ex.on_bar(bar(2 * kHour, "100", "101", "90", "100")).empty());  // venue down
  const OrderRejected& r = only<OrderRejected>(ex.submit(market(Side::kBuy, "1", "m"), 2 * kHour));
  BOOST_TEST((r.code == RejectCode::kVenueDown));
  BOOST_TEST(binance_error_code(r.code) == -1001);
  BOOST_TEST((rejected_code(ex.cancel({1, ""}, 2 * kHour + kMs)) == RejectCode::kVenueDown));
  // [start, end): the end instant is up again.
  BOOST_TEST(only<Fill>(ex.on_bar(bar(3 * kHour, "100", "101", "94", "100"))).price_e8 == e8("95"));
  BOOST_TEST(ex.submit(market(Side::kBuy, "1", "m"), 3 * kHour).size() == 2u);
}

BOOST_AUTO_TEST_CASE(latency_stamps_responses_at_arrival) {
  ExchangeConfig cfg = spot_config();
  cfg.latency = LatencyModel::constant(5 * kMs);
  Exchange ex(cfg);
  ex.on_bar(bar(kHour, "100", "101", "99", "100"));
  for (const VenueEvent& e : ex.submit(market(Side::kBuy, "1", "b"), kHour)) {
    BOOST_TEST(event_ts_ns(e) == kHour + 5 * kMs);
  }
  BOOST_TEST(event_ts_ns(ex.cancel({1, ""}, kHour + kMs)[0]) == kHour + 6 * kMs);
}

BOOST_AUTO_TEST_CASE(jittered_arrivals_keep_fifo_order_and_follow_the_seed) {
  auto arrivals = [](std::uint64_t seed) {
    ExchangeConfig cfg = spot_config();
    cfg.latency = LatencyModel::uniform(0, 100 * kMs, Prng(seed).fork("latency"));
    Exchange ex(cfg);
    std::vector<TimestampNs> out;
    std::set<TimestampNs> latencies;
    for (int i = 0; i < 200; ++i) {
      const TimestampNs now = i * kMs;
      const TimestampNs t = event_ts_ns(ex.submit(limit(Side::kBuy, "0.1", "100", ""), now)[0]);
      BOOST_TEST(t >= now);
      BOOST_TEST(t <= std::max(now + 100 * kMs, out.empty() ? now : out.back()));
      if (!out.empty()) BOOST_TEST(t >= out.back());
      out.push_back(t);
      latencies.insert(t - now);
    }
    BOOST_TEST(latencies.size() > 100u);  // the jitter spreads over the range
    return out;
  };
  const auto a = arrivals(7);
  BOOST_TEST(a == arrivals(7));
  BOOST_TEST(a != arrivals(8));
}

BOOST_AUTO_TEST_CASE(an_order_in_flight_misses_the_bars_published_before_it_arrives) {
  ExchangeConfig cfg = spot_config();
  cfg.fill.price = FillPrice::kNextBarOpen;
  cfg.latency = LatencyModel::constant(kMs);
  cfg.latency.spikes = {{kHour, kHour + kMs, 90 * kNsPerMinute}};  // sends in [1h, 1h+1ms)
  Exchange ex(cfg);
  ex.on_bar(bar(kHour, "100", "101", "99", "100"));
  const auto accepted = ex.submit(market(Side::kBuy, "1", "slow"), kHour);
  BOOST_TEST(event_ts_ns(accepted[0]) == kHour + 90 * kNsPerMinute + kMs);
  BOOST_TEST(ex.on_bar(bar(2 * kHour, "101", "102", "100", "101")).empty());
  const Fill& f = only<Fill>(ex.on_bar(bar(3 * kHour, "103", "104", "102", "103")));
  BOOST_TEST(f.price_e8 == e8("103"));
  BOOST_TEST(event_ts_ns(ex.submit(market(Side::kBuy, "1", "fast"), 3 * kHour)[0]) ==
             3 * kHour + kMs);
}

BOOST_AUTO_TEST_CASE(fee_rounds_up_and_notional_rounds_for_the_venue) {
  ExchangeConfig cfg = spot_config();
  cfg.instrument = Instrument{};  // every filter off: 1e-8 tick and step
  cfg.fee = {750, 750};
  Exchange ex(cfg);
  ex.on_bar(bar(kHour, "123", "124", "122", "123.47"));
  const Fill& f = as<Fill>(ex.submit(market(Side::kBuy, "0.003", "b"), kHour)[1]);
  BOOST_TEST(f.notional_e8 == e8("0.37041"));
  BOOST_TEST(f.fee_e8 == 27'781);  // 0.0002778075 rounded up
  // 3e-8 BTC at 0.33333333: 0.99999999e-8 USDT, 1 unit for the buyer, 0 for the seller.
  const auto buy = FixedPointAccounting::costs(Side::kBuy, 3, 33'333'333, 1, 0);
  BOOST_TEST(buy.notional == 1);
  BOOST_TEST(buy.fee == 1);  // 1 ppm of one unit still costs a unit
  const auto sell = FixedPointAccounting::costs(Side::kSell, 3, 33'333'333, 1000, 0);
  BOOST_TEST(sell.notional == 0);
  BOOST_TEST(sell.fee == 0);  // capped at the notional: proceeds never negative
  BOOST_TEST(FixedPointAccounting::sell_proceeds(sell) == 0);
}

BOOST_AUTO_TEST_CASE(slippage_models) {
  ExchangeConfig cfg = spot_config();
  cfg.slippage = SlippageModel::existing_system();
  Exchange ex(cfg);
  ex.on_bar(bar(kHour, "100", "101", "99", "100.5"));
  const Fill& f = as<Fill>(ex.submit(market(Side::kBuy, "1", "b"), kHour)[1]);
  BOOST_TEST(f.slippage_e8 == e8("0.05025"));  // 5 bp of 100.5
  BOOST_TEST(f.price_e8 == e8("100.5"));       // slippage is a cost, not a price shift
  BOOST_TEST(ex.balances().quote.free_e8 == e8("99899.34925"));
  BOOST_TEST(ex.balances().slippage_paid_e8 == e8("0.05025"));
  only<OrderAccepted>(ex.submit(limit(Side::kBuy, "1", "99", "l"), kHour));
  BOOST_TEST(only<Fill>(ex.on_bar(bar(2 * kHour, "100", "101", "98", "100"))).slippage_e8 == 0);

  const SlippageModel v = SlippageModel::volume(100, 5000, 2000);
  BOOST_TEST(v.rate_ppm(e8("1"), e8("10")) == 600);   // 10% participation: +500
  BOOST_TEST(v.rate_ppm(e8("1"), e8("3")) == 1767);   // 100 + ceil(1666.67)
  BOOST_TEST(v.rate_ppm(e8("5"), e8("10")) == 2000);  // capped
  BOOST_TEST(v.rate_ppm(e8("1"), 0) == 2000);         // no volume: the cap
  BOOST_TEST(v.rate_ppm(e8("1000000"), 1) == 2000);   // huge participation, no overflow
  BOOST_TEST(SlippageModel::none().rate_ppm(e8("1"), e8("1")) == 0);
}

BOOST_AUTO_TEST_CASE(margin_account_allows_shorts_and_checks_quote_like_the_existing_system) {
  ExchangeConfig cfg = spot_config();
  cfg.account = {AccountMode::kMargin, true, 0, e8("1000")};
  Exchange ex(cfg);
  ex.on_bar(bar(kHour, "100", "101", "99", "100"));
  BOOST_TEST(ex.submit(market(Side::kSell, "1", "s"), kHour).size() == 2u);
  BOOST_TEST(ex.position_e8() == e8("-1"));
  BOOST_TEST(ex.balances().quote.free_e8 == e8("1099.9"));
  BOOST_TEST((rejected_code(ex.submit(market(Side::kBuy, "11", "b"), kHour)) ==
              RejectCode::kInsufficientBalance));  // 1101.1 > 1099.9
  // Existing system: "if cost > balance" is strict, so spending exactly everything is allowed.
  ExchangeConfig exact = cfg;
  exact.account.initial_quote_e8 = e8("100.1");
  Exchange ex2(exact);
  ex2.on_bar(bar(kHour, "100", "101", "99", "100"));
  BOOST_TEST(ex2.submit(market(Side::kBuy, "1", "b"), kHour).size() == 2u);
  BOOST_TEST(ex2.balances().quote.free_e8 == 0);

  cfg.account.margin_checks_quote = false;
  Exchange ex3(cfg);
  ex3.on_bar(bar(kHour, "100", "101", "99", "100"));
  BOOST_TEST(ex3.submit(market(Side::kBuy, "20", "b"), kHour).size() == 2u);
  BOOST_TEST(ex3.balances().quote.free_e8 == e8("-1002"));
}

BOOST_AUTO_TEST_CASE(describe_is_canonical) {
  Exchange ex(spot_config());
  ex.on_bar(bar(kHour, "100", "101", "99", "100.5"));
  const auto events = ex.submit(market(Side::kBuy, "1", "b1"), kHour);
  BOOST_TEST(describe(events[0]) ==
             "accepted ts_ns=3600000000000 order_id=1 client_id=b1 side=BUY type=MARKET tif=GTC "
             "qty_e8=100000000 price_e8=0");
  BOOST_TEST(describe(events[1]) ==
             "fill ts_ns=3600000000000 order_id=1 client_id=b1 trade_id=1 side=BUY "
             "liquidity=TAKER qty_e8=100000000 price_e8=10050000000 notional_e8=10050000000 "
             "fee_e8=10050000 slippage_e8=0 filled_qty_e8=100000000 leaves_qty_e8=0");
  BOOST_TEST(describe(ex.submit(limit(Side::kBuy, "1", "90", "bad id\n\""), kHour)[0]) ==
             "rejected ts_ns=3600000000000 request=NEW_ORDER order_id=0 "
             "client_id=bad\\x20id\\x0a\\x22 code=INVALID_REQUEST binance_code=-1102 "
             "reason=\"Illegal characters found in parameter 'newClientOrderId'; legal range "
             "is '^[a-zA-Z0-9-_]{1,36}$'.\"");
  only<OrderAccepted>(ex.submit(limit(Side::kSell, "0.5", "120", "s-1"), kHour));
  BOOST_TEST(describe(ex.cancel({2, ""}, kHour)[0]) ==
             "canceled ts_ns=3600000000000 order_id=2 client_id=s-1 filled_qty_e8=0");
  const auto ioc = ex.submit(limit(Side::kBuy, "1", "90", "i", TimeInForce::kIoc), kHour);
  BOOST_TEST(describe(ioc[1]) ==
             "expired ts_ns=3600000000000 order_id=3 client_id=i filled_qty_e8=0 "
             "reason=\"IOC remainder not filled immediately.\"");
}

BOOST_AUTO_TEST_CASE(restored_state_continues_identically) {
  ExchangeConfig cfg = spot_config();
  cfg.fill.max_participation_ppm = 50'000;
  cfg.latency = LatencyModel::uniform(0, 10 * kMs, Prng(3).fork("latency"));
  Exchange ex(cfg);
  ex.on_bar(bar(kHour, "100", "101", "99", "100", "10"));
  ex.submit(market(Side::kBuy, "1.5", "a"), kHour);
  ex.submit(limit(Side::kSell, "0.7", "101.5", "b"), kHour);
  Exchange resumed(cfg, ex.state());  // a checkpoint: plain copy of the state
  auto step = [](Exchange& e) {
    std::vector<std::string> lines;
    for (int i = 2; i < 6; ++i) {
      const TimestampNs t = i * kHour;
      for (const auto& ev : e.on_bar(bar(t, "100", "102", "99", "101", "10"))) {
        lines.push_back(describe(ev));
      }
      const std::string id = std::string("m").append(std::to_string(i));
      for (const auto& ev : e.submit(market(Side::kBuy, "0.2", id), t)) {
        lines.push_back(describe(ev));
      }
    }
    return lines;
  };
  const auto original = step(ex);
  BOOST_TEST(original.size() > 8u);
  BOOST_TEST(original == step(resumed));
  BOOST_TEST(ex.balances().quote.free_e8 == resumed.balances().quote.free_e8);
}

// A scripted 500-bar session driven by our PRNG (every model on, spot account). Its journal
// fingerprint is pinned: a change means the venue's behaviour or its journal text changed,
// and the same value under g++ and clang++ shows the venue is compiler-independent.
BOOST_AUTO_TEST_CASE(session_fingerprint_is_pinned) {
  ExchangeConfig cfg = spot_config();
  cfg.account.initial_base_e8 = e8("5");
  cfg.account.initial_quote_e8 = e8("2000");
  cfg.fee = {200, 1000};
  cfg.slippage = SlippageModel::volume(100, 5000, 3000);
  cfg.latency = LatencyModel::uniform(kMs, 200 * kMs, Prng(42).fork("latency"));
  cfg.latency.spikes = {{100 * kHour, 101 * kHour, 2 * kHour}};
  cfg.fill.max_participation_ppm = 200'000;
  cfg.rate_limit = {RateLimit::Kind::kFixedWindow, 2, kHour};
  cfg.outages = {{300 * kHour, 305 * kHour}};
  Exchange ex(cfg);
  Prng rng = Prng(42).fork("session");
  Journal journal(false);
  auto record = [&](const std::vector<VenueEvent>& events) {
    for (const VenueEvent& e : events) journal.append(describe(e));
  };
  std::int64_t price = e8("100");
  for (TimestampNs i = 1; i <= 500; ++i) {
    const std::int64_t close =
        std::max(e8("1"), price + (static_cast<std::int64_t>(rng.below(201)) - 100) * 1'000'000);
    const std::int64_t wick = static_cast<std::int64_t>(rng.below(100)) * 1'000'000;
    record(ex.on_bar(Bar{i * kHour, price, std::max(price, close) + wick,
                         std::max(e8("0.5"), std::min(price, close) - wick), close,
                         static_cast<std::int64_t>(rng.below(1000)) * 1'000'000}));
    price = close;
    for (std::uint64_t k = rng.below(4); k > 0; --k) {
      OrderRequest r =
          rng.chance(1, 2) ? market(Side::kBuy, "0.1", "") : limit(Side::kBuy, "0.1", "1", "");
      r.side = rng.chance(1, 2) ? Side::kBuy : Side::kSell;
      r.qty_e8 = static_cast<std::int64_t>(rng.below(2000) + 1) * 100'000;
      if (r.type == OrderType::kLimit)
        r.price_e8 = price + (static_cast<std::int64_t>(rng.below(401)) - 200) * 1'000'000;
      r.tif = rng.chance(1, 4) ? TimeInForce::kIoc : TimeInForce::kGtc;
      record(ex.submit(r, i * kHour + static_cast<TimestampNs>(rng.below(1000)) * kMs));
    }
    if (rng.chance(1, 5)) {
      record(ex.cancel({static_cast<std::int64_t>(
                            rng.below(static_cast<std::uint64_t>(ex.state().next_order_id)) + 1),
                        ""},
                       i * kHour + 2000 * kMs));
    }
  }
  BOOST_TEST_MESSAGE("session: " << journal.lines() << " lines, fingerprint 0x" << std::hex
                                 << journal.fingerprint());
  BOOST_TEST(journal.lines() == 1698u);
  BOOST_TEST(journal.fingerprint() == 0x5fb829c75139b679ULL);
}

BOOST_AUTO_TEST_CASE(config_validation_names_the_field_and_value) {
  ExchangeConfig cfg = spot_config();
  BOOST_TEST(validate_exchange_config(cfg).ok());
  cfg.fee.taker_ppm = 1'000'000;
  BOOST_TEST(std::string(validate_exchange_config(cfg).message()) ==
             "exchange config: fee.taker_ppm must be in [0, 1000000), got 1000000");
  cfg = spot_config();
  cfg.rate_limit = {RateLimit::Kind::kTokenBucket, 3, kNsPerSecond};
  BOOST_TEST(std::string(validate_exchange_config(cfg).message()) ==
             "exchange config: rate_limit.window_ns must be a multiple of max_orders for a token "
             "bucket, got 1000000000");
  cfg = spot_config();
  cfg.latency = {5, 4, 0, {}};
  BOOST_TEST(!validate_exchange_config(cfg).ok());
  cfg = spot_config();
  cfg.outages = {{5, 5}};
  BOOST_TEST(!validate_exchange_config(cfg).ok());
}

BOOST_AUTO_TEST_CASE(instrument_rounding_helpers) {
  const Instrument ins = test_instrument();
  BOOST_TEST(round_qty_down(ins, e8("1.23456")) == e8("1.234"));
  BOOST_TEST(round_price(ins, e8("100.005"), Side::kBuy) == e8("100"));
  BOOST_TEST(round_price(ins, e8("100.005"), Side::kSell) == e8("100.01"));
  BOOST_TEST(!validate_order(ins, false, e8("0.05"), 0).has_value());  // no reference price
  BOOST_TEST(filter_name(Filter::kNotional) == "NOTIONAL");
  Instrument lenient = ins;
  lenient.apply_min_to_market = false;
  BOOST_TEST((*validate_order(ins, false, e8("0.05"), e8("100")) == Filter::kNotional));
  BOOST_TEST(!validate_order(lenient, false, e8("0.05"), e8("100")).has_value());
  BOOST_TEST((*validate_order(lenient, true, e8("0.05"), e8("100")) == Filter::kNotional));
  const Instrument binance = btcusdt_spot();
  BOOST_TEST(!validate_order(binance, true, e8("0.0001"), e8("65000.01")).has_value());
  BOOST_TEST((*validate_order(binance, true, e8("0.00005"), e8("65000.01")) == Filter::kNotional));
}

// The legacy float64 policy keeps the existing system's operation order: (n - f) - s and
// (n + f) + s. These inputs (found by search) give a different double under n - (f + s);
// the expected values are what Python computes for `balance += notional - fee - slippage`
// and `balance -= notional + fee + slippage`.
BOOST_AUTO_TEST_CASE(legacy_policy_keeps_the_operation_order) {
  const double qty = 39.831970694335;
  const double price = 208.6114716055346;
  const double balance = 13610.71759212288;
  const auto c = LegacyFloat64Accounting::costs(Side::kSell, qty, price, 0.001, 0.0005);
  BOOST_TEST(c.notional == 8309.406023493751);
  BOOST_TEST(c.fee == 8.309406023493752);
  BOOST_TEST(c.slippage == 4.154703011746876);
  BOOST_TEST(*settle_cash<LegacyFloat64Accounting>(Side::kSell, balance, c, true) ==
             21907.65950658139);
  BOOST_TEST(*settle_cash<LegacyFloat64Accounting>(Side::kBuy, balance, c, true) ==
             5288.847459593888);
  BOOST_TEST(!settle_cash<LegacyFloat64Accounting>(Side::kBuy, 8000.0, c, true).has_value());
  BOOST_TEST(settle_cash<LegacyFloat64Accounting>(Side::kBuy, 8000.0, c, false).has_value());
  // The same template runs the fixed-point policy.
  const auto fx = FixedPointAccounting::costs(Side::kBuy, e8("1"), e8("100"), 1000, 500);
  BOOST_TEST(*settle_cash<FixedPointAccounting>(Side::kBuy, e8("1000"), fx, true) == e8("899.85"));
}

// Replays every recorded HummingbotQuantileBacktester trade of the reference data through the
// legacy policy: fee, slippage and the running balance must be bit-identical.
BOOST_AUTO_TEST_CASE(legacy_policy_reproduces_the_recorded_trades) {
  namespace fs = std::filesystem;
  std::vector<fs::path> cases;
  for (const auto& entry :
       fs::directory_iterator(fs::path(testing::reference_dir()) / "backtest_hb")) {
    cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  BOOST_REQUIRE(!cases.empty());
  std::size_t trades = 0;
  for (const fs::path& dir : cases) {
    std::ifstream config_file(dir / "config.json");
    const nlohmann::json config = nlohmann::json::parse(config_file);
    const double fee_rate = config.at("fee_rate").get<double>();
    double balance = config.at("initial_balance").get<double>();
    auto table = io::CsvTable::read((dir / "expected_trades.csv").string());
    BOOST_REQUIRE_MESSAGE(table.ok(), table.status().message());
    const std::size_t side = *table->require_column("side");
    const std::size_t qty = *table->require_column("quantity");
    const std::size_t price = *table->require_column("price");
    const std::size_t fee = *table->require_column("fee_cost");
    const std::size_t slip = *table->require_column("slippage_cost");
    const std::size_t after = *table->require_column("balance_after");
    for (std::size_t r = 0; r < table->rows(); ++r, ++trades) {
      const Side s = table->field(r, side) == "BUY" ? Side::kBuy : Side::kSell;
      const auto c = LegacyFloat64Accounting::costs(s, *table->f64(r, qty), *table->f64(r, price),
                                                    fee_rate, 0.0005);  // hard-coded 5 bp
      balance = *settle_cash<LegacyFloat64Accounting>(s, balance, c, true);
      BOOST_TEST_CONTEXT(dir.filename().string() << " line " << table->line(r)) {
        BOOST_TEST(c.fee == *table->f64(r, fee));
        BOOST_TEST(c.slippage == *table->f64(r, slip));
        BOOST_TEST(balance == *table->f64(r, after));
      }
    }
  }
  BOOST_TEST_MESSAGE("legacy policy: " << trades << " recorded trades in " << cases.size()
                                       << " cases reproduced");
  BOOST_TEST(trades > 10'000u);
}

}  // namespace
}  // namespace q50::sim
