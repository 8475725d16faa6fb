#include "mockvenue/scenario_faults.h"

#include <utility>

#include "core/fixed_point.h"

namespace q50::mockvenue {

using sim::FaultKind;
using sim::FaultSchedule;
using sim::FaultWindow;

ScenarioFaults::ScenarioFaults(const std::vector<sim::Fault>& faults, std::uint64_t seed)
    : schedule_(faults, seed, journal_) {}

void ScenarioFaults::on_bar(std::int64_t index, TimestampNs ts_ns, sim::Exchange& exchange) {
  if (!has_base_rate_) {
    base_rate_ = exchange.config().rate_limit;
    has_base_rate_ = true;
  }
  if (schedule_.on_bar(index, ts_ns, ts_ns).venue_models) sync_models(exchange);
  if (sim::venue_down(exchange.config().outages, ts_ns)) {
    schedule_.inject(schedule_.latest_opened(FaultKind::kVenueOutage));
  }
}

// The exchange's outages are the opened venue_outage windows (an open end stays kOpenEnded until
// its closing bar); its rate limit is the scenario's unless a rate_limit window is open.
void ScenarioFaults::sync_models(sim::Exchange& exchange) {
  std::vector<sim::Outage> outages;
  for (std::size_t i = 0; i < schedule_.size(); ++i) {
    const FaultWindow& w = schedule_.window(i);
    if (!w.opened() || w.end_ns() <= w.start_ns()) continue;
    if (w.fault().kind == FaultKind::kVenueOutage) outages.push_back({w.start_ns(), w.end_ns()});
  }
  exchange.set_outages(std::move(outages));
  sim::RateLimit rate = base_rate_;
  const std::size_t limited = schedule_.active(FaultKind::kRateLimit);
  if (limited != FaultSchedule::kNone) {
    const sim::Fault& f = schedule_.fault(limited);
    rate = {sim::RateLimit::Kind::kFixedWindow, f.max_orders, f.window_ns};
  }
  const sim::RateLimit& now = exchange.config().rate_limit;
  if (now.kind != rate.kind || now.max_orders != rate.max_orders ||
      now.window_ns != rate.window_ns) {
    exchange.set_rate_limit(rate);
  }
}

KlineFault ScenarioFaults::kline_fault(TimestampNs bar_ts_ns) {
  for (std::size_t i = 0; i < schedule_.size(); ++i) {
    const FaultWindow& w = schedule_.window(i);
    if (!w.active() || !sim::is_bar_fault(w.fault().kind)) continue;
    if (!schedule_.fires(i)) continue;
    const sim::Fault& f = w.fault();
    schedule_.inject(i);
    switch (f.kind) {
      case FaultKind::kMissingBar:
        return {KlineFault::Kind::kMissing, 0, 0, 0};
      case FaultKind::kStaleBar:
        return {KlineFault::Kind::kStale, bar_ts_ns + f.lag_ns, 0, 0};
      case FaultKind::kDuplicateBar:
        return {KlineFault::Kind::kDuplicate, 0, f.copies, 0};
      default:
        return {KlineFault::Kind::kOutOfOrder, 0, 0, f.delay_items};
    }
  }
  return {};
}

// The simulator's signal faults that a file can carry: a late row, a missing row.
RowFault ScenarioFaults::row_fault() {
  for (std::size_t i = 0; i < schedule_.size(); ++i) {
    const FaultWindow& w = schedule_.window(i);
    const FaultKind kind = w.fault().kind;
    if (!w.active() || (kind != FaultKind::kStaleSignal && kind != FaultKind::kMissingSignal)) {
      continue;
    }
    if (!schedule_.fires(i)) continue;
    schedule_.inject(i);
    if (kind == FaultKind::kMissingSignal) return {true, 0};
    return {false, w.fault().lag_ns};
  }
  return {};
}

bool ScenarioFaults::outage() const {
  return schedule_.active(FaultKind::kVenueOutage) != FaultSchedule::kNone;
}

void ScenarioFaults::count_outage() {
  schedule_.inject(schedule_.latest_opened(FaultKind::kVenueOutage));
}

std::optional<sim::RejectCode> ScenarioFaults::order_reject() {
  const std::size_t i = schedule_.active(FaultKind::kOrderReject);
  if (i == FaultSchedule::kNone || !schedule_.fires(i)) return std::nullopt;
  schedule_.inject(i);
  schedule_.note_affected(i);
  return schedule_.fault(i).reason;
}

// The cut of sim/faulty_venue.cc, to the unit.
std::int64_t ScenarioFaults::partial_qty(std::int64_t qty_e8, const sim::Instrument& instrument) {
  const std::size_t i = schedule_.active(FaultKind::kPartialFill);
  if (i == FaultSchedule::kNone || !schedule_.fires(i)) return qty_e8;
  const std::int64_t cut_e8 = sim::round_qty_down(
      instrument, to_e8_nearest(to_double(qty_e8) * schedule_.fault(i).fill_fraction));
  if (cut_e8 <= 0 || cut_e8 >= qty_e8) return qty_e8;
  schedule_.inject(i);
  schedule_.note_affected(i);
  return cut_e8;
}

TimestampNs ScenarioFaults::latency_ns() {
  const std::size_t i = schedule_.active(FaultKind::kLatencySpike);
  if (i == FaultSchedule::kNone) return 0;
  schedule_.inject(i);
  return schedule_.fault(i).latency_ns;
}

TimestampNs ScenarioFaults::clock_skew_ns() const {
  const std::size_t i = schedule_.active(FaultKind::kClockSkew);
  return i == FaultSchedule::kNone ? 0 : schedule_.fault(i).skew_ns;
}

void ScenarioFaults::count_skewed_request() {
  schedule_.inject(schedule_.active(FaultKind::kClockSkew));
}

void ScenarioFaults::count_rate_limited() {
  schedule_.inject(schedule_.latest_opened(FaultKind::kRateLimit));
}

bool ScenarioFaults::file_missing() const {
  return schedule_.active(FaultKind::kSignalFileMissing) != FaultSchedule::kNone;
}

bool ScenarioFaults::file_corrupt() const {
  return schedule_.active(FaultKind::kSignalFileCorrupt) != FaultSchedule::kNone;
}

void ScenarioFaults::count_file_fault(FaultKind kind) {
  schedule_.inject(schedule_.active(kind));
}

}  // namespace q50::mockvenue
