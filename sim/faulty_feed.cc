#include "sim/faulty_feed.h"

#include <optional>

namespace q50::sim {

void FaultyFeed::on_market_bar(const strategy::Bar& bar, const ports::SignalSample& sample) {
  route_signal(bar, sample);
  route_bar(bar);
}

// The bar's signal row through the first signal fault that fires on it.
void FaultyFeed::route_signal(const strategy::Bar& bar, const ports::SignalSample& sample) {
  for (SignalItem& held : held_signals_) {
    if (held.after_items > 0) --held.after_items;
  }
  if (sample.kind == SignalMatchKind::kNone) return;
  SignalItem item{bar.ts_ns, bar.ts_ns, sample, 0};
  for (std::size_t i = 0; i < schedule_.size(); ++i) {
    const FaultWindow& w = schedule_.window(i);
    if (!w.active() || !is_signal_fault(w.fault().kind)) continue;
    if (!schedule_.fires(i)) continue;
    const Fault& fault = w.fault();
    if (fault.kind == FaultKind::kMissingSignal) {
      schedule_.inject(i);
      return;
    }
    if (fault.kind == FaultKind::kStaleSignal) {
      item.due_ns = bar.ts_ns + fault.lag_ns;
      schedule_.inject(i);
    } else if (fault.kind == FaultKind::kDuplicateSignal) {
      for (std::int64_t c = 0; c < fault.copies; ++c) held_signals_.push_back(item);
      schedule_.inject(i, fault.copies);
    } else {
      item.after_items = fault.delay_items;
      schedule_.inject(i);
    }
    break;
  }
  held_signals_.push_back(item);
}

// The bar's copy for the strategy through the first bar fault that fires on it.
void FaultyFeed::route_bar(const strategy::Bar& bar) {
  for (std::size_t i = 0; i < schedule_.size(); ++i) {
    const FaultWindow& w = schedule_.window(i);
    if (!w.active() || !is_bar_fault(w.fault().kind)) continue;
    if (!schedule_.fires(i)) continue;
    const Fault& fault = w.fault();
    schedule_.inject(i);
    switch (fault.kind) {
      case FaultKind::kMissingBar:
        schedule_.journal('M', i, bar.ts_ns, 0);
        return;
      case FaultKind::kStaleBar:
        target_.deliver_later(bar.ts_ns + fault.lag_ns, bar, i);
        return;
      case FaultKind::kDuplicateBar:
        deliver_bar(bar, FaultSchedule::kNone);
        for (std::int64_t c = 0; c < fault.copies; ++c) deliver_bar(bar, i);
        return;
      default:  // kOutOfOrderBar
        held_bars_.push_back({bar, i, fault.delay_items});
        return;
    }
  }
  deliver_bar(bar, FaultSchedule::kNone);
}

void FaultyFeed::deliver_bar(const strategy::Bar& bar, std::size_t fault) {
  if (has_strategy_bar_ && bar.ts_ns <= last_strategy_bar_ts_ns_) {
    schedule_.journal('D', fault, bar.ts_ns, last_strategy_bar_ts_ns_);
  } else if (target_.accepting()) {
    to_strategy(bar);
  }
  std::vector<HeldBar> released;
  for (auto it = held_bars_.begin(); it != held_bars_.end();) {
    if (--it->after_items > 0) {
      ++it;
      continue;
    }
    released.push_back(*it);
    it = held_bars_.erase(it);
  }
  for (const HeldBar& h : released) deliver_bar(h.bar, h.fault);
}

// The newest row delivered by now that is newer than the last one used; every other row
// delivered by now is dropped. Rows older than the bar are marked stale.
ports::SignalSample FaultyFeed::pick_signal(TimestampNs bar_ts_ns) {
  const TimestampNs now = target_.now_ns();
  std::optional<SignalItem> best;
  std::int64_t dropped = 0;
  for (auto it = held_signals_.begin(); it != held_signals_.end();) {
    // Not delivered yet, or a row of a later bar (a stale bar's turn): never a future row.
    if (it->due_ns > now || it->after_items > 0 || it->row_ts_ns > bar_ts_ns) {
      ++it;
      continue;
    }
    const bool fresh = !has_signal_row_ || it->row_ts_ns > last_signal_row_ts_ns_;
    if (fresh && (!best || it->row_ts_ns > best->row_ts_ns)) {
      if (best) ++dropped;
      best = *it;
    } else {
      ++dropped;
    }
    it = held_signals_.erase(it);
  }
  if (dropped > 0) schedule_.journal('D', FaultSchedule::kNone, bar_ts_ns, dropped);
  if (!best) return {};
  has_signal_row_ = true;
  last_signal_row_ts_ns_ = best->row_ts_ns;
  ports::SignalSample s = best->sample;
  if (best->row_ts_ns < bar_ts_ns) s.kind = SignalMatchKind::kStale;
  return s;
}

// The bar reaches the running strategy: its signal, through the signal-file faults.
void FaultyFeed::to_strategy(const strategy::Bar& bar) {
  has_strategy_bar_ = true;
  last_strategy_bar_ts_ns_ = bar.ts_ns;
  runtime::BarInput input{target_.now_ns(), bar, pick_signal(bar.ts_ns), false};
  std::size_t file_fault = schedule_.active(FaultKind::kSignalFileMissing);
  if (file_fault == FaultSchedule::kNone) {
    file_fault = schedule_.active(FaultKind::kSignalFileCorrupt);
  }
  if (file_fault != FaultSchedule::kNone) {
    schedule_.inject(file_fault);
    if (schedule_.fault(file_fault).policy == SignalFailurePolicy::kCached) {
      input.signal = last_good_signal_;
      if (input.signal.kind != SignalMatchKind::kNone) input.signal.kind = SignalMatchKind::kStale;
    } else {
      input.signal = {};
      input.signal_source_flat = true;
    }
  } else if (input.signal.kind != SignalMatchKind::kNone) {
    last_good_signal_ = input.signal;
  }
  target_.deliver(input);
}

}  // namespace q50::sim
