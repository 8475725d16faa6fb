// core/fnv_literal.h gives byte-wise FNV-1a's exact result, whatever the starting state;
// core/fnv_lanes.h gives it for several texts at once; core/text_digits.h writes
// std::to_chars' text.
#include <boost/test/unit_test.hpp>

#include <charconv>
#include <cstdint>
#include <string>

#include <string_view>
#include <vector>

#include "core/fnv_lanes.h"
#include "core/fnv_literal.h"
#include "core/prng.h"
#include "core/text_digits.h"

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

BOOST_AUTO_TEST_CASE(lanes_equal_fnv1a_of_each_text) {
  Prng rng(13);
  // 0..20 texts (groups of eight and a partial one), lengths 0..300 (lanes leave the loop at
  // different points, empty texts never enter it), random starting hashes.
  for (int round = 0; round < 400; ++round) {
    const auto count = static_cast<std::size_t>(rng.next_u64() % 21);
    std::vector<std::string> texts(count);
    std::vector<std::uint64_t> hashes(count);
    std::vector<std::uint64_t> expected(count);
    for (std::size_t t = 0; t < count; ++t) {
      const std::size_t length = round % 7 == 0 ? 64 : rng.next_u64() % 301;
      for (std::size_t i = 0; i < length; ++i) {
        texts[t] += static_cast<char>(rng.next_u64() & 0xffU);
      }
      hashes[t] = rng.next_u64();
      expected[t] = fnv1a(texts[t], hashes[t]);
    }
    const std::vector<std::string_view> views(texts.begin(), texts.end());
    fnv1a_lanes(views, hashes);
    BOOST_TEST(hashes == expected, boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_CASE(digit_writers_equal_to_chars) {
  Prng rng(14);
  const auto check = [](std::uint64_t v) {
    char want[24];
    char got[kDecimalRoom + 8];
    auto res = std::to_chars(want, want + sizeof want, v, 16);
    BOOST_TEST(std::string_view(got, write_hex(got, v)) == std::string_view(want, res.ptr));
    const auto s = static_cast<std::int64_t>(v);
    res = std::to_chars(want, want + sizeof want, s);
    BOOST_TEST(std::string_view(got, write_decimal(got, s)) == std::string_view(want, res.ptr));
  };
  for (const std::uint64_t edge : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{9},
                                   std::uint64_t{10}, std::uint64_t{15}, std::uint64_t{16},
                                   std::uint64_t{99'999'999}, std::uint64_t{100'000'000},
                                   std::uint64_t{0x7fffffffffffffff}, std::uint64_t{0x8000000000000000},
                                   ~std::uint64_t{0}}) {
    check(edge);
    check(0 - edge);
  }
  for (int i = 0; i < 200000; ++i) {
    // Every length: a random word shifted right by 0..63 bits; powers of ten and sixteen and
    // their neighbours, where digit counts change.
    check(rng.next_u64() >> (i % 64));
    std::uint64_t p10 = 1;
    for (int e = 0; e < i % 20; ++e) p10 *= 10;
    check(p10 + static_cast<std::uint64_t>(i % 3) - 1);
  }
}

}  // namespace
}  // namespace q50
