// core/signal_lookup: the lookup rule at its boundaries, in both the binary-search and the
// cursor form (properties over random inputs are in signal_lookup_prop_test).
#include "core/signal_lookup.h"

#include <boost/test/unit_test.hpp>
#include <limits>
#include <vector>

namespace q50 {
namespace {

constexpr TimestampNs kHour0 = TimestampNs{1'700'000'000} * kNsPerSecond;  // 2023-11-14 22:13:20
constexpr TimestampNs kFive = 5 * kNsPerMinute;

const std::vector<TimestampNs> kRows{kHour0, kHour0 + kNsPerHour, kHour0 + 2 * kNsPerHour};

// Both forms for one query (a fresh cursor sees only this bar).
SignalMatch both(TimestampNs bar_ts, const SignalLookupRule& rule = {}) {
  const SignalMatch a = lookup_signal(kRows, bar_ts, rule);
  SignalCursor cursor(kRows, rule);
  const SignalMatch b = cursor.next(bar_ts);
  BOOST_TEST((a.kind == b.kind && a.index == b.index && a.age_ns == b.age_ns));
  return a;
}

BOOST_AUTO_TEST_CASE(exact_row) {
  const SignalMatch m = both(kHour0 + kNsPerHour);
  BOOST_TEST((m.kind == SignalMatchKind::kExact));
  BOOST_TEST(*m.index == 1u);
  BOOST_TEST(*m.age_ns == 0);
}

BOOST_AUTO_TEST_CASE(exactly_five_minutes_is_within_tolerance) {
  const SignalMatch m = both(kHour0 + kFive);
  BOOST_TEST((m.kind == SignalMatchKind::kWithinTolerance));
  BOOST_TEST(*m.index == 0u);
  BOOST_TEST(*m.age_ns == kFive);
}

BOOST_AUTO_TEST_CASE(five_minutes_and_one_ns_is_too_old_by_default) {
  const SignalMatch m = both(kHour0 + kFive + 1);
  BOOST_TEST((m.kind == SignalMatchKind::kNone));
  BOOST_TEST(!m.index.has_value());
  BOOST_TEST(*m.age_ns == kFive + 1);  // still reported, so a caller can count how stale
}

BOOST_AUTO_TEST_CASE(stale_rows_are_used_only_within_the_configured_bound) {
  const SignalLookupRule rule{kFive, kNsPerHour};
  SignalMatch m = both(kHour0 + kFive + 1, rule);
  BOOST_TEST((m.kind == SignalMatchKind::kStale));
  BOOST_TEST(*m.index == 0u);
  m = both(kHour0 + kNsPerHour - 1, rule);  // 59:59.999999999 after row 0, row 1 still ahead
  BOOST_TEST((m.kind == SignalMatchKind::kStale));
  BOOST_TEST(*m.index == 0u);
  // After the last row: stale up to the bound, then none.
  m = both(kHour0 + 3 * kNsPerHour, rule);
  BOOST_TEST((m.kind == SignalMatchKind::kStale));
  BOOST_TEST(*m.index == 2u);
  m = both(kHour0 + 3 * kNsPerHour + 1, rule);
  BOOST_TEST((m.kind == SignalMatchKind::kNone));
}

BOOST_AUTO_TEST_CASE(a_future_row_one_ns_ahead_is_never_used) {
  // Row 1 is 1 ns after the bar: the bar must use row 0 (59:59.999999999 old -> none by
  // default), never row 1, however close.
  SignalMatch m = both(kHour0 + kNsPerHour - 1);
  BOOST_TEST((m.kind == SignalMatchKind::kNone));
  // Before the first row there is nothing at all, not even with a huge staleness bound.
  m = both(kHour0 - 1, {kFive, std::numeric_limits<TimestampNs>::max()});
  BOOST_TEST((m.kind == SignalMatchKind::kNone));
  BOOST_TEST(!m.age_ns.has_value());
}

BOOST_AUTO_TEST_CASE(zero_tolerance_accepts_only_exact_rows) {
  const SignalLookupRule rule{0, 0};
  BOOST_TEST((both(kHour0, rule).kind == SignalMatchKind::kExact));
  BOOST_TEST((both(kHour0 + 1, rule).kind == SignalMatchKind::kNone));
}

BOOST_AUTO_TEST_CASE(empty_signal_set) {
  const std::vector<TimestampNs> none;
  const SignalMatch m = lookup_signal(none, kHour0, {});
  BOOST_TEST((m.kind == SignalMatchKind::kNone));
  BOOST_TEST(!m.index.has_value());
  BOOST_TEST(!m.age_ns.has_value());
  SignalCursor cursor(none, {});
  BOOST_TEST((cursor.next(kHour0).kind == SignalMatchKind::kNone));
}

BOOST_AUTO_TEST_CASE(cursor_walks_forward_and_repeats_equal_bar_times) {
  SignalCursor cursor(kRows, {});
  BOOST_TEST((cursor.next(kHour0 - kNsPerHour).kind == SignalMatchKind::kNone));
  BOOST_TEST(*cursor.next(kHour0).index == 0u);
  BOOST_TEST(*cursor.next(kHour0).index == 0u);  // the same bar time again is allowed
  BOOST_TEST(*cursor.next(kHour0 + 2 * kNsPerHour + 60 * kNsPerSecond).index == 2u);
  BOOST_TEST((cursor.next(kHour0 + 5 * kNsPerHour).kind == SignalMatchKind::kNone));
}

BOOST_AUTO_TEST_CASE(extreme_times_do_not_overflow) {
  const std::vector<TimestampNs> rows{std::numeric_limits<TimestampNs>::min()};
  const SignalLookupRule rule{kFive, std::numeric_limits<TimestampNs>::max()};
  const SignalMatch m = lookup_signal(rows, std::numeric_limits<TimestampNs>::max(), rule);
  BOOST_TEST((m.kind == SignalMatchKind::kNone));  // 2^64 - 1 ns old: beyond any bound
  BOOST_TEST(*m.age_ns == std::numeric_limits<TimestampNs>::max());  // saturated
}

BOOST_AUTO_TEST_CASE(kind_names) {
  BOOST_TEST(to_string(SignalMatchKind::kExact) == "exact");
  BOOST_TEST(to_string(SignalMatchKind::kWithinTolerance) == "within_tolerance");
  BOOST_TEST(to_string(SignalMatchKind::kStale) == "stale");
  BOOST_TEST(to_string(SignalMatchKind::kNone) == "none");
}

}  // namespace
}  // namespace q50
