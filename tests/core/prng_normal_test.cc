// Prng::normal's distribution against the exact standard normal, and its bits pinned so that
// g++ and clang (CI runs both presets) must agree draw for draw. Deterministic seeds: each
// check passes or fails the same way on every run; the bounds are 5 standard errors or the
// KS test's 0.1% critical value, so a generator with the wrong shape (the former Irwin-Hall
// sum of 12 uniforms, whose tails beyond 4 sigma are ~5x too thin) fails them.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/prng.h"

namespace q50 {
namespace {

// Pinned by the first run (g++ 12 and clang 14 must both give them).
constexpr std::uint64_t kFirstBits = 0xbfbf97295f3f05c6ULL;
constexpr std::uint64_t kPinnedHash = 0xa31b6a58df206493ULL;

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

BOOST_AUTO_TEST_CASE(normal_moments_match_the_standard_normal) {
  Prng rng(20261204);
  const int n = 4'000'000;
  double s1 = 0, s2 = 0, s3 = 0, s4 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = rng.normal();
    const double x2 = x * x;
    s1 += x;
    s2 += x2;
    s3 += x2 * x;
    s4 += x2 * x2;
  }
  const double dn = n;
  // Standard errors of the sample moments of N(0,1): sqrt(1/n), sqrt(2/n), sqrt(15/n),
  // sqrt(96/n) for E[x], E[x^2], E[x^3], E[x^4].
  BOOST_TEST(std::fabs(s1 / dn) < 5 * std::sqrt(1 / dn));
  BOOST_TEST(std::fabs(s2 / dn - 1.0) < 5 * std::sqrt(2 / dn));
  BOOST_TEST(std::fabs(s3 / dn) < 5 * std::sqrt(15 / dn));
  BOOST_TEST(std::fabs(s4 / dn - 3.0) < 5 * std::sqrt(96 / dn));
}

BOOST_AUTO_TEST_CASE(normal_tail_frequencies_match_the_exact_normal) {
  Prng rng(7);
  const long n = 20'000'000;
  const double ks[] = {1, 2, 3, 3.6541528853610088, 4, 4.5, 5};
  long beyond[7] = {};
  double largest = 0;
  for (long i = 0; i < n; ++i) {
    const double a = std::fabs(rng.normal());
    largest = std::max(largest, a);
    for (int k = 0; k < 7; ++k) beyond[k] += a > ks[k];
  }
  for (int k = 0; k < 7; ++k) {
    const double p = std::erfc(ks[k] / std::sqrt(2.0));  // P(|X| > k)
    const double expected = p * static_cast<double>(n);
    const double sd = std::sqrt(expected * (1 - p));
    BOOST_TEST_INFO("P(|X| > " << ks[k] << "): " << beyond[k] << " draws, expected "
                                << expected);
    BOOST_TEST(std::fabs(static_cast<double>(beyond[k]) - expected) < 5 * sd + 1);
  }
  BOOST_TEST(largest > 5.0);  // 20M draws: P(max <= 5) = (1 - 5.7e-7)^2e7 ~ 1e-5
}

BOOST_AUTO_TEST_CASE(normal_passes_kolmogorov_smirnov) {
  Prng rng(99);
  const int n = 1'000'000;
  std::vector<double> xs(n);
  for (double& x : xs) x = rng.normal();
  std::sort(xs.begin(), xs.end());
  double d = 0;
  for (int i = 0; i < n; ++i) {
    const double f = normal_cdf(xs[static_cast<std::size_t>(i)]);
    d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  BOOST_TEST_INFO("KS statistic " << d);
  BOOST_TEST(d < 1.95 / std::sqrt(static_cast<double>(n)));  // 0.1% critical value
}

BOOST_AUTO_TEST_CASE(normal_tail_beyond_r_is_the_normal_tail) {
  // Conditional on |X| > r (the ziggurat's tail branch), P(|X| > r + 0.5) must be the
  // normal's ratio of tails.
  Prng rng(31);
  const double r = 3.6541528853610088;
  long tail = 0, far = 0;
  for (long i = 0; i < 20'000'000; ++i) {
    const double a = std::fabs(rng.normal());
    tail += a > r;
    far += a > r + 0.5;
  }
  const double p = std::erfc((r + 0.5) / std::sqrt(2.0)) / std::erfc(r / std::sqrt(2.0));
  const double expected = p * static_cast<double>(tail);
  BOOST_TEST(std::fabs(static_cast<double>(far) - expected) <
             5 * std::sqrt(expected * (1 - p)) + 1);
}

// The bits of the first draws, pinned: a change of tables, algorithm or a compiler's
// floating-point code generation fails here under whichever preset differs.
BOOST_AUTO_TEST_CASE(normal_bits_are_pinned) {
  Prng rng(2024);
  std::uint64_t h = kFnvOffset;
  for (int i = 0; i < 100'000; ++i) {
    const std::uint64_t b = std::bit_cast<std::uint64_t>(rng.normal());
    for (int k = 0; k < 8; ++k) {
      h ^= (b >> (8 * k)) & 0xffU;
      h *= 0x100000001b3ULL;
    }
  }
  Prng first(2024);
  BOOST_TEST(std::bit_cast<std::uint64_t>(first.normal()) == kFirstBits);
  BOOST_TEST(h == kPinnedHash);
}

BOOST_AUTO_TEST_CASE(student_t_has_unit_variance_and_fat_tails) {
  Prng rng(5);
  const int n = 2'000'000;
  const double nu = 5.0;
  double s2 = 0;
  long beyond4 = 0;
  for (int i = 0; i < n; ++i) {
    const double t = rng.student_t(nu);
    s2 += t * t;
    beyond4 += std::fabs(t) > 4.0;
  }
  // Var of the scaled t is 1; E[t^4] = 3 (nu-2)/(nu-4) = 9 at nu = 5, so the sample variance's
  // standard error is sqrt(8 / n) (loose: the fourth moment's estimate is heavy-tailed).
  BOOST_TEST(std::fabs(s2 / n - 1.0) < 8 * std::sqrt(8.0 / n));
  // P(|T_5| > 4 / sqrt(3/5)) = P(|T_5| > 5.164) = 0.0035728 (t distribution, 5 df, by quadrature); the normal
  // gives 6.3e-5 beyond 4 sigma.
  const double p = 0.0035728;
  const double expected = p * n;
  BOOST_TEST(std::fabs(static_cast<double>(beyond4) - expected) < 5 * std::sqrt(expected) + 1);
}

}  // namespace
}  // namespace q50
