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
#include <cereal/types/string.hpp>
#include <cereal/types/variant.hpp>
#include <cereal/types/vector.hpp>

#include "core/check.h"
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
  ar(p.active, p.purpose, p.signal, p.bar);
}

template <class Archive>
void serialize(Archive& ar, HbState& s) {
  ar(s.cash, s.position, s.entry_price, s.has_prev, s.prev_price, s.last_price, s.ended,
     s.pending);
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
  ar(t.ts_ns, t.buy, t.purpose, t.signal, t.quantity, t.price, t.fee_cost, t.slippage_cost,
     t.position_before, t.position_after, t.balance_after, t.pnl, t.entry_price);
}

template <class Archive>
void serialize(Archive& ar, HbBarRecord& b) {
  ar(b.ts_ns, b.price, b.signal, b.traded, b.hold_reason, b.balance, b.position,
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
  ar(l.cash, l.position, l.has_bar, l.bar_ts_ns, l.mark_price);
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
// when the run ends.
template <class Archive>
void serialize(Archive& ar, ReplayState& s) {
  ar(s.strategy, s.venue, s.queue, s.queue_now_ns, s.queue_next_seq, s.journal_hash,
     s.journal_lines, s.last_ts_ns, s.order_qty);
  ar(s.so_far.hb_bars, s.so_far.hb_trades, s.so_far.hb_holds, s.so_far.qb_rows,
     s.so_far.events);
}

template <class Archive>
void serialize(Archive& ar, CheckpointHeader& h) {
  ar(h.profile, h.input_hash, h.config_hash, h.seed);
}

namespace {

std::string hex(std::uint64_t v) {
  std::array<char, 17> buf{};
  for (int i = 15; i >= 0; --i) {
    buf[static_cast<std::size_t>(i)] = "0123456789abcdef"[v & 0xfU];
    v >>= 4;
  }
  return std::string(buf.data(), 16);
}

// Reads a string_view in place: the body is parsed without another copy of it.
class ViewBuffer : public std::streambuf {
 public:
  explicit ViewBuffer(std::string_view bytes) {
    char* begin = const_cast<char*>(bytes.data());  // get area only: never written through
    setg(begin, begin, begin + bytes.size());
  }
};

absl::Status corrupt(const std::string& source, const std::string& what) {
  return absl::InvalidArgumentError(source + ": corrupt checkpoint: " + what);
}

}  // namespace

std::string encode_checkpoint(const ReplayCheckpoint& checkpoint) {
  std::ostringstream body(std::ios::binary);
  try {
    cereal::PortableBinaryOutputArchive ar(body);
    // cereal's output archives pass const objects to the (non-const) serialize functions.
    ar(checkpoint.header, checkpoint.state);
  } catch (const std::exception& e) {
    // Writing into memory cannot fail short of exhausting it.
    Q50_CHECK(false, e.what());
  }
  return checkpoint::seal_checkpoint(checkpoint::CheckpointKind::kLegacyReplay, kCheckpointVersion,
                         std::move(body).str());
}

absl::StatusOr<ReplayCheckpoint> decode_checkpoint(std::string_view bytes,
                                                   const std::string& source) {
  auto body = checkpoint::open_checkpoint(bytes, checkpoint::CheckpointKind::kLegacyReplay, kCheckpointVersion, source);
  if (!body.ok()) return body.status();
  ReplayCheckpoint out;
  ViewBuffer buffer(*body);
  std::istream in(&buffer);
  try {
    cereal::PortableBinaryInputArchive ar(in);
    ar(out.header, out.state);
  } catch (const std::exception& e) {
    return corrupt(source, e.what());
  }
  if (in.peek() != std::char_traits<char>::eof()) {
    return corrupt(source, "trailing bytes after the state");
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
  if (checkpoint.input_hash != run.input_hash) {
    return refuse("input file", "FNV-1a " + hex(checkpoint.input_hash),
                  "FNV-1a " + hex(run.input_hash));
  }
  if (checkpoint.config_hash != run.config_hash) {
    return refuse("config file", "FNV-1a " + hex(checkpoint.config_hash),
                  "FNV-1a " + hex(run.config_hash));
  }
  if (checkpoint.seed != run.seed) {
    return refuse("seed", std::to_string(checkpoint.seed), std::to_string(run.seed));
  }
  return absl::OkStatus();
}

}  // namespace q50::sim
