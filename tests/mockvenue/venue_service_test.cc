// The mock venue's request pipeline without sockets: signatures over the raw bytes, the scaled
// timestamp window, every error code it answers with, the response shapes read by the live
// codec's parsers, the books, and determinism.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/fixed_point.h"
#include "live/exchange_info.h"
#include "live/order_rounding.h"
#include "live/outcome.h"
#include "live/response_parse.h"
#include "tests/mockvenue/venue_fixture.h"

namespace q50::mockvenue {
namespace {

using namespace testing;

std::int64_t venue_ms_at(double wall_s, double speed = 3600) {
  return kStartMs + static_cast<std::int64_t>(wall_s * speed * 1000);
}

live::ApiError error_of(const HttpReply& r) {
  auto e = live::parse_api_error(r.body);
  BOOST_REQUIRE_MESSAGE(e.ok(), "not an error body: " << r.body);
  return *e;
}

nlohmann::json books(VenueService& v, double wall_s) {
  return nlohmann::json::parse(v.books_json(at_wall(wall_s)));
}

struct Fixture {
  std::unique_ptr<VenueService> venue = make_service(scenario_text(""));

  HttpReply send(const std::string& method, const std::string& path,
                 std::vector<live::QueryParam> params, double wall_s = 0.5) {
    return venue->handle(signed_request(method, path, std::move(params), venue_ms_at(wall_s)),
                         at_wall(wall_s));
  }
};

BOOST_FIXTURE_TEST_SUITE(signing, Fixture)

BOOST_AUTO_TEST_CASE(a_correctly_signed_request_is_served) {
  const HttpReply r = send("GET", "/api/v3/account", {});
  BOOST_TEST(r.status == 200, r.body);
  auto account = live::parse_account(r.body);
  BOOST_REQUIRE(account.ok());
  BOOST_TEST(account->balances.size() == 2u);
  BOOST_TEST(account->balances[0].asset == "BTC");
  BOOST_TEST(account->balances[0].free_e8 == 100'000'000);
  BOOST_TEST(account->balances[1].asset == "USDT");
  BOOST_TEST(account->taker_commission_rate_e8 == 100'000);  // 0.001
}

BOOST_AUTO_TEST_CASE(a_reordered_query_fails_the_signature) {
  const std::int64_t ts = venue_ms_at(0.5);
  const std::string q = signed_query({{"omitZeroBalances", "true"}}, ts);
  // Same parameters, same signature, another order of the pairs.
  const std::string sig = q.substr(q.find("&signature="));
  const std::string reordered = "timestamp=" + std::to_string(ts) + "&omitZeroBalances=true" + sig;
  const HttpReply r =
      venue->handle({"GET", "/api/v3/account?" + reordered, "", std::string(kKey)}, at_wall(0.5));
  BOOST_TEST(r.status == 400);
  BOOST_TEST(error_of(r).code == -1022);
  BOOST_TEST(error_of(r).msg == "Signature for this request is not valid.");
}

BOOST_AUTO_TEST_CASE(a_re_encoded_query_fails_the_signature) {
  // The client signed "newClientOrderId=a-b"; the bytes received say a%2Db (the same decoded
  // value): the venue verifies the bytes, so it fails.
  const std::string q = signed_query(market_order("BUY", "0.001", "a-b"), venue_ms_at(0.5));
  std::string recoded = q;
  recoded.replace(recoded.find("a-b"), 3, "a%2Db");
  const HttpReply r =
      venue->handle({"POST", "/api/v3/order?" + recoded, "", std::string(kKey)}, at_wall(0.5));
  BOOST_TEST(error_of(r).code == -1022);
  BOOST_TEST(books(*venue, 0.5)["orders"].size() == 0u);
}

BOOST_AUTO_TEST_CASE(query_and_body_are_signed_as_sent_concatenated) {
  // The docs' third vector: part in the query string, part in the body, no separator.
  const std::string query = "symbol=BTCUSDT&side=BUY&type=MARKET";
  const std::string body = "quantity=0.001&timestamp=" + std::to_string(venue_ms_at(0.5));
  auto sig = live::sign_request(kSecret, query, body);
  BOOST_REQUIRE(sig.ok());
  const HttpReply r = venue->handle(
      {"POST", "/api/v3/order?" + query, body + "&signature=" + *sig, std::string(kKey)},
      at_wall(0.5));
  BOOST_TEST(r.status == 200, r.body);
}

BOOST_AUTO_TEST_CASE(a_wrong_secret_or_a_missing_signature_is_refused) {
  const std::string q = signed_query({}, venue_ms_at(0.5), "another-secret");
  HttpReply r = venue->handle({"GET", "/api/v3/account?" + q, "", std::string(kKey)}, at_wall(0.5));
  BOOST_TEST(error_of(r).code == -1022);
  r = venue->handle({"GET", "/api/v3/account?timestamp=" + std::to_string(venue_ms_at(0.5)), "",
                     std::string(kKey)},
                    at_wall(0.5));
  BOOST_TEST(error_of(r).code == -1102);
  BOOST_TEST(error_of(r).msg.find("'signature'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_api_key_must_match) {
  const std::string q = signed_query({}, venue_ms_at(0.5));
  HttpReply r = venue->handle({"GET", "/api/v3/account?" + q, "", std::string("other")},
                              at_wall(0.5));
  BOOST_TEST(r.status == 401);
  BOOST_TEST(error_of(r).code == -2015);
  r = venue->handle({"GET", "/api/v3/account?" + q, "", std::nullopt}, at_wall(0.5));
  BOOST_TEST(error_of(r).code == -2015);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(timestamps, Fixture)

// At speed 3600 the recvWindow of 5000 ms is 5 wall seconds: 5 venue hours.
BOOST_AUTO_TEST_CASE(recv_window_scales_with_the_speed) {
  const auto account = [&](std::int64_t ts, std::vector<live::QueryParam> extra = {}) {
    return venue->handle(signed_request("GET", "/api/v3/account", std::move(extra), ts),
                         at_wall(10));
  };
  const std::int64_t now = venue_ms_at(10);
  BOOST_TEST(account(now - 4 * kHourMs).status == 200);  // 4 wall seconds behind
  const HttpReply late = account(now - 6 * kHourMs);
  BOOST_TEST(error_of(late).code == -1021);
  BOOST_TEST(error_of(late).msg == "Timestamp for this request is outside of the recvWindow.");
  // A longer recvWindow (wall ms) widens it.
  BOOST_TEST(account(now - 6 * kHourMs, {{"recvWindow", "7000"}}).status == 200);
  // Ahead: up to 1000 ms x speed = 1 venue hour.
  BOOST_TEST(account(now + kHourMs / 2).status == 200);
  const HttpReply ahead = account(now + kHourMs);
  BOOST_TEST(error_of(ahead).code == -1021);
  BOOST_TEST(error_of(ahead).msg.find("ahead") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_recv_window_and_timestamp_values) {
  const std::int64_t now = venue_ms_at(1);
  HttpReply r = venue->handle(
      signed_request("GET", "/api/v3/account", {{"recvWindow", "60001"}}, now), at_wall(1));
  BOOST_TEST(error_of(r).code == -1131);
  r = venue->handle(signed_request("GET", "/api/v3/account", {{"recvWindow", "1.2345"}}, now),
                    at_wall(1));
  BOOST_TEST(error_of(r).code == -1100);
  const std::string q = "timestamp=abc";
  auto sig = live::sign_request(kSecret, q, "");
  r = venue->handle({"GET", "/api/v3/account?" + q + "&signature=" + *sig, "", std::string(kKey)},
                    at_wall(1));
  BOOST_TEST(error_of(r).code == -1102);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(orders, Fixture)

BOOST_AUTO_TEST_CASE(a_full_market_order_response_reads_with_the_live_codec) {
  const HttpReply r = send("POST", "/api/v3/order", market_order("BUY", "0.01", "q50-1"));
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
  auto report = live::parse_order_report(r.body);
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().message());
  BOOST_CHECK(report->shape == live::OrderReport::Shape::kFull);
  BOOST_TEST(report->client_order_id == "q50-1");
  BOOST_CHECK(report->status == live::OrderStatus::kFilled);
  BOOST_TEST(report->orig_qty_e8 == 1'000'000);
  BOOST_TEST(report->executed_qty_e8 == 1'000'000);
  BOOST_TEST(report->type == "MARKET");
  BOOST_TEST(report->transact_time_ms == venue_ms_at(0.5));
  BOOST_REQUIRE_EQUAL(report->fills.size(), 1u);
  const live::FillReport& f = report->fills[0];
  BOOST_TEST(f.qty_e8 == 1'000'000);
  BOOST_TEST(f.commission_asset == "USDT");
  // The simulator's fee: 0.1% of the notional, rounded up to 1e-8.
  const auto notional = static_cast<Int128>(f.price_e8) * f.qty_e8;
  BOOST_TEST(f.commission_e8 == static_cast<std::int64_t>((notional / 1000 + 99'999'999) / 100'000'000));
  BOOST_TEST(*report->cummulative_quote_qty_e8 ==
             static_cast<std::int64_t>(notional / 100'000'000));
  // The books agree: 1.01 BTC, the quote paid.
  const nlohmann::json b = books(*venue, 0.5);
  BOOST_TEST(b["balances"]["base"]["free_e8"] == "101000000");
  BOOST_TEST(b["trades"] == 1);
}

BOOST_AUTO_TEST_CASE(ack_and_result_shapes) {
  std::vector<live::QueryParam> p = market_order("SELL", "0.01", "ack-1");
  p.push_back({"newOrderRespType", "ACK"});
  auto ack = live::parse_order_report(send("POST", "/api/v3/order", p).body);
  BOOST_REQUIRE(ack.ok());
  BOOST_CHECK(ack->shape == live::OrderReport::Shape::kAck);
  p = market_order("SELL", "0.01", "res-1");
  p.push_back({"newOrderRespType", "RESULT"});
  auto result = live::parse_order_report(send("POST", "/api/v3/order", p).body);
  BOOST_REQUIRE(result.ok());
  BOOST_CHECK(result->shape == live::OrderReport::Shape::kResult);
  BOOST_CHECK(result->side == live::OrderSide::kSell);
}

BOOST_AUTO_TEST_CASE(filters_answer_minus_1013_naming_the_filter) {
  const auto msg = [&](std::vector<live::QueryParam> p) {
    return error_of(send("POST", "/api/v3/order", std::move(p)));
  };
  BOOST_TEST(msg(market_order("BUY", "0.000015", "a")).msg == "Filter failure: LOT_SIZE");
  BOOST_TEST(msg(market_order("BUY", "0.00001", "a")).msg == "Filter failure: NOTIONAL");
  BOOST_TEST(msg(limit_order("BUY", "0.01", "100.001", "a")).msg == "Filter failure: PRICE_FILTER");
  BOOST_TEST(msg(market_order("BUY", "0", "a")).code == -1013);
  BOOST_TEST(msg(market_order("BUY", "100000", "a")).msg == "Filter failure: LOT_SIZE");
  // order/test applies the same filters, and accepts a good order.
  BOOST_TEST(error_of(send("POST", "/api/v3/order/test", market_order("BUY", "0.000015", "a"))).msg ==
             "Filter failure: LOT_SIZE");
  const HttpReply ok = send("POST", "/api/v3/order/test", market_order("BUY", "0.01", "a"));
  BOOST_TEST(ok.body == "{}");
  BOOST_TEST(books(*venue, 0.5)["orders"].size() == 0u);
}

BOOST_AUTO_TEST_CASE(balance_and_duplicate_client_ids_answer_minus_2010) {
  const live::ApiError poor = error_of(send("POST", "/api/v3/order", market_order("BUY", "1", "b")));
  BOOST_TEST(poor.code == -2010);
  BOOST_TEST(poor.msg == "Account has insufficient balance for requested action.");
  // A resting limit keeps its client id busy; once canceled the id is free again.
  BOOST_TEST(send("POST", "/api/v3/order", limit_order("BUY", "0.01", "1000", "dup")).status == 200);
  const live::ApiError dup =
      error_of(send("POST", "/api/v3/order", limit_order("BUY", "0.01", "1000", "dup")));
  BOOST_TEST(dup.code == -2010);
  BOOST_TEST(dup.msg == "Duplicate order sent.");
  const HttpReply cancel = send("DELETE", "/api/v3/order",
                                {{"symbol", "BTCUSDT"}, {"origClientOrderId", "dup"}});
  auto canceled = live::parse_order_report(cancel.body);
  BOOST_REQUIRE_MESSAGE(canceled.ok(), cancel.body);
  BOOST_CHECK(canceled->status == live::OrderStatus::kCanceled);
  BOOST_TEST(canceled->orig_client_order_id == "dup");
  BOOST_TEST(send("POST", "/api/v3/order", limit_order("BUY", "0.01", "1000", "dup")).status == 200);
}

BOOST_AUTO_TEST_CASE(decimals_grammar_and_precision) {
  BOOST_TEST(error_of(send("POST", "/api/v3/order", market_order("BUY", "1e-2", "d"))).code == -1100);
  BOOST_TEST(error_of(send("POST", "/api/v3/order", market_order("BUY", "-0.01", "d"))).code == -1100);
  BOOST_TEST(error_of(send("POST", "/api/v3/order", market_order("BUY", ".01", "d"))).code == -1100);
  const live::ApiError precise =
      error_of(send("POST", "/api/v3/order", market_order("BUY", "0.000000001", "d")));
  BOOST_TEST(precise.code == -1111);
  // Trailing zeros past the 8th decimal are fine.
  BOOST_TEST(send("POST", "/api/v3/order", market_order("BUY", "0.0100000000", "d")).status == 200);
}

BOOST_AUTO_TEST_CASE(unknown_and_missing_parameters) {
  std::vector<live::QueryParam> p = market_order("BUY", "0.01", "e");
  p.push_back({"icebergQty", "1"});
  const live::ApiError unknown = error_of(send("POST", "/api/v3/order", p));
  BOOST_TEST(unknown.code == -1103);
  const live::ApiError missing =
      error_of(send("POST", "/api/v3/order", {{"symbol", "BTCUSDT"}, {"side", "BUY"}}));
  BOOST_TEST(missing.code == -1102);
  BOOST_TEST(missing.msg.find("'type'") != std::string::npos);
  const live::ApiError no_qty = error_of(
      send("POST", "/api/v3/order", {{"symbol", "BTCUSDT"}, {"side", "BUY"}, {"type", "MARKET"}}));
  BOOST_TEST(no_qty.code == -1102);
  BOOST_TEST(no_qty.msg.find("'quantity'") != std::string::npos);
  std::vector<live::QueryParam> limit = limit_order("BUY", "0.01", "1000", "f");
  limit.erase(limit.begin() + 3);  // timeInForce
  BOOST_TEST(error_of(send("POST", "/api/v3/order", limit)).code == -1102);
  std::vector<live::QueryParam> market_tif = market_order("BUY", "0.01", "g");
  market_tif.push_back({"timeInForce", "GTC"});
  BOOST_TEST(error_of(send("POST", "/api/v3/order", market_tif)).code == -1106);
  BOOST_TEST(error_of(send("POST", "/api/v3/order", market_order("HOLD", "0.01", "h"))).code ==
             -1117);
  std::vector<live::QueryParam> stop = market_order("BUY", "0.01", "i");
  stop[2].value = "STOP_LOSS";
  BOOST_TEST(error_of(send("POST", "/api/v3/order", stop)).code == -1116);
  BOOST_TEST(error_of(send("POST", "/api/v3/order", market_order("BUY", "0.01", "bad id!"))).code ==
             -1100);
  std::vector<live::QueryParam> other = market_order("BUY", "0.01", "j");
  other[0].value = "ETHBTC";
  BOOST_TEST(error_of(send("POST", "/api/v3/order", other)).code == -1121);
  // A repeated key.
  const std::string q = "symbol=BTCUSDT&symbol=BTCUSDT&timestamp=" + std::to_string(venue_ms_at(0.5));
  auto sig = live::sign_request(kSecret, q, "");
  const HttpReply twice = venue->handle(
      {"GET", "/api/v3/openOrders?" + q + "&signature=" + *sig, "", std::string(kKey)}, at_wall(0.5));
  BOOST_TEST(error_of(twice).code == -1101);
}

BOOST_AUTO_TEST_CASE(query_by_either_id_and_minus_2013) {
  BOOST_TEST(send("POST", "/api/v3/order", market_order("BUY", "0.01", "qq")).status == 200);
  const HttpReply by_client =
      send("GET", "/api/v3/order", {{"symbol", "BTCUSDT"}, {"origClientOrderId", "qq"}});
  auto a = live::parse_order_report(by_client.body);
  BOOST_REQUIRE_MESSAGE(a.ok(), by_client.body);
  BOOST_CHECK(a->status == live::OrderStatus::kFilled);
  const HttpReply by_id = send("GET", "/api/v3/order",
                               {{"symbol", "BTCUSDT"}, {"orderId", std::to_string(a->order_id)}});
  BOOST_TEST(by_id.body == by_client.body);
  const HttpReply missing =
      send("GET", "/api/v3/order", {{"symbol", "BTCUSDT"}, {"origClientOrderId", "nope"}});
  BOOST_TEST(missing.status == 400);
  BOOST_TEST(error_of(missing).code == -2013);
  BOOST_TEST(error_of(missing).msg == "Order does not exist.");
  live::ResponseFacts facts{false, false, missing.status, error_of(missing), missing.headers};
  BOOST_CHECK(live::map_outcome(facts).kind == live::OutcomeKind::kNotFound);
  // Both ids must name the same order.
  const HttpReply mismatch = send(
      "GET", "/api/v3/order",
      {{"symbol", "BTCUSDT"}, {"orderId", std::to_string(a->order_id)}, {"origClientOrderId", "x"}});
  BOOST_TEST(error_of(mismatch).code == -2013);
  BOOST_TEST(error_of(send("GET", "/api/v3/order", {{"symbol", "BTCUSDT"}})).code == -1102);
  // Cancel of a filled or unknown order: -2011 "Unknown order sent.".
  const live::ApiError filled = error_of(
      send("DELETE", "/api/v3/order", {{"symbol", "BTCUSDT"}, {"origClientOrderId", "qq"}}));
  BOOST_TEST(filled.code == -2011);
  BOOST_TEST(filled.msg == "Unknown order sent.");
}

BOOST_AUTO_TEST_CASE(resting_limit_fills_on_a_later_bar_and_trades_list_it) {
  // A sell limit far above the market rests; one just above it fills once a bar trades through.
  BOOST_TEST(send("POST", "/api/v3/order", limit_order("SELL", "0.01", "100000", "far")).status ==
             200);
  auto open = live::parse_open_orders(send("GET", "/api/v3/openOrders", {{"symbol", "BTCUSDT"}}).body);
  BOOST_REQUIRE(open.ok());
  BOOST_REQUIRE_EQUAL(open->size(), 1u);
  BOOST_TEST(open->at(0).client_order_id == "far");
  BOOST_TEST(books(*venue, 0.5)["balances"]["base"]["locked_e8"] == "1000000");
  // A market buy and sell make two trades; myTrades lists them (parsed by the codec).
  BOOST_TEST(send("POST", "/api/v3/order", market_order("BUY", "0.01", "t1")).status == 200);
  BOOST_TEST(send("POST", "/api/v3/order", market_order("SELL", "0.01", "t2"), 1.5).status == 200);
  auto trades = live::parse_my_trades(send("GET", "/api/v3/myTrades", {{"symbol", "BTCUSDT"}}, 1.5).body);
  BOOST_REQUIRE(trades.ok());
  BOOST_REQUIRE_EQUAL(trades->size(), 2u);
  BOOST_TEST(trades->at(0).is_buyer);
  BOOST_TEST(!trades->at(1).is_buyer);
  BOOST_TEST(trades->at(1).commission_asset == "USDT");
  auto from = live::parse_my_trades(
      send("GET", "/api/v3/myTrades",
           {{"symbol", "BTCUSDT"}, {"fromId", std::to_string(trades->at(1).id)}}, 1.5)
          .body);
  BOOST_REQUIRE(from.ok());
  BOOST_TEST(from->size() == 1u);
  auto by_order = live::parse_my_trades(
      send("GET", "/api/v3/myTrades",
           {{"symbol", "BTCUSDT"}, {"orderId", std::to_string(trades->at(0).order_id)}}, 1.5)
          .body);
  BOOST_REQUIRE(by_order.ok());
  BOOST_TEST(by_order->size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(market_data, Fixture)

BOOST_AUTO_TEST_CASE(klines_serve_closed_bars_and_the_bar_in_progress) {
  // Wall 2.5 s at 3600: venue 02:30, bars stamped 00:00, 01:00, 02:00 closed; 03:00 forming.
  const HttpReply r = venue->handle(get("/api/v3/klines?symbol=BTCUSDT&interval=1h"), at_wall(2.5));
  auto k = live::parse_klines(r.body);
  BOOST_REQUIRE_MESSAGE(k.ok(), r.body);
  BOOST_REQUIRE_EQUAL(k->size(), 4u);
  BOOST_TEST(k->at(0).close_time_ms == kStartMs - 1);
  BOOST_TEST(k->at(3).open_time_ms == kStartMs + 2 * kHourMs);
  const auto closed = live::closed_klines(*k, venue_ms_at(2.5));
  BOOST_TEST(closed.size() == 3u);
  BOOST_TEST(k->at(3).volume_e8 == 0);
  // limit and startTime select as Binance does.
  auto last = live::parse_klines(
      venue->handle(get("/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=2"), at_wall(2.5)).body);
  BOOST_REQUIRE(last.ok());
  BOOST_TEST(last->size() == 2u);
  BOOST_TEST(last->at(1).open_time_ms == kStartMs + 2 * kHourMs);
  auto from = live::parse_klines(
      venue->handle(get("/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=2&startTime=" +
                        std::to_string(kStartMs - kHourMs)),
                    at_wall(2.5))
          .body);
  BOOST_REQUIRE(from.ok());
  BOOST_TEST(from->at(0).open_time_ms == kStartMs - kHourMs);
  BOOST_TEST(error_of(venue->handle(get("/api/v3/klines?symbol=BTCUSDT&interval=1m"),
                                    at_wall(1))).code == -1120);
  BOOST_TEST(error_of(venue->handle(get("/api/v3/klines?symbol=BTCUSDT"), at_wall(1))).code ==
             -1102);
}

BOOST_AUTO_TEST_CASE(time_ping_and_exchange_info) {
  const HttpReply t = venue->handle(get("/api/v3/time"), at_wall(1.25));
  auto time = live::parse_server_time(t.body);
  BOOST_REQUIRE(time.ok());
  BOOST_TEST(time->server_time_ms == venue_ms_at(1.25));
  BOOST_TEST(venue->handle(get("/api/v3/ping"), at_wall(1)).body == "{}");
  const HttpReply info = venue->handle(get("/api/v3/exchangeInfo?symbol=BTCUSDT"), at_wall(1));
  auto parsed = live::parse_exchange_info(info.body);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), info.body);
  const live::SymbolInfo* s = live::find_symbol(*parsed, "BTCUSDT");
  BOOST_REQUIRE(s != nullptr);
  BOOST_TEST(s->base_asset == "BTC");
  BOOST_TEST(s->quote_asset == "USDT");
  BOOST_TEST(s->filters.lot_size.step_size_e8 == 1000);
  BOOST_TEST(s->filters.market_lot_size.step_size_e8 == 1000);
  BOOST_TEST(s->filters.price.tick_size_e8 == 1'000'000);
  BOOST_TEST(s->filters.notional.min_notional_e8 == 500'000'000);
  BOOST_TEST(s->qty_decimals == 5);
  BOOST_TEST(parsed->rate_limits.at(0).limit == 6000);
  BOOST_TEST(parsed->rate_limits.at(0).interval == "MINUTE");
  // What the live node rounds with this, the venue accepts.
  const live::RoundingOutcome rounded = live::round_order(
      *s, {live::OrderSide::kBuy, live::OrderKind::kMarket, 1'234'567, 0, 3'000'000'000'000});
  BOOST_REQUIRE(std::holds_alternative<live::RoundedOrder>(rounded));
  const std::string qty = std::get<live::RoundedOrder>(rounded).quantity_text;
  BOOST_TEST(qty == "0.01234");
  BOOST_TEST(send("POST", "/api/v3/order", market_order("BUY", qty, "r"), 1).status == 200);
  BOOST_TEST(error_of(venue->handle(get("/api/v3/exchangeInfo?symbol=ETHBTC"), at_wall(1))).code ==
             -1121);
}

BOOST_AUTO_TEST_CASE(every_response_carries_the_used_weight) {
  const HttpReply a = venue->handle(get("/api/v3/ping"), at_wall(0.1));
  BOOST_REQUIRE(!header(a, "X-MBX-USED-WEIGHT-1M").empty());
  const HttpReply b = venue->handle(get("/api/v3/exchangeInfo"), at_wall(0.1));
  BOOST_TEST(std::stoi(header(b, "X-MBX-USED-WEIGHT-1M")) ==
             std::stoi(header(a, "X-MBX-USED-WEIGHT-1M")) + 20);
  const HttpReply order = send("POST", "/api/v3/order", market_order("BUY", "0.01", "w"), 0.1);
  BOOST_TEST(header(order, "X-MBX-ORDER-COUNT-10S") == "1");
  BOOST_TEST(header(order, "X-MBX-ORDER-COUNT-1D") == "1");
  const live::RateUsage usage = live::parse_rate_usage(order.headers);
  BOOST_TEST(live::RateUsage::find(usage.order_count, 10, 'S').value_or(-1) == 1);
  BOOST_TEST(error_of(venue->handle(get("/api/v3/nothing"), at_wall(0.1))).code == -1000);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(limits)

BOOST_AUTO_TEST_CASE(weight_over_the_limit_is_429_then_a_418_ban) {
  auto venue = make_service(scenario_text(
      "[venue.rate_limits]\nweight_limit = 50\nban_after_429s = 2\nban = \"30s\"\n"));
  const WallTime t = at_wall(1);
  for (int i = 0; i < 2; ++i) {
    BOOST_TEST(venue->handle(get("/api/v3/exchangeInfo"), t).status == 200);
  }
  // 40 used; 20 more would pass 50.
  HttpReply r = venue->handle(get("/api/v3/exchangeInfo"), t);
  BOOST_TEST(r.status == 429);
  BOOST_TEST(error_of(r).code == -1003);
  BOOST_REQUIRE(!header(r, "Retry-After").empty());
  const std::int64_t to_window_end = 60 - (t.wall_ms / 1000) % 60;
  BOOST_TEST(std::stoll(header(r, "Retry-After")) == to_window_end);
  live::ResponseFacts facts{false, false, r.status, error_of(r), r.headers};
  BOOST_CHECK(live::map_outcome(facts).kind == live::OutcomeKind::kRetryAfter);
  // Light requests still fit.
  BOOST_TEST(venue->handle(get("/api/v3/ping"), t).status == 200);
  BOOST_TEST(venue->handle(get("/api/v3/exchangeInfo"), t).status == 429);
  r = venue->handle(get("/api/v3/exchangeInfo"), t);
  BOOST_TEST(r.status == 418);
  BOOST_TEST(header(r, "Retry-After") == "30");
  facts = {false, false, r.status, error_of(r), r.headers};
  const live::Outcome banned = live::map_outcome(facts);
  BOOST_CHECK(banned.kind == live::OutcomeKind::kBanned);
  // The ban's end in venue ms: 30 wall seconds at 3600 = 30 venue hours after now.
  BOOST_TEST(banned.banned_until_ms == venue_ms_at(1) + 30 * kHourMs);
  BOOST_TEST(venue->handle(get("/api/v3/ping"), at_wall(20)).status == 418);
  BOOST_TEST(venue->handle(get("/api/v3/ping"), at_wall(31.5)).status == 200);
  const nlohmann::json b = nlohmann::json::parse(venue->books_json(at_wall(31.5)));
  BOOST_TEST(b["counts"]["rate_limited_429"] == 2);
  BOOST_TEST(b["counts"]["banned_418"] == 2);
}

BOOST_AUTO_TEST_CASE(orders_over_the_order_limit_are_429_minus_1015) {
  auto venue = make_service(scenario_text("[venue.rate_limits]\norder_limit = 2\n"));
  const auto order = [&](const std::string& id) {
    return venue->handle(
        signed_request("POST", "/api/v3/order", market_order("BUY", "0.001", id), venue_ms_at(0.5)),
        at_wall(0.5));
  };
  BOOST_TEST(order("o1").status == 200);
  BOOST_TEST(order("o2").status == 200);
  const HttpReply r = order("o3");
  BOOST_TEST(r.status == 429);
  BOOST_TEST(error_of(r).code == -1015);
  BOOST_TEST(!header(r, "Retry-After").empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(clock)

BOOST_AUTO_TEST_CASE(the_clock_stops_after_the_last_bar) {
  auto venue = make_service(scenario_text("", 5));
  // 5 bars: the last closes at 04:00 = 4 wall seconds; at 10 s the clock still reads 04:00.
  auto t = live::parse_server_time(venue->handle(get("/api/v3/time"), at_wall(10)).body);
  BOOST_REQUIRE(t.ok());
  BOOST_TEST(t->server_time_ms == kStartMs + 4 * kHourMs);
  auto k = live::parse_klines(
      venue->handle(get("/api/v3/klines?symbol=BTCUSDT&interval=1h"), at_wall(10)).body);
  BOOST_REQUIRE(k.ok());
  BOOST_TEST(k->size() == 5u);  // all closed, none forming
  // Orders still trade at the last close; a timestamp "ahead" of the stopped clock is accepted.
  const HttpReply r = venue->handle(
      signed_request("POST", "/api/v3/order", market_order("BUY", "0.01", "late"),
                     kStartMs + 4 * kHourMs + 10 * kHourMs),
      at_wall(10));
  BOOST_TEST(r.status == 200, r.body);
  const nlohmann::json b = nlohmann::json::parse(venue->books_json(at_wall(10)));
  BOOST_TEST(b["clock_stopped"] == true);
  BOOST_TEST(b["bars_closed"] == 5);
}

BOOST_AUTO_TEST_CASE(wait_for_client_starts_the_clock_at_the_first_request) {
  auto venue = make_service(scenario_text(""), {3600, "", true});
  auto before = nlohmann::json::parse(venue->books_json(at_wall(5)));
  BOOST_TEST(before["venue_time_ms"] == kStartMs);
  BOOST_TEST(before["clock_started"] == false);
  (void)venue->handle(get("/api/v3/ping"), at_wall(5));
  auto t = live::parse_server_time(venue->handle(get("/api/v3/time"), at_wall(6.5)).body);
  BOOST_REQUIRE(t.ok());
  BOOST_TEST(t->server_time_ms == kStartMs + 3 * kHourMs / 2);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(determinism)

// The same requests at the same wall times: the same answers and books, byte for byte.
BOOST_AUTO_TEST_CASE(same_seed_same_requests_same_answers_and_books) {
  const std::string extra =
      "[venue.faults]\nskew_1021 = 0.1\nerror_5xx = 0.1\ntimeout_processed = 0.1\n"
      "lost_response = 0.1\nwipe = 0.05\n";
  std::vector<std::string> runs;
  for (int run = 0; run < 2; ++run) {
    auto venue = make_service(scenario_text(extra));
    std::string log;
    for (int i = 0; i < 60; ++i) {
      const double wall = 0.2 * i;
      const std::string side = i % 3 == 0 ? "SELL" : "BUY";
      const std::string id = std::to_string(1000 + i);
      const std::vector<live::QueryParam> p =
          i % 4 == 0 ? limit_order(side, "0.01", i % 8 == 0 ? "20000" : "50000", id)
                     : market_order(side, "0.002", id);
      const HttpReply r = venue->handle(
          signed_request("POST", "/api/v3/order", p, venue_ms_at(wall)), at_wall(wall));
      log += std::to_string(r.status) + " " + r.body + (r.drop ? " drop" : "") + "\n";
    }
    log += venue->books_json(at_wall(20));
    runs.push_back(log);
  }
  BOOST_TEST(runs[0] == runs[1]);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace q50::mockvenue
