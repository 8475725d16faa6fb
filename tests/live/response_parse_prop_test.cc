// Hostile input for every response parser: arbitrary bytes, byte-level mutations of the
// documentation fixtures, JSON-level mutations (a field replaced by a value of another type),
// and nesting up to 100000 levels. Each parser must return a value or an error with a message;
// nothing may throw, crash or recurse without bound.
#include <rapidcheck/boost_test.h>

#include <boost/test/unit_test.hpp>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "live/exchange_info.h"
#include "live/response_parse.h"
#include "tests/live/fixture_files.h"

namespace q50::live {
namespace {

using nlohmann::json;

// Runs every parser on `body`; fails the property if one succeeds with an error message or
// fails without one. Returns how many parsers accepted the body.
int parse_with_all(const std::string& body) {
  int accepted = 0;
  const auto check = [&](const absl::Status& s) {
    if (s.ok()) {
      ++accepted;
    } else {
      RC_ASSERT(!s.message().empty());
    }
  };
  check(parse_order_report(body).status());
  check(parse_open_orders(body).status());
  check(parse_account(body).status());
  check(parse_my_trades(body).status());
  check(parse_klines(body).status());
  check(parse_server_time(body).status());
  check(parse_exchange_info(body).status());
  check(parse_api_error(body).status());
  check(parse_json_object(body));
  return accepted;
}

const std::vector<std::string>& fixtures() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> out;
    for (const char* name :
         {"account.json", "error_invalid_symbol.json", "exchange_info.json", "klines.json",
          "my_trades.json", "open_orders.json", "order_cancel.json", "order_new_ack.json",
          "order_new_full.json", "order_new_result.json", "order_query.json",
          "order_test_commission.json", "time.json"}) {
      out.push_back(testing::fixture(name));
    }
    return out;
  }();
  return all;
}

RC_BOOST_PROP(prop_arbitrary_bytes_never_crash, (const std::string& body)) { parse_with_all(body); }

// JSON's structural bytes, a NUL, a non-UTF-8 byte and a few ordinary ones.
const std::string kSyntaxBytes = std::string("[]{}\",:0-.e\\ aZ9") + '\0' + '\xff';

// A fixture with a few random byte edits: overwrite, delete a span, insert, duplicate a span.
RC_BOOST_PROP(prop_byte_mutated_fixtures_never_crash, ()) {
  std::string body = *rc::gen::elementOf(fixtures());
  const int edits = *rc::gen::inRange(1, 6);
  for (int i = 0; i < edits && !body.empty(); ++i) {
    const std::size_t at = *rc::gen::inRange<std::size_t>(0, body.size());
    const std::size_t len =
        *rc::gen::inRange<std::size_t>(0, std::min<std::size_t>(16, body.size() - at) + 1);
    switch (*rc::gen::inRange(0, 4)) {
      case 0:
        body[at] = *rc::gen::elementOf(kSyntaxBytes);
        break;
      case 1:
        body.erase(at, len);
        break;
      case 2:
        body.insert(at, *rc::gen::container<std::string>(len, rc::gen::arbitrary<char>()));
        break;
      default:
        body.insert(at, body.substr(at, len));
        break;
    }
  }
  RC_TAG(parse_with_all(body) > 0 ? "accepted by some parser" : "refused by every parser");
}

rc::Gen<json> odd_value() {
  return rc::gen::oneOf(
      rc::gen::just(json(nullptr)), rc::gen::just(json(true)),
      rc::gen::just(json(std::numeric_limits<std::uint64_t>::max())),
      rc::gen::just(json(std::numeric_limits<std::int64_t>::min())), rc::gen::just(json(1.5)),
      rc::gen::just(json("1e5")), rc::gen::just(json("-0.5")), rc::gen::just(json("")),
      rc::gen::just(json("92233720368.54775808")), rc::gen::just(json::array()),
      rc::gen::just(json::object()), rc::gen::just(json::array({json::array({1})})),
      rc::gen::map(rc::gen::arbitrary<std::int64_t>(), [](std::int64_t v) { return json(v); }));
}

// Replaces the value at a random path (object member or array element) by `value`.
void replace_somewhere(json& doc, const json& value) {
  json* node = &doc;
  while ((node->is_object() || node->is_array()) && !node->empty()) {
    const std::size_t n = node->size();
    const std::size_t pick = *rc::gen::inRange<std::size_t>(0, n);
    auto it = node->begin();
    std::advance(it, static_cast<std::ptrdiff_t>(pick));
    node = &*it;
    if (*rc::gen::inRange(0, 3) == 0) break;  // stop at an inner node now and then
  }
  *node = value;
}

RC_BOOST_PROP(prop_json_mutated_fixtures_never_crash, ()) {
  json doc = json::parse(*rc::gen::elementOf(fixtures()));
  const int edits = *rc::gen::inRange(1, 4);
  for (int i = 0; i < edits; ++i) replace_somewhere(doc, *odd_value());
  RC_TAG(parse_with_all(doc.dump()) > 0 ? "accepted by some parser" : "refused by every parser");
}

// Nesting of arrays or objects from 1 to 100000 levels, valid JSON in every case.
RC_BOOST_PROP(prop_deep_nesting_is_refused_without_recursion, ()) {
  const std::size_t depth =
      *rc::gen::oneOf(rc::gen::inRange<std::size_t>(1, 40), rc::gen::just<std::size_t>(100000),
                      rc::gen::inRange<std::size_t>(1, 100001));
  const bool objects = *rc::gen::arbitrary<bool>();
  std::string body;
  body.reserve(depth * 6);
  for (std::size_t i = 0; i < depth; ++i) body += objects ? "{\"a\":" : "[";
  body += "1";
  for (std::size_t i = 0; i < depth; ++i) body += objects ? "}" : "]";
  RC_TAG(depth > 32 ? "deeper than the limit" : "within the limit");
  parse_with_all(body);
  const absl::Status s = parse_json_object(body);
  if (depth > 32) {
    RC_ASSERT(std::string(s.message()).find("nests deeper than 32") != std::string::npos);
  } else {
    RC_ASSERT(s.ok() == objects);
  }
}

BOOST_AUTO_TEST_CASE(every_fixture_parses_with_its_own_parser) {
  // Guards the properties above: if the fixtures stopped parsing, mutations would prove little.
  BOOST_TEST(parse_account(testing::fixture("account.json")).ok());
  BOOST_TEST(parse_exchange_info(testing::fixture("exchange_info.json")).ok());
  BOOST_TEST(parse_klines(testing::fixture("klines.json")).ok());
  BOOST_TEST(parse_my_trades(testing::fixture("my_trades.json")).ok());
  BOOST_TEST(parse_open_orders(testing::fixture("open_orders.json")).ok());
  BOOST_TEST(parse_order_report(testing::fixture("order_new_full.json")).ok());
}

}  // namespace
}  // namespace q50::live
