#ifndef Q50SIM_CORE_SIGNAL_LOOKUP_H_
#define Q50SIM_CORE_SIGNAL_LOOKUP_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/timestamp.h"

namespace q50 {

// Which signal row a bar uses. The roadmap (seed 000: "validate timestamp matching with
// 5-minute tolerance") never defined the rule and no code of the existing system implements
// it (spec/existing-signals.md §0). Made precise here, with one hard guarantee: a bar at time t
// never sees a row stamped after t (no look-ahead).
//
//   1. take the latest row with ts <= bar_ts (none -> kNone);
//   2. age = bar_ts - ts: 0 -> kExact; <= tolerance_ns -> kWithinTolerance;
//      <= max_staleness_ns -> kStale (used, but a caller should count it); else kNone.
//
// Both bounds are inclusive: a row exactly 5 minutes old is within tolerance, 5 min + 1 ns is
// not. The tolerance only absorbs clock jitter; it does not repair the 5.5-month label shift of
// the CRYPTODATA_VALIDATED_2 data (spec §1).
struct SignalLookupRule {
  TimestampNs tolerance_ns = 5 * kNsPerMinute;
  // Oldest row still used after the tolerance. The default equals the tolerance, so no row is
  // ever "stale but allowed" unless a caller opts in (e.g. 1 hour to ride over a missing bar).
  TimestampNs max_staleness_ns = 5 * kNsPerMinute;
};

// Programmer error (abort) unless 0 <= tolerance_ns <= max_staleness_ns.
void check_rule(const SignalLookupRule& rule);

enum class SignalMatchKind : std::uint8_t { kExact, kWithinTolerance, kStale, kNone };
std::string_view to_string(SignalMatchKind kind);  // "exact", "within_tolerance", "stale", "none"

struct SignalMatch {
  SignalMatchKind kind = SignalMatchKind::kNone;
  // The row used; nullopt exactly when kind == kNone.
  std::optional<std::size_t> index;
  // bar_ts - ts of the latest row at or before the bar (also set for a too-old kNone so a
  // caller can report how stale it was; saturates at the int64 maximum); nullopt when no row
  // is at or before the bar.
  std::optional<TimestampNs> age_ns;
};

// Binary search, O(log n). ts_ns must be strictly increasing (the signal loader guarantees it;
// not re-checked here, which would make every call O(n)).
SignalMatch lookup_signal(std::span<const TimestampNs> ts_ns, TimestampNs bar_ts,
                          const SignalLookupRule& rule);

// The same rule for bar times that never decrease (a backtest or a live feed): O(1) amortised
// per call, the cursor only moves forward. Gives the same result as lookup_signal for every
// non-decreasing query sequence; a decreasing bar time is a programmer error (abort).
// The span must outlive the cursor.
class SignalCursor {
 public:
  SignalCursor(std::span<const TimestampNs> ts_ns, const SignalLookupRule& rule);

  SignalMatch next(TimestampNs bar_ts);

 private:
  std::span<const TimestampNs> ts_ns_;
  SignalLookupRule rule_;
  std::size_t after_ = 0;  // number of rows with ts <= the last bar time
  std::optional<TimestampNs> last_bar_ts_;
};

}  // namespace q50

#endif  // Q50SIM_CORE_SIGNAL_LOOKUP_H_
