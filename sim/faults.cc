#include "sim/faults.h"

namespace q50::sim {

bool is_bar_fault(FaultKind kind) {
  return kind == FaultKind::kStaleBar || kind == FaultKind::kMissingBar ||
         kind == FaultKind::kDuplicateBar || kind == FaultKind::kOutOfOrderBar;
}

bool is_signal_fault(FaultKind kind) {
  return kind == FaultKind::kStaleSignal || kind == FaultKind::kMissingSignal ||
         kind == FaultKind::kDuplicateSignal || kind == FaultKind::kOutOfOrderSignal;
}

bool is_data_fault(FaultKind kind) { return is_bar_fault(kind) || is_signal_fault(kind); }

namespace {

bool counts_orders(FaultKind kind) {
  return kind == FaultKind::kOrderReject || kind == FaultKind::kPartialFill;
}

bool reached(const ScenarioPoint& p, std::int64_t index, TimestampNs ts_ns) {
  return p.kind == ScenarioPoint::Kind::kBar ? index >= p.bar : ts_ns >= p.ts_ns;
}

}  // namespace

// The time bound of the window when it has one (until a time, or a duration).
bool FaultWindow::ends_at(std::int64_t index, TimestampNs ts_ns) const {
  const Fault& f = *fault_;
  if (f.kind == FaultKind::kProcessCrash) return true;
  if (f.until) return reached(*f.until, index, ts_ns);
  if (f.duration_ns) return ts_ns >= end_ns_;
  if (is_data_fault(f.kind)) return index >= open_index_ + f.count.value_or(1);
  if (counts_orders(f.kind) && f.count) return affected_ >= *f.count;
  return false;
}

FaultWindow::Transition FaultWindow::on_bar(std::int64_t index, TimestampNs ts_ns) {
  if (closed_) return Transition::kNone;
  if (!open_) {
    if (!reached(fault_->at, index, ts_ns)) return Transition::kNone;
    open_ = true;
    open_index_ = index;
    start_ns_ = fault_->at.kind == ScenarioPoint::Kind::kTime ? fault_->at.ts_ns : ts_ns;
    if (fault_->until && fault_->until->kind == ScenarioPoint::Kind::kTime) {
      end_ns_ = fault_->until->ts_ns;
    } else if (fault_->duration_ns) {
      end_ns_ = start_ns_ + *fault_->duration_ns;
    }
    // An instant, or a window already over by its opening bar (e.g. until <= at).
    if (ends_at(index, ts_ns)) {
      closed_ = true;
      if (end_ns_ == kOpenEnded) end_ns_ = ts_ns;
    }
    return Transition::kOpened;
  }
  if (!ends_at(index, ts_ns)) return Transition::kNone;
  closed_ = true;
  if (end_ns_ == kOpenEnded) end_ns_ = ts_ns;
  return Transition::kClosed;
}

void FaultWindow::note_affected() {
  ++affected_;
  if (open_ && !closed_ && fault_->count && affected_ >= *fault_->count) closed_ = true;
}

}  // namespace q50::sim
