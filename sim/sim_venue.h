#ifndef Q50SIM_SIM_SIM_VENUE_H_
#define Q50SIM_SIM_SIM_VENUE_H_

// The mock exchange (sim/exchange.h) behind the venue port (core/ports/venue.h), plus the
// market side that a real venue has on its own: on_bar lets resting orders match.
//
// Queries. The exchange drops closed orders after every action, so memory and its matching
// scan stay flat in the number of orders. SimVenue keeps, by client id, the status of every
// open order and of the kRememberedClosed most recent closed ones, so query_order answers as
// Binance's GET /api/v3/order would for any order a runtime can still be asking about; an
// order it never accepted is "not found" (Binance -2013). Statuses follow the events as the
// exchange produces them (its truth), not as the driver delivers them.

#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/venue.h"
#include "sim/exchange.h"

namespace q50::sim {

class SimVenue final : public ports::Venue {
 public:
  static constexpr std::size_t kRememberedClosed = 64;

  explicit SimVenue(ExchangeConfig config) : exchange_(std::move(config)) {}

  void submit(const OrderRequest& request, TimestampNs now_ns,
              std::vector<VenueEvent>& out) override;
  void cancel(const CancelRequest& request, TimestampNs now_ns,
              std::vector<VenueEvent>& out) override;
  std::optional<venue::OrderStatusReport> query_order(std::string_view client_order_id,
                                                      TimestampNs now_ns) override;
  std::optional<venue::AccountReport> query_account(TimestampNs now_ns) override;

  // A new bar: resting orders match (events stamped bar.ts_ns, appended to out).
  void on_bar(const Bar& bar, std::vector<VenueEvent>& out);

  Exchange& exchange() { return exchange_; }
  const Exchange& exchange() const { return exchange_; }

 private:
  void track(const std::vector<VenueEvent>& events, std::vector<VenueEvent>& out);

  Exchange exchange_;
  std::map<std::string, venue::OrderStatusReport, std::less<>> orders_;
  std::deque<std::string> closed_;  // client ids of closed orders, oldest first
};

}  // namespace q50::sim

#endif  // Q50SIM_SIM_SIM_VENUE_H_
