// scenarios/live/month.toml through the mock venue without sockets: a month of bars at 36000x
// under a seeded stream of orders, cancels and queries with every fault on. The venue never
// fails, and its books add up: the balances equal the initial ones plus what myTrades reports
// (quote spent and received, commissions), the trades sum to the executed quantities, and
// openOrders is what the books call open.
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "io/scenario_inputs.h"
#include "live/response_parse.h"
#include "core/prng.h"
#include "tests/mockvenue/venue_fixture.h"
#include "tests/support/test_env.h"

namespace q50::mockvenue {
namespace {

using namespace testing;

std::unique_ptr<VenueService> month_service() {
  const std::string path = q50::testing::source_dir() +
                           "/scenarios/live/month.toml";
  auto sc = io::read_scenario(path);
  BOOST_REQUIRE_MESSAGE(sc.ok(), std::string(sc.status().message()));
  auto inputs = io::load_scenario_inputs(*sc, io::process_env());
  BOOST_REQUIRE(inputs.ok());
  auto tape = build_market_tape(*sc, *inputs);
  BOOST_REQUIRE(tape.ok());
  BOOST_REQUIRE_GE(tape->bars.size(), 720u);
  VenueSetup setup{*std::move(sc), *std::move(tape), ApiKeys{kKey, kSecret}, 36000, "", false};
  auto service = VenueService::create(std::move(setup));
  BOOST_REQUIRE(service.ok());
  return *std::move(service);
}

struct Driver {
  std::unique_ptr<VenueService> venue = month_service();
  Prng prng{42};
  int ok = 0;

  HttpReply send(const std::string& method, const std::string& path,
                 std::vector<live::QueryParam> p, double wall) {
    const std::int64_t ms = venue->venue_ms(at_wall(wall));
    return venue->handle(signed_request(method, path, std::move(p), ms), at_wall(wall));
  }

  // One seeded action at wall time `wall`.
  void act(int i, double wall) {
    const std::string id = std::to_string(10000 + i);
    const std::uint64_t pick = prng.below(10);
    HttpReply r;
    if (pick < 4) {
      r = send("POST", "/api/v3/order",
               market_order(prng.below(2) == 0 ? "BUY" : "SELL", "0.002", id), wall);
    } else if (pick < 7) {
      const bool buy = prng.below(2) == 0;
      const std::string price = std::to_string(buy ? 55000 + prng.below(5000) : 61000 + prng.below(5000));
      r = send("POST", "/api/v3/order", limit_order(buy ? "BUY" : "SELL", "0.002", price, id), wall);
    } else if (pick < 8) {
      const std::string old = std::to_string(10000 + i - 1 - static_cast<int>(prng.below(20)));
      r = send("DELETE", "/api/v3/order", {{"symbol", "BTCUSDT"}, {"origClientOrderId", old}}, wall);
    } else {
      r = send("GET", "/api/v3/openOrders", {{"symbol", "BTCUSDT"}}, wall);
    }
    if (r.status == 200) ++ok;
  }
};

BOOST_AUTO_TEST_CASE(a_faulted_month_keeps_books_that_add_up) {
  Driver d;
  int i = 0;
  for (double wall = 0; wall < 73.0; wall += 0.025) d.act(i++, wall);
  const double end = 80;
  const nlohmann::json books = nlohmann::json::parse(d.venue->books_json(at_wall(end)));
  BOOST_TEST(books["bars_closed"] == 720);
  BOOST_TEST(books["clock_stopped"] == true);
  BOOST_TEST(d.ok > 500);
  BOOST_TEST(books["counts"]["restart"].get<int>() >= 1);
  BOOST_TEST(books["counts"]["wiped_orders"].get<int>() >= 1);
  BOOST_TEST(books["scenario_faults"]["venue_outage"]["injected"].get<int>() >= 1);

  // Every trade, through myTrades (paged by fromId) as a reconciling client reads them.
  std::vector<live::TradeReport> trades;
  std::int64_t from = 0;
  while (true) {
    HttpReply r;
    do {  // the seeded request faults hit queries too: ask again
      r = d.send("GET", "/api/v3/myTrades",
                 {{"symbol", "BTCUSDT"}, {"fromId", std::to_string(from)}, {"limit", "1000"}}, end);
    } while (r.status != 200 || r.drop);
    auto page = live::parse_my_trades(r.body);
    BOOST_REQUIRE(page.ok());
    if (page->empty()) break;
    trades.insert(trades.end(), page->begin(), page->end());
    from = page->back().id + 1;
  }
  BOOST_TEST(static_cast<std::int64_t>(trades.size()) == books["trades"].get<std::int64_t>());
  BOOST_TEST_MESSAGE("answers 200: " << d.ok << ", trades: " << trades.size()
                                     << ", counts: " << books["counts"].dump());
  std::int64_t base = 0;
  std::int64_t quote = 1'000'000'000'000;  // 10000 USDT
  std::map<std::int64_t, std::int64_t> executed;
  for (const live::TradeReport& t : trades) {
    base += t.is_buyer ? t.qty_e8 : -t.qty_e8;
    quote += (t.is_buyer ? -t.quote_qty_e8 : t.quote_qty_e8) - t.commission_e8;
    executed[t.order_id] += t.qty_e8;
  }
  const auto e8 = [](const nlohmann::json& v) { return std::stoll(v.get<std::string>()); };
  const nlohmann::json& bal = books["balances"];
  BOOST_TEST(base == e8(bal["base"]["free_e8"]) + e8(bal["base"]["locked_e8"]));
  BOOST_TEST(quote == e8(bal["quote"]["free_e8"]) + e8(bal["quote"]["locked_e8"]));
  std::int64_t open = 0;
  for (const nlohmann::json& o : books["orders"]) {
    const std::int64_t id = o["order_id"];
    BOOST_TEST(e8(o["executed_qty_e8"]) == executed[id]);
    BOOST_TEST(e8(o["executed_qty_e8"]) <= e8(o["orig_qty_e8"]));
    const std::string status = o["status"];
    if (!o["wiped"].get<bool>() && (status == "NEW" || status == "PARTIALLY_FILLED")) ++open;
  }
  BOOST_TEST(open == static_cast<std::int64_t>(books["open_orders"].size()));
}

}  // namespace
}  // namespace q50::mockvenue
