// Response parsers on the Binance documentation's examples (tests/live/fixtures/), on missing
// and unknown fields, and on bodies they must refuse with a message naming field and value.
#include "live/response_parse.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "live/decimal.h"
#include "tests/live/fixture_files.h"

namespace q50::live {
namespace {

using testing::fixture;

std::int64_t e8(std::string_view text) { return *parse_e8(text); }

template <class T>
T ok(absl::StatusOr<T> v) {
  BOOST_REQUIRE_MESSAGE(v.ok(), std::string(v.status().message()));
  return *std::move(v);
}

template <class T>
std::string error_of(const absl::StatusOr<T>& v) {
  BOOST_REQUIRE(!v.ok());
  return std::string(v.status().message());
}

BOOST_AUTO_TEST_CASE(new_order_ack_result_full) {
  const OrderReport ack = ok(parse_order_report(fixture("order_new_ack.json")));
  BOOST_TEST((ack.shape == OrderReport::Shape::kAck));
  BOOST_TEST(ack.symbol == "BTCUSDT");
  BOOST_TEST(ack.order_id == 28);
  BOOST_TEST(ack.order_list_id == -1);
  BOOST_TEST(ack.client_order_id == "6gCrw2kRUAF9CvJDGP16IP");
  BOOST_TEST(ack.transact_time_ms == 1507725176595);
  BOOST_TEST((ack.status == OrderStatus::kUnknown));

  const OrderReport result = ok(parse_order_report(fixture("order_new_result.json")));
  BOOST_TEST((result.shape == OrderReport::Shape::kResult));
  BOOST_TEST(result.orig_qty_e8 == e8("10"));
  BOOST_TEST(result.executed_qty_e8 == e8("10"));
  BOOST_TEST(result.cummulative_quote_qty_e8.value_or(-1) == e8("10"));
  BOOST_TEST((result.status == OrderStatus::kFilled));
  BOOST_TEST((result.side == OrderSide::kSell));
  BOOST_TEST(result.type == "MARKET");
  BOOST_TEST(result.time_in_force == "GTC");
  BOOST_TEST(result.working_time_ms == 1507725176595);
  BOOST_TEST(result.fills.empty());

  const OrderReport full = ok(parse_order_report(fixture("order_new_full.json")));
  BOOST_TEST((full.shape == OrderReport::Shape::kFull));
  BOOST_REQUIRE(full.fills.size() == 5u);
  BOOST_TEST(full.fills[0].price_e8 == e8("4000"));
  BOOST_TEST(full.fills[0].qty_e8 == e8("1"));
  BOOST_TEST(full.fills[0].commission_e8 == e8("4"));
  BOOST_TEST(full.fills[0].commission_asset == "USDT");
  BOOST_TEST(full.fills[0].trade_id == 56);
  BOOST_TEST(full.fills[1].commission_e8 == e8("19.995"));
  std::int64_t filled = 0;
  for (const FillReport& f : full.fills) filled += f.qty_e8;
  BOOST_TEST(filled == full.executed_qty_e8);
}

BOOST_AUTO_TEST_CASE(query_cancel_and_open_orders) {
  const OrderReport q = ok(parse_order_report(fixture("order_query.json")));
  BOOST_TEST(q.symbol == "LTCBTC");
  BOOST_TEST(q.client_order_id == "myOrder1");
  BOOST_TEST(q.price_e8 == e8("0.1"));
  BOOST_TEST(q.orig_qty_e8 == e8("1"));
  BOOST_TEST((q.status == OrderStatus::kNew));
  BOOST_TEST((q.side == OrderSide::kBuy));
  BOOST_TEST(q.time_ms == 1499827319559);
  BOOST_TEST(q.update_time_ms == 1499827319559);
  BOOST_TEST(q.is_working.value_or(false));
  BOOST_TEST(!is_terminal(q.status));

  const OrderReport c = ok(parse_order_report(fixture("order_cancel.json")));
  BOOST_TEST(c.orig_client_order_id == "myOrder1");
  BOOST_TEST(c.client_order_id == "cancelMyOrder1");
  BOOST_TEST((c.status == OrderStatus::kCanceled));
  BOOST_TEST(is_terminal(c.status));
  BOOST_TEST(c.price_e8 == e8("2"));

  const std::vector<OrderReport> open = ok(parse_open_orders(fixture("open_orders.json")));
  BOOST_REQUIRE(open.size() == 1u);
  BOOST_TEST(open[0].order_id == 1);
  BOOST_TEST(ok(parse_open_orders("[]")).empty());
}

BOOST_AUTO_TEST_CASE(account_trades_klines_time_ping_error) {
  const AccountReport a = ok(parse_account(fixture("account.json")));
  BOOST_TEST(a.can_trade);
  BOOST_TEST(a.account_type == "SPOT");
  BOOST_TEST(a.update_time_ms == 123456789);
  BOOST_TEST(a.maker_commission_rate_e8 == e8("0.0015"));
  BOOST_REQUIRE(a.balances.size() == 2u);
  BOOST_TEST(a.balances[0].asset == "BTC");
  BOOST_TEST(a.balances[0].free_e8 == e8("4723846.89208129"));
  BOOST_TEST(a.balances[1].locked_e8 == 0);

  const std::vector<TradeReport> t = ok(parse_my_trades(fixture("my_trades.json")));
  BOOST_REQUIRE(t.size() == 1u);
  BOOST_TEST(t[0].id == 28457);
  BOOST_TEST(t[0].order_id == 100234);
  BOOST_TEST(t[0].price_e8 == e8("4.000001"));
  BOOST_TEST(t[0].quote_qty_e8 == e8("48.000012"));
  BOOST_TEST(t[0].commission_asset == "BNB");
  BOOST_TEST(t[0].is_buyer);
  BOOST_TEST(!t[0].is_maker);

  const std::vector<Kline> k = ok(parse_klines(fixture("klines.json")));
  BOOST_REQUIRE(k.size() == 1u);
  BOOST_TEST(k[0].open_time_ms == 1499040000000);
  BOOST_TEST(k[0].open_e8 == e8("0.0163479"));
  BOOST_TEST(k[0].high_e8 == e8("0.8"));
  BOOST_TEST(k[0].close_time_ms == 1499644799999);
  BOOST_TEST(k[0].volume_e8 == e8("148976.11427815"));
  BOOST_TEST(k[0].trade_count == 308);
  BOOST_TEST(k[0].taker_buy_quote_volume_e8 == e8("28.46694368"));

  BOOST_TEST(ok(parse_server_time(fixture("time.json"))).server_time_ms == 1499827319559);
  BOOST_TEST(parse_json_object(fixture("ping.json")).ok());
  BOOST_TEST(parse_json_object(fixture("order_test_empty.json")).ok());
  BOOST_TEST(parse_json_object(fixture("order_test_commission.json")).ok());
  BOOST_TEST(!parse_json_object("[]").ok());
  const ApiError e = ok(parse_api_error(fixture("error_invalid_symbol.json")));
  BOOST_TEST(e.code == -1121);
  BOOST_TEST(e.msg == "Invalid symbol.");
}

BOOST_AUTO_TEST_CASE(closed_klines_keeps_bars_that_ended_before_server_time) {
  const std::string body = R"([[0,"1","1","1","1","1",3599999,"1",1,"1","1","0"],)"
                           R"([3600000,"1","1","1","1","1",7199999,"1",1,"1","1","0"]])";
  const std::vector<Kline> k = ok(parse_klines(body));
  BOOST_TEST(closed_klines(k, 7199999).size() == 1u);  // the last bar's final millisecond
  BOOST_TEST(closed_klines(k, 7200000).size() == 2u);
  BOOST_TEST(closed_klines(k, 3599999).empty());
  BOOST_TEST(closed_klines(k, 3600000).front().open_time_ms == 0);
}

BOOST_AUTO_TEST_CASE(missing_and_unknown_fields_are_accepted) {
  const OrderReport o = ok(parse_order_report(
      R"({"symbol":"BTCUSDT","orderId":7,"status":"SOMETHING_NEW","brandNew":{"a":[1,2]},
          "cummulativeQuoteQty":"-1.00000000","isWorking":null})"));
  BOOST_TEST((o.status == OrderStatus::kUnknown));
  BOOST_TEST(o.status_text == "SOMETHING_NEW");
  BOOST_TEST(!o.cummulative_quote_qty_e8.has_value());
  BOOST_TEST(!o.is_working.has_value());
  BOOST_TEST(o.client_order_id.empty());
  BOOST_TEST(ok(parse_account("{}")).balances.empty());
  // A kline with the unused 12th element missing still parses; extra elements are ignored.
  BOOST_TEST(ok(parse_klines(R"([[1,"1","1","1","1","1",2,"1",3,"1","1"]])")).size() == 1u);
  BOOST_TEST(ok(parse_klines(R"([[1,"1","1","1","1","1",2,"1",3,"1","1","0","x",{}]])")).size() ==
             1u);
}

BOOST_AUTO_TEST_CASE(errors_name_field_and_value) {
  std::string msg = error_of(parse_order_report(R"({"symbol":"BTCUSDT"})"));
  BOOST_TEST(msg == "order.orderId: required field is missing or null");
  msg = error_of(parse_order_report(R"({"symbol":"BTCUSDT","orderId":"28"})"));
  BOOST_TEST(msg == "order.orderId: expected an int64 integer, got \"\\\"28\\\"\"");
  msg = error_of(parse_order_report(R"({"symbol":"B","orderId":1,"price":0.1})"));
  BOOST_TEST(msg == "order.price: expected a decimal string, got \"0.1\"");
  msg = error_of(
      parse_order_report(R"({"symbol":"B","orderId":1,"fills":[{"price":"1","qty":"x"}]})"));
  BOOST_TEST(msg.find("order.fills[0].qty: decimal \"x\"") == 0u, msg);
  msg = error_of(parse_order_report(R"({"symbol":"B","orderId":1,"cummulativeQuoteQty":"-x"})"));
  BOOST_TEST(msg.find("order.cummulativeQuoteQty") == 0u, msg);
  msg = error_of(parse_account(R"({"balances":[{"asset":"BTC","free":"1","locked":"1e-8"}]})"));
  BOOST_TEST(msg.find("account.balances[0].locked: decimal \"1e-8\"") == 0u, msg);
  msg =
      error_of(parse_my_trades(R"([{"id":1,"orderId":2,"price":"1","qty":"1","isBuyer":"yes"}])"));
  BOOST_TEST(msg == "myTrades[0].isBuyer: expected true or false, got \"\\\"yes\\\"\"");
  msg = error_of(parse_klines(R"([[1,"1","1","1","1","1",2,"1",3.5,"1","1","0"]])"));
  BOOST_TEST(msg == "klines[0][8]: expected an int64 integer, got \"3.5\"");
  msg = error_of(parse_klines(R"([[1,"1","1","1",1,"1",2,"1",3,"1","1","0"]])"));
  BOOST_TEST(msg == "klines[0][4]: expected a decimal string, got \"1\"");
  msg = error_of(parse_klines(R"([[1,"1"]])"));
  BOOST_TEST(msg.find("klines[0]: expected an array of 12 kline fields") == 0u, msg);
  msg = error_of(parse_server_time(R"({"serverTime":null})"));
  BOOST_TEST(msg == "time.serverTime: required field is missing or null");
  msg = error_of(parse_api_error(R"({"code":-1121})"));
  BOOST_TEST(msg == "error.msg: required field is missing or null");
}

BOOST_AUTO_TEST_CASE(hostile_bodies_are_refused_before_parsing) {
  std::string msg = error_of(parse_order_report(std::string(100000, '[')));
  BOOST_TEST(msg.find("nests deeper than 32") != std::string::npos, msg);
  // Brackets inside strings do not count.
  BOOST_TEST(
      ok(parse_order_report(R"({"symbol":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[","orderId":1})"))
          .symbol.size() == 37u);
  JsonLimits small;
  small.max_body_bytes = 10;
  msg = error_of(parse_server_time(R"({"serverTime":1499827319559})", small));
  BOOST_TEST(msg.find("larger than the 10 bytes allowed") != std::string::npos, msg);
  msg = error_of(parse_server_time("{\"serverTime\":1"));
  BOOST_TEST(msg.find("not JSON") != std::string::npos, msg);
  msg = error_of(parse_server_time(""));
  BOOST_TEST(msg.find("not JSON") != std::string::npos, msg);
  msg = error_of(parse_server_time(std::string("{\"a\":\"\xff\"}")));
  BOOST_TEST(msg.find("not JSON") != std::string::npos, msg);
  msg = error_of(parse_server_time(R"({"serverTime":1e400})"));
  BOOST_TEST(!msg.empty());
}

}  // namespace
}  // namespace q50::live
