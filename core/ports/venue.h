#ifndef Q50SIM_CORE_PORTS_VENUE_H_
#define Q50SIM_CORE_PORTS_VENUE_H_

// Venue port: the order gateway and the account queries of one venue, answering with the
// events and reports of core/venue_protocol.h. The simulator's mock exchange
// (sim/sim_venue.h), its fault-injecting wrapper (sim/faulty_venue.h) and the live Binance
// adapter implement it; the runtime (core/runtime.h) never calls it: it returns commands, and
// the driver that owns the loop executes them here and feeds the answers back.

#include <optional>
#include <string_view>
#include <vector>

#include "core/timestamp.h"
#include "core/venue_protocol.h"

namespace q50::ports {

class Venue {
 public:
  virtual ~Venue() = default;

  // Sends a new order at now_ns and appends the venue's answers to `out`, each stamped with
  // the time it reaches the caller (>= now_ns): OrderAccepted followed by any immediate fills
  // and expiry, or OrderRejected (a definite refusal). Appending nothing means the outcome is
  // unknown (a timeout, a lost response, a 5xx): the order may exist; query it before sending
  // it again.
  virtual void submit(const venue::OrderRequest& request, TimestampNs now_ns,
                      std::vector<venue::VenueEvent>& out) = 0;
  // Sends a cancel at now_ns: OrderCanceled, or OrderRejected (unknown order, already filled),
  // or nothing when the outcome is unknown.
  virtual void cancel(const venue::CancelRequest& request, TimestampNs now_ns,
                      std::vector<venue::VenueEvent>& out) = 0;
  // The order's status by client id, as the venue knows it at now_ns; nullopt when the query
  // itself failed (try again later).
  virtual std::optional<venue::OrderStatusReport> query_order(std::string_view client_order_id,
                                                              TimestampNs now_ns) = 0;
  // Balances and open orders at now_ns; nullopt when the query failed.
  virtual std::optional<venue::AccountReport> query_account(TimestampNs now_ns) = 0;
};

}  // namespace q50::ports

#endif  // Q50SIM_CORE_PORTS_VENUE_H_
