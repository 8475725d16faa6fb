#ifndef Q50SIM_LIVE_NODE_STATE_H_
#define Q50SIM_LIVE_NODE_STATE_H_

// What a live node persists after every step (its state file), and its counters. Sealed in
// the checkpoint envelope (checkpoint/envelope.h, kind kRuntimeState), so a damaged or foreign
// file is refused before anything in it is believed.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/runtime.h"

namespace q50::live {

// Counted over the node's whole life (they survive restarts through the state file).
struct NodeCounters {
  std::int64_t bars = 0;            // bars the strategy processed
  std::int64_t orders = 0;          // orders sent (resends included)
  std::int64_t fills = 0;
  std::int64_t duplicate_orders = 0;   // the venue answered "Duplicate order sent."
  std::int64_t lost_fills = 0;         // reconciliations that found the base position off the ledger
  std::int64_t reconciliations = 0;
  std::int64_t restarts = 0;
  std::int64_t reconnects = 0;         // venue reachable again after failed turns
  std::int64_t anomalies = 0;
  std::int64_t signal_unavailable_bars = 0;
  std::int64_t faults_seen = 0;        // venue answers that were not plain success or rejection
};

struct NodeState {
  runtime::State runtime;
  std::int64_t last_bar_open_ms = -1;  // the open time of the last bar processed (-1: none)
  NodeCounters counters;
  std::string client_id_prefix;  // the run's; a state of another run is refused
  std::int64_t venue_base_e8 = 0;  // the venue's base balance at the last reconciliation
};

// Bump on any change to what is serialised.
inline constexpr std::uint32_t kNodeStateVersion = 1;

std::string encode_node_state(const NodeState& state);
// InvalidArgument naming `source` for a refused envelope or an unparsable body.
absl::StatusOr<NodeState> decode_node_state(std::string_view bytes, const std::string& source);

}  // namespace q50::live

#endif  // Q50SIM_LIVE_NODE_STATE_H_
