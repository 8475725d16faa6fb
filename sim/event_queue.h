#ifndef Q50SIM_SIM_EVENT_QUEUE_H_
#define Q50SIM_SIM_EVENT_QUEUE_H_

#include <cstdint>
#include <algorithm>
#include <climits>
#include <utility>
#include <vector>

#include "core/check.h"
#include "core/timestamp.h"

namespace q50::sim {

// Priority classes break ties between events at the same ts_ns. The order is part of the
// determinism contract (README "Event order"): market data first, so a strategy sees the bar
// before any timer or venue response stamped at the same instant (NautilusTrader's rule: data
// before timers); then venue responses to earlier requests; then timers; then new requests.
enum class Priority : std::uint8_t {
  kMarketData = 0,
  kVenueResponse = 1,
  kTimer = 2,
  kRequest = 3,
  kControl = 4,  // faults, checkpoints, end of run
};

// A min-queue with a total order (ts_ns, priority, seq). seq is an insertion counter, so two
// events with equal time and class leave in the order they were scheduled — never in an order
// that depends on the heap's layout.
template <typename Payload>
class EventQueue {
 public:
  struct Entry {
    TimestampNs ts_ns;
    Priority priority;
    std::uint64_t seq;
    Payload payload;
  };

  // Schedules payload at ts_ns. Scheduling into the past (before the last popped event) is a
  // programmer error: time never runs backwards. Always inlined: out of line, the payload went
  // through a stack copy whose 16-byte reloads of the caller's narrower stores stalled (store
  // forwarding), a visible share of the replay loop.
  [[gnu::always_inline]] std::uint64_t push(TimestampNs ts_ns, Priority priority,
                                            Payload payload) {
    Q50_CHECK(ts_ns >= now_ns_, "event scheduled before the current simulated time");
    const std::uint64_t seq = next_seq_++;
    heap_.push_back(Entry{ts_ns, priority, seq, std::move(payload)});
    std::push_heap(heap_.begin(), heap_.end(), Later{});
    return seq;
  }

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const Entry& top() const { return heap_.front(); }

  // Removes and returns the earliest entry; advances now_ns() to its time.
  Entry pop() {
    Q50_CHECK(!heap_.empty(), "pop on an empty event queue");
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    Entry e = std::move(heap_.back());
    heap_.pop_back();
    now_ns_ = e.ts_ns;
    return e;
  }

  TimestampNs now_ns() const { return now_ns_; }
  std::uint64_t next_seq() const { return next_seq_; }

  // Restores the counters of a checkpoint (the entries are pushed again by the caller in
  // seq order, with restore_push).
  void restore_counters(TimestampNs now_ns, std::uint64_t next_seq) {
    now_ns_ = now_ns;
    next_seq_ = next_seq;
  }
  void restore_push(Entry e) {
    heap_.push_back(std::move(e));
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }

  // Entries in pop order, without popping (for checkpoints).
  std::vector<Entry> snapshot() const {
    std::vector<Entry> out = heap_;
    std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return Later{}(b, a); });
    return out;
  }

 private:
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      if (a.ts_ns != b.ts_ns) return a.ts_ns > b.ts_ns;
      if (a.priority != b.priority) return a.priority > b.priority;
      return a.seq > b.seq;
    }
  };
  std::vector<Entry> heap_;  // a binary heap under Later
  TimestampNs now_ns_ = INT64_MIN;
  std::uint64_t next_seq_ = 0;
};

}  // namespace q50::sim

#endif  // Q50SIM_SIM_EVENT_QUEUE_H_
