#ifndef Q50SIM_SIM_LEGACY_REPLAY_H_
#define Q50SIM_SIM_LEGACY_REPLAY_H_

#include <climits>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/legacy/strategy.h"
#include "sim/event_queue.h"
#include "sim/legacy/venue.h"
#include "core/prng.h"

// The simulator loop of the legacy replay profiles: bars enter the EventQueue as market data,
// the strategy's step() turns every event into commands, orders go to the venue, the venue's
// responses come back through the queue (Priority::kVenueResponse), every event and command is
// journaled as one canonical line (FNV-1a fingerprint), and invariants are checked after every
// event (always-on Q50_CHECKs: a failure is a bug in this code, not bad input).
//
// Event order: bar i is scheduled when bar i-1 is processed (the market data source streams,
// so the queue stays small); a venue response is stamped ts + latency, so with the legacy
// zero latency it leaves the queue right after its bar and before bar i+1 (a later ts). After
// the last bar an end-of-data control event (Priority::kControl, the last bar's ts) lets the
// strategy close what is open (BACKTEST_END). The HB strategy keeps at most one order in
// flight, so a latency longer than a bar is a programmer error here.
//
// Invariants checked after every event:
//  - time never runs backwards (event ts >= previous event ts);
//  - with no order in flight, the strategy's mirror of the account equals the venue's
//    ledger, bit for bit;
//  - every recorded portfolio value equals cash + position * price in the ledger's own
//    float64 arithmetic, and every trade's balance/position after equals the ledger's;
//  - a fill never exceeds its order's quantity (legacy fills are always complete);
//  - QB: the recorded portfolio value is the strategy's capital, |position| <= position_limit.
//
// The legacy profiles draw nothing from the PRNG, so the fingerprint does not depend on the
// seed; it is printed so that a run can be replayed with the same command line.
//
// Checkpoints: run_replay_until stops after the K-th event (all of its commands executed and
// its invariants checked) and returns a ReplayState; resume_replay continues from one. A
// resumed run processes the same events in the same order with the same state, so its
// fingerprint and records equal the uninterrupted run's (tests/sim/replay_checkpoint_prop_test).
// sim/checkpoint.h turns a ReplayState into bytes and back.

namespace q50::sim {

struct ReplayConfig {
  legacy::StrategyParams params;
  LegacyVenueConfig venue;  // HB only; initial_cash is the strategy's starting cash too
  bool keep_journal_text = false;
};

struct ReplayResult {
  std::vector<legacy::HbBarRecord> hb_bars;
  std::vector<legacy::HbTradeRecord> hb_trades;
  std::vector<legacy::HbHoldRecord> hb_holds;
  std::vector<legacy::QbRowRecord> qb_rows;
  double final_cash = 0;      // HB: the venue's ledger after BACKTEST_END
  double final_position = 0;  // HB
  std::uint64_t fingerprint = 0;
  std::uint64_t events = 0;
  std::string journal_text;  // only with keep_journal_text
};

// The event queue's payload: which bar, the venue's answer, or the end of the data.
struct ReplayEvent {
  enum class Kind : std::uint8_t { kBar, kVenue, kEnd };
  Kind kind = Kind::kBar;
  std::uint64_t bar = 0;  // kBar: index into the run's bars
  LegacyVenueEvent venue;  // kVenue
};

// Everything the simulator needs to continue a run: the state after `so_far.events` events.
// The bars and the ReplayConfig are not part of it; they come from the run's input files
// (sim/checkpoint.h pins those files by hash).
struct ReplayState {
  legacy::StrategyState strategy;
  LegacyVenueLedger venue;
  std::vector<EventQueue<ReplayEvent>::Entry> queue;  // in pop order
  TimestampNs queue_now_ns = INT64_MIN;
  std::uint64_t queue_next_seq = 0;
  std::uint64_t journal_hash = kFnvOffset;
  std::uint64_t journal_lines = 0;
  TimestampNs last_ts_ns = INT64_MIN;
  double order_qty = 0;  // the order in flight (checked against its fill)
  // The records written so far and `events`; the other members are unused here.
  ReplayResult so_far;
};

// Runs bars (non-empty, timestamps strictly increasing, indices 0..n-1; checked) through the
// simulator.
ReplayResult run_replay(std::span<const legacy::MarketBar> bars, const ReplayConfig& config);

// One run of run_replays: its bars (as run_replay's) and its config (not owned).
struct ReplayJob {
  std::span<const legacy::MarketBar> bars;
  const ReplayConfig* config = nullptr;
};

// Several runs in this thread, each with the same result as run_replay(job.bars, *job.config),
// fingerprint included. The runs advance in rounds of a few hundred events each; every run
// writes its journal's text during a round, and the texts are then hashed side by side
// (core/fnv_lanes.h). Byte-wise FNV-1a is one serial multiply chain per journal, about half
// of a run's time when hashed alone; several journals' chains overlap. This is how a thread
// of a sweep runs its points (runner/sweep_replay.cc). A job that keeps its journal text is
// hashed as run_replay would, in the same rounds.
std::vector<ReplayResult> run_replays(std::span<const ReplayJob> jobs);

// Runs the first `events` (>= 1) events of the same run and returns the state there, or
// OutOfRangeError naming the run's event count when it has fewer events.
absl::StatusOr<ReplayState> run_replay_until(std::span<const legacy::MarketBar> bars,
                                             const ReplayConfig& config, std::uint64_t events);

// Continues a run from `state` (made by run_replay_until with the same bars and config) to its
// end. The result's records include those of `state`; its journal_text (keep_journal_text)
// holds only the lines written after the resume. A state that cannot belong to these bars
// (a bar index out of range, an event before the queue's time) is InvalidArgumentError.
absl::StatusOr<ReplayResult> resume_replay(std::span<const legacy::MarketBar> bars,
                                           const ReplayConfig& config, ReplayState state);

}  // namespace q50::sim

#endif  // Q50SIM_SIM_LEGACY_REPLAY_H_
