#ifndef Q50SIM_SIM_FAULTS_H_
#define Q50SIM_SIM_FAULTS_H_

// Fault injection for the native engine (sim/engine.h, EngineConfig::faults). Deterministic:
// every random draw comes from Prng(seed).fork("faults").fork("<index of the fault>"), so a
// fault added to a scenario never shifts another's draws, and a run without faults draws
// nothing and keeps its fingerprint.
//
// Windows. Bar indices count the bars of the market source as published (0 = the first),
// before any data fault; a window is resolved on those bars:
//   opens  at the first bar with index >= at.bar (kBar) or ts >= at.ts_ns (kTime);
//   closes at the first bar with index >= until.bar / ts >= until.ts_ns, or ts >= start +
//          duration (start = at.ts_ns for a time point, else the opening bar's ts); with
//          neither, data faults (bars, signals) last `count` bars (default 1), order_reject and
//          partial_fill last until `count` orders were affected, everything else the rest of
//          the run. process_crash is an instant.
// The strategy only acts on bars (and on venue responses to its own orders), so resolving
// windows on bars is exact for every request it sends.
//
// Per kind (injected = what FaultStats/FaultEvent count):
//   venue_outage   an exchange Outage [start, end) (end = the closing bar's ts once known):
//                  every request arriving in it is rejected VENUE_DOWN and bars do not match.
//                  injected: requests rejected VENUE_DOWN + bars not matched.
//   order_reject   each order sent in the window is, with `probability` (at most `count`),
//                  answered by the engine with OrderRejected `reason` at send time, never sent.
//   partial_fill   each affected order goes to the venue as qty * fill_fraction (rounded down
//                  to the step); the strategy sees the fills against its full quantity and,
//                  when the venue's part is done, the rest Ended (expired) like an IOC rest.
//                  An order whose cut quantity rounds to zero is not cut (not counted).
//   latency_spike  an exchange LatencySpike: requests sent in the window take latency_ns more.
//                  injected: orders sent in the window.
//   rate_limit     the venue admits max_orders per fixed window_ns during the fault (the
//                  scenario's own limit before and after). injected: RATE_LIMITED rejects.
//   stale_bar      the STRATEGY gets the bar lag_ns late (the venue, a separate process fed
//                  by the exchange, sees every bar on time): processed at its delivery time,
//                  its original ts in the record. If a newer bar reached the strategy first
//                  it is out of order and dropped.
//   missing_bar    the strategy never gets the bar (the venue matches on it).
//   duplicate_bar  the bar reaches the strategy 1 + copies times; the engine drops every copy
//                  whose ts <= the last bar's it processed (journaled 'D').
//   out_of_order_bar  the bar is held until delay_items later bars were delivered, then
//                  delivered and dropped as out of order (ts <= last).
//   *_signal       the same on the bar's signal row (one row per bar, row ts = bar ts). The
//                  strategy uses the newest row delivered by its bar's time whose ts exceeds
//                  the last row it used (never a future row: a row is only asked for at its
//                  bar's time); older or repeated rows are dropped (journaled 'D'); a row
//                  older than its bar is marked kStale.
//   signal_file_missing / signal_file_corrupt  for the window's bars the source is unusable:
//                  policy cached -> the last row the strategy used, marked kStale (nothing if
//                  none yet); policy flat -> no signal and NoSignalPolicy::kFlat.
//   clock_skew     requests are stamped now + skew_ns by the strategy; the venue receives a
//                  request at max(now, stamp) so time stays monotone (a stamp in the past
//                  is journaled 'K'). injected: requests sent in the window.
//   process_crash  at the point the strategy process dies before it sees that bar; its
//                  state is gone. It restarts restart_after_ns later (Priority::kControl:
//                  after the bar and venue responses of that instant) from the last checkpoint
//                  (encoded every checkpoint_every_bars bars the strategy processed, through
//                  checkpoint/strategy_state.h bytes; none yet -> the initial state). Bars and
//                  venue responses while down are lost to it; the venue keeps running. Then it
//                  reconciles: the venue is the truth. An order still in flight is adopted (the
//                  strategy stays detached until the venue ends it), then cash and position
//                  are set from the venue's balances and order ids continue after the last sent.
//
// Recovery: a window (or crash) is recovered at the first bar the strategy processes after it
// closed (restarted) with no order in flight and its position mirror equal to the venue's
// (cash within the engine's mirror tolerance). The invariant checker stays on throughout;
// while the strategy is down or adopting it only checks the venue against the fills.

#include <cstdint>
#include <limits>

#include "core/timestamp.h"
#include "sim/scenario.h"

namespace q50::sim {

// Which part of the system a fault kind touches.
bool is_bar_fault(FaultKind kind);     // stale/missing/duplicate/out_of_order_bar
bool is_signal_fault(FaultKind kind);  // stale/missing/duplicate/out_of_order_signal
bool is_data_fault(FaultKind kind);    // either

inline constexpr TimestampNs kOpenEnded = std::numeric_limits<TimestampNs>::max();

// One fault's window, resolved bar by bar (rules above).
class FaultWindow {
 public:
  explicit FaultWindow(const Fault& fault) : fault_(&fault) {}

  enum class Transition : std::uint8_t { kNone, kOpened, kClosed };
  // Advances to the bar (index, ts); bars come in publication order. A window opens and
  // closes at most once; an instant (process_crash) or an empty window closes on its opening
  // bar right away (kOpened is still reported once; active() is then false).
  Transition on_bar(std::int64_t index, TimestampNs ts_ns);
  // For order_reject/partial_fill with count: one more order affected (closes at count).
  void note_affected();

  bool active() const { return open_ && !closed_; }
  bool opened() const { return open_; }
  bool closed() const { return closed_; }
  TimestampNs start_ns() const { return start_ns_; }
  // The end time when known: a time bound, or the closing bar's ts; kOpenEnded otherwise.
  TimestampNs end_ns() const { return end_ns_; }
  const Fault& fault() const { return *fault_; }

 private:
  bool ends_at(std::int64_t index, TimestampNs ts_ns) const;

  const Fault* fault_;
  bool open_ = false;
  bool closed_ = false;
  std::int64_t open_index_ = 0;
  std::int64_t affected_ = 0;
  TimestampNs start_ns_ = 0;
  TimestampNs end_ns_ = kOpenEnded;
};

}  // namespace q50::sim

#endif  // Q50SIM_SIM_FAULTS_H_
