// core/fnv_literal.h gives byte-wise FNV-1a's exact result, whatever the starting state.
#include <boost/test/unit_test.hpp>

#include <charconv>
#include <cstdint>
#include <string>

#include "core/fnv_literal.h"
#include "core/prng.h"

namespace q50 {
namespace {

constexpr FnvLiteral kPiece = fnv_literal("hold reason=HOLD_NO_POSITION pv=");
constexpr FnvLiteral kEmpty = fnv_literal("");

BOOST_AUTO_TEST_CASE(literal_equals_bytewise_fnv1a_from_any_state) {
  Prng rng(11);
  for (int i = 0; i < 10000; ++i) {
    const std::uint64_t h = rng.next_u64();
    BOOST_TEST(fnv1a_literal(kPiece, h) == fnv1a(kPiece.text, h));
    BOOST_TEST(fnv1a_literal(kEmpty, h) == h);
    BOOST_TEST(fnv1a_byte('\n', h) == fnv1a("\n", h));
  }
}

BOOST_AUTO_TEST_CASE(hex_and_decimal_equal_fnv1a_of_to_chars) {
  Prng rng(12);
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t h = rng.next_u64();
    // Every length: shift a random word right by 0..63 bits, and the edge values.
    std::uint64_t v = rng.next_u64() >> (i % 64);
    if (i % 97 == 0) v = 0;
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, v, 16);
    BOOST_TEST(fnv1a_hex(v, h) == fnv1a(std::string_view(buf, res.ptr), h));
    auto s = static_cast<std::int64_t>(v);
    if (i % 89 == 0) s = INT64_MIN;
    res = std::to_chars(buf, buf + sizeof buf, s);
    BOOST_TEST(fnv1a_decimal(s, h) == fnv1a(std::string_view(buf, res.ptr), h));
  }
}

}  // namespace
}  // namespace q50
