#ifndef Q50SIM_TESTS_MOCKVENUE_VENUE_FIXTURE_H_
#define Q50SIM_TESTS_MOCKVENUE_VENUE_FIXTURE_H_

// Helpers for the mock venue's tests: a VenueService over a scenario given as TOML text (a
// synthetic market, nothing read from disk), and signed requests built with the live codec's own
// query and signing functions, so the bytes are those a live client sends.

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "io/scenario_file.h"
#include "live/query_string.h"
#include "live/signing.h"
#include "mockvenue/market_tape.h"
#include "mockvenue/venue_service.h"
#include "sim/scenario_run.h"

namespace q50::mockvenue::testing {

inline constexpr char kKey[] = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
inline constexpr char kSecret[] = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

// 2024-01-01 00:00:00 UTC: the test scenarios' start (and first bar's close).
inline constexpr std::int64_t kStartMs = 1704067200000;
inline constexpr std::int64_t kHourMs = 3'600'000;

// A synthetic scenario of `bars` hourly bars from kStartMs, 10000 USDT and 1 BTC, plus `extra`
// TOML (tables such as [venue.faults] or [[faults]]).
inline std::string scenario_text(const std::string& extra, int bars = 200) {
  return "[scenario]\nname = \"mock\"\nseed = 7\nbars = " + std::to_string(bars) +
         "\nstart = \"2024-01-01 00:00:00\"\n"
         "[exchange]\ninitial_base = \"1\"\ninitial_quote = \"10000\"\n" +
         extra;
}

inline sim::Scenario parse(const std::string& text) {
  auto sc = io::parse_scenario("mock.toml", text);
  BOOST_REQUIRE_MESSAGE(sc.ok(), std::string(sc.status().message()));
  return *std::move(sc);
}

struct ServiceOptions {
  double speed = 3600;
  std::string signals_out;
  bool wait_for_client = false;
};

inline std::unique_ptr<VenueService> make_service(const std::string& text,
                                                  const ServiceOptions& o = {}) {
  sim::Scenario sc = parse(text);
  sim::ScenarioInputs inputs;
  auto tape = build_market_tape(sc, inputs);
  BOOST_REQUIRE_MESSAGE(tape.ok(), std::string(tape.status().message()));
  VenueSetup setup{std::move(sc), *std::move(tape), ApiKeys{kKey, kSecret}, o.speed,
                   o.signals_out, o.wait_for_client};
  auto service = VenueService::create(std::move(setup));
  BOOST_REQUIRE_MESSAGE(service.ok(), std::string(service.status().message()));
  return *std::move(service);
}

// Wall time `wall_s` seconds after the venue started (the epoch ms is arbitrary but fixed).
inline WallTime at_wall(double wall_s) {
  const auto ns = static_cast<std::int64_t>(wall_s * 1e9);
  return {1'800'000'000'000 + ns / 1'000'000, ns};
}

// "k=v&..." + timestamp (+ recvWindow) + signature, as live::signed_query builds it.
inline std::string signed_query(std::vector<live::QueryParam> params, std::int64_t timestamp_ms,
                                const std::string& secret = kSecret) {
  params.push_back({"timestamp", std::to_string(timestamp_ms)});
  std::string q = live::build_query(params);
  auto sig = live::sign_request(secret, q, "");
  BOOST_REQUIRE(sig.ok());
  return q + "&signature=" + *sig;
}

inline HttpRequest get(const std::string& path_and_query) {
  return {"GET", path_and_query, "", std::nullopt};
}

inline HttpRequest signed_request(const std::string& method, const std::string& path,
                                  std::vector<live::QueryParam> params, std::int64_t timestamp_ms) {
  return {method, path + "?" + signed_query(std::move(params), timestamp_ms), "",
          std::string(kKey)};
}

// A market buy/sell of `qty` with client id `id`.
inline std::vector<live::QueryParam> market_order(const std::string& side, const std::string& qty,
                                                  const std::string& id) {
  return {{"symbol", "BTCUSDT"}, {"side", side},           {"type", "MARKET"},
          {"quantity", qty},     {"newClientOrderId", id}};
}

inline std::vector<live::QueryParam> limit_order(const std::string& side, const std::string& qty,
                                                 const std::string& price, const std::string& id) {
  return {{"symbol", "BTCUSDT"}, {"side", side},   {"type", "LIMIT"},
          {"timeInForce", "GTC"}, {"quantity", qty}, {"price", price},
          {"newClientOrderId", id}};
}

// The header's value, "" when the reply has none.
inline std::string header(const HttpReply& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

}  // namespace q50::mockvenue::testing

#endif  // Q50SIM_TESTS_MOCKVENUE_VENUE_FIXTURE_H_
