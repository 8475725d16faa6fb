#ifndef Q50SIM_SIM_FAULTY_VENUE_H_
#define Q50SIM_SIM_FAULTY_VENUE_H_

// The venue-side faults (sim/faults.h) as a wrapper of the simulated venue: order_reject
// answers an order itself, partial_fill sends a cut quantity (the venue acknowledges less
// than asked), clock_skew changes when a request arrives, and venue_outage, latency_spike and
// rate_limit switch the mock exchange's own models while their windows are open. It counts
// what each fault touched in the schedule; the driver and the runtime see only a venue.

#include <optional>
#include <string_view>
#include <vector>

#include "core/ports/venue.h"
#include "sim/fault_schedule.h"
#include "sim/sim_venue.h"

namespace q50::sim {

class FaultyVenue final : public ports::Venue {
 public:
  // `inner` and `schedule` must outlive the wrapper. The inner exchange's configured outages,
  // spikes and rate limit are the baseline the windows add to.
  FaultyVenue(SimVenue& inner, FaultSchedule& schedule);

  void submit(const OrderRequest& request, TimestampNs now_ns,
              std::vector<VenueEvent>& out) override;
  void cancel(const CancelRequest& request, TimestampNs now_ns,
              std::vector<VenueEvent>& out) override;
  std::optional<venue::OrderStatusReport> query_order(std::string_view client_order_id,
                                                      TimestampNs now_ns) override;
  std::optional<venue::AccountReport> query_account(TimestampNs now_ns) override;

  // A market bar (counted against an open outage: it does not match).
  void on_bar(const Bar& bar, std::vector<VenueEvent>& out);
  // Applies the open windows to the exchange's outage, latency and rate-limit models; call
  // when FaultSchedule::on_bar reports venue_models.
  void sync_models();

 private:
  void count_rejects(const std::vector<VenueEvent>& events, std::size_t from);

  SimVenue& inner_;
  FaultSchedule& schedule_;
  std::vector<Outage> base_outages_;
  std::vector<LatencySpike> base_spikes_;
  RateLimit base_rate_;
};

}  // namespace q50::sim

#endif  // Q50SIM_SIM_FAULTY_VENUE_H_
