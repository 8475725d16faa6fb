// The four HMAC-SHA256 signing vectors of spec/binance-testnet.md §1.3 (Binance's documented
// examples, the query+body one from older docs, NautilusTrader's), percent-encoding, and the
// venue-side signature comparison.
#include "live/signing.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "live/query_string.h"
#include "live/requests.h"

namespace q50::live {
namespace {

constexpr char kApiKey[] = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
constexpr char kSecret[] = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

std::string sign(std::string_view query, std::string_view body = "") {
  absl::StatusOr<std::string> s = sign_request(kSecret, query, body);
  BOOST_REQUIRE(s.ok());
  return *s;
}

BOOST_AUTO_TEST_CASE(vector_1_ascii_limit_order) {
  BOOST_TEST(sign("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&"
                  "recvWindow=5000&timestamp=1499827319559") ==
             "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
}

BOOST_AUTO_TEST_CASE(vector_2_non_ascii_symbol_encoded_by_the_codec) {
  // The codec must produce the documented encoded payload from the raw UTF-8 symbol.
  const std::string query = build_query({{"symbol", "１２３４５６"},
                                         {"side", "BUY"},
                                         {"type", "LIMIT"},
                                         {"timeInForce", "GTC"},
                                         {"quantity", "1"},
                                         {"price", "0.1"},
                                         {"recvWindow", "5000"},
                                         {"timestamp", "1499827319559"}});
  BOOST_TEST(query ==
             "symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY&type=LIMIT&"
             "timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559");
  BOOST_TEST(sign(query) == "e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3");
}

BOOST_AUTO_TEST_CASE(vector_3_query_plus_body_without_separator) {
  const std::string query = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC";
  const std::string body = "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
  BOOST_TEST(sign(query, body) ==
             "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77");
  // Joining with '&' would be a different payload, hence a different signature.
  BOOST_TEST(sign(query + "&" + body) != sign(query, body));
}

BOOST_AUTO_TEST_CASE(vector_4_nautilus_timestamp_only) {
  BOOST_TEST(sign("timestamp=1578963600000") ==
             "d84e6641b1e328e7b418fff030caed655c266299c9355e36ce801ed14631eed4");
}

BOOST_AUTO_TEST_CASE(signed_query_appends_window_timestamp_and_signature_of_itself) {
  absl::StatusOr<std::string> q = signed_query({{"symbol", "LTCBTC"},
                                                {"side", "BUY"},
                                                {"type", "LIMIT"},
                                                {"timeInForce", "GTC"},
                                                {"quantity", "1"},
                                                {"price", "0.1"}},
                                               1499827319559, 5000, kSecret);
  BOOST_REQUIRE(q.ok());
  BOOST_TEST(*q ==
             "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&"
             "recvWindow=5000&timestamp=1499827319559&"
             "signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
  BOOST_TEST(q->find(kApiKey) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(hmac_of_rfc4231_case_2) {
  // RFC 4231 test case 2: the primitive itself, independent of Binance.
  absl::StatusOr<std::string> h = hmac_sha256_hex("Jefe", "what do ya want for nothing?");
  BOOST_REQUIRE(h.ok());
  BOOST_TEST(*h == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  absl::StatusOr<std::string> empty = hmac_sha256_hex("", "");
  BOOST_REQUIRE(empty.ok());
  BOOST_TEST(*empty == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

BOOST_AUTO_TEST_CASE(percent_encoding_keeps_only_unreserved) {
  BOOST_TEST(percent_encode("AZaz09-_.~") == "AZaz09-_.~");
  BOOST_TEST(percent_encode(" !\"#$%&'()*+,/:;=?@[]") ==
             "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D");
  BOOST_TEST(percent_encode(std::string("\x00\x7f\xff", 3)) == "%00%7F%FF");
  BOOST_TEST(percent_encode("[\"BTCUSDT\",\"BNBBTC\"]") == "%5B%22BTCUSDT%22%2C%22BNBBTC%22%5D");
  BOOST_TEST(build_query({}) == "");
  BOOST_TEST(build_query({{"a b", "c&d"}, {"e", ""}}) == "a%20b=c%26d&e=");
}

BOOST_AUTO_TEST_CASE(signature_comparison_is_case_insensitive_and_strict) {
  const std::string sig = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";
  std::string upper = sig;
  for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'f' ? c - 'a' + 'A' : c);
  BOOST_TEST(signature_matches(sig, sig));
  BOOST_TEST(signature_matches(sig, upper));
  BOOST_TEST(signature_matches(upper, sig));
  BOOST_TEST(!signature_matches(sig, sig.substr(1)));
  BOOST_TEST(!signature_matches(sig, ""));
  BOOST_TEST(!signature_matches("", ""));
  std::string flipped = sig;
  flipped.back() = '0';
  BOOST_TEST(!signature_matches(sig, flipped));
  // 'g' is not hex: even equal strings of non-hex are not a valid signature.
  BOOST_TEST(!signature_matches(std::string(64, 'g'), std::string(64, 'g')));
  // Letters that only match after a wrong case fold (e.g. 'G' vs 'g') stay unequal.
  std::string g = sig;
  g[0] = 'G';
  BOOST_TEST(!signature_matches(sig, g));
}

BOOST_AUTO_TEST_CASE(client_order_id_rule) {
  BOOST_TEST(validate_client_order_id("q50-abc_123").ok());
  BOOST_TEST(validate_client_order_id(std::string(36, 'a')).ok());
  BOOST_TEST(!validate_client_order_id("").ok());
  BOOST_TEST(!validate_client_order_id(std::string(37, 'a')).ok());
  BOOST_TEST(!validate_client_order_id("a b").ok());
  BOOST_TEST(!validate_client_order_id("a.b").ok());
}

}  // namespace
}  // namespace q50::live
