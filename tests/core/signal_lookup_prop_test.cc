// Properties of the signal lookup rule over random signal sets, rules and bar times: a future
// row is never used; the result is the latest eligible row, classified by its age (checked
// against a linear scan written from the rule's definition); the streaming cursor agrees with
// the binary search on every non-decreasing query sequence.
#include <rapidcheck/boost_test.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/signal_lookup.h"

namespace q50 {
namespace {

// Times on a minute grid nudged by -1/0/+1 ns or a random offset, so exact matches, ages of
// exactly 5 min and 5 min + 1 ns, and rows 1 ns ahead of a bar all come up often.
rc::Gen<TimestampNs> any_time() {
  return rc::gen::map(
      rc::gen::pair(rc::gen::inRange<std::int64_t>(0, 240),
                    rc::gen::weightedOneOf<std::int64_t>(
                        {{6, rc::gen::element(std::int64_t{-1}, std::int64_t{0}, std::int64_t{1})},
                         {1, rc::gen::inRange<std::int64_t>(0, kNsPerMinute)}})),
      [](const std::pair<std::int64_t, std::int64_t>& p) {
        return TimestampNs{1'600'000'000} * kNsPerSecond + p.first * kNsPerMinute + p.second;
      });
}

std::vector<TimestampNs> any_signal_times() {
  std::vector<TimestampNs> ts = *rc::gen::container<std::vector<TimestampNs>>(any_time());
  std::sort(ts.begin(), ts.end());
  ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
  return ts;
}

SignalLookupRule any_rule() {
  const TimestampNs tolerance = *rc::gen::weightedOneOf<TimestampNs>(
      {{3, rc::gen::just<TimestampNs>(5 * kNsPerMinute)},
       {1, rc::gen::inRange<TimestampNs>(0, 10 * kNsPerMinute)}});
  const TimestampNs extra = *rc::gen::weightedOneOf<TimestampNs>(
      {{1, rc::gen::just<TimestampNs>(0)},
       {2, rc::gen::element(TimestampNs{kNsPerMinute}, TimestampNs{kNsPerHour})},
       {1, rc::gen::inRange<TimestampNs>(0, 2 * kNsPerHour)}});
  return {tolerance, tolerance + extra};
}

// The rule, straight from its definition: scan every row.
SignalMatch by_definition(const std::vector<TimestampNs>& ts, TimestampNs bar,
                          const SignalLookupRule& rule) {
  std::optional<std::size_t> latest;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    if (ts[i] <= bar && (!latest || ts[i] > ts[*latest])) latest = i;
  }
  SignalMatch m;
  if (!latest) return m;
  const TimestampNs age = bar - ts[*latest];
  m.age_ns = age;
  if (age == 0) {
    m.kind = SignalMatchKind::kExact;
  } else if (age <= rule.tolerance_ns) {
    m.kind = SignalMatchKind::kWithinTolerance;
  } else if (age <= rule.max_staleness_ns) {
    m.kind = SignalMatchKind::kStale;
  } else {
    return m;
  }
  m.index = latest;
  return m;
}

bool same(const SignalMatch& a, const SignalMatch& b) {
  return a.kind == b.kind && a.index == b.index && a.age_ns == b.age_ns;
}

RC_BOOST_PROP(prop_never_uses_a_future_row, ()) {
  const auto ts = any_signal_times();
  const auto rule = any_rule();
  const TimestampNs bar = *any_time();
  const SignalMatch m = lookup_signal(ts, bar, rule);
  RC_ASSERT(m.index.has_value() == (m.kind != SignalMatchKind::kNone));
  if (m.index) {
    RC_ASSERT(ts[*m.index] <= bar);
    RC_ASSERT(bar - ts[*m.index] <= rule.max_staleness_ns);
  }
}

RC_BOOST_PROP(prop_result_is_the_latest_eligible_row, ()) {
  const auto ts = any_signal_times();
  const auto rule = any_rule();
  const TimestampNs bar = *any_time();
  const SignalMatch m = lookup_signal(ts, bar, rule);
  RC_ASSERT(same(m, by_definition(ts, bar, rule)));
  // Latest: the next row, if any, is strictly after the bar.
  if (m.index && *m.index + 1 < ts.size()) RC_ASSERT(ts[*m.index + 1] > bar);
}

RC_BOOST_PROP(prop_cursor_equals_binary_search_for_monotone_bars, ()) {
  const auto ts = any_signal_times();
  const auto rule = any_rule();
  auto bars = *rc::gen::container<std::vector<TimestampNs>>(any_time());
  std::sort(bars.begin(), bars.end());  // non-decreasing; repeats are kept on purpose
  SignalCursor cursor(ts, rule);
  for (const TimestampNs bar : bars)
    RC_ASSERT(same(cursor.next(bar), lookup_signal(ts, bar, rule)));
}

}  // namespace
}  // namespace q50
