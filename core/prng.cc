#include "core/prng.h"

#include "core/check.h"

namespace q50 {
namespace {

// 128-bit product for Lemire's bounded draw; __extension__ keeps -Wpedantic quiet.
__extension__ typedef unsigned __int128 u128;

constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

std::uint64_t splitmix64(std::uint64_t* state) {
  std::uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Prng::Prng(std::uint64_t seed) : seed_(seed) {
  std::uint64_t sm = seed;
  for (auto& word : s_) word = splitmix64(&sm);
}

Prng Prng::fork(std::string_view name) const {
  std::uint64_t mix = seed_ ^ fnv1a(name);
  return Prng(splitmix64(&mix));
}

std::uint64_t Prng::next_u64() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::uint64_t Prng::below(std::uint64_t bound) {
  Q50_CHECK(bound > 0, "Prng::below needs a positive bound");
  u128 m = static_cast<u128>(next_u64()) * bound;
  auto low = static_cast<std::uint64_t>(m);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      m = static_cast<u128>(next_u64()) * bound;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double Prng::uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

bool Prng::chance(std::uint64_t num, std::uint64_t den) {
  Q50_CHECK(den > 0, "Prng::chance needs a positive denominator");
  return below(den) < num;
}

double Prng::normal() {
  // Sum of twelve 32-bit uniforms, exact in an integer; one scaling to double at the end.
  std::uint64_t sum = 0;
  for (int i = 0; i < 12; ++i) sum += next_u64() >> 32;
  return static_cast<double>(sum) * 0x1.0p-32 - 6.0;
}

}  // namespace q50
