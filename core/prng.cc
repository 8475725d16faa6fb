#include "core/prng.h"

#include <bit>
#include <cmath>

#include "core/check.h"

namespace q50 {
namespace {

// 128-bit product for Lemire's bounded draw; __extension__ keeps -Wpedantic quiet.
__extension__ typedef unsigned __int128 u128;

constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

#include "core/prng_ziggurat_tables.inc"

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

double Prng::uniform01_open0() {
  return static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53;
}

double Prng::normal() {
  for (;;) {
    // Bits 0-7 pick the layer, bit 8 the sign, bits 11-63 the magnitude j in [0, 2^53).
    const std::uint64_t bits = next_u64();
    const std::size_t layer = bits & 0xffU;
    const bool negative = (bits & 0x100U) != 0;
    const std::uint64_t j = bits >> 11;
    const double x = static_cast<double>(j) * kZigW[layer];  // exact product of exact values
    if (j < kZigK[layer]) {  // inside the layer core rectangle: the sign bit set without a branch
      return std::bit_cast<double>(std::bit_cast<std::uint64_t>(x) | ((bits & 0x100U) << 55));
    }
    if (layer == 0) {
      // The base layer beyond r: a draw from the tail x > r (Marsaglia 1964).
      double a = 0;
      double b = 0;
      do {
        a = -std::log(uniform01_open0()) * kZigInvR;
        b = -std::log(uniform01_open0());
      } while (b + b < a * a);
      const double t = kZigR + a;
      return negative ? -t : t;
    }
    // The wedge between the curve and the layer's outer rectangle: accept under the curve.
    const double y = kZigF[layer] + uniform01() * (kZigF[layer + 1] - kZigF[layer]);
    if (y < std::exp(-0.5 * x * x)) return negative ? -x : x;
  }
}

double Prng::gamma(double shape) {
  Q50_CHECK(shape > 0, "Prng::gamma needs a positive shape");
  if (shape < 1.0) {
    const double boosted = gamma(shape + 1.0);
    return boosted * std::pow(uniform01_open0(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0;
    double v = 0;
    do {
      x = normal();
      v = 1.0 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = uniform01_open0();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
  }
}

double Prng::student_t(double nu) {
  Q50_CHECK(nu > 2.0, "Prng::student_t needs nu > 2 (a finite variance)");
  const double z = normal();
  const double chi2 = 2.0 * gamma(0.5 * nu);
  return z / std::sqrt(chi2 / nu) * std::sqrt((nu - 2.0) / nu);
}

}  // namespace q50
