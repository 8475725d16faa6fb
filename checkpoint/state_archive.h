#ifndef Q50SIM_CHECKPOINT_STATE_ARCHIVE_H_
#define Q50SIM_CHECKPOINT_STATE_ARCHIVE_H_

// cereal archive functions of the core's state types (the strategy's State, the runtime's
// State and their parts), for the codecs that put them into checkpoints: the strategy state
// (checkpoint/strategy_state.h) and a live node's state file. cereal finds them by
// argument-dependent lookup, so each lives in its type's namespace. Every member of every
// struct is listed in declaration order; a member added to one of these types must be added
// here and the version of every codec that carries it bumped, or a restart would silently
// start it from its default (the round-trip tests fail first).

#include <cereal/cereal.hpp>
#include <cereal/types/array.hpp>

#include "checkpoint/cereal_guard.h"
#include "core/qlib_features.h"
#include "core/risk.h"
#include "core/runtime.h"
#include "core/strategy.h"

namespace q50 {

template <class Archive>
void serialize(Archive& ar, FeatureStream::Snapshot& s) {
  ar(s.returns, s.count, s.prev_close, s.prev_std, checkpoint::flag(s.prev_std_valid));
}

template <class Archive>
void serialize(Archive& ar, KillSwitch& k) {
  ar(k.peak_equity, checkpoint::flag(k.tripped));
}

}  // namespace q50

namespace q50::strategy {

template <class Archive>
void serialize(Archive& ar, SignalUpdate& u) {
  ar(u.ts_ns, u.q10, u.q50, u.q90, u.match);
}

template <class Archive>
void serialize(Archive& ar, PendingSignal& p) {
  ar(checkpoint::flag(p.present), p.update);
}

template <class Archive>
void serialize(Archive& ar, InFlight& f) {
  ar(checkpoint::flag(f.active), f.order_id, f.qty, f.filled);
}

template <class Archive>
void serialize(Archive& ar, Counters& c) {
  ar(c.bars, c.signals, c.stale_signals, c.signals_used, c.bars_waiting, c.orders, c.fills,
     c.venue_rejects, c.orders_ended, c.below_lot, c.below_rebalance, c.risk_rejects,
     c.risk_clamps);
}

// The FeatureStream travels as its Snapshot (its members are private).
template <class Archive>
void save(Archive& ar, const State& s) {
  FeatureStream::Snapshot features = s.features.snapshot();
  ar(features, s.signal, s.cash, s.position, s.last_close, s.kill_switch, s.in_flight,
     s.next_order_id, s.counters);
}

template <class Archive>
void load(Archive& ar, State& s) {
  FeatureStream::Snapshot features;
  ar(features, s.signal, s.cash, s.position, s.last_close, s.kill_switch, s.in_flight,
     s.next_order_id, s.counters);
  s.features = FeatureStream::from_snapshot(features);
}

}  // namespace q50::strategy

namespace q50::runtime {

template <class Archive>
void serialize(Archive& ar, Order& o) {
  ar(checkpoint::flag(o.active), o.client_id, checkpoint::flag(o.buy), o.asked_e8, o.acked_e8, o.filled_e8, o.decided_ts_ns,
     o.order_id, o.bars_open, o.phase);
}

template <class Archive>
void serialize(Archive& ar, OrderLog& l) {
  ar(l.last_client_id, l.in_flight);
}

template <class Archive>
void serialize(Archive& ar, Ledger& l) {
  ar(l.quote_e8, l.base_e8);
}

template <class Archive>
void serialize(Archive& ar, Counters& c) {
  ar(c.unknown_outcomes, c.resends, c.cancels, c.reconciliations, c.anomalies);
}

template <class Archive>
void serialize(Archive& ar, State& s) {
  ar(s.strategy, s.orders, s.ledger, s.mode, s.mark_e8, s.counters);
}

}  // namespace q50::runtime

#endif  // Q50SIM_CHECKPOINT_STATE_ARCHIVE_H_
