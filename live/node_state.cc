#include "live/node_state.h"

#include <exception>
#include <istream>
#include <sstream>
#include <streambuf>

#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/string.hpp>

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

namespace {

class ViewBuf : public std::streambuf {
 public:
  explicit ViewBuf(std::string_view bytes) {
    char* p = const_cast<char*>(bytes.data());  // NOLINT: read-only get area
    setg(p, p, p + bytes.size());
  }
};

}  // namespace

std::string encode_node_state(const NodeState& state) {
  std::ostringstream body(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive ar(body);
    ar(state);
  }
  return checkpoint::seal_checkpoint(checkpoint::CheckpointKind::kRuntimeState, kNodeStateVersion,
                                     std::move(body).str());
}

absl::StatusOr<NodeState> decode_node_state(std::string_view bytes, const std::string& source) {
  auto body = checkpoint::open_checkpoint(bytes, checkpoint::CheckpointKind::kRuntimeState,
                                          kNodeStateVersion, source);
  if (!body.ok()) return body.status();
  ViewBuf buffer(*body);
  std::istream in(&buffer);
  NodeState state;
  try {
    const checkpoint::Decoding decoding(&buffer);
    cereal::PortableBinaryInputArchive ar(in);
    ar(state);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(source + ": unparsable live state: " + e.what());
  }
  if (in.peek() != std::char_traits<char>::eof()) {
    return absl::InvalidArgumentError(source + ": trailing bytes after the live state");
  }
  return state;
}

}  // namespace q50::live
