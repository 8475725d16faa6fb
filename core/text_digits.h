#ifndef Q50SIM_CORE_TEXT_DIGITS_H_
#define Q50SIM_CORE_TEXT_DIGITS_H_

// Integers as text, several digits per instruction (SWAR: the lanes of one 64-bit word), with
// std::to_chars' exact output: write_decimal is to_chars(v) in base 10, write_hex is
// to_chars(bits, 16) (lowercase, no leading zeros, "0" for 0). They write whole words into
// scratch space and copy a fixed number of bytes out, so `out` needs room for
// kDecimalRoom / kHexRoom bytes even where the text is shorter; the bytes past the returned
// end are don't-care. tests/core/fnv_literal_test.cc checks both against std::to_chars.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace q50 {

inline constexpr std::size_t kDecimalRoom = 24;  // "-9223372036854775808" is 20
inline constexpr std::size_t kHexRoom = 16;

// The 8 decimal digits of x < 10^8, zero-padded, as ASCII in a little-endian word (the first
// digit in the lowest byte): SWAR division, each step dividing every lane at once by
// multiply-and-shift (exact for these ranges; tests/io/number_format_test.cc checks all 10^8).
inline std::uint64_t eight_digits(std::uint32_t x) {
  // lanes of 32 bits: x / 10^4 | x % 10^4
  std::uint64_t v = x / 10000 | (static_cast<std::uint64_t>(x % 10000) << 32);
  // lanes of 16 bits: each 32-bit lane (< 10^4) split into / 100 and % 100
  std::uint64_t q = ((v * 10486) >> 20) & 0x0000007F0000007FULL;
  v = q | ((v - q * 100) << 16);
  // lanes of 8 bits: each 16-bit lane (< 100) split into / 10 and % 10
  q = ((v * 103) >> 10) & 0x000F000F000F000FULL;
  v = q | ((v - q * 10) << 8);
  return v + 0x3030303030303030ULL;
}

// The 8 hex digits of x, zero-padded, as lowercase ASCII in a little-endian word (the most
// significant digit in the lowest byte).
inline std::uint64_t eight_hex_digits(std::uint32_t x) {
  // Spread the nibbles to one per byte, the least significant in the lowest byte...
  std::uint64_t v = x;
  v = (v | (v << 16)) & 0x0000FFFF0000FFFFULL;
  v = (v | (v << 8)) & 0x00FF00FF00FF00FFULL;
  v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  // ...turn them around (the most significant digit is written first)...
  v = __builtin_bswap64(v);
  // ...and to ASCII: '0' + d, plus 'a' - '0' - 10 = 0x27 where d >= 10 (d + 6 carries into
  // the lane's bit 4; no lane carries into the next).
  const std::uint64_t letters = ((v + 0x0606060606060606ULL) >> 4) & 0x0101010101010101ULL;
  return v + 0x3030303030303030ULL + letters * 0x27;
}

// std::to_chars(out, ..., v) (base 10); returns the end.
inline char* write_decimal(char* out, std::int64_t v) {
  std::uint64_t u = static_cast<std::uint64_t>(v);
  if (v < 0) {
    *out++ = '-';
    u = 0 - u;
  }
  // 24 digits, zero-padded (u < 1.85e19: the top chunk is below 10^8), then the leading zeros
  // skipped: the first non-'0' byte, found in the word that holds it.
  constexpr std::uint64_t k1e8 = 100'000'000;
  const std::uint64_t words[3] = {eight_digits(static_cast<std::uint32_t>(u / k1e8 / k1e8)),
                                  eight_digits(static_cast<std::uint32_t>(u / k1e8 % k1e8)),
                                  eight_digits(static_cast<std::uint32_t>(u % k1e8))};
  char text[2 * kDecimalRoom] = {};
  std::memcpy(text, words, sizeof words);
  std::size_t skip = 23;  // u == 0: the last '0' only
  for (std::size_t w = 0; w < 3; ++w) {
    const std::uint64_t nonzero = words[w] ^ 0x3030303030303030ULL;
    if (nonzero != 0) {
      skip = 8 * w + static_cast<std::size_t>(std::countr_zero(nonzero)) / 8;
      break;
    }
  }
  std::memcpy(out, text + skip, 20);  // at most 19 digits follow the sign
  return out + (24 - skip);
}

// std::to_chars(out, ..., bits, 16); returns the end.
inline char* write_hex(char* out, std::uint64_t bits) {
  const std::uint64_t words[2] = {eight_hex_digits(static_cast<std::uint32_t>(bits >> 32)),
                                  eight_hex_digits(static_cast<std::uint32_t>(bits))};
  // A double of magnitude >= 2^-767 has all 16 digits.
  if ((bits >> 60) != 0) {
    std::memcpy(out, words, 16);
    return out + 16;
  }
  const std::size_t n = bits == 0 ? 1 : static_cast<std::size_t>(67 - std::countl_zero(bits)) / 4;
  char text[2 * kHexRoom] = {};
  std::memcpy(text, words, 16);
  std::memcpy(out, text + 16 - n, kHexRoom);
  return out + n;
}

}  // namespace q50

#endif  // Q50SIM_CORE_TEXT_DIGITS_H_
