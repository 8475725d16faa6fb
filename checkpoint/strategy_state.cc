#include "checkpoint/strategy_state.h"

#include <exception>
#include <istream>
#include <sstream>
#include <streambuf>
#include <string>

#include <cereal/archives/portable_binary.hpp>
#include <cereal/cereal.hpp>
#include <cereal/types/array.hpp>

#include "absl/status/status.h"
#include "checkpoint/envelope.h"

// cereal finds these by argument-dependent lookup, so each lives in its type's namespace.
// Every member of every struct is listed in declaration order; a member added to State (or
// one of its parts) must be added here and kStrategyStateVersion bumped, or a restarted
// strategy would silently start it from its default (faults_test's round trip would fail).

namespace q50 {

template <class Archive>
void serialize(Archive& ar, FeatureStream::Snapshot& s) {
  ar(s.returns, s.count, s.prev_close, s.prev_std, s.prev_std_valid);
}

template <class Archive>
void serialize(Archive& ar, KillSwitch& k) {
  ar(k.peak_equity, k.tripped);
}

}  // namespace q50

namespace q50::strategy {

template <class Archive>
void serialize(Archive& ar, SignalUpdate& u) {
  ar(u.ts_ns, u.q10, u.q50, u.q90, u.match);
}

template <class Archive>
void serialize(Archive& ar, PendingSignal& p) {
  ar(p.present, p.update);
}

template <class Archive>
void serialize(Archive& ar, InFlight& f) {
  ar(f.active, f.order_id, f.qty, f.filled);
}

template <class Archive>
void serialize(Archive& ar, Counters& c) {
  ar(c.bars, c.signals, c.stale_signals, c.signals_used, c.bars_waiting, c.orders, c.fills,
     c.venue_rejects, c.orders_ended, c.below_lot, c.below_rebalance, c.risk_rejects,
     c.risk_clamps);
}

}  // namespace q50::strategy

namespace q50::checkpoint {
namespace {

// Reads the body in place (no copy of the bytes into a stringstream).
class ViewBuf : public std::streambuf {
 public:
  explicit ViewBuf(std::string_view bytes) {
    char* p = const_cast<char*>(bytes.data());  // NOLINT: read-only get area
    setg(p, p, p + bytes.size());
  }
};

// The archive of State, member by member; FeatureStream travels as its Snapshot.
template <class Archive>
void archive_state(Archive& ar, FeatureStream::Snapshot& features, strategy::State& s) {
  ar(features, s.signal, s.cash, s.position, s.last_close, s.kill_switch, s.in_flight,
     s.next_order_id, s.counters);
}

}  // namespace

std::string encode_strategy_state(const strategy::State& state) {
  std::ostringstream body(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive ar(body);
    strategy::State copy = state;
    FeatureStream::Snapshot features = state.features.snapshot();
    archive_state(ar, features, copy);
  }
  return seal_checkpoint(CheckpointKind::kStrategyState, kStrategyStateVersion,
                         std::move(body).str());
}

absl::StatusOr<strategy::State> decode_strategy_state(std::string_view bytes,
                                                      const std::string& source) {
  auto body = open_checkpoint(bytes, CheckpointKind::kStrategyState, kStrategyStateVersion, source);
  if (!body.ok()) return body.status();
  ViewBuf buffer(*body);
  std::istream in(&buffer);
  strategy::State state;
  FeatureStream::Snapshot features;
  try {
    cereal::PortableBinaryInputArchive ar(in);
    archive_state(ar, features, state);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(source + ": unparsable strategy checkpoint: " + e.what());
  }
  if (in.peek() != std::char_traits<char>::eof()) {
    return absl::InvalidArgumentError(source + ": trailing bytes after the strategy checkpoint");
  }
  state.features = FeatureStream::from_snapshot(features);
  return state;
}

}  // namespace q50::checkpoint
