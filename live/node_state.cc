#include "live/node_state.h"

#include <optional>

#include <cereal/types/string.hpp>

#include "checkpoint/cereal_guard.h"
#include "checkpoint/envelope.h"
#include "checkpoint/state_archive.h"

namespace q50::live {

template <class Archive>
void serialize(Archive& ar, NodeCounters& c) {
  ar(c.bars, c.orders, c.fills, c.duplicate_orders, c.lost_fills, c.reconciliations, c.restarts,
     c.reconnects, c.anomalies, c.signal_unavailable_bars, c.faults_seen);
}

template <class Archive>
void serialize(Archive& ar, NodeState& s) {
  ar(s.runtime, s.last_bar_open_ms, s.counters, checkpoint::bounded(s.client_id_prefix),
     s.venue_base_e8);
}

std::string encode_node_state(const NodeState& state) {
  return checkpoint::seal_checkpoint(checkpoint::CheckpointKind::kRuntimeState, kNodeStateVersion,
                                     checkpoint::write_body(state));
}

absl::StatusOr<NodeState> decode_node_state(std::string_view bytes, const std::string& source) {
  auto body = checkpoint::open_checkpoint(bytes, checkpoint::CheckpointKind::kRuntimeState,
                                          kNodeStateVersion, source);
  if (!body.ok()) return body.status();
  NodeState state;
  if (const std::optional<checkpoint::BodyError> e = checkpoint::read_body(*body, state)) {
    return absl::InvalidArgumentError(e->trailing
                                          ? source + ": trailing bytes after the live state"
                                          : source + ": unparsable live state: " + e->message);
  }
  return state;
}

}  // namespace q50::live
