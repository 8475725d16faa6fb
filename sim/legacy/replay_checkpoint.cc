#include "sim/legacy/replay_checkpoint.h"

#include "checkpoint/envelope.h"

#include <array>
#include <cstring>
#include <exception>
#include <istream>
#include <sstream>
#include <streambuf>
#include <string>
#include <utility>

#include <cereal/archives/portable_binary.hpp>
#include <cereal/cereal.hpp>
#include <cereal/types/array.hpp>
#include <cereal/types/variant.hpp>
#include <cereal/types/vector.hpp>

#include "core/check.h"
#include "checkpoint/cereal_guard.h"
#include "core/prng.h"

// cereal finds these by argument-dependent lookup, so each lives in its type's namespace.
// Every member of every struct is listed, in declaration order; a member added to one of
// these structs must be added here (and kCheckpointVersion bumped), or a resumed run would
// silently start from its default — the checkpoint property test would then fail.

namespace q50::legacy {

template <class Archive>
void serialize(Archive& ar, MarketBar& b) {
  ar(b.ts_ns, b.index, b.price, b.q10, b.q50, b.q90, b.side, b.signal_tier, b.signal_thresh,
     b.truth);
}

template <class Archive>
void serialize(Archive& ar, HbSignal& s) {
  ar(s.direction, s.target_pct, s.confidence, s.prob_up, s.prob_down_adj, s.prob_neutral,
     s.prob_up_adj);
}

template <class Archive>
void serialize(Archive& ar, HbPending& p) {
  ar(checkpoint::flag(p.active), p.purpose, p.signal, p.bar);
}

template <class Archive>
void serialize(Archive& ar, HbState& s) {
  ar(s.cash, s.position, s.entry_price, checkpoint::flag(s.has_prev), s.prev_price,
     s.last_price, checkpoint::flag(s.ended), s.pending);
}

template <class Archive>
void serialize(Archive& ar, QbState& s) {
  ar(s.capital, s.position, s.cumulative_pnl, s.peak, s.bars);
}

template <class Archive>
void serialize(Archive& ar, StrategyState& s) {
  ar(s.hb, s.qb);
}

template <class Archive>
void serialize(Archive& ar, HbHoldRecord& h) {
  ar(h.ts_ns, h.reason, h.position, h.price, h.portfolio_value);
}

template <class Archive>
void serialize(Archive& ar, HbTradeRecord& t) {
  ar(t.ts_ns, checkpoint::flag(t.buy), t.purpose, t.signal, t.quantity, t.price, t.fee_cost, t.slippage_cost,
     t.position_before, t.position_after, t.balance_after, t.pnl, t.entry_price);
}

template <class Archive>
void serialize(Archive& ar, HbBarRecord& b) {
  ar(b.ts_ns, b.price, b.signal, checkpoint::flag(b.traded), b.hold_reason, b.balance, b.position,
     b.portfolio_value, b.pnl);
}

template <class Archive>
void serialize(Archive& ar, QbRowRecord& q) {
  ar(q.ts_ns, q.side, q.position_before, q.position_after, q.spread, q.prob_down,
     q.prob_neutral, q.prob_up, q.tier, q.tier_confidence, q.pnl, q.cumulative_pnl, q.fee_cost,
     q.slippage_cost, q.portfolio_value, q.drawdown);
}

}  // namespace q50::legacy

namespace q50::sim {

template <class Archive>
void serialize(Archive& ar, LegacyFill& f) {
  ar(f.ts_ns, f.qty, f.price, f.fee, f.slippage, f.cash_after, f.position_after);
}

template <class Archive>
void serialize(Archive& ar, LegacyReject& r) {
  ar(r.ts_ns, r.qty, r.cost, r.cash);
}

template <class Archive>
void serialize(Archive& ar, LegacyVenueLedger& l) {
  ar(l.cash, l.position, checkpoint::flag(l.has_bar), l.bar_ts_ns, l.mark_price);
}

template <class Archive>
void serialize(Archive& ar, ReplayEvent& e) {
  ar(e.kind, e.bar, e.venue);
}

template <class Archive>
void serialize(Archive& ar, EventQueue<ReplayEvent>::Entry& e) {
  ar(e.ts_ns, e.priority, e.seq, e.payload);
}

// Only the records and the event count of so_far: the rest of a ReplayResult is computed
// when the run ends. The minimum sizes count each record's fixed fields (8 bytes per number,
// 1 per flag or enum).
template <class Archive>
void serialize(Archive& ar, ReplayState& s) {
  using checkpoint::bounded;
  ar(s.strategy, s.venue, bounded(s.queue, 20), s.queue_now_ns, s.queue_next_seq,
     s.journal_hash, s.journal_lines, s.last_ts_ns, s.order_qty);
  ar(bounded(s.so_far.hb_bars, 40), bounded(s.so_far.hb_trades, 80),
     bounded(s.so_far.hb_holds, 24), bounded(s.so_far.qb_rows, 100), s.so_far.events);
}

// The digests travel as 64 fixed characters, so no length field can be tampered with.
template <class Archive>
void serialize(Archive& ar, CheckpointHeader& h) {
  std::array<char, 64> input{};
  std::array<char, 64> config{};
  h.input_sha256.copy(input.data(), input.size());
  h.config_sha256.copy(config.data(), config.size());
  ar(h.profile, input, config, h.seed);
  h.input_sha256.assign(input.data(), strnlen(input.data(), input.size()));
  h.config_sha256.assign(config.data(), strnlen(config.data(), config.size()));
}

namespace {

// The first 16 hex digits of a digest, enough to tell two files apart in a message.
std::string short_digest(const std::string& sha256) {
  return "SHA-256 " + sha256.substr(0, 16) + (sha256.size() > 16 ? "..." : "");
}

// The portable binary bytes of one value: equal bytes iff equal values, bit for bit (doubles
// by their IEEE bits, NaN payloads included).
template <typename T>
std::string bytes_of(const T& value) {
  std::ostringstream out(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive ar(out);
    T copy = value;  // cereal's output archives take non-const references here
    ar(copy);
  }
  return std::move(out).str();
}

absl::Status corrupt(const std::string& source, const std::string& what) {
  return absl::InvalidArgumentError(source + ": corrupt checkpoint: " + what);
}

}  // namespace

std::string encode_checkpoint(const ReplayCheckpoint& checkpoint) {
  return checkpoint::seal_checkpoint(checkpoint::CheckpointKind::kLegacyReplay, kCheckpointVersion,
                                     checkpoint::write_body(checkpoint.header, checkpoint.state));
}

absl::StatusOr<ReplayCheckpoint> decode_checkpoint(std::string_view bytes,
                                                   const std::string& source) {
  auto body = checkpoint::open_checkpoint(bytes, checkpoint::CheckpointKind::kLegacyReplay, kCheckpointVersion, source);
  if (!body.ok()) return body.status();
  ReplayCheckpoint out;
  if (const std::optional<checkpoint::BodyError> e =
          checkpoint::read_body(*body, out.header, out.state)) {
    return corrupt(source, e->trailing ? "trailing bytes after the state" : e->message);
  }
  return out;
}

absl::Status check_same_run(const CheckpointHeader& checkpoint, const CheckpointHeader& run,
                            const std::string& source) {
  const auto refuse = [&](const std::string& what, const std::string& had,
                          const std::string& have) {
    return absl::FailedPreconditionError(source + ": checkpoint was made with another " + what +
                                         " (" + had + "; this run: " + have +
                                         "); refusing to resume");
  };
  if (checkpoint.profile != run.profile) {
    return refuse("profile", std::string(legacy::profile_name(checkpoint.profile)),
                  std::string(legacy::profile_name(run.profile)));
  }
  if (checkpoint.input_sha256 != run.input_sha256) {
    return refuse("input file", short_digest(checkpoint.input_sha256),
                  short_digest(run.input_sha256));
  }
  if (checkpoint.config_sha256 != run.config_sha256) {
    return refuse("config file", short_digest(checkpoint.config_sha256),
                  short_digest(run.config_sha256));
  }
  if (checkpoint.seed != run.seed) {
    return refuse("seed", std::to_string(checkpoint.seed), std::to_string(run.seed));
  }
  return absl::OkStatus();
}

absl::Status verify_checkpoint_state(std::span<const legacy::MarketBar> bars,
                                     const ReplayConfig& config, const ReplayState& state,
                                     const std::string& source) {
  const auto refuse = [&](const std::string& what) {
    return absl::InvalidArgumentError(source + ": " + what + "; refusing to resume");
  };
  const std::uint64_t events = state.so_far.events;
  if (events == 0) return refuse("the checkpoint claims no processed event");
  auto replayed = run_replay_until(bars, config, events);
  if (!replayed.ok()) {
    return refuse("the checkpoint claims " + std::to_string(events) +
                  " events, more than this run has (" + std::string(replayed.status().message()) +
                  ")");
  }
  const ReplayState& r = *replayed;
  const std::pair<const char*, bool> parts[] = {
      {"its strategy state differs", bytes_of(state.strategy) == bytes_of(r.strategy)},
      {"its venue ledger (cash, position, mark) differs", bytes_of(state.venue) == bytes_of(r.venue)},
      {"its event queue differs", bytes_of(state.queue) == bytes_of(r.queue) &&
                                      state.queue_now_ns == r.queue_now_ns &&
                                      state.queue_next_seq == r.queue_next_seq},
      {"its journal (fingerprint, line count) differs",
       state.journal_hash == r.journal_hash && state.journal_lines == r.journal_lines},
      {"its time of the last event differs", state.last_ts_ns == r.last_ts_ns},
      {"its order in flight differs", bytes_of(state.order_qty) == bytes_of(r.order_qty)},
      {"its bar records differ", bytes_of(state.so_far.hb_bars) == bytes_of(r.so_far.hb_bars)},
      {"its trade records differ", bytes_of(state.so_far.hb_trades) == bytes_of(r.so_far.hb_trades)},
      {"its hold records differ", bytes_of(state.so_far.hb_holds) == bytes_of(r.so_far.hb_holds)},
      {"its quantile trade records differ",
       bytes_of(state.so_far.qb_rows) == bytes_of(r.so_far.qb_rows)},
  };
  for (const auto& [what, same] : parts) {
    if (!same) {
      return refuse("the checkpoint does not match the run it claims to continue: " +
                    std::string(what) + " from the replay to event " + std::to_string(events));
    }
  }
  return absl::OkStatus();
}

}  // namespace q50::sim
