// The mock venue over loopback sockets, driven by the live adapter's own REST client: every
// endpoint read by the live codec, klines closing at the accelerated speed, the signal file
// growing as bars close, timeouts with and without processing, a response lost after execution,
// a restart that drops connections, 429 then 418, the books endpoint, and no key or secret in
// anything the venue sends.
#include <httplib.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/signal_file.h"
#include "live/clock.h"
#include "live/response_parse.h"
#include "live/rest_client.h"
#include "mockvenue/server.h"
#include "tests/mockvenue/venue_fixture.h"
#include "tests/support/test_env.h"

namespace q50::mockvenue {
namespace {

using namespace testing;

struct Running {
  explicit Running(const std::string& extra, ServiceOptions options = {}, int bars = 200) {
    auto server = MockVenueServer::start(make_service(scenario_text(extra, bars), options), 0, clock);
    BOOST_REQUIRE_MESSAGE(server.ok(), std::string(server.status().message()));
    venue = *std::move(server);
  }

  std::unique_ptr<live::RestClient> client(std::int64_t read_timeout_ms = 3000) {
    live::RestConfig config;
    config.base_url = "http://127.0.0.1:" + std::to_string(venue->port());
    config.connect_timeout_ms = 1000;
    config.read_timeout_ms = read_timeout_ms;
    auto c = live::RestClient::create(config, live::Credentials(kKey, kSecret), clock);
    BOOST_REQUIRE_MESSAGE(c.ok(), std::string(c.status().message()));
    BOOST_REQUIRE((*c)->server_time().ok());  // the venue's clock offset for signed requests
    return *std::move(c);
  }

  nlohmann::json books() {
    httplib::Client http("127.0.0.1", venue->port());
    auto res = http.Get("/q50sim/books");
    BOOST_REQUIRE(res);
    BOOST_REQUIRE_EQUAL(res->status, 200);
    return nlohmann::json::parse(res->body);
  }

  live::SystemClock clock;
  std::unique_ptr<MockVenueServer> venue;
};

live::NewOrder market(const std::string& side, const std::string& qty, const std::string& id) {
  live::NewOrder o;
  o.symbol = "BTCUSDT";
  o.side = side == "BUY" ? live::OrderSide::kBuy : live::OrderSide::kSell;
  o.kind = live::OrderKind::kMarket;
  o.quantity_text = qty;
  o.client_order_id = id;
  return o;
}

BOOST_AUTO_TEST_CASE(the_live_client_trades_and_reconciles_against_the_books) {
  Running run("");
  auto c = run.client();
  BOOST_TEST(c->ping().ok());
  auto info = c->exchange_info("BTCUSDT");
  BOOST_REQUIRE(info.ok());
  BOOST_TEST(info.value->symbols.at(0).quote_asset == "USDT");
  BOOST_TEST(c->test_order(market("BUY", "0.01", "t-1")).ok());
  auto placed = c->new_order(market("BUY", "0.01", "o-1"));
  BOOST_REQUIRE_MESSAGE(placed.ok(), placed.message);
  BOOST_CHECK(placed.value->status == live::OrderStatus::kFilled);
  BOOST_TEST(placed.value->fills.size() == 1u);
  BOOST_TEST(live::RateUsage::find(placed.usage.used_weight, 1, 'M').value_or(0) > 0);
  BOOST_TEST(live::RateUsage::find(placed.usage.order_count, 10, 'S').value_or(0) == 1);
  auto queried = c->query_order("BTCUSDT", "o-1");
  BOOST_REQUIRE(queried.ok());
  BOOST_TEST(queried.value->executed_qty_e8 == 1'000'000);
  auto missing = c->query_order("BTCUSDT", "never-sent");
  BOOST_CHECK(missing.outcome.kind == live::OutcomeKind::kNotFound);
  live::NewOrder rest = market("SELL", "0.01", "o-2");
  rest.kind = live::OrderKind::kLimit;
  rest.price_text = "900000";
  BOOST_REQUIRE(c->new_order(rest).ok());
  auto open = c->open_orders("BTCUSDT");
  BOOST_REQUIRE(open.ok());
  BOOST_TEST(open.value->size() == 1u);
  auto canceled = c->cancel_order("BTCUSDT", "o-2");
  BOOST_REQUIRE_MESSAGE(canceled.ok(), canceled.message);
  BOOST_CHECK(canceled.value->status == live::OrderStatus::kCanceled);
  auto trades = c->my_trades({"BTCUSDT", 0, -1, 0, 0, 0});
  BOOST_REQUIRE(trades.ok());
  BOOST_TEST(trades.value->size() == 1u);
  auto account = c->account();
  BOOST_REQUIRE(account.ok());
  const nlohmann::json b = run.books();
  BOOST_TEST(account.value->balances[0].free_e8 ==
             std::stoll(b["balances"]["base"]["free_e8"].get<std::string>()));
  BOOST_TEST(account.value->balances[1].free_e8 ==
             std::stoll(b["balances"]["quote"]["free_e8"].get<std::string>()));
  BOOST_TEST(b["orders"].size() == 2u);
  BOOST_TEST(b["orders"][1]["status"] == "CANCELED");
}

BOOST_AUTO_TEST_CASE(klines_close_at_the_accelerated_speed) {
  Running run("", {36000, "", false}, 720);
  auto c = run.client();
  const auto closed_now = [&] {
    auto k = c->klines({"BTCUSDT", "1h", 0, 0, 1000});
    BOOST_REQUIRE(k.ok());
    auto t = c->server_time();
    BOOST_REQUIRE(t.ok());
    return static_cast<std::int64_t>(live::closed_klines(*k.value, t.value->server_time_ms).size());
  };
  const std::int64_t a = closed_now();
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  const std::int64_t b = closed_now();
  // One bar per 0.1 s: ten in a second (loose bounds for a loaded machine).
  BOOST_TEST(b - a >= 7);
  BOOST_TEST(b - a <= 14);
}

BOOST_AUTO_TEST_CASE(signal_rows_are_readable_as_they_appear) {
  const std::string path = q50::testing::make_temp_dir("mock_venue_signals") + "/signals.csv";
  Running run("", {36000, path, false}, 720);
  std::size_t last = 0;
  int reads = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(800);
  while (std::chrono::steady_clock::now() < until) {
    auto f = io::read_signal_file(path);
    BOOST_REQUIRE_MESSAGE(f.ok(), f.status().message());  // never a partial row
    BOOST_TEST(f->size() >= last);
    last = f->size();
    ++reads;
  }
  BOOST_TEST(last >= 5u);
  BOOST_TEST(reads > 10);
}

BOOST_AUTO_TEST_CASE(a_timeout_leaves_the_outcome_unknown_processed_or_not) {
  for (const bool processed : {false, true}) {
    Running run(processed ? "[venue.faults]\ntimeout_processed = 1.0\ntimeout_delay = \"1500ms\"\n"
                          : "[venue.faults]\ntimeout_unprocessed = 1.0\ntimeout_delay = \"1500ms\"\n");
    auto c = run.client(400);
    const auto r = c->new_order(market("BUY", "0.01", "slow"));
    BOOST_CHECK(r.outcome.kind == live::OutcomeKind::kUnknownOutcome);
    const nlohmann::json b = run.books();
    BOOST_TEST(b["orders"].size() == (processed ? 1u : 0u));
    BOOST_TEST(b["counts"][processed ? "timeout_processed" : "timeout_unprocessed"] == 1);
  }
}

BOOST_AUTO_TEST_CASE(a_response_lost_after_execution) {
  Running run("[venue.faults]\nlost_response = 1.0\nlost_response_mode = \"drop\"\n");
  auto c = run.client();
  const auto r = c->new_order(market("BUY", "0.01", "lost"));
  BOOST_CHECK(r.outcome.kind == live::OutcomeKind::kUnknownOutcome);
  const nlohmann::json b = run.books();
  BOOST_TEST(b["orders"][0]["client_order_id"] == "lost");
  BOOST_TEST(b["orders"][0]["status"] == "FILLED");
  BOOST_TEST(b["counts"]["lost_response_drop"] == 1);
}

BOOST_AUTO_TEST_CASE(a_restart_drops_connections_and_keeps_the_books) {
  // Bar 0 closes at start-up and asks for a restart: the venue is down for 700 ms.
  Running run("[venue.faults]\nrestart = 1.0\nrestart_down = \"700ms\"\n", {3600, "", false});
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  httplib::Client http("127.0.0.1", run.venue->port());
  http.set_connection_timeout(0, 200'000);
  auto down = http.Get("/api/v3/ping");
  BOOST_TEST(!down);  // nothing listens
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  auto up = http.Get("/api/v3/ping");
  BOOST_REQUIRE(up);
  BOOST_TEST(up->status == 200);
  BOOST_TEST(run.venue->restarts() >= 1);
  const nlohmann::json b = run.books();
  BOOST_TEST(b["counts"]["restart"] >= 1);
}

BOOST_AUTO_TEST_CASE(weight_429_then_418_reach_the_client) {
  Running run("[venue.rate_limits]\nweight_limit = 45\nban_after_429s = 1\nban = \"5s\"\n");
  auto c = run.client();  // time: weight 1
  BOOST_TEST(c->exchange_info("BTCUSDT").ok());
  BOOST_TEST(c->exchange_info("BTCUSDT").ok());  // 41
  const auto limited = c->exchange_info("BTCUSDT");
  BOOST_CHECK(limited.outcome.kind == live::OutcomeKind::kRetryAfter);
  BOOST_TEST(limited.outcome.retry_after_s >= 1);
  // The client holds back while the venue asks for a pause: nothing reaches the venue.
  const auto held = c->exchange_info("BTCUSDT");
  BOOST_CHECK(held.outcome.kind == live::OutcomeKind::kRetryAfter);
  BOOST_TEST(held.outcome.http_status == 0);
  // One that does not (another process on the same IP) is banned.
  auto other = run.client();
  const auto banned = other->exchange_info("BTCUSDT");
  BOOST_CHECK(banned.outcome.kind == live::OutcomeKind::kBanned);
  BOOST_TEST(banned.outcome.retry_after_s == 5);
}

BOOST_AUTO_TEST_CASE(nothing_the_venue_sends_holds_the_key_or_the_secret) {
  Running run("[venue.faults]\nerror_5xx = 0.3\nskew_1021 = 0.3\n");
  httplib::Client http("127.0.0.1", run.venue->port());
  std::string seen;
  const auto keep = [&](const httplib::Result& r) {
    BOOST_REQUIRE(r);
    seen += r->body;
    for (const auto& [k, v] : r->headers) seen += k + ": " + v + "\n";
  };
  const std::int64_t now = nlohmann::json::parse(http.Get("/api/v3/time")->body)["serverTime"];
  const httplib::Headers with_key = {{"X-MBX-APIKEY", kKey}};
  const httplib::Headers wrong_key = {{"X-MBX-APIKEY", std::string(kSecret)}};
  for (int i = 0; i < 10; ++i) {
    keep(http.Get(("/api/v3/account?" + signed_query({}, now)).c_str(), with_key));
    keep(http.Get(("/api/v3/account?" + signed_query({}, now)).c_str(), wrong_key));
    keep(http.Post(("/api/v3/order?" +
                    signed_query(market_order("BUY", "0.01", std::to_string(i)), now)).c_str(),
                   with_key, "", "application/x-www-form-urlencoded"));
    // The secret sent as a parameter value, and as the signature.
    keep(http.Get(("/api/v3/account?apiSecret=" + std::string(kSecret) + "&signature=" + kSecret)
                      .c_str(),
                  with_key));
  }
  keep(http.Get("/q50sim/books"));
  BOOST_TEST(seen.find(kKey) == std::string::npos);
  BOOST_TEST(seen.find(kSecret) == std::string::npos);
  BOOST_TEST(seen.size() > 1000u);
}

}  // namespace
}  // namespace q50::mockvenue
