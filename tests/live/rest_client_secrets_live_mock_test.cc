// The API key and secret never appear in anything the client reports: every error path (venue
// errors, transport failures, unreadable and oversized bodies, invalid orders, bad
// configuration, a hostile venue that echoes the key and secret back in bodies and headers) is
// driven, and every message, error text and parsed string is searched for both, as well as for
// the signed query string.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "live/rest_client.h"
#include "tests/live/loopback_venue.h"

namespace q50::live {
namespace {

using testing::Canned;
using testing::FakeClock;
using testing::LoopbackVenue;

constexpr char kKey[] = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
constexpr char kSecret[] = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

// Every text a caller could log.
struct Collected {
  std::vector<std::string> texts;
  int results = 0;

  template <class T>
  void add(const RestResult<T>& r) {
    ++results;
    texts.push_back(r.message);
    texts.push_back(r.outcome.error_msg);
  }
  void add(const RestResult<OrderReport>& r) {
    add<OrderReport>(r);
    if (r.value) {
      texts.push_back(r.value->client_order_id);
      texts.push_back(r.value->symbol);
      texts.push_back(r.value->status_text);
    }
  }
};

// Calls every endpoint once and collects what comes back.
void call_everything(RestClient& c, Collected& out) {
  NewOrder o;
  o.symbol = "BTCUSDT";
  o.kind = OrderKind::kLimit;
  o.quantity_text = "1";
  o.price_text = "1";
  o.client_order_id = "q50-1";
  out.add(c.ping());
  out.add(c.server_time());
  out.add(c.exchange_info("BTCUSDT"));
  out.add(c.klines({"BTCUSDT", "1h", 0, 0, 0}));
  out.add(c.account());
  out.add(c.new_order(o));
  out.add(c.test_order(o));
  out.add(c.query_order("BTCUSDT", "q50-1"));
  out.add(c.cancel_order("BTCUSDT", "q50-1"));
  out.add(c.open_orders("BTCUSDT"));
  out.add(c.my_trades({"BTCUSDT", 0, -1, 0, 0, 0}));
  o.client_order_id = std::string("bad id ") + kKey;  // not sent: the id is invalid
  out.add(c.new_order(o));
  out.add(c.test_order(o));
}

const std::vector<std::string> kPaths = {
    "GET /api/v3/ping",        "GET /api/v3/time",    "GET /api/v3/exchangeInfo",
    "GET /api/v3/klines",      "GET /api/v3/account", "POST /api/v3/order",
    "POST /api/v3/order/test", "GET /api/v3/order",   "DELETE /api/v3/order",
    "GET /api/v3/openOrders",  "GET /api/v3/myTrades"};

void answer_everywhere(LoopbackVenue& venue, const Canned& canned) {
  for (const std::string& mp : kPaths) {
    const std::size_t space = mp.find(' ');
    venue.answer(mp.substr(0, space), mp.substr(space + 1), canned);
  }
}

std::unique_ptr<RestClient> client_for(const std::string& base_url, Clock& clock,
                                       const std::string& key, const std::string& secret,
                                       std::size_t max_body_bytes = 1 << 20) {
  RestConfig config;
  config.base_url = base_url;
  config.connect_timeout_ms = 500;
  config.read_timeout_ms = 150;
  config.write_timeout_ms = 500;
  config.json_limits.max_body_bytes = max_body_bytes;
  return *RestClient::create(config, Credentials(key, secret), clock);
}

BOOST_AUTO_TEST_CASE(no_message_contains_the_key_or_the_secret) {
  LoopbackVenue venue(kKey, kSecret);
  FakeClock clock;
  auto client = client_for(venue.base_url(), clock, kKey, kSecret);
  Collected out;
  const std::string echo = std::string(kKey) + " " + kSecret;
  const std::vector<Canned> answers = {
      {429, R"({"code":-1003,"msg":"Too much request weight used"})", {{"Retry-After", "3"}}},
      {418, R"({"code":-1003,"msg":"IP banned until 1700000000000"})", {{"Retry-After", "60"}}},
      {500, "<html>" + echo + "</html>"},
      {503, R"({"code":-1007,"msg":"Timeout waiting for response from backend server."})"},
      {400, R"({"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."})"},
      {400, R"({"code":-1013,"msg":"Filter failure: LOT_SIZE"})"},
      {400, R"({"code":-2013,"msg":"Order does not exist."})"},
      {400, R"({"code":-2011,"msg":"Unknown order sent."})"},
      // A hostile venue echoing both secrets wherever it can.
      {400, R"({"code":-1100,"msg":"Illegal characters found in )" + echo + R"("})"},
      {200,
       R"({"symbol":")" + echo + R"(","orderId":")" + kKey + R"(","serverTime":")" + kSecret +
           R"("})",
       {{"X-Echo", echo}}},
      {200, std::string(kKey) + std::string(kSecret)},
      {200, R"([{"a":")" + std::string(kSecret) + R"(")"},
      {200, std::string(40, '[') + kSecret},
      {200, R"({"symbol":")" + echo + R"(","orderId":1,"clientOrderId":")" + kKey + R"("})"},
      {400, "not json at all " + echo},
      {200, "{}", {}, 400},              // past the read timeout
      {200, std::string(2 << 20, ' ')},  // over the body limit
  };
  for (const Canned& canned : answers) {
    answer_everywhere(venue, canned);
    call_everything(*client, out);
  }
  // A client with the wrong secret (-1022) and one with the wrong key (-2015).
  answer_everywhere(venue, {200, "{}"});
  call_everything(*client_for(venue.base_url(), clock, kKey, std::string(kSecret) + "x"), out);
  call_everything(*client_for(venue.base_url(), clock, std::string(kKey) + "x", kSecret), out);
  int with_key = 0;
  for (const testing::Seen& seen : venue.seen()) with_key += seen.api_key == kKey;
  BOOST_TEST(with_key > 0);  // the key did travel, in its header

  // No venue at all, and a TLS handshake against a plain-http port.
  const int port = venue.port();
  call_everything(*client_for("http://127.0.0.1:1", clock, kKey, kSecret), out);
  call_everything(*client_for("https://127.0.0.1:" + std::to_string(port), clock, kKey, kSecret),
                  out);

  // Bad configurations.
  for (const char* url : {"http://example.com", "ftp://x", "https://h/p", "https://h:99999"}) {
    RestConfig config;
    config.base_url = url;
    absl::StatusOr<std::unique_ptr<RestClient>> c =
        RestClient::create(config, Credentials(kKey, kSecret), clock);
    BOOST_REQUIRE(!c.ok());
    out.texts.emplace_back(c.status().message());
  }

  BOOST_TEST(out.results == (static_cast<int>(answers.size()) + 4) * 13);
  int nonempty = 0;
  for (const std::string& text : out.texts) {
    nonempty += !text.empty();
    BOOST_TEST(text.find(kKey) == std::string::npos, text);
    BOOST_TEST(text.find(kSecret) == std::string::npos, text);
    // Nor a recognisable piece of either (a truncated quote would still leak).
    BOOST_TEST(text.find(std::string(kKey).substr(0, 16)) == std::string::npos, text);
    BOOST_TEST(text.find(std::string(kSecret).substr(0, 16)) == std::string::npos, text);
    BOOST_TEST(text.find("signature=") == std::string::npos, text);
  }
  BOOST_TEST(nonempty > 300);
}

}  // namespace
}  // namespace q50::live
