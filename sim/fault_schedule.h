#ifndef Q50SIM_SIM_FAULT_SCHEDULE_H_
#define Q50SIM_SIM_FAULT_SCHEDULE_H_

// The faults of one run (sim/faults.h has each kind's semantics) as the wrappers that inject
// them see them: every configured fault's window, resolved bar by bar, its own PRNG stream,
// what it touched and when the run was normal again. The faulty venue (sim/faulty_venue.h) and
// the faulty feed (sim/faulty_feed.h) read and count through it; the engine advances it on
// every market bar.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <vector>

#include "core/timestamp.h"
#include "sim/faults.h"
#include "sim/journal.h"
#include "core/prng.h"
#include "sim/scenario.h"

namespace q50::sim {

// What one fault kind did over the run.
struct FaultStats {
  std::int64_t windows = 0;    // windows (or instants) that opened
  std::int64_t injected = 0;   // items/orders/requests the fault actually touched
  std::int64_t recovered = 0;  // windows after which the run continued normally with the
                               // strategy's mirror reconciled to the venue
};

// One fault window as it happened, in the order the windows opened.
struct FaultEvent {
  TimestampNs ts_ns = 0;               // when the window opened (simulated time)
  FaultKind kind = FaultKind::kVenueOutage;
  TimestampNs recovered_ts_ns = -1;    // when the run was normal again; -1: never
  std::int64_t injected = 0;           // items/orders/requests touched in this window
};

class FaultSchedule {
 public:
  static constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

  // Faults in scenario order; each draws from Prng(seed).fork("faults").fork("<index>").
  FaultSchedule(const std::vector<Fault>& faults, std::uint64_t seed, RunJournal& journal);

  struct Changes {
    bool venue_models = false;         // an outage, latency spike or rate limit changed
    std::vector<std::size_t> crashes;  // process_crash instants that opened on this bar
  };
  // Advances every window to market bar (index, ts_ns), journaling 'F' (opened) and 'C'
  // (closed) lines; now_ns is the simulated time of the bar.
  Changes on_bar(std::int64_t index, TimestampNs ts_ns, TimestampNs now_ns);

  // The first active fault of `kind`, or kNone.
  std::size_t active(FaultKind kind) const;
  // The opened fault of `kind` that started last (ties: the later in the file), or kNone.
  std::size_t latest_opened(FaultKind kind) const;
  // Whether fault i hits this item: its probability, drawn from its own stream (no draw at 1).
  bool fires(std::size_t i);
  // Fault i touched n more items (ignored for kNone or a window that never opened).
  void inject(std::size_t i, std::int64_t n = 1);
  // order_reject / partial_fill: one more order affected (their window closes at `count`).
  void note_affected(std::size_t i) { runs_[i].window.note_affected(); }

  const Fault& fault(std::size_t i) const { return runs_[i].window.fault(); }
  const FaultWindow& window(std::size_t i) const { return runs_[i].window; }
  std::size_t size() const { return runs_.size(); }
  bool has_crash() const { return has_crash_; }

  // A fault line: tag, the kind of fault i (0xff for kNone), ts and a detail.
  void journal(char tag, std::size_t i, TimestampNs ts_ns, std::int64_t detail);

  // Every closed window not yet recovered is recovered at now_ns if `normal` (the strategy
  // trades normally with its mirror equal to the venue's). `normal` is evaluated at most once,
  // and only when some window is waiting.
  template <class Normal>
  void note_recoveries(TimestampNs now_ns, Normal normal) {
    bool checked = false;
    bool ok = false;
    for (Run& r : runs_) {
      if (r.recovered || r.log_index == kNone || !r.window.closed()) continue;
      if (!checked) {
        ok = normal();
        checked = true;
      }
      if (!ok) return;
      r.recovered = true;
      log_[r.log_index].recovered_ts_ns = now_ns;
    }
  }

  // Per kind (every configured kind, opened or not) and per window, at the end of the run.
  std::map<FaultKind, FaultStats> stats() const;
  const std::vector<FaultEvent>& log() const { return log_; }

 private:
  struct Run {
    FaultWindow window;
    Prng prng;
    std::size_t log_index = kNone;  // its FaultEvent once opened
    bool recovered = false;
  };
  void open(std::size_t i, TimestampNs ts_ns);

  RunJournal& journal_;
  std::vector<Run> runs_;
  std::vector<FaultEvent> log_;
  std::map<FaultKind, FaultStats> opened_;
  bool has_crash_ = false;
};

}  // namespace q50::sim

#endif  // Q50SIM_SIM_FAULT_SCHEDULE_H_
