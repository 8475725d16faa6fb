#include "core/signal_lookup.h"

#include <algorithm>
#include <limits>

#include "core/check.h"

namespace q50 {
namespace {

constexpr std::uint64_t kMaxAge =
    static_cast<std::uint64_t>(std::numeric_limits<TimestampNs>::max());

// Classifies the latest row at or before the bar: `after` rows have ts <= bar_ts.
SignalMatch classify(std::span<const TimestampNs> ts_ns, std::size_t after, TimestampNs bar_ts,
                     const SignalLookupRule& rule) {
  SignalMatch m;
  if (after == 0) return m;
  const std::size_t index = after - 1;
  // bar_ts >= ts, so the unsigned difference is the exact age even across the whole int64
  // range; it saturates only in the report.
  const std::uint64_t age =
      static_cast<std::uint64_t>(bar_ts) - static_cast<std::uint64_t>(ts_ns[index]);
  m.age_ns = static_cast<TimestampNs>(std::min<std::uint64_t>(age, kMaxAge));
  if (age == 0) {
    m.kind = SignalMatchKind::kExact;
  } else if (age <= static_cast<std::uint64_t>(rule.tolerance_ns)) {
    m.kind = SignalMatchKind::kWithinTolerance;
  } else if (age <= static_cast<std::uint64_t>(rule.max_staleness_ns)) {
    m.kind = SignalMatchKind::kStale;
  } else {
    return m;  // too old: kNone, age kept for reporting
  }
  m.index = index;
  return m;
}

}  // namespace

void check_rule(const SignalLookupRule& rule) {
  Q50_CHECK(rule.tolerance_ns >= 0, "signal lookup: negative tolerance");
  Q50_CHECK(rule.max_staleness_ns >= rule.tolerance_ns,
            "signal lookup: max_staleness_ns below tolerance_ns");
}

std::string_view to_string(SignalMatchKind kind) {
  switch (kind) {
    case SignalMatchKind::kExact:
      return "exact";
    case SignalMatchKind::kWithinTolerance:
      return "within_tolerance";
    case SignalMatchKind::kStale:
      return "stale";
    case SignalMatchKind::kNone:
      return "none";
  }
  return "none";
}

SignalMatch lookup_signal(std::span<const TimestampNs> ts_ns, TimestampNs bar_ts,
                          const SignalLookupRule& rule) {
  check_rule(rule);
  // upper_bound: the first row strictly after the bar; everything before it is eligible.
  const auto it = std::upper_bound(ts_ns.begin(), ts_ns.end(), bar_ts);
  return classify(ts_ns, static_cast<std::size_t>(it - ts_ns.begin()), bar_ts, rule);
}

SignalCursor::SignalCursor(std::span<const TimestampNs> ts_ns, const SignalLookupRule& rule)
    : ts_ns_(ts_ns), rule_(rule) {
  check_rule(rule_);
}

SignalMatch SignalCursor::next(TimestampNs bar_ts) {
  Q50_CHECK(!last_bar_ts_ || bar_ts >= *last_bar_ts_,
            "SignalCursor::next: bar times must not decrease");
  last_bar_ts_ = bar_ts;
  while (after_ < ts_ns_.size() && ts_ns_[after_] <= bar_ts) ++after_;
  return classify(ts_ns_, after_, bar_ts, rule_);
}

}  // namespace q50
