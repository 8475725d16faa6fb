#ifndef Q50SIM_SIM_ENGINE_H_
#define Q50SIM_SIM_ENGINE_H_

// The simulator's driver: one run of the shared runtime (core/runtime.h: the strategy users run
// inside its order lifecycle) against the mock exchange behind the venue port
// (sim/sim_venue.h), from a deterministic event queue. The live node (live/) drives the same
// runtime from a wall-clock loop; what only the simulator has lives here: the queue and its
// clock, the market the venue matches on, fault injection (a faulty venue and a faulty feed
// wrapping the ports, sim/faulty_venue.h and sim/faulty_feed.h; a simulated process crash),
// the journal and the invariant checker.
//
// Event order (EventQueue: ts_ns, then Priority, then insertion): the queue always holds the
// next market bar (pulled from a streaming source one at a time, so memory is flat in the
// stream's length) and the venue's pending responses. A bar at ts:
//   1. fault windows advance to it (only with faults);
//   2. the venue sees it first (resting orders match); what that produces is queued at ts as
//      kVenueResponse, so the strategy sees the bar before those fills (market data before
//      venue responses at equal time);
//   3. the signal source is asked for the bar's signal; bar and signal go to the runtime
//      (through the faulty feed when there are faults);
//   4. the runtime's commands run in order: an order goes to the venue at the current time
//      (its answers are queued at their arrival time), records go to the journal and sink;
//   5. the invariant checker.
// A venue response goes to the journal and the sink, then to the runtime. Queries (order
// status, account) are answered by the venue at once and fed back to the runtime in the same
// step. After the last bar the queue drains, so an order in flight still gets its answer.
//
// Units at the boundary: bar prices become e8 rounded to nearest (ties to even), volume e8
// rounded down; orders are rounded by the runtime (core/runtime.h); fills reach the strategy
// as doubles (to_double, exact below 2^53 e8 units).
//
// Determinism: the fingerprint is the FNV-1a hash of one compact binary line per event
// (sim/journal.h BinaryLine), so hashing costs no text formatting. Lines: 'B' a bar with the
// signal it was given and what the strategy made of it (ts, close_e8, match kind, q50 bits,
// side, tier, flags); 'O' an order sent (client id, side, qty_e8); 'L' an order rounded to
// nothing; 'V' a venue response (kind, ts, ids and every amount); keep_journal_text also keeps
// a readable line per event (integers only), whose own hash is not the fingerprint. Only runs
// with faults add fault lines (tag, kind, ts, detail): 'F' window opened, 'C' closed, 'M' bar
// withheld, 'D' duplicate/out-of-order bar or signal rows dropped, 'K' a skewed stamp clamped,
// 'S' strategy restarted, 'R' reconciled to the venue; a run without faults hashes exactly
// what it did before fault injection existed (tests/sim/engine_test.cc pins it). The venue's
// latency draws come from Prng(seed).fork("latency"); the synthetic sources use
// Prng(seed).fork("market"), fork("market-ohlcv") and fork("forecaster").
//
// Range. Before the venue sees a bar, and before an order reaches it, the engine checks the
// bar, the account and the order against the bounds of core/limits.h (sim/range_guard.h); a
// run that would leave them stops there with EngineSummary::stopped set, never with an
// overflow. Input within bounds never trips an invariant below: a trip is a bug in q50sim.
//
// Invariants (checked after every event when check_invariants; a failure aborts naming it):
// time never decreases; in spot mode no balance (free or locked, base or quote) is negative; a
// fill never takes an order beyond its quantity; the runtime never reports an anomaly; the
// order the runtime has in flight is the order the venue has not finished answering; and
// whenever no order is in flight: the venue's balances equal the fills it reported, the
// runtime's e8 ledger equals them too, cash + position * mark == equity holds in e8 integers,
// the strategy's position mirror equals the venue's position to the 1e-8 unit and its cash
// and equity agree within 1e-6 + 1e-9 * |equity| quote plus the rounding the double mirror can
// have accumulated since it last took the venue's balances (2^-52 of every amount it added). While
// the strategy is down or adopting an order after a restart, only the venue is checked against
// its fills.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/ports/market_source.h"
#include "core/ports/signal_source.h"
#include "core/ports/sink.h"
#include "core/runtime.h"
#include "core/strategy.h"
#include "sim/exchange.h"
#include "sim/fault_schedule.h"
#include "sim/journal.h"
#include "sim/scenario.h"

namespace q50::sim {

// A bar as the mock exchange matches on it: prices to the nearest e8, volume down to the e8.
// The engine converts every bar here; the mock venue (mockvenue/) must match on the same bars.
Bar to_venue_bar(const strategy::Bar& b);

struct EngineConfig {
  std::uint64_t seed = 1;  // the run's root PRNG seed (only the latency stream is drawn here)
  ExchangeConfig exchange;
  // The strategy's initial_cash and initial_position are overwritten from
  // exchange.account (one source of truth for the opening balances).
  strategy::Params strategy;
  bool keep_journal_text = false;
  // With keep_journal_text: the readable lines go here as they are made (and journal_text()
  // stays empty) instead of into memory.
  JournalTextSink* journal_sink = nullptr;
  bool check_invariants = true;
  // Faults injected into the run (sim/faults.h documents each kind's semantics). Points and
  // windows as the scenario gives them: bar indices count the bars the market source
  // delivers (0 = the first), times are simulated ns.
  std::vector<Fault> faults;
  // The strategy checkpoints its state every this many bars (0 = never: a process_crash
  // restarts from the initial state). Only consulted when a process_crash is configured.
  std::int64_t checkpoint_every_bars = 24;
};

struct EngineSummary {
  std::int64_t bars = 0;
  std::int64_t events = 0;  // events popped from the queue
  std::int64_t orders = 0;  // sent to the venue
  std::int64_t accepted = 0;
  std::int64_t fills = 0;
  std::int64_t orders_ended = 0;  // expired or canceled
  std::int64_t lot_rejects = 0;   // rounded to 0 at the boundary, never sent
  // Orders that reached their terminal event (filled, rejected, expired or canceled), each
  // counted once. No order is lost or duplicated: orders == orders_closed + order_open_at_end,
  // checked at the end of every run (a programmer error otherwise).
  std::int64_t orders_closed = 0;
  bool order_open_at_end = false;  // the last order got no terminal event (e.g. no next bar)
  std::map<RejectCode, std::int64_t> venue_rejects;  // by code
  strategy::Counters strategy;                          // incl. risk rejects/clamps by reason
  std::int64_t fees_e8 = 0;
  std::int64_t slippage_e8 = 0;
  std::int64_t final_quote_e8 = 0;
  std::int64_t final_position_e8 = 0;
  std::int64_t final_mark_e8 = 0;
  std::int64_t final_equity_e8 = 0;  // quote + position * mark, rounded to nearest
  std::uint64_t fingerprint = 0;
  std::uint64_t journal_lines = 0;
  std::int64_t invariant_checks = 0;
  std::int64_t invariant_violations = 0;  // always 0: a violated invariant aborts the run
  // The strategy's own view at the end (its position mirror), for reconciliation checks.
  std::int64_t final_strategy_position_e8 = 0;
  bool strategy_up_at_end = true;  // false: crashed and not yet restarted/reconciled
  runtime::Counters runtime;        // the runtime's lifecycle counters at the end
  std::map<FaultKind, FaultStats> faults;  // kinds configured in EngineConfig::faults
  std::vector<FaultEvent> fault_log;       // by window opening
  // Why the run stopped before the end of its market (empty: it ran to the end): the market or
  // the account was about to leave the range the venue's arithmetic is exact in
  // (sim/range_guard.h), e.g. "at bar 812 (2024-02-03 20:00:00): the bar's close 1.2e9 is
  // outside the price range [1e-06, 1e9]". The other fields then describe the run up to there.
  std::string stopped;
};

// Runs one simulation. The exchange config must be valid (validate_exchange_config; checked);
// its latency.stream_seed is replaced by Prng(seed).fork("latency").seed().
class Engine {
 public:
  explicit Engine(EngineConfig config);

  // Streams every bar of `market` through venue and strategy, then drains the queue.
  // One run per Engine (a second call is a programmer error).
  EngineSummary run(ports::MarketSource& market, ports::SignalSource& signals, ports::Sink& sink);

  // The readable journal (empty unless keep_journal_text).
  const std::string& journal_text() const { return text_.text(); }

 private:
  class Simulation;
  EngineConfig config_;
  Journal text_;
  bool ran_ = false;
};

}  // namespace q50::sim

#endif  // Q50SIM_SIM_ENGINE_H_
