// The REST client end to end against the loopback venue: every endpoint's request bytes and
// signature, parsed bodies and weight headers, time offset measurement, and every outcome path
// (429, 418, 5xx, -1021, -2013/-2011, filter rejects, bad signatures, read timeout, refused
// connection, oversized and unreadable bodies, TLS verification).
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>

#include "live/decimal.h"
#include "live/rest_client.h"
#include "tests/live/fixture_files.h"
#include "tests/live/loopback_venue.h"

namespace q50::live {
namespace {

using testing::Canned;
using testing::FakeClock;
using testing::fixture;
using testing::LoopbackVenue;

constexpr char kKey[] = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
constexpr char kSecret[] = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

struct Fixture {
  LoopbackVenue venue{kKey, kSecret};
  FakeClock clock;
  std::unique_ptr<RestClient> client = make_client(kSecret);

  std::unique_ptr<RestClient> make_client(const std::string& secret, std::int64_t read_ms = 2000) {
    RestConfig config;
    config.base_url = venue.base_url();
    config.connect_timeout_ms = 1000;
    config.read_timeout_ms = read_ms;
    config.write_timeout_ms = 1000;
    absl::StatusOr<std::unique_ptr<RestClient>> c =
        RestClient::create(config, Credentials(kKey, secret), clock);
    BOOST_REQUIRE_MESSAGE(c.ok(), std::string(c.status().message()));
    return *std::move(c);
  }
};

NewOrder limit_buy() {
  NewOrder o;
  o.symbol = "BTCUSDT";
  o.side = OrderSide::kBuy;
  o.kind = OrderKind::kLimit;
  o.quantity_text = "0.12345";
  o.price_text = "65000.12";
  o.client_order_id = "q50-0001";
  return o;
}

BOOST_FIXTURE_TEST_CASE(public_endpoints_send_no_key_and_parse, Fixture) {
  venue.answer("GET", "/api/v3/ping", {200, fixture("ping.json"), {{"X-MBX-USED-WEIGHT-1M", "1"}}});
  const RestResult<Empty> ping = client->ping();
  BOOST_TEST(ping.ok(), ping.message);
  BOOST_TEST(RateUsage::find(ping.usage.used_weight, 1, 'M').value_or(-1) == 1);
  BOOST_TEST(venue.last().target == "/api/v3/ping");
  BOOST_TEST(venue.last().api_key.empty());

  venue.answer("GET", "/api/v3/exchangeInfo", {200, fixture("exchange_info.json")});
  const RestResult<ExchangeInfo> info = client->exchange_info("ETHBTC");
  BOOST_REQUIRE(info.ok());
  BOOST_TEST(info.value->symbols.at(0).filters.lot_size.step_size_e8 == 100000);
  BOOST_TEST(venue.last().target == "/api/v3/exchangeInfo?symbol=ETHBTC");

  venue.answer("GET", "/api/v3/klines", {200, fixture("klines.json")});
  const RestResult<std::vector<Kline>> k = client->klines({"BTCUSDT", "1h", 1499040000000, 0, 500});
  BOOST_REQUIRE(k.ok());
  BOOST_TEST(k.value->at(0).trade_count == 308);
  BOOST_TEST(venue.last().target ==
             "/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=1499040000000&limit=500");
  BOOST_TEST(!venue.last().is_signed);
}

BOOST_FIXTURE_TEST_CASE(time_measures_offset_and_signed_timestamps_use_it, Fixture) {
  venue.answer("GET", "/api/v3/time", {200, fixture("time.json")});  // 1499827319559
  const RestResult<TimeSample> t = client->server_time();
  BOOST_REQUIRE(t.ok());
  BOOST_TEST(t.value->round_trip_ms == 40);
  BOOST_TEST(t.value->local_mid_ms == 1499827300020);
  BOOST_TEST(t.value->offset_ms == 19539);
  BOOST_TEST(client->clock_offset_ms() == 19539);
  venue.answer("GET", "/api/v3/account", {200, fixture("account.json")});
  const RestResult<AccountReport> a = client->account();
  BOOST_REQUIRE(a.ok());
  BOOST_TEST(venue.last().params.at("timestamp") == "1499827319539");
  BOOST_TEST(venue.last().params.at("recvWindow") == "5000");
}

BOOST_FIXTURE_TEST_CASE(signed_endpoints_are_verified_over_raw_bytes, Fixture) {
  venue.answer("POST", "/api/v3/order",
               {200,
                fixture("order_new_full.json"),
                {{"X-MBX-ORDER-COUNT-10S", "1"}, {"X-MBX-USED-WEIGHT-1M", "3"}}});
  const RestResult<OrderReport> o = client->new_order(limit_buy());
  BOOST_REQUIRE_MESSAGE(o.ok(), o.message);
  BOOST_TEST(o.value->fills.size() == 5u);
  BOOST_TEST(RateUsage::find(o.usage.order_count, 10, 'S').value_or(-1) == 1);
  const testing::Seen s = venue.last();
  BOOST_TEST(s.method == "POST");
  BOOST_TEST(s.api_key == kKey);
  BOOST_TEST(s.signature_ok);
  BOOST_TEST(s.body.empty());
  BOOST_TEST(
      s.target.rfind("/api/v3/order?symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&"
                     "price=65000.12&quantity=0.12345&newClientOrderId=q50-0001&"
                     "newOrderRespType=FULL&recvWindow=5000&timestamp=1499827300000&signature=",
                     0) == 0u,
      s.target);

  venue.answer("POST", "/api/v3/order/test", {200, "{}"});
  BOOST_TEST(client->test_order(limit_buy()).ok());
  BOOST_TEST(venue.last().signature_ok);
  venue.answer("GET", "/api/v3/order", {200, fixture("order_query.json")});
  BOOST_TEST(client->query_order("BTCUSDT", "q50-0001").ok());
  BOOST_TEST(venue.last().params.at("origClientOrderId") == "q50-0001");
  BOOST_TEST(venue.last().signature_ok);
  venue.answer("DELETE", "/api/v3/order", {200, fixture("order_cancel.json")});
  const RestResult<OrderReport> c = client->cancel_order("BTCUSDT", "q50-0001");
  BOOST_TEST((c.ok() && c.value->status == OrderStatus::kCanceled));
  BOOST_TEST(venue.last().method == "DELETE");
  BOOST_TEST(venue.last().signature_ok);
  venue.answer("GET", "/api/v3/openOrders", {200, fixture("open_orders.json")});
  BOOST_TEST(client->open_orders("BTCUSDT").value.value_or(std::vector<OrderReport>{}).size() ==
             1u);
  venue.answer("GET", "/api/v3/myTrades", {200, fixture("my_trades.json")});
  TradesQuery tq;
  tq.symbol = "BTCUSDT";
  tq.from_id = 0;
  BOOST_TEST(client->my_trades(tq).ok());
  BOOST_TEST(venue.last().target.rfind("/api/v3/myTrades?symbol=BTCUSDT&fromId=0&recvWindow=", 0) ==
             0u);
  for (const testing::Seen& seen : venue.seen()) BOOST_TEST(seen.signature_ok, seen.target);
}

BOOST_FIXTURE_TEST_CASE(non_ascii_parameters_are_encoded_once_and_signed_as_sent, Fixture) {
  venue.answer("GET", "/api/v3/openOrders", {200, "[]"});
  BOOST_TEST(client->open_orders("１２３ x&y=z").ok());
  const testing::Seen s = venue.last();
  BOOST_TEST(s.signature_ok);
  BOOST_TEST(
      s.target.rfind("/api/v3/openOrders?symbol=%EF%BC%91%EF%BC%92%EF%BC%93%20x%26y%3Dz&", 0) == 0u,
      s.target);
  BOOST_TEST(s.params.at("symbol") == "１２３ x&y=z");
}

BOOST_FIXTURE_TEST_CASE(wrong_secret_or_key_is_fatal, Fixture) {
  auto bad = make_client("not-the-secret");
  const RestResult<AccountReport> r = bad->account();
  BOOST_TEST((r.outcome.kind == OutcomeKind::kAuthFatal));
  BOOST_TEST(r.outcome.error_code == -1022);
  BOOST_TEST(!venue.last().signature_ok);
  BOOST_TEST(r.message.find("-1022") != std::string::npos, r.message);
}

BOOST_FIXTURE_TEST_CASE(venue_error_outcomes, Fixture) {
  venue.answer("POST", "/api/v3/order",
               {429,
                R"({"code":-1015,"msg":"Too many new orders."})",
                {{"Retry-After", "7"}, {"X-MBX-USED-WEIGHT-1M", "6001"}}});
  RestResult<OrderReport> r = client->new_order(limit_buy());
  BOOST_TEST((r.outcome.kind == OutcomeKind::kRetryAfter));
  BOOST_TEST(r.outcome.retry_after_s == 7);
  BOOST_TEST(RateUsage::find(r.usage.used_weight, 1, 'M').value_or(-1) == 6001);
  BOOST_TEST(!r.value.has_value());
  // -1015 limits new orders only: other requests (and the next order, whose refusal is the
  // venue's to give) still go out.

  venue.answer(
      "POST", "/api/v3/order",
      {418,
       R"({"code":-1003,"msg":"Way too much request weight used; IP banned until 1700000123456."})",
       {{"Retry-After", "120"}}});
  r = client->new_order(limit_buy());
  BOOST_TEST((r.outcome.kind == OutcomeKind::kBanned));
  BOOST_TEST(r.outcome.banned_until_ms == 1700000123456);
  BOOST_TEST(r.outcome.retry_after_s == 120);
  // Banned: nothing is sent until the ban ends; the answer is the client's own.
  const RestResult<Empty> held = client->ping();
  BOOST_TEST((held.outcome.kind == OutcomeKind::kRetryAfter));
  BOOST_TEST(held.outcome.http_status == 0);
  BOOST_TEST(held.message.find("not sent") != std::string::npos, held.message);
  clock.sleep_ms(std::int64_t{3} * 24 * 3600 * 1000);  // a ban's end is capped at three days

  venue.answer("POST", "/api/v3/order",
               {503, R"({"code":-1007,"msg":"Timeout waiting for response from backend server. )"
                     R"(Send status unknown; execution status unknown."})"});
  r = client->new_order(limit_buy());
  BOOST_TEST((r.outcome.kind == OutcomeKind::kUnknownOutcome));
  venue.answer("POST", "/api/v3/order", {502, "<html>Bad Gateway</html>"});
  r = client->new_order(limit_buy());
  BOOST_TEST((r.outcome.kind == OutcomeKind::kUnknownOutcome));
  BOOST_TEST(r.message.find("unreadable error body") != std::string::npos, r.message);

  venue.answer(
      "POST", "/api/v3/order",
      {400, R"({"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."})"});
  BOOST_TEST((client->new_order(limit_buy()).outcome.kind == OutcomeKind::kClockSkew));
  venue.answer("POST", "/api/v3/order",
               {400, R"({"code":-1013,"msg":"Filter failure: LOT_SIZE"})"});
  r = client->new_order(limit_buy());
  BOOST_TEST((r.outcome.kind == OutcomeKind::kRejected));
  BOOST_TEST(r.outcome.error_msg == "Filter failure: LOT_SIZE");
  BOOST_TEST(r.message ==
             "POST /api/v3/order: rejected (HTTP 400) code -1013: \"Filter failure: LOT_SIZE\"");

  venue.answer("GET", "/api/v3/order", {400, R"({"code":-2013,"msg":"Order does not exist."})"});
  BOOST_TEST((client->query_order("BTCUSDT", "q50-0001").outcome.kind == OutcomeKind::kNotFound));
  venue.answer("DELETE", "/api/v3/order", {400, R"({"code":-2011,"msg":"Unknown order sent."})"});
  BOOST_TEST((client->cancel_order("BTCUSDT", "q50-0001").outcome.kind == OutcomeKind::kNotFound));
}

BOOST_FIXTURE_TEST_CASE(unreadable_success_body_is_an_unknown_outcome, Fixture) {
  venue.answer("POST", "/api/v3/order", {200, R"({"symbol":"BTCUSDT","orderId":"28"})"});
  const RestResult<OrderReport> r = client->new_order(limit_buy());
  BOOST_TEST((r.outcome.kind == OutcomeKind::kUnknownOutcome));
  BOOST_TEST(!r.value.has_value());
  BOOST_TEST(r.message.find("unreadable 200 response: order.orderId: expected an int64 integer") !=
                 std::string::npos,
             r.message);
  venue.answer("GET", "/api/v3/time", {200, std::string(50000, '[')});
  BOOST_TEST((client->server_time().outcome.kind == OutcomeKind::kUnknownOutcome));
}

BOOST_FIXTURE_TEST_CASE(invalid_orders_are_not_sent, Fixture) {
  NewOrder o = limit_buy();
  o.client_order_id = "has space";
  const RestResult<OrderReport> r = client->new_order(o);
  BOOST_TEST((r.outcome.kind == OutcomeKind::kRejected));
  BOOST_TEST(r.outcome.http_status == 0);
  BOOST_TEST(r.message.find("(not sent)") != std::string::npos, r.message);
  o = limit_buy();
  o.price_text = "6.5e4";
  BOOST_TEST((client->test_order(o).outcome.kind == OutcomeKind::kRejected));
  BOOST_TEST(venue.seen().empty());
}

BOOST_FIXTURE_TEST_CASE(read_timeout_is_bounded_and_unknown, Fixture) {
  auto impatient = make_client(kSecret, 200);
  venue.answer("POST", "/api/v3/order", {200, fixture("order_new_ack.json"), {}, 1500});
  const auto start = std::chrono::steady_clock::now();
  const RestResult<OrderReport> r = impatient->new_order(limit_buy());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  BOOST_TEST((r.outcome.kind == OutcomeKind::kUnknownOutcome));
  BOOST_TEST(r.outcome.http_status == 0);
  BOOST_TEST(r.message.find("no response") != std::string::npos, r.message);
  BOOST_TEST(elapsed < std::chrono::milliseconds(1200));
}

BOOST_FIXTURE_TEST_CASE(oversized_body_is_cut_off, Fixture) {
  RestConfig config;
  config.base_url = venue.base_url();
  config.json_limits.max_body_bytes = 1024;
  auto small = *RestClient::create(config, Credentials(kKey, kSecret), clock);
  venue.answer("GET", "/api/v3/klines", {200, "[" + std::string(100000, ' ') + "]"});
  const RestResult<std::vector<Kline>> r = small->klines({"BTCUSDT", "1h", 0, 0, 0});
  BOOST_TEST((r.outcome.kind == OutcomeKind::kUnknownOutcome));
  BOOST_TEST(r.message.find("response body over 1024 bytes") != std::string::npos, r.message);
  venue.answer("GET", "/api/v3/klines", {200, "[" + std::string(1000, ' ') + "]"});
  BOOST_TEST(small->klines({"BTCUSDT", "1h", 0, 0, 0}).ok());
}

BOOST_AUTO_TEST_CASE(refused_connection_is_unknown) {
  FakeClock clock;
  int closed_port = 0;
  {
    LoopbackVenue v(kKey, kSecret);
    closed_port = v.port();
  }
  RestConfig config;
  config.base_url = "http://127.0.0.1:" + std::to_string(closed_port);
  config.connect_timeout_ms = 500;
  auto c = *RestClient::create(config, Credentials(kKey, kSecret), clock);
  const RestResult<Empty> r = c->ping();
  BOOST_TEST((r.outcome.kind == OutcomeKind::kUnknownOutcome));
  BOOST_TEST(r.message.find("no response: ") != std::string::npos, r.message);
}

BOOST_AUTO_TEST_CASE(configuration_is_checked) {
  FakeClock clock;
  const auto error_of = [&](RestConfig config) {
    absl::StatusOr<std::unique_ptr<RestClient>> c =
        RestClient::create(std::move(config), Credentials(kKey, kSecret), clock);
    BOOST_REQUIRE(!c.ok());
    return std::string(c.status().message());
  };
  RestConfig c;
  c.base_url = "http://testnet.binance.vision";
  BOOST_TEST(error_of(c).find("plain http is only allowed to a loopback") != std::string::npos);
  c.base_url = "ftp://127.0.0.1:21";
  BOOST_TEST(error_of(c).find("must start with https://") != std::string::npos);
  c.base_url = "https://testnet.binance.vision/api";
  BOOST_TEST(error_of(c).find("no path") != std::string::npos);
  c.base_url = "https://testnet.binance.vision:0";
  BOOST_TEST(error_of(c).find("port") != std::string::npos);
  c = RestConfig{};
  c.read_timeout_ms = 0;
  BOOST_TEST(error_of(c).find("timeouts") != std::string::npos);
  c = RestConfig{};
  c.recv_window_ms = 60001;
  BOOST_TEST(error_of(c).find("recv_window_ms") != std::string::npos);
  for (const char* ok : {"https://testnet.binance.vision", "https://api1.testnet.binance.vision/",
                         "http://localhost:8080", "http://[::1]:8080", "https://127.0.0.1:9"}) {
    c = RestConfig{};
    c.base_url = ok;
    BOOST_TEST(RestClient::create(c, Credentials(kKey, kSecret), clock).ok(), ok);
  }
}

}  // namespace
}  // namespace q50::live
