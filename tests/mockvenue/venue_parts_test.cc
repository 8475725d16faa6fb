// The mock venue's small parts: parameter parsing and the signed payload, the accelerated clock,
// the request limits, the key file, and the [venue] table of scenario files.
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <string>

#include "mockvenue/api_keys.h"
#include "mockvenue/params.h"
#include "mockvenue/request_limits.h"
#include "mockvenue/venue_clock.h"
#include "tests/mockvenue/venue_fixture.h"
#include "tests/support/test_env.h"

namespace q50::mockvenue {
namespace {

Params params_ok(std::string_view query, std::string_view body = "") {
  auto p = parse_params(query, body);
  BOOST_REQUIRE(std::holds_alternative<Params>(p));
  return std::get<Params>(p);
}

std::int64_t error_code(const std::variant<Params, ApiError>& p) {
  return std::holds_alternative<ApiError>(p) ? std::get<ApiError>(p).code : 0;
}

BOOST_AUTO_TEST_SUITE(params)

BOOST_AUTO_TEST_CASE(the_payload_is_the_raw_bytes_without_the_signature) {
  const Params p = params_ok("symbol=%EF%BC%91&side=BUY&signature=ABCDEF", "quantity=1&price=0.1");
  BOOST_TEST(p.signed_payload == "symbol=%EF%BC%91&side=BUYquantity=1&price=0.1");
  BOOST_TEST(p.signature == "ABCDEF");
  BOOST_TEST(p.values.at("symbol") == "\xEF\xBC\x91");
  // A signature in the middle or in the body.
  BOOST_TEST(params_ok("a=1&signature=x&b=2").signed_payload == "a=1&b=2");
  BOOST_TEST(params_ok("a=1", "b=2&signature=x").signed_payload == "a=1b=2");
}

BOOST_AUTO_TEST_CASE(the_query_wins_and_repeats_are_errors) {
  BOOST_TEST(params_ok("a=1", "a=2").values.at("a") == "1");
  BOOST_TEST(error_code(parse_params("a=1&a=2", "")) == -1101);
  BOOST_TEST(error_code(parse_params("signature=1", "signature=2")) == -1101);
  BOOST_TEST(error_code(parse_params("a=%G1", "")) == -1100);
  BOOST_TEST(error_code(parse_params("a=%4", "")) == -1100);
  BOOST_TEST(params_ok("a=x+y%2By").values.at("a") == "x y+y");
}

BOOST_AUTO_TEST_CASE(decimals_integers_and_recv_window) {
  const auto decimal = [](const std::string& text) {
    return read_decimal(params_ok("q=" + text), "q", "LOT_SIZE");
  };
  BOOST_TEST(std::get<std::int64_t>(decimal("0.1")) == 10'000'000);
  BOOST_TEST(std::get<std::int64_t>(decimal("12.000000000")) == 1'200'000'000);
  BOOST_TEST(std::get<ApiError>(decimal("0.123456789")).code == -1111);
  BOOST_TEST(std::get<ApiError>(decimal("1e5")).code == -1100);
  BOOST_TEST(std::get<ApiError>(decimal("1.")).code == -1100);
  BOOST_TEST(std::get<ApiError>(decimal("99999999999999999999")).msg == "Filter failure: LOT_SIZE");
  BOOST_TEST(std::get<ApiError>(read_integer(params_ok("t=-5"), "t")).code == -1100);
  BOOST_TEST(std::get<std::int64_t>(read_recv_window_us(params_ok(""))) == 5'000'000);
  BOOST_TEST(std::get<std::int64_t>(read_recv_window_us(params_ok("recvWindow=1.5"))) == 1'500);
  BOOST_TEST(std::get<ApiError>(read_recv_window_us(params_ok("recvWindow=0"))).code == -1131);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(clock_runs_at_speed_and_stops_at_the_end) {
  const VenueClock c(1'000, 1'000 + 36 * kNsPerHour, 36000);
  BOOST_TEST(c.at(0) == 1'000);
  BOOST_TEST(c.at(100'000'000) == 1'000 + kNsPerHour);  // 0.1 s -> one hour at 36000
  BOOST_TEST(c.at(-5) == 1'000);
  BOOST_TEST(c.at(10 * kNsPerSecond) == 1'000 + 36 * kNsPerHour);
  BOOST_TEST(c.stopped(4 * kNsPerSecond));
  BOOST_TEST(c.wall_ns_for(kNsPerHour) == 100'000'000);
  BOOST_TEST(c.venue_ns_for(kNsPerSecond) == 10 * kNsPerHour);
}

BOOST_AUTO_TEST_CASE(limit_windows_and_interval_names) {
  BOOST_TEST(RequestLimits::interval_tag(60'000) == "1M");
  BOOST_TEST(RequestLimits::interval_tag(10'000) == "10S");
  BOOST_TEST(RequestLimits::interval_tag(86'400'000) == "1D");
  BOOST_TEST(RequestLimits::interval_text(10'000) == "10 SECOND");
  sim::VenueRateLimits l;
  l.weight_limit = 10;
  RequestLimits limits(l);
  BOOST_CHECK(limits.admit_request(10, 59'000).kind == LimitVerdict::Kind::kOk);
  const LimitVerdict over = limits.admit_request(1, 59'500);
  BOOST_CHECK(over.kind == LimitVerdict::Kind::kTooMany);
  BOOST_TEST(over.retry_after_s == 1);
  BOOST_CHECK(limits.admit_request(10, 60'000).kind == LimitVerdict::Kind::kOk);  // a new window
  BOOST_TEST(limits.used_weight(60'001) == 10);
}

BOOST_AUTO_TEST_SUITE(keys)

BOOST_AUTO_TEST_CASE(key_file_forms) {
  auto a = parse_key_file("f", "# mine\napi_key = K1\napi_secret=S1\n");
  BOOST_REQUIRE(a.ok());
  BOOST_TEST(a->api_key == "K1");
  BOOST_TEST(a->api_secret == "S1");
  auto b = parse_key_file("f", "BINANCE_API_KEY=K2\r\nBINANCE_API_SECRET=S2\r\n");
  BOOST_REQUIRE(b.ok());
  BOOST_TEST(b->api_secret == "S2");
  auto c = parse_key_file("f", "\nK3\nS3\n");
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->api_key == "K3");
  BOOST_TEST(!parse_key_file("f", "only-one-line\n").ok());
  auto d = parse_key_file("f", "api_key=SECRETKEYTEXT\n");
  BOOST_REQUIRE(!d.ok());
  BOOST_TEST(std::string(d.status().message()).find("SECRETKEYTEXT") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_key_file_others_can_read_is_refused) {
  const std::string dir = q50::testing::make_temp_dir("venue_parts_keys");
  const std::string path = dir + "/keys";
  q50::testing::write_text(path, "api_key=K\napi_secret=S\n");
  const io::EnvLookup no_env = [](std::string_view) { return std::nullopt; };
  ::chmod(path.c_str(), 0644);
  auto open = load_api_keys(path, no_env);
  BOOST_REQUIRE(!open.ok());
  BOOST_CHECK(open.status().code() == absl::StatusCode::kPermissionDenied);
  ::chmod(path.c_str(), 0600);
  auto ok = load_api_keys(path, no_env);
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(ok->api_key == "K");
  BOOST_TEST(!load_api_keys(std::nullopt, no_env).ok());
  const io::EnvLookup env = [](std::string_view name) -> std::optional<std::string> {
    return name == "BINANCE_API_KEY" ? "EK" : "ES";
  };
  auto from_env = load_api_keys(std::nullopt, env);
  BOOST_REQUIRE(from_env.ok());
  BOOST_TEST(from_env->api_secret == "ES");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(venue_table)

BOOST_AUTO_TEST_CASE(every_key_parses_into_the_scenario) {
  const sim::Scenario sc = testing::parse(testing::scenario_text(
      "[venue]\nbase_asset = \"BTC\"\nquote_asset = \"USDT\"\n"
      "[venue.rate_limits]\nweight_limit = 100\nweight_window = \"10s\"\norder_limit = 3\n"
      "order_window = \"1m\"\nban_after_429s = 0\nban = \"5s\"\n"
      "[venue.faults]\nskew_1021 = 0.1\nerror_5xx = 0.2\ntimeout_unprocessed = 0.3\n"
      "timeout_processed = 0.4\ntimeout_delay = \"2s\"\nlost_response = 0.5\n"
      "lost_response_mode = \"drop\"\nrestart = 0.6\nrestart_down = \"1s\"\nwipe = 0.7\n"
      "[venue.signal_file]\nlate = 0.1\nlate_by = \"1h\"\nmissing = 0.2\ncorrupt = 0.3\n"));
  const sim::VenueConfig& v = sc.venue;
  BOOST_TEST(v.rate_limits.weight_window_ns == 10 * kNsPerSecond);
  BOOST_TEST(v.rate_limits.ban_after_429s == 0);
  BOOST_TEST(v.faults.timeout_delay_ns == 2 * kNsPerSecond);
  BOOST_CHECK(v.faults.lost_response_mode == sim::LostResponseMode::kDrop);
  BOOST_TEST(v.faults.wipe == 0.7);
  BOOST_TEST(v.signal_file.late_by_ns == kNsPerHour);
  BOOST_TEST(v.signal_file.corrupt == 0.3);
}

BOOST_AUTO_TEST_CASE(bad_keys_and_values_name_file_line_column) {
  const auto error = [](const std::string& extra) {
    auto sc = io::parse_scenario("mock.toml", testing::scenario_text(extra));
    BOOST_REQUIRE(!sc.ok());
    return std::string(sc.status().message());
  };
  BOOST_TEST(error("[venue.faults]\nrestrat = 0.1\n").find("mock.toml:10:1: unknown key 'restrat'") ==
             0u);
  BOOST_TEST(error("[venue.faults]\nwipe = 1.5\n").find("expected a number in [0, 1]") !=
             std::string::npos);
  BOOST_TEST(error("[venue.rate_limits]\nweight_window = \"1500ms\"\n").find("whole number") !=
             std::string::npos);
  BOOST_TEST(error("[venue]\nbase_asset = \"btc\"\n").find("upper-case") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace q50::mockvenue
