// The live node end to end over loopback: `q50sim live` against `q50sim venue` serving
// scenarios/live/month.toml (720 hourly bars at 36000x, every venue fault kind on), killed with
// SIGKILL mid-month and restarted from its state directory. At the end the venue's books are
// the truth: no client order id sent twice, the node's ledger equal to the venue's balances to
// the last e8, every venue trade in the node's books, and neither the key nor the secret in
// anything the node or the venue wrote.
#include <sys/stat.h>

#include <httplib.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/child_process.h"
#include "tests/support/test_env.h"

namespace q50::live {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using q50::testing::Child;

// Distinctive enough that finding either in an output is never a coincidence.
constexpr char kKey[] = "q50e2eKEY7d1f0c9a4b3e8f2d6c5a1b0e9f8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a";
constexpr char kSecret[] = "q50e2eSECRET3a8b1c6d9e2f5a4b7c0d3e6f9a2b5c8d1e4f7a0b3c6d9e2f5a8b1c";
constexpr std::int64_t kHourMs = 3'600'000;

std::string source(const std::string& rel) {
  return q50::testing::source_dir() + "/" + rel;
}

std::string key_file(const std::string& dir) {
  const std::string path = dir + "/keys";
  q50::testing::write_text(path,
                           std::string("api_key=") + kKey + "\napi_secret=" + kSecret + "\n");
  ::chmod(path.c_str(), 0600);
  return path;
}

json get_json(int port, const std::string& path) {
  httplib::Client http("127.0.0.1", port);
  http.set_read_timeout(5, 0);
  auto res = http.Get(path);
  if (!res || res->status != 200) return json();
  return json::parse(res->body, nullptr, false);
}

json metrics(const std::string& state) {
  std::ifstream in(state + "/live_metrics.json");
  if (!in) return json();
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str(), nullptr, false);
}

// Waits (polling every 100 ms, at most timeout_s) until done() holds.
template <class F>
bool wait_until(int timeout_s, F done) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::int64_t e8_of(const json& balance) {
  return std::stoll(balance["free_e8"].get<std::string>()) +
         std::stoll(balance["locked_e8"].get<std::string>());
}

std::int64_t lines_of(const std::string& path) {
  std::ifstream in(path);
  std::int64_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

void expect_no_secret(const std::string& what, const std::string& text) {
  BOOST_TEST(text.find(kKey) == std::string::npos, what << " holds the API key");
  BOOST_TEST(text.find(kSecret) == std::string::npos, what << " holds the API secret");
  // A piece of either (a truncated echo) is a leak too.
  BOOST_TEST(text.find(std::string(kKey).substr(10, 16)) == std::string::npos, what);
  BOOST_TEST(text.find(std::string(kSecret).substr(10, 16)) == std::string::npos, what);
}

BOOST_AUTO_TEST_CASE(a_faulted_month_killed_midway_ends_with_the_venues_books) {
  const std::string dir = q50::testing::make_temp_dir("live_month");
  const std::string keys = key_file(dir);
  const std::string state = dir + "/state";
  const std::string signals = dir + "/signals.csv";
  Child venue({q50::testing::q50sim_bin(), "venue", source("scenarios/live/month.toml"), "--port",
               "0", "--speed", "36000", "--signals-out", signals, "--key-file", keys});
  const std::string listening = venue.first_line(20000);
  BOOST_REQUIRE_MESSAGE(listening.starts_with("listening on 127.0.0.1:"), listening);
  const int port = std::stoi(listening.substr(listening.rfind(':') + 1));
  const std::vector<std::string> live_argv{
      q50::testing::q50sim_bin(), "live", "--config", source("scenarios/live/mock.toml"),
      "--state", state, "--venue", "mock", "--base-url",
      "http://127.0.0.1:" + std::to_string(port), "--signals", signals, "--key-file", keys,
      "--monitor-port", "0"};
  std::string outputs;  // everything both processes printed

  // First life: killed without warning a third of the way in.
  {
    Child live(live_argv);
    BOOST_REQUIRE(wait_until(120, [&] {
      const json m = metrics(state);
      return m.is_object() && m["bars"].get<std::int64_t>() >= 240;
    }));
    live.signal(SIGKILL);
    BOOST_TEST(live.wait(10000) == 128 + SIGKILL);
    outputs += live.out() + live.err();
  }
  const json at_kill = metrics(state);
  std::printf("killed after %s bars\n", at_kill["bars"].dump().c_str());

  // Second life: from the state directory to the end of the month.
  Child live(live_argv);
  BOOST_TEST(live.first_line(20000).starts_with("seed=7 "));
  const std::string monitor_line = live.first_line(20000);
  BOOST_REQUIRE_MESSAGE(monitor_line.starts_with("monitor on http://127.0.0.1:"), monitor_line);
  const int monitor_port = std::stoi(monitor_line.substr(std::string("monitor on http://127.0.0.1:").size()));
  json books;
  BOOST_REQUIRE_MESSAGE(wait_until(180,
                                   [&] {
                                     books = get_json(port, "/q50sim/books");
                                     if (!books.is_object() || !books["clock_stopped"].get<bool>()) {
                                       return false;
                                     }
                                     const std::int64_t last_open =
                                         books["venue_time_ms"].get<std::int64_t>() - kHourMs;
                                     const json m = metrics(state);
                                     return m.is_object() && m["last_bar_open_ms"] == last_open &&
                                            !m["order_in_flight"].get<bool>();
                                   }),
                        "the node did not reach the month's last bar: " << metrics(state).dump());
  httplib::Client monitor("127.0.0.1", monitor_port);
  std::string pages;
  for (const char* path : {"/", "/metrics", "/status.json"}) {
    auto res = monitor.Get(path);
    BOOST_REQUIRE(res);
    BOOST_TEST(res->status == 200);
    pages += res->body;
  }
  BOOST_TEST(pages.find("q50sim_bars_total") != std::string::npos);
  live.signal(SIGTERM);
  BOOST_TEST(live.wait(20000) == 0);
  outputs += live.out() + live.err();
  books = get_json(port, "/q50sim/books");
  BOOST_REQUIRE(books.is_object());
  const json m = metrics(state);
  BOOST_REQUIRE(m.is_object());

  // No order twice, none foreign.
  std::set<std::string> ids;
  for (const json& o : books["orders"]) {
    const std::string id = o["client_order_id"].get<std::string>();
    BOOST_TEST(id.starts_with("q50mock-"), id);
    BOOST_TEST(ids.insert(id).second, "client order id sent twice: " << id);
  }
  BOOST_TEST(m["duplicate_orders"].get<std::int64_t>() == 0);
  BOOST_TEST(m["restarts"].get<std::int64_t>() == 1);
  BOOST_TEST(m["bars"].get<std::int64_t>() >= 700);  // a missing and a stale kline are never seen

  // The books: the node's ledger is the venue's balances, to the e8.
  BOOST_TEST(m["ledger_base_e8"].get<std::int64_t>() == e8_of(books["balances"]["base"]));
  BOOST_TEST(m["ledger_quote_e8"].get<std::int64_t>() == e8_of(books["balances"]["quote"]));
  BOOST_TEST(m["position_base"] == m["venue_position_base"]);
  BOOST_TEST(m["lost_fills"].get<std::int64_t>() == 0);
  // Every venue trade is a fill in the node's books; the only one it may learn from its
  // restart's reconciliation instead is one of the order in flight when it was killed.
  const std::int64_t trades = books["trades"].get<std::int64_t>();
  const std::int64_t fills = lines_of(state + "/trades.csv") - 1;
  const bool in_flight_at_kill = at_kill["order_in_flight"].get<bool>();
  BOOST_TEST(trades >= 20);
  BOOST_TEST((fills == trades || (in_flight_at_kill && fills == trades - 1)),
             fills << " fills recorded, " << trades << " venue trades");

  // Every venue fault kind met the node.
  const json& counts = books["counts"];
  std::cout << "venue fault counts: " << counts.dump()
            << "; scenario faults: " << books["scenario_faults"].dump() << std::endl;
  for (const char* kind : {"error_5xx", "restart", "skew_1021", "timeout_processed",
                           "timeout_unprocessed", "wipe", "signal_late", "signal_missing",
                           "signal_corrupt"}) {
    BOOST_TEST(counts.value(kind, 0) >= 1, kind);
  }
  BOOST_TEST(counts.value("lost_response_5xx", 0) + counts.value("lost_response_drop", 0) >= 1);
  for (const auto& [kind, f] : books["scenario_faults"].items()) {
    BOOST_TEST(f["injected"].get<std::int64_t>() >= 1, kind);
  }
  BOOST_TEST(m["unknown_outcomes"].get<std::int64_t>() >= 1);
  BOOST_TEST(m["reconnects"].get<std::int64_t>() >= 1);

  venue.signal(SIGTERM);
  BOOST_TEST(venue.wait(30000) == 0);
  outputs += venue.out() + venue.err();

  // No secret anywhere: the state directory, what both printed, the monitoring pages.
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().filename() == "keys") continue;
    expect_no_secret(entry.path().string(), q50::testing::read_text(entry.path().string()));
  }
  expect_no_secret("the processes' output", outputs);
  expect_no_secret("the monitoring pages", pages);
}

}  // namespace
}  // namespace q50::live
