#ifndef Q50SIM_SIM_FAULTY_FEED_H_
#define Q50SIM_SIM_FAULTY_FEED_H_

// The data faults (sim/faults.h: stale, missing, duplicate and out-of-order bars and signal
// rows; a missing or corrupt signal file) between the market and signal sources and the
// strategy process. The venue sees every bar on time; the strategy gets what this feed lets
// through, when it lets it through. Without faults the engine hands each bar and its signal to
// the runtime directly and this class is not built.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/ports/signal_source.h"
#include "core/runtime.h"
#include "core/strategy.h"
#include "core/timestamp.h"
#include "sim/fault_schedule.h"

namespace q50::sim {

// The driver's side of the feed.
class FeedTarget {
 public:
  virtual ~FeedTarget() = default;
  virtual TimestampNs now_ns() const = 0;
  // The strategy process is up and running (bars are lost to it otherwise).
  virtual bool accepting() const = 0;
  virtual void deliver(const runtime::BarInput& input) = 0;
  // Calls deliver_bar(bar, fault) back at at_ns (a stale bar).
  virtual void deliver_later(TimestampNs at_ns, const strategy::Bar& bar, std::size_t fault) = 0;
};

class FaultyFeed {
 public:
  FaultyFeed(FaultSchedule& schedule, FeedTarget& target)
      : schedule_(schedule), target_(target) {}

  // A market bar as published, with the signal its source matched to it.
  void on_market_bar(const strategy::Bar& bar, const ports::SignalSample& sample);
  // The bar reaches the strategy now (fault: the bar fault that sent it, or kNone). A bar not
  // newer than the last one the strategy processed is dropped ('D'); every delivery also moves
  // bars held by out_of_order_bar one step closer to their release.
  void deliver_bar(const strategy::Bar& bar, std::size_t fault);

 private:
  struct SignalItem {
    TimestampNs due_ns = 0;
    TimestampNs row_ts_ns = 0;
    ports::SignalSample sample;
    std::int64_t after_items = 0;  // out_of_order: rows still to pass it
  };
  struct HeldBar {
    strategy::Bar bar;
    std::size_t fault = FaultSchedule::kNone;
    std::int64_t after_items = 0;
  };

  void route_signal(const strategy::Bar& bar, const ports::SignalSample& sample);
  void route_bar(const strategy::Bar& bar);
  void to_strategy(const strategy::Bar& bar);
  ports::SignalSample pick_signal(TimestampNs bar_ts_ns);

  FaultSchedule& schedule_;
  FeedTarget& target_;
  bool has_strategy_bar_ = false;
  TimestampNs last_strategy_bar_ts_ns_ = 0;
  bool has_signal_row_ = false;
  TimestampNs last_signal_row_ts_ns_ = 0;
  ports::SignalSample last_good_signal_;
  std::vector<SignalItem> held_signals_;
  std::vector<HeldBar> held_bars_;
};

}  // namespace q50::sim

#endif  // Q50SIM_SIM_FAULTY_FEED_H_
