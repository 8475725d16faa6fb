#ifndef Q50SIM_CORE_LIMITS_H_
#define Q50SIM_CORE_LIMITS_H_

// The domain q50sim computes in: every value read from a file or a command line is checked
// against these bounds where it is read (io/), and the simulator stops a run with an error, not
// an abort, when its state would leave them (sim/range_guard.h). README.md "Validation bounds"
// and scenarios/example.toml repeat them for users; the derivations are here.
//
// Time. A TimestampNs is int64 nanoseconds since 1970, which spans 1677-09-21 .. 2262-04-11.
// Timestamps are accepted in [1900-01-01, 2100-01-01): any difference of two of them
// (<= 200 years, 6.3e18 ns) fits int64, and 162 years of headroom above and 222 below leave
// room for every sum of a timestamp and the durations below (the longest chain a run builds is
// a bar time + a lag + a restart delay + latencies, each bounded).
//
// Money and quantities at the venue are int64 e8 units (core/fixed_point.h: int64 holds
// 9.2e18 e8 = 9.2e10 whole units). The bounds keep every product and sum the venue, the
// runtime's ledger and the engine's audit form within int64 with a factor of two or more to
// spare:
//   notional  = qty * price       <= kMaxNotionalE8 (1e18)
//   buy cost  = notional + fee + slippage < 2 * notional (fee + slippage rates < 100%)
//   quote     |balance| <= kMaxBalanceE8 (1e18) before an event; one event moves it by at most
//             one order's cost (2e18): 3e18 < 9.2e18
//   position value = |position| * price <= kMaxBalanceE8
//   position  |base| <= kMaxPositionE8 (4e6 base units): below 2^22 units the strategy's
//             double mirror, snapped to the 1e-8 quantum after every fill, equals the venue's
//             integer position exactly (the engine's invariant), which fails above ~2^52 e8.
// Prices are kept in [kMinPrice, kMaxPrice] so that a price has at least two significant
// digits in e8 and a notional of kMaxPositionE8 at kMaxPrice is still a finite double.

#include <cstdint>

#include "core/timestamp.h"

namespace q50::limits {

// Time: the timestamp range is core/timestamp.h's (kMinTimestampNs, kMaxTimestampNs).
inline constexpr TimestampNs kNsPerDay = 24 * kNsPerHour;
// Fault windows, lags, restart delays, signal tolerances, rate-limit windows.
inline constexpr TimestampNs kMaxDurationNs = 3650 * kNsPerDay;  // 10 years
// Latencies, jitter, latency spikes and clock skew: requests may add one of each per fault,
// so these stay small (1000 faults * 1 day is under 3 years).
inline constexpr TimestampNs kMaxLatencyNs = kNsPerDay;
inline constexpr TimestampNs kMaxBarIntervalNs = 366 * kNsPerDay;

// Counts.
inline constexpr std::int64_t kMaxBars = 1'000'000'000;  // ~4 minutes at 4.7M bars/s
inline constexpr std::int64_t kMaxFaults = 1000;
inline constexpr std::int64_t kMaxRegimeSpans = 1000;
inline constexpr std::int64_t kMaxJumps = 1000;
// duplicate_*: copies per item; out_of_order_*: items held back. Each copy and each held item
// is visited on every delivery, so these bound the work per bar.
inline constexpr std::int64_t kMaxCopies = 1000;
inline constexpr std::int64_t kMaxDelayItems = 1000;

// Prices (quote per base unit), volumes (base units per bar), fixed-point amounts.
inline constexpr double kMinPrice = 1e-6;
inline constexpr double kMaxPrice = 1e9;
inline constexpr double kMaxVolume = 1e10;
inline constexpr std::int64_t kMinPriceE8 = 100;
inline constexpr std::int64_t kMaxPriceE8 = 100'000'000'000'000'000;  // 1e17
inline constexpr std::int64_t kMaxVolumeE8 = 1'000'000'000'000'000'000;  // 1e18
inline constexpr std::int64_t kMaxNotionalE8 = 1'000'000'000'000'000'000;  // 1e10 quote
inline constexpr std::int64_t kMaxBalanceE8 = 1'000'000'000'000'000'000;   // 1e10 quote
inline constexpr std::int64_t kMaxPositionE8 = 400'000'000'000'000;  // 4e6 base units
// The largest order quantity the runtime converts to e8 (1e18 e8): a strategy asking for more
// (equity far above the price) gets a local reject and an out-of-range anomaly.
inline constexpr double kMaxOrderQty = 1e10;
// Cumulative fees and slippage of a run: one event adds at most kMaxNotionalE8.
inline constexpr std::int64_t kMaxCumulativeE8 = 4'000'000'000'000'000'000;
// Opening balances a scenario may give (the run may grow them up to the bounds above).
inline constexpr std::int64_t kMaxInitialQuoteE8 = 100'000'000'000'000'000;  // 1e9 quote
inline constexpr std::int64_t kMaxInitialBaseE8 = kMaxPositionE8;

// The legacy replay keeps float64 money like the existing system: no e8 range applies, but a
// price or capital that overflows to infinity, or a return compounding to 0, breaks its
// arithmetic. These bound the inputs so that a whole run stays finite.
inline constexpr double kMaxLegacyAmount = 1e15;
inline constexpr double kMaxLegacyPrice = 1e12;
inline constexpr double kMinLegacyPrice = 1e-12;

}  // namespace q50::limits

#endif  // Q50SIM_CORE_LIMITS_H_
