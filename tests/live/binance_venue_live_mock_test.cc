// The Binance venue port against a loopback venue with canned answers: what each answer of the
// real API becomes for the runtime (events, reports, nothing for an unknown outcome).
#include <boost/test/unit_test.hpp>
#include <string>
#include <variant>
#include <vector>

#include "core/fixed_point.h"
#include "live/binance_venue.h"
#include "live/rest_client.h"
#include "tests/live/loopback_venue.h"

namespace q50::live {
namespace {

using testing::Canned;
using testing::FakeClock;
using testing::LoopbackVenue;
using testing::Seen;

constexpr char kKey[] = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
constexpr char kSecret[] = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
constexpr TimestampNs kNow = 1'700'000'000'000'000'000;

SymbolInfo btcusdt() {
  SymbolInfo s;
  s.symbol = "BTCUSDT";
  s.base_asset = "BTC";
  s.quote_asset = "USDT";
  s.filters.price = {true, 1'000'000, 100'000'000'000'000, 1'000'000};
  s.filters.lot_size = {true, 1'000, 900'000'000'000, 1'000};
  s.filters.notional = {true, 500'000'000, 0, true, false, 5};
  s.price_decimals = 2;
  s.qty_decimals = 5;
  return s;
}

struct Fixture {
  LoopbackVenue server{kKey, kSecret};
  FakeClock clock;
  std::unique_ptr<RestClient> rest;
  std::unique_ptr<BinanceVenue> venue;
  std::vector<venue::VenueEvent> events;

  explicit Fixture(bool paper = false, std::int64_t read_timeout_ms = 1500) {
    RestConfig config;
    config.base_url = server.base_url();
    config.connect_timeout_ms = 1000;
    config.read_timeout_ms = read_timeout_ms;
    auto c = RestClient::create(config, Credentials(kKey, kSecret), clock);
    BOOST_REQUIRE(c.ok());
    rest = std::move(*c);
    BinanceVenueConfig vc;
    vc.symbol = btcusdt();
    vc.paper = paper;
    vc.paper_quote_e8 = 10'000 * kFixedScale;
    venue = std::make_unique<BinanceVenue>(*rest, vc);
    venue->set_reference_price(50'000 * kFixedScale);
  }
  void submit(std::int64_t qty_e8, venue::Side side = venue::Side::kBuy) {
    venue::OrderRequest r;
    r.client_order_id = "q50n-1";
    r.symbol = "BTCUSDT";
    r.side = side;
    r.qty_e8 = qty_e8;
    events.clear();
    venue->submit(r, kNow, events);
  }
  template <class T>
  const T& event(std::size_t i) const {
    BOOST_REQUIRE_MESSAGE(i < events.size(), "only " << events.size() << " events");
    BOOST_REQUIRE_MESSAGE(std::holds_alternative<T>(events[i]), "event " << i << " has another kind");
    return std::get<T>(events[i]);
  }
};

std::string full_fill(const std::string& status, const std::string& fills) {
  return R"({"symbol":"BTCUSDT","orderId":28,"orderListId":-1,"clientOrderId":"q50n-1",)"
         R"("transactTime":1700000000000,"price":"0.00000000","origQty":"0.02000000",)"
         R"("executedQty":"0.02000000","cummulativeQuoteQty":"1000.10000000","status":")" +
         status + R"(","timeInForce":"GTC","type":"MARKET","side":"BUY","fills":[)" + fills + "]}";
}

BOOST_AUTO_TEST_CASE(a_full_answer_becomes_the_acceptance_and_every_fill) {
  Fixture f;
  f.server.answer("POST", "/api/v3/order",
                  Canned(200, full_fill("FILLED",
                                        R"({"price":"50000.00","qty":"0.01500000","commission":"0.75000000","commissionAsset":"USDT","tradeId":7},)"
                                        R"({"price":"50010.00","qty":"0.00500000","commission":"0.25005000","commissionAsset":"USDT","tradeId":8})")));
  f.submit(2'000'000);
  BOOST_TEST(f.events.size() == 3u);
  BOOST_TEST(f.event<venue::OrderAccepted>(0).qty_e8 == 2'000'000);
  const venue::Fill& a = f.event<venue::Fill>(1);
  BOOST_TEST(a.qty_e8 == 1'500'000);
  BOOST_TEST(a.leaves_qty_e8 == 500'000);
  BOOST_TEST(a.fee_e8 == 75'000'000);
  BOOST_TEST(a.notional_e8 == 750 * kFixedScale);
  const venue::Fill& b = f.event<venue::Fill>(2);
  BOOST_TEST(b.leaves_qty_e8 == 0);
  BOOST_TEST(b.filled_qty_e8 == 2'000'000);
  BOOST_TEST(b.trade_id == 8);
  const Seen sent = f.server.last();
  BOOST_TEST(sent.signature_ok);
  BOOST_TEST(sent.params.at("quantity") == "0.02000");  // the step's decimals
  BOOST_TEST(sent.params.at("newClientOrderId") == "q50n-1");
}

BOOST_AUTO_TEST_CASE(definite_refusals_are_rejects_with_the_runtime_s_codes) {
  Fixture f;
  const auto reject = [&](Canned answer) {
    f.server.answer("POST", "/api/v3/order", std::move(answer));
    f.submit(2'000'000);
    return f.event<venue::OrderRejected>(0).code;
  };
  BOOST_TEST((reject({400, R"({"code":-2010,"msg":"Account has insufficient balance for requested action."})"}) ==
              venue::RejectCode::kInsufficientBalance));
  BOOST_TEST((reject({400, R"({"code":-2010,"msg":"Duplicate order sent."})"}) ==
              venue::RejectCode::kDuplicateOrder));
  BOOST_TEST((reject({400, R"({"code":-1013,"msg":"Filter failure: LOT_SIZE"})"}) ==
              venue::RejectCode::kFilterFailure));
  BOOST_TEST((reject({429, R"({"code":-1015,"msg":"Too many new orders."})", {{"Retry-After", "7"}}}) ==
              venue::RejectCode::kRateLimited));
  BOOST_TEST(f.venue->take_backoff_ms() == 7000);
  BOOST_TEST(f.venue->take_backoff_ms() == 0);
  BOOST_TEST((reject({418, R"({"code":-1003,"msg":"Way too much request weight used; IP banned until 1700000060000."})",
                      {{"Retry-After", "60"}}}) == venue::RejectCode::kRateLimited));
  BOOST_TEST(f.venue->take_backoff_ms() >= 60'000);
  BOOST_TEST(f.venue->stats().banned == 1);
  BOOST_TEST(f.venue->stats().orders_rejected == 5);
}

BOOST_AUTO_TEST_CASE(an_unknown_outcome_answers_nothing) {
  Fixture f(false, 300);
  f.server.answer("POST", "/api/v3/order", Canned(503, R"({"code":-1001,"msg":"Internal error."})"));
  f.submit(2'000'000);
  BOOST_TEST(f.events.empty());
  f.server.answer("POST", "/api/v3/order", Canned(400, R"({"code":-1007,"msg":"Timeout waiting for response from backend server. Send status unknown; execution status unknown."})"));
  f.submit(2'000'000);
  BOOST_TEST(f.events.empty());
  f.server.answer("POST", "/api/v3/order", Canned(200, "{}", {}, 800));  // past the read timeout
  f.submit(2'000'000);
  BOOST_TEST(f.events.empty());
  BOOST_TEST(f.venue->stats().unknown_outcomes == 3);
}

BOOST_AUTO_TEST_CASE(a_clock_skew_resynchronises_and_sends_once_more) {
  Fixture f;
  f.server.answer("GET", "/api/v3/time", Canned(200, R"({"serverTime":1700000000500})"));
  f.server.answer_once("POST", "/api/v3/order",
                       Canned(400, R"({"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."})"));
  f.server.answer("POST", "/api/v3/order",
                  Canned(200, full_fill("FILLED", R"({"price":"50000.00","qty":"0.02000000","commission":"1.00000000","commissionAsset":"USDT","tradeId":9})")));
  f.submit(2'000'000);
  BOOST_TEST(f.events.size() == 2u);
  BOOST_TEST(f.venue->stats().clock_resyncs == 1);
  int orders = 0;
  for (const Seen& s : f.server.seen()) orders += s.method == "POST" ? 1 : 0;
  BOOST_TEST(orders == 2);
}

BOOST_AUTO_TEST_CASE(an_order_below_the_filters_is_rejected_without_a_request) {
  Fixture f;
  f.submit(500);  // under LOT_SIZE's step
  BOOST_TEST((f.event<venue::OrderRejected>(0).code == venue::RejectCode::kFilterFailure));
  BOOST_TEST(f.server.seen().empty());
}

BOOST_AUTO_TEST_CASE(an_acknowledged_order_s_fills_come_from_polling_once_each) {
  Fixture f;
  f.server.answer("POST", "/api/v3/order",
                  Canned(200, R"({"symbol":"BTCUSDT","orderId":28,"orderListId":-1,"clientOrderId":"q50n-1","transactTime":1700000000000})"));
  f.server.answer("GET", "/api/v3/order",
                  Canned(200, R"({"symbol":"BTCUSDT","orderId":28,"clientOrderId":"q50n-1","origQty":"0.02000000","executedQty":"0.00000000","status":"NEW","side":"BUY","type":"MARKET"})"));
  f.submit(2'000'000);
  BOOST_TEST(f.events.size() == 1u);  // accepted; nothing filled yet
  f.server.answer("GET", "/api/v3/order",
                  Canned(200, R"({"symbol":"BTCUSDT","orderId":28,"clientOrderId":"q50n-1","origQty":"0.02000000","executedQty":"0.02000000","status":"FILLED","side":"BUY","type":"MARKET"})"));
  f.server.answer("GET", "/api/v3/myTrades",
                  Canned(200, R"([{"symbol":"BTCUSDT","id":5,"orderId":28,"orderListId":-1,"price":"50000.00","qty":"0.01200000","quoteQty":"600.00","commission":"0.6","commissionAsset":"USDT","time":1,"isBuyer":true,"isMaker":false,"isBestMatch":true},)"
                                 R"({"symbol":"BTCUSDT","id":6,"orderId":28,"orderListId":-1,"price":"50000.00","qty":"0.00800000","quoteQty":"400.00","commission":"0.4","commissionAsset":"USDT","time":2,"isBuyer":true,"isMaker":false,"isBestMatch":true}])"));
  f.events.clear();
  f.venue->poll(kNow, f.events);
  BOOST_TEST(f.events.size() == 2u);
  BOOST_TEST(f.event<venue::Fill>(1).leaves_qty_e8 == 0);
  f.events.clear();
  f.venue->poll(kNow, f.events);  // done: nothing is reported twice
  BOOST_TEST(f.events.empty());
}

BOOST_AUTO_TEST_CASE(an_open_order_the_venue_forgot_ends_as_canceled) {
  Fixture f;
  f.server.answer("POST", "/api/v3/order",
                  Canned(200, R"({"symbol":"BTCUSDT","orderId":28,"orderListId":-1,"clientOrderId":"q50n-1","transactTime":1700000000000})"));
  f.server.answer("GET", "/api/v3/order",
                  Canned(200, R"({"symbol":"BTCUSDT","orderId":28,"clientOrderId":"q50n-1","origQty":"0.02000000","executedQty":"0.00000000","status":"NEW","side":"BUY","type":"MARKET"})"));
  f.submit(2'000'000);
  f.server.answer("GET", "/api/v3/order", Canned(400, R"({"code":-2013,"msg":"Order does not exist."})"));
  f.events.clear();
  f.venue->poll(kNow, f.events);
  BOOST_TEST(f.event<venue::OrderCanceled>(0).filled_qty_e8 == 0);
  BOOST_TEST(f.venue->stats().orders_vanished == 1);
}

BOOST_AUTO_TEST_CASE(queries_answer_found_not_found_or_failed) {
  Fixture f(false, 300);
  f.server.answer("GET", "/api/v3/order", Canned(400, R"({"code":-2013,"msg":"Order does not exist."})"));
  auto none = f.venue->query_order("q50n-9", kNow);
  BOOST_REQUIRE(none.has_value());
  BOOST_TEST(!none->found);
  f.server.answer("GET", "/api/v3/order",
                  Canned(200, R"({"symbol":"BTCUSDT","orderId":3,"clientOrderId":"q50n-9","origQty":"0.01000000","executedQty":"0.00400000","status":"PARTIALLY_FILLED","side":"SELL","type":"LIMIT"})"));
  auto open = f.venue->query_order("q50n-9", kNow);
  BOOST_REQUIRE(open.has_value());
  BOOST_TEST(open->open());
  BOOST_TEST(open->filled_qty_e8 == 400'000);
  BOOST_TEST((open->side == venue::Side::kSell));
  f.server.answer("GET", "/api/v3/order", Canned(502, "bad gateway"));
  BOOST_TEST(!f.venue->query_order("q50n-9", kNow).has_value());
}

BOOST_AUTO_TEST_CASE(the_account_report_sums_free_and_locked_and_lists_open_orders) {
  Fixture f;
  f.server.answer("GET", "/api/v3/account",
                  Canned(200, R"({"canTrade":true,"accountType":"SPOT","balances":[{"asset":"BTC","free":"0.50000000","locked":"0.10000000"},{"asset":"USDT","free":"1000.00000000","locked":"0.00000000"},{"asset":"BNB","free":"3.00000000","locked":"0.00000000"}]})"));
  f.server.answer("GET", "/api/v3/openOrders",
                  Canned(200, R"([{"symbol":"BTCUSDT","orderId":4,"clientOrderId":"q50n-4","origQty":"0.10000000","executedQty":"0.00000000","status":"NEW","side":"SELL","type":"LIMIT"}])"));
  auto a = f.venue->query_account(kNow);
  BOOST_REQUIRE(a.has_value());
  BOOST_TEST(a->base_total_e8 == 60'000'000);
  BOOST_TEST(a->quote_total_e8 == 1000 * kFixedScale);
  BOOST_TEST(a->open_orders.size() == 1u);
  BOOST_TEST(a->open_orders[0].client_order_id == "q50n-4");
}

BOOST_AUTO_TEST_CASE(paper_orders_are_validated_by_the_venue_and_filled_on_the_paper_book) {
  Fixture f(true);
  f.server.answer("POST", "/api/v3/order/test", Canned(200, "{}"));
  f.submit(2'000'000);
  BOOST_TEST(f.events.size() == 2u);
  const venue::Fill& fill = f.event<venue::Fill>(1);
  BOOST_TEST(fill.price_e8 == 50'000 * kFixedScale);
  BOOST_TEST(fill.fee_e8 == kFixedScale);  // 0.1% of 1000 USDT
  auto a = f.venue->query_account(kNow);
  BOOST_TEST(a->base_total_e8 == 2'000'000);
  BOOST_TEST(a->quote_total_e8 == 8'999 * kFixedScale);
  BOOST_TEST(f.server.last().target.rfind("/api/v3/order/test?", 0) == 0u);
  f.server.answer("POST", "/api/v3/order/test", Canned(400, R"({"code":-1013,"msg":"Filter failure: NOTIONAL"})"));
  f.submit(2'000'000);
  BOOST_TEST((f.event<venue::OrderRejected>(0).code == venue::RejectCode::kFilterFailure));
}

}  // namespace
}  // namespace q50::live
