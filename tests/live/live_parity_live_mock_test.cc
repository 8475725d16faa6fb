// Parity: the same bars and signals through the simulator (`q50sim run parity.toml`) and
// through the live node against the mock venue serving the same scenario (`q50sim venue
// parity.toml`, `q50sim live --config mock.toml`) give the same decision on every bar.
//
// A bar's decision is what the strategy chose: whether a signal was used, its side, tier,
// variance regime and size, the target, the order (in lots of the venue's step), whether it
// waited, and any risk limit with its reason; compared exactly. The books after it (position,
// cash, equity) are compared too: position to the e8, cash and equity to 1e-9 relative. Why a
// tolerance at all: the live node takes the venue's balances (integers of 1e-8) at every
// reconciliation, after each order, while the simulator's strategy adds the fills up in
// doubles; the two agree to the e8 but not always in the last bit of a double (e.g.
// 9567.603517079999 against 9567.60351708).
//
// The strategy's choices must agree on every bar. The books must agree on every bar up to the
// first late fill: at 36000x a bar closes every 100 ms of wall time, so a node held up for
// longer (a loaded machine) reaches the venue after the next bar closed and fills at that
// bar's price, as a slow node would on the real venue; from there the books may part (the
// test prints how many bars still agree). The simulator's order arrives 50 ms after its bar.
#include <sys/stat.h>

#include <httplib.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/child_process.h"
#include "tests/support/test_env.h"

namespace q50::live {
namespace {

using q50::testing::Child;

std::string source(const std::string& rel) {
  return q50::testing::source_dir() + "/" + rel;
}

// A bars.csv as rows of named cells, keyed by timestamp.
struct Table {
  std::vector<std::string> header;
  std::map<std::string, std::map<std::string, std::string>> rows;
  std::vector<std::string> order;
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  for (std::string cell; std::getline(in, cell, ',');) out.push_back(cell);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

// Rows keyed by the column `key` (bars: their timestamp; trades: their client order id, since
// a node catching up fills several orders within one venue second).
Table read_bars(const std::string& path, const std::string& key = "timestamp") {
  Table t;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  t.header = split(line);
  while (std::getline(in, line)) {
    const std::vector<std::string> cells = split(line);
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < t.header.size() && i < cells.size(); ++i) {
      row[t.header[i]] = cells[i];
    }
    const std::string id = row[key];
    t.order.push_back(id);
    t.rows[id] = std::move(row);
  }
  return t;
}

long long e8(const std::string& v) { return std::llround(std::stod(v) * 1e8); }

bool close_rel(const std::string& a, const std::string& b) {
  const double x = std::stod(a);
  const double y = std::stod(b);
  return std::fabs(x - y) <= 1e-9 * std::max(1.0, std::fabs(x));
}

BOOST_AUTO_TEST_CASE(the_simulator_and_the_live_node_decide_alike_on_every_bar) {
  const std::string dir = q50::testing::make_temp_dir("live_parity");
  const std::string scenario = source("scenarios/live/parity.toml");
  {
    Child run({q50::testing::q50sim_bin(), "run", scenario, "--out", dir + "/sim"});
    BOOST_REQUIRE_EQUAL(run.wait(120000), 0);
  }
  const std::string keys = dir + "/keys";
  q50::testing::write_text(keys, "api_key=parityKEY0123456789\napi_secret=paritySECRET0123456789\n");
  ::chmod(keys.c_str(), 0600);
  // The venue's clock starts at the node's first request, so a slow process start (a loaded
  // machine) does not put the node bars behind from its first bar.
  Child venue({q50::testing::q50sim_bin(), "venue", scenario, "--port", "0", "--speed", "36000",
               "--signals-out", dir + "/signals.csv", "--key-file", keys, "--wait-for-client"});
  const std::string listening = venue.first_line(20000);
  BOOST_REQUIRE_MESSAGE(listening.starts_with("listening on 127.0.0.1:"), listening);
  const int port = std::stoi(listening.substr(listening.rfind(':') + 1));
  Child live({q50::testing::q50sim_bin(), "live", "--config", source("scenarios/live/mock.toml"),
              "--state", dir + "/state", "--venue", "mock", "--base-url",
              "http://127.0.0.1:" + std::to_string(port), "--signals", dir + "/signals.csv",
              "--key-file", keys, "--max-bars", "720"});
  BOOST_REQUIRE_MESSAGE(live.wait(240000) == 0, live.out() << live.err());

  // The first late fill: the node's trade of an order priced unlike the simulator's.
  const Table sim_trades = read_bars(dir + "/sim/trades.csv", "client_order_id");
  const Table node_trades = read_bars(dir + "/state/trades.csv", "client_order_id");
  std::string first_late = "9999";
  for (const auto& [id, row] : node_trades.rows) {
    const auto it = sim_trades.rows.find(id);
    if (it == sim_trades.rows.end() || it->second.at("price") != row.at("price")) {
      const std::string bar =
          it == sim_trades.rows.end() ? row.at("timestamp") : it->second.at("timestamp");
      first_late = std::min(first_late, bar);
    }
  }

  const Table sim = read_bars(dir + "/sim/bars.csv");
  const Table node = read_bars(dir + "/state/bars.csv");
  BOOST_REQUIRE(sim.header == node.header);
  BOOST_REQUIRE_EQUAL(sim.order.size(), 720u);
  const std::vector<std::string> exact = {"close",      "signal_used",  "side",
                                          "tier",       "variance_regime", "size",
                                          "waiting",    "risk_limited", "risk_reason"};
  std::size_t decided_alike = 0;
  std::size_t books_alike = 0;
  std::size_t shown = 0;
  for (const std::string& ts : sim.order) {
    const auto it = node.rows.find(ts);
    std::string why = it == node.rows.end() ? " the node has no such bar" : "";
    std::string books_why;
    if (it != node.rows.end()) {
      const auto& a = sim.rows.at(ts);
      const auto& b = it->second;
      for (const std::string& c : exact) {
        if (a.at(c) != b.at(c)) why += " " + c + ": " + a.at(c) + " vs " + b.at(c);
      }
      for (const char* c : {"order_qty", "position"}) {
        if (e8(a.at(c)) != e8(b.at(c))) {
          books_why += std::string(" ") + c + ": " + a.at(c) + " vs " + b.at(c);
        }
      }
      for (const char* c : {"target_qty", "cash", "equity"}) {
        if (!close_rel(a.at(c), b.at(c))) {
          books_why += std::string(" ") + c + ": " + a.at(c) + " vs " + b.at(c);
        }
      }
    }
    decided_alike += why.empty();
    books_alike += why.empty() && books_why.empty();
    const bool before_late = ts <= first_late;
    BOOST_TEST(why.empty(), "bar " << ts << ":" << why);
    if (before_late) BOOST_TEST(books_why.empty(), "bar " << ts << " (before any late fill):" << books_why);
    if (!(why + books_why).empty() && shown++ < 5) {
      std::printf("bar %s:%s%s\n", ts.c_str(), why.c_str(), books_why.c_str());
    }
  }
  const auto pct = [&](std::size_t n) {
    return 100.0 * static_cast<double>(n) / static_cast<double>(sim.order.size());
  };
  std::printf("parity: the strategy's choices agree on %zu of %zu bars (%.2f%%); orders and books "
              "on %zu (%.2f%%)%s\n",
              decided_alike, sim.order.size(), pct(decided_alike), books_alike, pct(books_alike),
              first_late == "9999" ? ", no late fill"
                                   : (", first late fill on the order of bar " + first_late).c_str());
  venue.signal(SIGTERM);
  BOOST_TEST(venue.wait(30000) == 0);
}

}  // namespace
}  // namespace q50::live
