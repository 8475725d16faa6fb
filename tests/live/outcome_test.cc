// The (HTTP status, Binance code, headers) -> outcome table, Retry-After and ban times, and the
// X-MBX-USED-WEIGHT-* / X-MBX-ORDER-COUNT-* headers.
#include "live/outcome.h"

#include <boost/test/unit_test.hpp>
#include <string>

namespace q50::live {
namespace {

Outcome outcome(int status, std::optional<ApiError> error = std::nullopt,
                std::vector<Header> headers = {}) {
  return map_outcome(ResponseFacts{false, false, status, std::move(error), std::move(headers)});
}

OutcomeKind kind(int status, std::int64_t code = 0, std::string msg = "") {
  std::optional<ApiError> e;
  if (code != 0) e = ApiError{code, std::move(msg)};
  return outcome(status, e).kind;
}

BOOST_AUTO_TEST_CASE(mapping_table) {
  BOOST_TEST((kind(200) == OutcomeKind::kOk));
  BOOST_TEST((kind(204) == OutcomeKind::kOk));
  BOOST_TEST((kind(400, -1013, "Filter failure: LOT_SIZE") == OutcomeKind::kRejected));
  BOOST_TEST((kind(400, -2010, "Account has insufficient balance for requested action.") ==
              OutcomeKind::kRejected));
  BOOST_TEST((kind(400, -1121, "Invalid symbol.") == OutcomeKind::kRejected));
  BOOST_TEST((kind(403) == OutcomeKind::kRejected));  // WAF: the request never got in
  BOOST_TEST((kind(400) == OutcomeKind::kRejected));  // 4xx without a readable body
  BOOST_TEST((kind(429, -1003) == OutcomeKind::kRetryAfter));
  BOOST_TEST((kind(429, -1015) == OutcomeKind::kRetryAfter));
  BOOST_TEST((kind(429) == OutcomeKind::kRetryAfter));
  BOOST_TEST((kind(400, -1008) == OutcomeKind::kRetryAfter));
  BOOST_TEST((kind(418, -1003) == OutcomeKind::kBanned));
  BOOST_TEST((kind(500) == OutcomeKind::kUnknownOutcome));
  BOOST_TEST((kind(502) == OutcomeKind::kUnknownOutcome));
  BOOST_TEST((kind(503, -1007) == OutcomeKind::kUnknownOutcome));
  BOOST_TEST((kind(408) == OutcomeKind::kUnknownOutcome));
  BOOST_TEST((kind(400, -1007) == OutcomeKind::kUnknownOutcome));
  BOOST_TEST((kind(400, -1006) == OutcomeKind::kUnknownOutcome));
  BOOST_TEST((kind(400, -1021, "Timestamp for this request is outside of the recvWindow.") ==
              OutcomeKind::kClockSkew));
  BOOST_TEST((kind(400, -2013, "Order does not exist.") == OutcomeKind::kNotFound));
  BOOST_TEST((kind(400, -2011, "Unknown order sent.") == OutcomeKind::kNotFound));
  BOOST_TEST((kind(400, -2011, "Order was not canceled due to cancel restrictions.") ==
              OutcomeKind::kRejected));
  BOOST_TEST((kind(401, -2015) == OutcomeKind::kAuthFatal));
  BOOST_TEST((kind(400, -2014) == OutcomeKind::kAuthFatal));
  BOOST_TEST((kind(400, -1022) == OutcomeKind::kAuthFatal));
  BOOST_TEST((kind(401) == OutcomeKind::kAuthFatal));
  BOOST_TEST((kind(302) == OutcomeKind::kUnknownOutcome));
  BOOST_TEST((kind(0) == OutcomeKind::kUnknownOutcome));
  BOOST_TEST((map_outcome(ResponseFacts{true, false, 0, std::nullopt, {}}).kind ==
              OutcomeKind::kUnknownOutcome));
  // A transport error wins over whatever else was recorded.
  BOOST_TEST((map_outcome(ResponseFacts{true, false, 200, std::nullopt, {}}).kind ==
              OutcomeKind::kUnknownOutcome));
  BOOST_TEST((map_outcome(ResponseFacts{true, true, 0, std::nullopt, {}}).kind ==
              OutcomeKind::kAuthFatal));
  BOOST_TEST(outcome_kind_name(OutcomeKind::kUnknownOutcome) == "unknown_outcome");
}

BOOST_AUTO_TEST_CASE(code_and_message_are_carried) {
  const Outcome o = outcome(400, ApiError{-1013, "Filter failure: LOT_SIZE"});
  BOOST_TEST(o.http_status == 400);
  BOOST_TEST(o.error_code == -1013);
  BOOST_TEST(o.error_msg == "Filter failure: LOT_SIZE");
  BOOST_TEST(o.retry_after_s == 0);
}

BOOST_AUTO_TEST_CASE(retry_after_and_ban_time) {
  Outcome o =
      outcome(429, ApiError{-1003, "Too much request weight used"}, {{"retry-after", "17"}});
  BOOST_TEST(o.retry_after_s == 17);
  o = outcome(429, std::nullopt, {{"Retry-After", "soon"}});
  BOOST_TEST(o.retry_after_s == kDefaultRetryAfterS);
  o = outcome(429, std::nullopt, {{"Retry-After", "-5"}});
  BOOST_TEST(o.retry_after_s == kDefaultRetryAfterS);
  o = outcome(429);
  BOOST_TEST(o.retry_after_s == kDefaultRetryAfterS);
  o = outcome(418,
              ApiError{-1003,
                       "Way too much request weight used; IP banned until 1700000123456. "
                       "Please use WebSocket Streams for live updates to avoid bans."},
              {{"Retry-After", "7200"}});
  BOOST_TEST((o.kind == OutcomeKind::kBanned));
  BOOST_TEST(o.retry_after_s == 7200);
  BOOST_TEST(o.banned_until_ms == 1700000123456);
  BOOST_TEST(outcome(418).banned_until_ms == 0);
  BOOST_TEST(outcome(418).retry_after_s == kDefaultRetryAfterS);
}

BOOST_AUTO_TEST_CASE(rate_usage_headers) {
  const RateUsage u = parse_rate_usage({{"x-mbx-used-weight-1m", "42"},
                                        {"X-MBX-USED-WEIGHT-1S", "3"},
                                        {"X-MBX-USED-WEIGHT", "99"},
                                        {"X-MBX-USED-WEIGHT-1D", "1000"},
                                        {"X-MBX-USED-WEIGHT-5X", "1"},
                                        {"X-MBX-USED-WEIGHT-M", "1"},
                                        {"X-MBX-USED-WEIGHT-1H", "abc"},
                                        {"X-MBX-ORDER-COUNT-10S", "2"},
                                        {"X-MBX-ORDER-COUNT-1D", "150"},
                                        {"Content-Type", "application/json"}});
  BOOST_REQUIRE(u.used_weight.size() == 3u);
  BOOST_TEST(u.used_weight[0].interval_unit == 'S');
  BOOST_TEST(u.used_weight[1].interval_unit == 'M');
  BOOST_TEST(u.used_weight[2].interval_unit == 'D');
  BOOST_TEST(RateUsage::find(u.used_weight, 1, 'M').value_or(-1) == 42);
  BOOST_TEST(!RateUsage::find(u.used_weight, 1, 'H').has_value());
  BOOST_REQUIRE(u.order_count.size() == 2u);
  BOOST_TEST(RateUsage::find(u.order_count, 10, 'S').value_or(-1) == 2);
  BOOST_TEST(RateUsage::find(u.order_count, 1, 'D').value_or(-1) == 150);
  BOOST_TEST(find_header({{"Retry-After", "1"}}, "RETRY-AFTER") != nullptr);
  BOOST_TEST(find_header({{"Retry-After", "1"}}, "Retry") == nullptr);
}

}  // namespace
}  // namespace q50::live
