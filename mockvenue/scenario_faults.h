#ifndef Q50SIM_MOCKVENUE_SCENARIO_FAULTS_H_
#define Q50SIM_MOCKVENUE_SCENARIO_FAULTS_H_

// The scenario's own [[faults]] where they apply to a venue and its data, resolved bar by bar
// exactly as the simulator resolves them (sim/fault_schedule.h: the same windows, the same
// PRNG streams Prng(seed).fork("faults").fork("<index>"), drawn per order or per bar in the
// same order), so an order or a bar a fault hits in `q50sim run` is hit here too.
//
// Per kind, in the mock (injected = what the books count):
//   venue_outage   every /api request answers 503 -1001 and bars do not match while the window
//                  is open. injected: requests answered 503 + bars not matched.
//   order_reject   each new order in the window, with `probability` (at most `count`), is
//                  refused with the reason's Binance code and message (insufficient_balance
//                  -2010, filter_failure -1013 NOTIONAL, rate_limited 429 -1015, venue_down 503
//                  -1001, ...), never reaching the exchange.
//   partial_fill   the exchange gets qty * fill_fraction (rounded down to the step); the order
//                  keeps the asked origQty and ends EXPIRED once that part has filled.
//   latency_spike  a request arriving in the window waits latency / speed of wall time before it
//                  is processed (capped at 60 s).
//   rate_limit     the exchange admits max_orders per window (venue time); the rest get 429
//                  -1015 with Retry-After.
//   clock_skew     the venue's clock reads skew later while the window is open (GET time, and
//                  the timestamp checks), as if the venue's clock had jumped.
//   stale_bar / missing_bar / duplicate_bar / out_of_order_bar  the bar's kline is served late
//                  (lag after its close), never, 1 + copies times, or after the next
//                  delay_items klines (held until they closed); the exchange matches every bar
//                  on time.
//   stale_signal / missing_signal  the bar's signal row is written lag late / never.
//   signal_file_missing / signal_file_corrupt  the signal file is deleted / gets a line the
//                  reader rejects while the window is open, and is whole again after it.
//   duplicate_signal, out_of_order_signal, process_crash: not applied (a reader that requires
//                  increasing timestamps rejects the first two as corrupt files; a crash is the
//                  client's own). Their windows still open and close.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "core/timestamp.h"
#include "sim/exchange.h"
#include "sim/fault_schedule.h"
#include "sim/journal.h"
#include "sim/scenario.h"

namespace q50::mockvenue {

// What a bar's kline suffers (kNone: served as soon as the bar closed).
struct KlineFault {
  enum class Kind : std::uint8_t { kNone, kStale, kMissing, kDuplicate, kOutOfOrder };
  Kind kind = Kind::kNone;
  TimestampNs visible_ns = 0;    // kStale: served from this venue time on
  std::int64_t copies = 0;       // kDuplicate: extra copies
  std::int64_t delay_items = 0;  // kOutOfOrder: served after this many later klines
};

// What a bar's signal row suffers.
struct RowFault {
  bool missing = false;
  TimestampNs lag_ns = 0;  // written this much after the bar closed
};

class ScenarioFaults {
 public:
  // `faults` must outlive this object (the scenario's).
  ScenarioFaults(const std::vector<sim::Fault>& faults, std::uint64_t seed);

  // Bar `index` closed at ts_ns: windows advance and the exchange's outage and rate-limit models
  // follow them (sim/faulty_venue.h sync_models); a bar inside an outage is counted.
  void on_bar(std::int64_t index, TimestampNs ts_ns, sim::Exchange& exchange);
  // The bar's kline and signal-row faults (draws on the bar's windows; call once per bar, after
  // on_bar).
  KlineFault kline_fault(TimestampNs bar_ts_ns);
  RowFault row_fault();

  // Whether a venue_outage window is open; count_outage() counts one request answered 503.
  bool outage() const;
  void count_outage();
  // order_reject: the reason when it fires on this order (drawn, counted).
  std::optional<sim::RejectCode> order_reject();
  // partial_fill: the quantity the exchange gets (qty_e8 when the fault does not fire or the cut
  // rounds to nothing).
  std::int64_t partial_qty(std::int64_t qty_e8, const sim::Instrument& instrument);
  // latency_spike: extra venue time for a request arriving now (0 outside windows; counted).
  TimestampNs latency_ns();
  // clock_skew: how far the venue's clock is off now (0 outside windows; not counted).
  TimestampNs clock_skew_ns() const;
  void count_skewed_request();
  // A 429 from the exchange's rate limit.
  void count_rate_limited();
  // signal_file_missing / signal_file_corrupt: whether the window is open now (counted per bar
  // by count_file_fault).
  bool file_missing() const;
  bool file_corrupt() const;
  void count_file_fault(sim::FaultKind kind);

  // Per configured kind: windows opened and items touched.
  std::map<sim::FaultKind, sim::FaultStats> stats() const { return schedule_.stats(); }
  bool empty() const { return schedule_.size() == 0; }

 private:
  void sync_models(sim::Exchange& exchange);

  sim::Journal text_{false};
  sim::RunJournal journal_{text_, false};
  sim::FaultSchedule schedule_;
  sim::RateLimit base_rate_;
  bool has_base_rate_ = false;
};

}  // namespace q50::mockvenue

#endif  // Q50SIM_MOCKVENUE_SCENARIO_FAULTS_H_
