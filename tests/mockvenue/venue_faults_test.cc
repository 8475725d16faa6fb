// Every fault kind the mock venue injects, injected and counted: the seeded venue faults of
// [venue.faults] and the scenario's own [[faults]] where they apply to a venue.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "live/response_parse.h"
#include "tests/mockvenue/venue_fixture.h"

namespace q50::mockvenue {
namespace {

using namespace testing;

std::int64_t venue_ms_at(double wall_s) {
  return kStartMs + static_cast<std::int64_t>(wall_s * 3600 * 1000);
}

live::ApiError error_of(const HttpReply& r) {
  auto e = live::parse_api_error(r.body);
  BOOST_REQUIRE_MESSAGE(e.ok(), "not an error body: " << r.body);
  return *e;
}

struct Venue {
  explicit Venue(const std::string& extra, int bars = 200) : v(make_service(scenario_text(extra, bars))) {}
  std::unique_ptr<VenueService> v;

  HttpReply order(const std::string& id, double wall_s = 0.5, const std::string& qty = "0.01") {
    return v->handle(
        signed_request("POST", "/api/v3/order", market_order("BUY", qty, id), venue_ms_at(wall_s)),
        at_wall(wall_s));
  }
  nlohmann::json books(double wall_s = 0.5) {
    return nlohmann::json::parse(v->books_json(at_wall(wall_s)));
  }
  std::int64_t count(const std::string& name, double wall_s = 0.5) {
    const nlohmann::json c = books(wall_s)["counts"];
    return c.contains(name) ? c[name].get<std::int64_t>() : 0;
  }
  std::int64_t injected(const std::string& kind, double wall_s) {
    return books(wall_s)["scenario_faults"][kind]["injected"].get<std::int64_t>();
  }
};

BOOST_AUTO_TEST_SUITE(seeded)

BOOST_AUTO_TEST_CASE(skew_1021_refuses_without_processing) {
  Venue venue("[venue.faults]\nskew_1021 = 1.0\n");
  const HttpReply r = venue.order("s1");
  BOOST_TEST(error_of(r).code == -1021);
  BOOST_TEST(venue.books()["orders"].size() == 0u);
  BOOST_TEST(venue.count("skew_1021") == 1);
}

BOOST_AUTO_TEST_CASE(error_5xx_refuses_without_processing) {
  Venue venue("[venue.faults]\nerror_5xx = 1.0\n");
  const HttpReply r = venue.order("e1");
  BOOST_TEST(r.status == 503);
  BOOST_TEST(venue.books()["orders"].size() == 0u);
  BOOST_TEST(venue.count("error_5xx") == 1);
}

BOOST_AUTO_TEST_CASE(timeout_unprocessed_holds_the_answer_and_does_nothing) {
  Venue venue("[venue.faults]\ntimeout_unprocessed = 1.0\ntimeout_delay = \"3s\"\n");
  const HttpReply r = venue.order("t1");
  BOOST_TEST(r.delay_ms == 3000);
  BOOST_TEST(r.status == 503);
  BOOST_TEST(error_of(r).code == -1007);
  BOOST_TEST(venue.books()["orders"].size() == 0u);
  BOOST_TEST(venue.count("timeout_unprocessed") == 1);
}

BOOST_AUTO_TEST_CASE(timeout_processed_holds_a_real_answer) {
  Venue venue("[venue.faults]\ntimeout_processed = 1.0\n");
  const HttpReply r = venue.order("t2");
  BOOST_TEST(r.delay_ms == 12000);
  BOOST_TEST(r.status == 200);
  BOOST_TEST(venue.books()["orders"][0]["client_order_id"] == "t2");
  BOOST_TEST(venue.books()["orders"][0]["status"] == "FILLED");
  BOOST_TEST(venue.count("timeout_processed") == 1);
}

BOOST_AUTO_TEST_CASE(lost_response_processes_then_drops_or_fails) {
  Venue drop("[venue.faults]\nlost_response = 1.0\nlost_response_mode = \"drop\"\n");
  const HttpReply d = drop.order("l1");
  BOOST_TEST(d.drop);
  BOOST_TEST(drop.books()["orders"].size() == 1u);
  BOOST_TEST(drop.count("lost_response_drop") == 1);
  Venue fail("[venue.faults]\nlost_response = 1.0\nlost_response_mode = \"5xx\"\n");
  const HttpReply f = fail.order("l2");
  BOOST_TEST(f.status == 503);
  BOOST_TEST(!f.drop);
  BOOST_TEST(fail.books()["orders"].size() == 1u);
  BOOST_TEST(fail.count("lost_response_5xx") == 1);
  // After the lost answer, the order is found by its client id (the recovery the live node does).
  const HttpReply q = fail.v->handle(
      signed_request("GET", "/api/v3/order", {{"symbol", "BTCUSDT"}, {"origClientOrderId", "l2"}},
                     venue_ms_at(0.6)),
      at_wall(0.6));
  BOOST_TEST(q.status == 503);  // the fault is on every signed request at probability 1
  // "either" draws both modes.
  Venue either("[venue.faults]\nlost_response = 1.0\n");
  for (int i = 0; i < 20; ++i) (void)either.order(std::to_string(100 + i));
  BOOST_TEST(either.count("lost_response_drop") > 0);
  BOOST_TEST(either.count("lost_response_5xx") > 0);
  BOOST_TEST(either.count("lost_response_drop") + either.count("lost_response_5xx") == 20);
}

BOOST_AUTO_TEST_CASE(restart_is_asked_for_on_a_closed_bar) {
  Venue venue("[venue.faults]\nrestart = 1.0\nrestart_down = \"250ms\"\n");
  const VenueService::Tick first = venue.v->tick(at_wall(0));  // bar 0 closes at the start
  BOOST_REQUIRE(first.restart_down_ms.has_value());
  BOOST_TEST(*first.restart_down_ms == 250);
  BOOST_TEST(!venue.v->tick(at_wall(0.5)).restart_down_ms.has_value());  // no new bar
  BOOST_TEST(venue.v->tick(at_wall(1.0)).restart_down_ms.has_value());
  BOOST_TEST(venue.count("restart", 1.0) == 2);
}

BOOST_AUTO_TEST_CASE(wipe_deletes_open_orders_and_keeps_balances_and_trades) {
  Venue venue("[venue.faults]\nwipe = 1.0\n");
  const auto send = [&](std::vector<live::QueryParam> p, double wall) {
    return venue.v->handle(signed_request("POST", "/api/v3/order", std::move(p), venue_ms_at(wall)),
                           at_wall(wall));
  };
  BOOST_TEST(send(limit_order("BUY", "0.01", "1000", "rest"), 0.5).status == 200);
  BOOST_TEST(send(market_order("BUY", "0.01", "fill"), 0.5).status == 200);
  const nlohmann::json before = venue.books(0.5);
  BOOST_TEST(before["balances"]["quote"]["locked_e8"] != "0");
  const nlohmann::json after = venue.books(1.2);  // bar 1 closed: wiped
  BOOST_TEST(after["open_orders"].size() == 0u);
  BOOST_TEST(after["balances"]["quote"]["locked_e8"] == "0");
  BOOST_TEST(after["balances"]["base"]["free_e8"] == before["balances"]["base"]["free_e8"]);
  BOOST_TEST(after["trades"] == 1);
  BOOST_TEST(after["orders"][0]["wiped"] == true);
  BOOST_TEST(after["counts"]["wiped_orders"] == 1);
  const HttpReply q = venue.v->handle(
      signed_request("GET", "/api/v3/order", {{"symbol", "BTCUSDT"}, {"origClientOrderId", "rest"}},
                     venue_ms_at(1.2)),
      at_wall(1.2));
  BOOST_TEST(error_of(q).code == -2013);
}

BOOST_AUTO_TEST_CASE(unsigned_requests_never_meet_request_faults) {
  Venue venue("[venue.faults]\nerror_5xx = 1.0\n");
  BOOST_TEST(venue.v->handle(get("/api/v3/time"), at_wall(0.5)).status == 200);
  BOOST_TEST(venue.v->handle(get("/q50sim/books"), at_wall(0.5)).status == 200);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(scenario)

BOOST_AUTO_TEST_CASE(venue_outage_answers_503_and_stops_matching) {
  Venue venue("[[faults]]\nkind = \"venue_outage\"\nat = 2\nduration = \"2h\"\n");
  BOOST_TEST(venue.order("before", 1.5).status == 200);
  const HttpReply down = venue.order("during", 2.5);
  BOOST_TEST(down.status == 503);
  BOOST_TEST(error_of(down).code == -1001);
  BOOST_TEST(venue.v->handle(get("/api/v3/time"), at_wall(3.5)).status == 503);
  BOOST_TEST(venue.order("after", 4.5).status == 200);
  // 2 requests + bars 2 and 3 not matched.
  BOOST_TEST(venue.injected("venue_outage", 4.5) == 4);
}

BOOST_AUTO_TEST_CASE(order_reject_refuses_with_the_reason) {
  Venue venue(
      "[[faults]]\nkind = \"order_reject\"\nat = 0\ncount = 1\nreason = \"insufficient_balance\"\n");
  const live::ApiError e = error_of(venue.order("r1"));
  BOOST_TEST(e.code == -2010);
  // The window closes at the first bar after `count` orders were hit (as in the simulator).
  BOOST_TEST(venue.order("r2", 1.5).status == 200);
  BOOST_TEST(venue.injected("order_reject", 1.5) == 1);
}

BOOST_AUTO_TEST_CASE(partial_fill_expires_the_rest) {
  Venue venue("[[faults]]\nkind = \"partial_fill\"\nat = 0\nfill_fraction = 0.4\n");
  auto report = live::parse_order_report(venue.order("p1").body);
  BOOST_REQUIRE(report.ok());
  BOOST_CHECK(report->status == live::OrderStatus::kExpired);
  BOOST_TEST(report->orig_qty_e8 == 1'000'000);
  BOOST_TEST(report->executed_qty_e8 == 400'000);
  BOOST_TEST(venue.books()["balances"]["base"]["free_e8"] == "100400000");
  BOOST_TEST(venue.injected("partial_fill", 0.5) == 1);
}

BOOST_AUTO_TEST_CASE(rate_limit_is_429_minus_1015_with_retry_after) {
  Venue venue("[[faults]]\nkind = \"rate_limit\"\nat = 0\nmax_orders = 1\nwindow = \"2h\"\n");
  BOOST_TEST(venue.order("a").status == 200);
  const HttpReply r = venue.order("b");
  BOOST_TEST(r.status == 429);
  BOOST_TEST(error_of(r).code == -1015);
  // The 2 h window (venue time) started at 00:00; at 00:30 its end is 1.5 wall seconds away.
  BOOST_TEST(header(r, "Retry-After") == "2");
  BOOST_TEST(venue.injected("rate_limit", 0.5) == 1);
}

BOOST_AUTO_TEST_CASE(latency_spike_delays_requests) {
  Venue venue("[[faults]]\nkind = \"latency_spike\"\nat = 1\nduration = \"2h\"\nlatency = \"90m\"\n");
  BOOST_TEST(venue.v->inbound_delay_ms(at_wall(0.5)) == 0);
  BOOST_TEST(venue.v->inbound_delay_ms(at_wall(1.5)) == 1500);  // 90 venue min at 3600x
  BOOST_TEST(venue.injected("latency_spike", 1.5) == 1);
}

BOOST_AUTO_TEST_CASE(clock_skew_moves_the_venue_clock) {
  Venue venue("[[faults]]\nkind = \"clock_skew\"\nat = 1\nduration = \"2h\"\nskew = \"10h\"\n");
  auto t = live::parse_server_time(venue.v->handle(get("/api/v3/time"), at_wall(1.5)).body);
  BOOST_REQUIRE(t.ok());
  BOOST_TEST(t->server_time_ms == venue_ms_at(1.5) + 10 * kHourMs);
  // A client stamping with the true time is now 10 h (10 wall s) behind: -1021.
  BOOST_TEST(error_of(venue.order("k", 1.5)).code == -1021);
  BOOST_TEST(venue.injected("clock_skew", 1.5) >= 2);
}

BOOST_AUTO_TEST_CASE(bar_faults_shape_the_klines) {
  Venue venue(
      "[[faults]]\nkind = \"missing_bar\"\nat = 1\n"
      "[[faults]]\nkind = \"stale_bar\"\nat = 2\nlag = \"2h\"\n"
      "[[faults]]\nkind = \"duplicate_bar\"\nat = 3\ncopies = 1\n"
      "[[faults]]\nkind = \"out_of_order_bar\"\nat = 5\ndelay_items = 1\n");
  const auto opens = [&](double wall) {
    auto k = live::parse_klines(
        venue.v->handle(get("/api/v3/klines?symbol=BTCUSDT&interval=1h"), at_wall(wall)).body);
    BOOST_REQUIRE(k.ok());
    std::vector<std::int64_t> hours;
    for (const live::Kline& x : *k) hours.push_back((x.open_time_ms - kStartMs) / kHourMs + 1);
    return hours;  // the bar index each kline belongs to (bar i closes at hour i)
  };
  // At 03:30: bar 1 missing, bar 2 stale (withheld until 04:00), bar 3 twice, bar 4 forming.
  BOOST_TEST(opens(3.5) == (std::vector<std::int64_t>{0, 3, 3, 4}));
  // At 06:30: bar 2 is back in place, bar 5 comes after bar 6, bar 7 forming.
  BOOST_TEST(opens(6.5) == (std::vector<std::int64_t>{0, 2, 3, 3, 4, 6, 5, 7}));
  BOOST_TEST(venue.injected("missing_bar", 6.5) == 1);
  BOOST_TEST(venue.injected("duplicate_bar", 6.5) == 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace q50::mockvenue
