#ifndef Q50SIM_CORE_PORTS_SINK_H_
#define Q50SIM_CORE_PORTS_SINK_H_

// Output port of a run: what the strategy decided on every bar, every order's first answer
// and every fill the venue booked, in the order the driver processed them. Implementations
// stream CSV files, collect a report's series, count, or drop; the simulator and the live
// node both write through it.

#include <cstdint>

#include "core/strategy.h"
#include "core/timestamp.h"
#include "core/venue_protocol.h"

namespace q50::ports {

// One fill as the venue booked it; qty signed (+ bought).
struct FillRecord {
  TimestampNs ts_ns = 0;
  std::int64_t order_id = 0;         // the venue's id
  std::int64_t client_order_id = 0;  // the runtime's
  std::int64_t qty_e8 = 0;
  std::int64_t price_e8 = 0;
  std::int64_t notional_e8 = 0;
  std::int64_t fee_e8 = 0;
  std::int64_t slippage_e8 = 0;
  venue::Liquidity liquidity = venue::Liquidity::kTaker;
};

// How an order the strategy sent was first answered.
enum class OrderOutcome : std::uint8_t {
  kAccepted,     // the venue acknowledged it (fills, if any, follow as FillRecords)
  kVenueReject,  // the venue refused it; reject says why
  kLotReject,    // rounded to zero at the boundary (below the lot step): never sent
};

// The first answer to one order. decided_ts_ns is the time of the bar whose signal made the
// strategy send it, ts_ns the time of the answer: their difference is the signal-to-order
// latency (the venue's latency, latency spikes, clock skew).
struct OrderRecord {
  TimestampNs decided_ts_ns = 0;
  TimestampNs ts_ns = 0;
  std::int64_t client_order_id = 0;
  std::int64_t qty_e8 = 0;  // signed as the strategy asked (+ buy), before lot rounding
  OrderOutcome outcome = OrderOutcome::kAccepted;
  venue::RejectCode reject = venue::RejectCode::kInvalidRequest;  // valid for kVenueReject
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void on_bar(const strategy::BarRecord& record) = 0;
  virtual void on_fill(const FillRecord& fill) = 0;
  // Once per order (orders are rare next to bars: a sink that does not need them ignores them).
  virtual void on_order(const OrderRecord& /*order*/) {}
};

// Counts what it is given and drops it (benchmarks, tests, the second run of a determinism
// check).
class CountingSink final : public Sink {
 public:
  void on_bar(const strategy::BarRecord&) override { ++bars; }
  void on_fill(const FillRecord&) override { ++fills; }
  std::int64_t bars = 0;
  std::int64_t fills = 0;
};

}  // namespace q50::ports

#endif  // Q50SIM_CORE_PORTS_SINK_H_
