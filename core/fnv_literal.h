#ifndef Q50SIM_CORE_FNV_LITERAL_H_
#define Q50SIM_CORE_FNV_LITERAL_H_

// FNV-1a (core/prng.h fnv1a) of known text in O(1) dependent steps, with the same result as
// hashing it byte by byte. Byte-wise FNV-1a is one dependent xor + 64-bit multiply per byte
// (~4 cycles), and the legacy replay's fingerprint hashes ~150 journal bytes per bar, so the
// hash chain alone would cost more than the loop's whole budget.
//
// Why it works: one step is h' = (h ^ b) * P = h * P + ((l ^ b) - l) * P, where l = h & 0xff
// (the xor only touches the low byte). The low byte of h' depends only on l and b, so after a
// string s of n bytes, h_n = h * P^n + D_s(l) mod 2^64, where D_s depends only on the starting
// low byte. FnvLiteral holds P^n and the 256 values of D_s, computed at compile time.

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/prng.h"

namespace q50 {

inline constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

struct FnvLiteral {
  std::string_view text;
  std::uint64_t mul = 1;                  // P^n
  std::array<std::uint64_t, 256> add{};  // D_s(l): fnv1a(s, l) - l * P^n
};

consteval FnvLiteral fnv_literal(std::string_view s) {
  FnvLiteral lit;
  lit.text = s;
  for (std::size_t i = 0; i < s.size(); ++i) lit.mul *= kFnvPrime;
  for (std::uint64_t l = 0; l < 256; ++l) {
    std::uint64_t h = l;
    for (const char c : s) {
      h ^= static_cast<unsigned char>(c);
      h *= kFnvPrime;
    }
    lit.add[l] = h - lit.mul * l;
  }
  return lit;
}

// fnv1a(lit.text, hash), in one multiply, one load and one add.
inline std::uint64_t fnv1a_literal(const FnvLiteral& lit, std::uint64_t hash) {
  return hash * lit.mul + lit.add[hash & 0xffU];
}

// One byte of FNV-1a.
inline std::uint64_t fnv1a_byte(unsigned char b, std::uint64_t hash) {
  return (hash ^ b) * kFnvPrime;
}

// Digits (std::to_chars' text of integers) are hashed byte by byte: a byte is one xor and one
// multiply on the dependent path, and on a machine whose other hardware thread is busy, the
// instruction count matters as much as that path (a two-bytes-per-step variant with separate
// low-byte tables was measured slower).
namespace fnv_detail {
inline constexpr char kDigitChar[] = "0123456789abcdef";
}  // namespace fnv_detail

// FNV-1a of the last n (1..16) hex digits of v, most significant first ("0".."f").
inline std::uint64_t fnv1a_nibbles(std::uint64_t v, int n, std::uint64_t hash) {
  for (int shift = 4 * (n - 1); shift >= 0; shift -= 4) {
    hash = fnv1a_byte(static_cast<unsigned char>(fnv_detail::kDigitChar[(v >> shift) & 0xfU]),
                      hash);
  }
  return hash;
}

// FNV-1a of std::to_chars(bits, 16)'s text: lowercase hex, no leading zeros, "0" for 0.
inline std::uint64_t fnv1a_hex(std::uint64_t bits, std::uint64_t hash) {
  if ((bits >> 60) != 0) return fnv1a_nibbles(bits, 16, hash);  // every double >= 2^-767 in size
  const int n = bits == 0 ? 1 : (67 - std::countl_zero(bits)) / 4;
  return fnv1a_nibbles(bits, n, hash);
}

// FNV-1a of std::to_chars(v)'s text (base 10, '-' for negatives). The digits come from up to
// three independent 8-digit chunks (a timestamp has 19), not one chain of 19 divisions.
// (core/text_digits.h's write_decimal writes the same text by SWAR, but hashing its bytes back
// from memory measured ~6% slower on the replay loop: the loads wait on the word stores.)
inline std::uint64_t fnv1a_decimal(std::int64_t v, std::uint64_t hash) {
  std::uint64_t u = static_cast<std::uint64_t>(v);
  if (v < 0) {
    hash = fnv1a_byte('-', hash);
    u = 0 - u;
  }
  constexpr std::uint64_t k1e8 = 100'000'000;
  char buf[24];
  char* const end = buf + sizeof buf;
  const auto put8 = [](char* at, std::uint64_t chunk) {  // 8 digits, zero-padded, before `at`
    for (int i = 0; i < 8; ++i) {
      *--at = static_cast<char>('0' + chunk % 10);
      chunk /= 10;
    }
  };
  char* p = end;
  if (u >= k1e8) {
    put8(end, u % k1e8);
    p = end - 8;
    u /= k1e8;
    if (u >= k1e8) {
      put8(p, u % k1e8);
      p -= 8;
      u /= k1e8;
    }
  }
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  for (; p != end; ++p) hash = fnv1a_byte(static_cast<unsigned char>(*p), hash);
  return hash;
}

}  // namespace q50

#endif  // Q50SIM_CORE_FNV_LITERAL_H_
