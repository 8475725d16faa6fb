#ifndef Q50SIM_CORE_FIXED_POINT_H_
#define Q50SIM_CORE_FIXED_POINT_H_

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "core/check.h"

// Fixed-point arithmetic of the venue protocol: the mock exchange, the runtime's ledger and the
// live adapter all count money and quantities this way (ARCHITECTURE.md, determinism rule 5).
//
// Every amount is an int64 count of 1e-8 units, Binance's 8 decimals:
//   price  (suffix _e8): 1e-8 quote per 1 base unit      (BTCUSDT 65000.12 -> 6'500'012'000'000)
//   qty    (suffix _e8): 1e-8 base units                  (0.5 BTC -> 50'000'000)
//   money  (suffix _e8): 1e-8 quote units                 (10 USDT -> 1'000'000'000)
// so notional_e8 = price_e8 * qty_e8 / 1e8. Rates are integer parts per million (_ppm;
// 1 bp = 100 ppm, Binance's 0.1% fee = 1000 ppm).
//
// Products go through __int128 and are divided exactly once with an explicit rounding mode; a
// result that does not fit int64 is a programmer error (Q50_CHECK), never a silent wrap.
// Headroom: int64 holds 9.2e10 whole units, so a notional up to 92 billion quote units
// (e.g. 90,000 BTC at 1,000,000 USDT) is representable.

namespace q50 {

__extension__ typedef __int128 Int128;

inline constexpr std::int64_t kFixedScale = 100'000'000;  // 1e8 units per whole unit
inline constexpr std::int64_t kPpm = 1'000'000;           // parts per million in 1

// kDown rounds toward -infinity (floor), kUp toward +infinity (ceiling), kHalfEven to the
// nearest integer with ties to the even one (banker's rounding, IEEE's default).
enum class Rounding : std::uint8_t { kDown, kUp, kHalfEven };

// num / den rounded by `mode`. den != 0 and the quotient must fit int64 (checked).
inline std::int64_t div_round(Int128 num, Int128 den, Rounding mode) {
  Q50_CHECK(den != 0, "fixed-point division by zero");
  Int128 q = num / den;  // truncates toward zero
  const Int128 r = num % den;
  if (r != 0) {
    const bool negative = (num < 0) != (den < 0);
    const Int128 away = negative ? -1 : 1;  // one step away from zero
    switch (mode) {
      case Rounding::kDown:
        if (negative) q += away;
        break;
      case Rounding::kUp:
        if (!negative) q += away;
        break;
      case Rounding::kHalfEven: {
        const Int128 twice_r = 2 * (r < 0 ? -r : r);
        const Int128 abs_den = den < 0 ? -den : den;
        if (twice_r > abs_den || (twice_r == abs_den && q % 2 != 0)) q += away;
        break;
      }
    }
  }
  Q50_CHECK(q >= std::numeric_limits<std::int64_t>::min() &&
                q <= std::numeric_limits<std::int64_t>::max(),
            "fixed-point result overflows int64");
  return static_cast<std::int64_t>(q);
}

// a * b / den, rounded once by `mode` (the product is exact in 128 bits).
inline std::int64_t mul_div(std::int64_t a, std::int64_t b, std::int64_t den, Rounding mode) {
  return div_round(static_cast<Int128>(a) * b, den, mode);
}

// a * b / 1e8: e.g. notional_e8 = mul_scaled(price_e8, qty_e8, mode).
inline std::int64_t mul_scaled(std::int64_t a, std::int64_t b, Rounding mode) {
  return mul_div(a, b, kFixedScale, mode);
}

// mul_scaled, or nullopt when the result does not fit int64 (for callers that report a value
// out of range instead of treating it as a programmer error).
inline std::optional<std::int64_t> try_mul_scaled(std::int64_t a, std::int64_t b, Rounding mode) {
  const Int128 product = static_cast<Int128>(a) * b;
  const Int128 bound = static_cast<Int128>(std::numeric_limits<std::int64_t>::max()) * kFixedScale;
  if (product > bound || product < -bound) return std::nullopt;
  return div_round(product, kFixedScale, mode);
}

// a + b, or nullopt on overflow.
inline std::optional<std::int64_t> try_add(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
  return out;
}

// a * 1e8 / b: e.g. qty_e8 = div_scaled(notional_e8, price_e8, mode).
inline std::int64_t div_scaled(std::int64_t a, std::int64_t b, Rounding mode) {
  return mul_div(a, kFixedScale, b, mode);
}

// amount * rate_ppm / 1e6, rounded by `mode` (fees, slippage, participation caps).
inline std::int64_t apply_ppm(std::int64_t amount, std::int64_t rate_ppm, Rounding mode) {
  return mul_div(amount, rate_ppm, kPpm, mode);
}

// The multiple of `step` (> 0) nearest to v in direction `mode`.
inline std::int64_t round_to_multiple(std::int64_t v, std::int64_t step, Rounding mode) {
  Q50_CHECK(step > 0, "round_to_multiple needs a positive step");
  return mul_div(div_round(v, step, mode), step, 1, Rounding::kDown);
}

inline std::int64_t checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  Q50_CHECK(!__builtin_add_overflow(a, b, &out), "fixed-point addition overflows int64");
  return out;
}

inline std::int64_t checked_sub(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  Q50_CHECK(!__builtin_sub_overflow(a, b, &out), "fixed-point subtraction overflows int64");
  return out;
}

// v_e8 / 1e8 as a double, FOR REPORTING ONLY (metrics, plots, logs read by people): above
// 2^53 units (9e7 whole units) it is not exact. Never feed the result back into the venue.
inline double to_double(std::int64_t v_e8) {
  return static_cast<double>(v_e8) / static_cast<double>(kFixedScale);
}

// v * 1e8 rounded by `mode`: the one boundary where double sizes from the strategy (e.g. a
// Kelly quantity) become venue quantities. The product v * 1e8 is one IEEE multiplication
// (deterministic under -ffp-contract=off); v must be finite and the result fit int64 (checked).
inline std::int64_t from_double(double v, Rounding mode) {
  const double x = v * static_cast<double>(kFixedScale);
  Q50_CHECK(std::isfinite(x) && std::fabs(x) < 9.2e18, "from_double: value out of range");
  double r = 0.0;
  switch (mode) {
    case Rounding::kDown:
      r = std::floor(x);
      break;
    case Rounding::kUp:
      r = std::ceil(x);
      break;
    case Rounding::kHalfEven: {
      r = std::floor(x);
      const double frac = x - r;  // exact: both are multiples of ulp(x)
      if (frac > 0.5 || (frac == 0.5 && std::fmod(r, 2.0) != 0.0)) r += 1.0;
      break;
    }
  }
  return static_cast<std::int64_t>(r);
}

// v * 1e8 rounded to nearest, ties to even: from_double(v, Rounding::kHalfEven) without its
// fmod (a tenth of the simulator's per-bar time once). std::rint rounds in the current mode,
// which is IEEE's default round-to-nearest-even: nothing in q50sim ever changes it.
inline std::int64_t to_e8_nearest(double v) {
  const double x = std::rint(v * static_cast<double>(kFixedScale));
  Q50_CHECK(std::isfinite(x) && std::fabs(x) < 9.2e18, "amount out of the e8 range");
  return static_cast<std::int64_t>(x);
}

// Exact decimal text of v_e8 with trailing zeros stripped ("12.5", "-0.00000001", "3"),
// Binance's way of printing decimals; never scientific notation.
inline std::string format_decimal(std::int64_t v_e8) {
  const bool negative = v_e8 < 0;
  const std::uint64_t mag =
      negative ? 0 - static_cast<std::uint64_t>(v_e8) : static_cast<std::uint64_t>(v_e8);
  const auto scale = static_cast<std::uint64_t>(kFixedScale);
  std::string out = negative ? "-" : "";
  out += std::to_string(mag / scale);
  std::string frac = std::to_string(mag % scale);
  frac.insert(0, 8 - frac.size(), '0');
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  if (!frac.empty()) out += "." + frac;
  return out;
}

// Parses a plain decimal with at most 8 fractional digits ("0.01000000", "-3", "65000.1")
// into e8 units, exactly. Returns nullopt for anything else: exponents, a bare ".", a
// leading "+", more than 8 decimals (Binance's -1111 BAD_PRECISION) or overflow.
inline std::optional<std::int64_t> parse_decimal(std::string_view text) {
  bool negative = false;
  if (!text.empty() && text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || frac.size() > 8 || (dot != std::string_view::npos && frac.empty())) {
    return std::nullopt;
  }
  Int128 v = 0;
  for (const char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
    if (v > std::numeric_limits<std::int64_t>::max()) return std::nullopt;
  }
  Int128 f = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    const char c = i < frac.size() ? frac[i] : '0';
    if (c < '0' || c > '9') return std::nullopt;
    f = f * 10 + (c - '0');
  }
  const Int128 total = v * kFixedScale + f;
  if (total > std::numeric_limits<std::int64_t>::max()) return std::nullopt;
  return static_cast<std::int64_t>(negative ? -total : total);
}

}  // namespace q50

#endif  // Q50SIM_CORE_FIXED_POINT_H_
