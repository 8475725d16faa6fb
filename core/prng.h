#ifndef Q50SIM_CORE_PRNG_H_
#define Q50SIM_CORE_PRNG_H_

#include <cstdint>
#include <string_view>

namespace q50 {

// The one PRNG of q50sim: xoshiro256** seeded through SplitMix64. Every distribution below is
// written on integers (or exact integer-to-double conversions), so a seed gives the same
// numbers under any compiler and standard library — unlike std::*_distribution.
class Prng {
 public:
  explicit Prng(std::uint64_t seed);

  // An independent stream named `name` (e.g. fork("latency")): a function of this stream's
  // seed and the name only, not of how many numbers were drawn, so adding draws to one
  // stream never shifts another.
  Prng fork(std::string_view name) const;

  std::uint64_t next_u64();
  // Uniform integer in [0, bound), bound > 0, without modulo bias (Lemire's method).
  std::uint64_t below(std::uint64_t bound);
  // Uniform double in [0, 1) with 53 random bits.
  double uniform01();
  // True with probability num/den (integers, exact).
  bool chance(std::uint64_t num, std::uint64_t den);
  // Uniform double in (0, 1] with 53 random bits (never 0: safe under log).
  double uniform01_open0();
  // Standard normal N(0, 1), exact up to the 53-bit resolution of each draw: a 256-layer
  // ziggurat on committed tables (core/prng_ziggurat_tables.inc, written by
  // tools/gen_ziggurat_normal.py), so the same bits under any compiler. One 64-bit draw and
  // an integer compare in ~98.8% of calls; the wedges call std::exp and the tail beyond
  // r = 3.654 std::log (Marsaglia's tail method), so tails are the normal's, unbounded.
  double normal();
  // Student's t with nu > 2 degrees of freedom, scaled to unit variance (t * sqrt((nu-2)/nu)),
  // so it replaces normal() as a fat-tailed shock of the same standard deviation. Z / sqrt(V /
  // nu) with V = 2 * Gamma(nu / 2) by Marsaglia and Tsang's method (std::log, std::sqrt).
  double student_t(double nu);
  // Gamma(shape, 1), shape > 0 (Marsaglia and Tsang; shape < 1 by the u^(1/shape) boost).
  double gamma(double shape);

  std::uint64_t seed() const { return seed_; }

 private:
  std::uint64_t seed_;
  std::uint64_t s_[4];
};

// SplitMix64 step: advances *state and returns the next output.
std::uint64_t splitmix64(std::uint64_t* state);

// 64-bit FNV-1a of bytes, continuing from `hash` (start with kFnvOffset). Inline: the
// journal hashes every event's line with it, and each byte is one dependent xor-multiply, so
// a call per line (and one more for its newline) is a measurable share of the work.
inline constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
inline std::uint64_t fnv1a(std::string_view bytes, std::uint64_t hash = kFnvOffset) {
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace q50

#endif  // Q50SIM_CORE_PRNG_H_
