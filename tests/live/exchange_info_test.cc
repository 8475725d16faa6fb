// exchangeInfo parsing on the documentation's example (filters from filters.md, rate limits from
// enums.md), unknown filters ignored, and errors that name the field.
#include "live/exchange_info.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "tests/live/fixture_files.h"

namespace q50::live {
namespace {

using testing::fixture;

ExchangeInfo parsed(const std::string& body) {
  absl::StatusOr<ExchangeInfo> info = parse_exchange_info(body);
  BOOST_REQUIRE_MESSAGE(info.ok(), std::string(info.status().message()));
  return *info;
}

std::string error_of(const std::string& body) {
  absl::StatusOr<ExchangeInfo> info = parse_exchange_info(body);
  BOOST_REQUIRE(!info.ok());
  return std::string(info.status().message());
}

BOOST_AUTO_TEST_CASE(documentation_example) {
  const ExchangeInfo info = parsed(fixture("exchange_info.json"));
  BOOST_TEST(info.timezone == "UTC");
  BOOST_TEST(info.server_time_ms == 1565246363776);
  BOOST_REQUIRE(info.rate_limits.size() == 3u);
  BOOST_TEST(info.rate_limits[0].rate_limit_type == "REQUEST_WEIGHT");
  BOOST_TEST(info.rate_limits[0].interval == "MINUTE");
  BOOST_TEST(info.rate_limits[0].interval_num == 1);
  BOOST_TEST(info.rate_limits[0].limit == 6000);
  BOOST_TEST(info.rate_limits[1].limit == 10);
  BOOST_TEST(info.rate_limits[2].interval_num == 5);
  BOOST_REQUIRE(info.symbols.size() == 1u);
  const SymbolInfo& s = info.symbols[0];
  BOOST_TEST(s.symbol == "ETHBTC");
  BOOST_TEST(s.status == "TRADING");
  BOOST_TEST(s.base_asset == "ETH");
  BOOST_TEST(s.base_asset_precision == 8);
  BOOST_TEST(s.quote_asset == "BTC");
  BOOST_TEST(s.quote_asset_precision == 8);
  BOOST_TEST(s.order_types.size() == 7u);
  const SymbolFilters& f = s.filters;
  BOOST_TEST(f.price.present);
  BOOST_TEST(f.price.min_price_e8 == 100);
  BOOST_TEST(f.price.max_price_e8 == 10000000000000);
  BOOST_TEST(f.price.tick_size_e8 == 100);
  BOOST_TEST(f.lot_size.min_qty_e8 == 100000);
  BOOST_TEST(f.lot_size.step_size_e8 == 100000);
  BOOST_TEST(f.market_lot_size.present);
  BOOST_TEST(f.market_lot_size.max_qty_e8 == 10000000000000);
  BOOST_TEST(f.min_notional.present);
  BOOST_TEST(f.min_notional.min_notional_e8 == 100000);
  BOOST_TEST(f.min_notional.apply_min_to_market);
  BOOST_TEST(f.min_notional.avg_price_mins == 5);
  BOOST_TEST(f.notional.present);
  BOOST_TEST(f.notional.min_notional_e8 == 1000000000);
  BOOST_TEST(f.notional.max_notional_e8 == 1000000000000);
  BOOST_TEST(!f.notional.apply_min_to_market);
  BOOST_TEST(!f.notional.apply_max_to_market);
  BOOST_TEST(s.price_decimals == 6);
  BOOST_TEST(s.qty_decimals == 3);
  BOOST_TEST(find_symbol(info, "ETHBTC") == &info.symbols[0]);
  BOOST_TEST(find_symbol(info, "ethbtc") == nullptr);
}

BOOST_AUTO_TEST_CASE(placeholder_rate_limit_of_the_docs_is_reported_by_field) {
  // The docs' example has a comment-only object in rateLimits: a readable error, not a crash.
  const std::string msg = error_of(fixture("exchange_info_docs_symbol.json"));
  BOOST_TEST(msg.find("exchangeInfo.rateLimits[0].rateLimitType") != std::string::npos, msg);
  BOOST_TEST(msg.find("missing") != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(minimal_symbol_and_unknown_filters) {
  const ExchangeInfo info = parsed(R"({"symbols":[{"symbol":"BTCUSDT","newField":{"x":[1]},
    "filters":[{"filterType":"SOMETHING_NEW","a":"b"},{"filterType":"PERCENT_PRICE_BY_SIDE",
    "bidMultiplierUp":"1.2"}]}]})");
  BOOST_REQUIRE(info.symbols.size() == 1u);
  const SymbolInfo& s = info.symbols[0];
  BOOST_TEST(!s.filters.price.present);
  BOOST_TEST(!s.filters.lot_size.present);
  BOOST_TEST(!s.filters.notional.present);
  BOOST_TEST(s.price_decimals == 8);
  BOOST_TEST(parsed("{}").symbols.empty());
}

BOOST_AUTO_TEST_CASE(errors_name_the_field_and_value) {
  std::string msg = error_of(R"({"symbols":[{"symbol":"X","filters":[{"filterType":"LOT_SIZE",
    "minQty":"0.001","maxQty":"100","stepSize":0.001}]}]})");
  BOOST_TEST(msg.find("exchangeInfo.symbols[0].filters[0].stepSize") != std::string::npos, msg);
  BOOST_TEST(msg.find("0.001") != std::string::npos, msg);
  msg = error_of(R"({"symbols":[{"symbol":"X","filters":[{"filterType":"PRICE_FILTER",
    "minPrice":"0.01","maxPrice":"1e6","tickSize":"0.01"}]}]})");
  BOOST_TEST(msg.find("filters[0].maxPrice") != std::string::npos, msg);
  BOOST_TEST(msg.find("\"1e6\"") != std::string::npos, msg);
  msg = error_of(R"({"symbols":[{"symbol":"X","filters":[{"filterType":"LOT_SIZE",
    "minQty":"0.001","stepSize":"0.001"}]}]})");
  BOOST_TEST(msg.find("maxQty: required field is missing") != std::string::npos, msg);
  msg = error_of(R"({"symbols":{"symbol":"X"}})");
  BOOST_TEST(msg.find("exchangeInfo.symbols: expected an array") != std::string::npos, msg);
  msg = error_of(R"({"serverTime":"soon"})");
  BOOST_TEST(msg.find("exchangeInfo.serverTime: expected an int64 integer, got \"\\\"soon\\\"\"") !=
                 std::string::npos,
             msg);
  msg = error_of(R"({"serverTime":1.5})");
  BOOST_TEST(msg.find("serverTime") != std::string::npos, msg);
  msg = error_of(R"({"serverTime":9223372036854775808})");
  BOOST_TEST(msg.find("serverTime") != std::string::npos, msg);
  BOOST_TEST(error_of("[]").find("expected a JSON object") != std::string::npos);
}

}  // namespace
}  // namespace q50::live
