#ifndef Q50SIM_SIM_ENGINE_H_
#define Q50SIM_SIM_ENGINE_H_

// The simulator's event loop for the native Q50 strategy (core/q50_strategy.h) against the
// fixed-point mock exchange (sim/exchange.h).
//
// Event order (EventQueue: ts_ns, then Priority, then insertion): the queue always holds the
// next market bar (pulled from a streaming source one at a time, so memory is flat in the
// stream's length) and the venue's pending responses. A bar at ts:
//   1. the venue sees it first (exchange.on_bar: resting orders match); what that produces is
//      queued at ts as kVenueResponse, so the strategy sees the bar before those fills
//      (market data before venue responses at equal time);
//   2. the signal source is asked for the bar's signal; a match becomes a SignalUpdate;
//   3. the strategy steps on the Bar; a SubmitOrder goes to the venue at ts (its responses
//      are queued at their arrival time), the BarRecord to the sink;
//   4. one journal line, then the invariant checker.
// A venue response steps the strategy (Filled/Rejected/Ended; OrderAccepted only journals).
// After the last bar the queue drains, so an order in flight still gets its answer.
//
// Units at the boundary (core doubles <-> venue int64 1e-8 fixed point, sim/fixed_point.h):
//   bar prices  -> e8 rounded to nearest (ties to even): the market's data, no side to favour;
//   bar volume  -> e8 rounded down;
//   order qty   -> e8 rounded to nearest (the core already rounded TOWARD ZERO to its lot,
//                  this only removes binary noise such as 0.29999999999999999), then DOWN to
//                  the instrument's step size, so the venue never gets more than the core
//                  asked for. An order that rounds to 0 is answered as a reject by the engine
//                  itself (counted in lot_rejects), never sent;
//   fills       -> doubles with to_double (exact for amounts below 2^53 e8 units).
//
// Determinism: the fingerprint is Journal's FNV-1a over one compact binary line per event
// (fixed-width little-endian fields written byte by byte, doubles by their bit pattern), so
// hashing costs no text formatting. Lines: 'B' a bar with the signal it was given and what the
// strategy made of it (ts, close_e8, match kind, q50 bits, side, tier, flags); 'O' an order
// sent (client id, side, qty_e8); 'L' an order rounded to nothing; 'V' a venue response
// (kind, ts, ids and every amount); keep_journal_text additionally keeps a readable line per
// event (integers only), whose own hash is not the fingerprint. Only runs with faults add
// fault lines (tag, kind, ts, detail): 'F' window opened, 'C' closed, 'M' bar withheld, 'D'
// duplicate/out-of-order bar or signal rows dropped, 'K' a skewed stamp clamped, 'S' strategy
// restarted, 'R' reconciled to the venue; a run without faults hashes exactly what it did
// before fault injection existed (tests/sim/engine_test.cc pins it). The venue's latency draws
// come from Prng(seed).fork("latency"); the synthetic sources use Prng(seed).fork("market"),
// fork("market-ohlcv") and fork("forecaster") (SyntheticMarketParams/ForecasterParams.seed).
//
// Invariants (checked after every event when check_invariants; a failure aborts with the
// event number): time never decreases; in spot mode no balance (free or locked, base or
// quote) is negative; a fill never takes an order beyond its quantity and the fills of an
// order add up to its filled quantity; and whenever no order is in flight the engine's own
// ledger of the fills it delivered equals the venue's balances, cash + position * mark ==
// equity holds in e8 integers against the venue's balances, the strategy's position mirror
// equals the venue's position to the 1e-8 unit and its cash and equity agree within 1e-6 +
// 1e-9 * |equity| quote (double rounding of the mirror).

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/strategy.h"
#include "core/signal_lookup.h"
#include "core/timestamp.h"
#include "sim/exchange.h"
#include "sim/journal.h"
#include "sim/market_stream.h"
#include "sim/scenario.h"
#include "sim/synthetic_market.h"

namespace q50::sim {

// Market data port. Bar times must strictly increase (the engine checks).
class MarketSource {
 public:
  virtual ~MarketSource() = default;
  // The next bar; false at the end of the stream.
  virtual bool next(strategy::Bar& bar) = 0;
};

struct SignalSample {
  SignalMatchKind kind = SignalMatchKind::kNone;
  double q10 = 0;
  double q50 = 0;
  double q90 = 0;
};

// Signal port: asked once per bar, in bar order.
class SignalSource {
 public:
  virtual ~SignalSource() = default;
  virtual SignalSample at(TimestampNs bar_ts_ns) = 0;
};

// In-memory signal rows (e.g. io::SignalFile's ts_ns/q10/q50/q90 columns) looked up with the
// rule of core/signal_lookup.h. The spans must outlive the source and have equal lengths.
class RowSignalSource final : public SignalSource {
 public:
  RowSignalSource(std::span<const TimestampNs> ts_ns, std::span<const double> q10,
                  std::span<const double> q50, std::span<const double> q90,
                  const SignalLookupRule& rule);
  SignalSample at(TimestampNs bar_ts_ns) override;

 private:
  SignalCursor cursor_;
  std::span<const double> q10_;
  std::span<const double> q50_;
  std::span<const double> q90_;
};

// The streaming synthetic market (MarketStream) and its forecaster (SyntheticFeed) as both
// ports: at(ts) gives the forecast of the bar last returned by next() (kExact), else kNone.
class SyntheticSource final : public MarketSource, public SignalSource {
 public:
  SyntheticSource(const SyntheticMarketParams& market, const ForecasterParams& forecaster,
                  OhlcvShape shape = {});
  bool next(strategy::Bar& bar) override;
  SignalSample at(TimestampNs bar_ts_ns) override;

 private:
  SyntheticFeed feed_;
  SyntheticOhlcv bar_;
  QuantileForecast forecast_{};
  bool has_bar_ = false;
};

// One fill as the venue booked it; qty signed (+ bought).
struct FillRecord {
  TimestampNs ts_ns = 0;
  std::int64_t order_id = 0;         // the venue's id
  std::int64_t client_order_id = 0;  // the strategy's
  std::int64_t qty_e8 = 0;
  std::int64_t price_e8 = 0;
  std::int64_t notional_e8 = 0;
  std::int64_t fee_e8 = 0;
  std::int64_t slippage_e8 = 0;
  Liquidity liquidity = Liquidity::kTaker;
};

// How an order the strategy sent was first answered.
enum class OrderOutcome : std::uint8_t {
  kAccepted,     // the venue acknowledged it (fills, if any, follow as FillRecords)
  kVenueReject,  // the venue refused it; reject says why
  kLotReject,    // rounded to zero at the boundary (below the lot step): never sent
};

// The first answer to one order. decided_ts_ns is the simulated time of the bar whose signal
// made the strategy send it, ts_ns the time of the answer: their difference is the simulated
// signal-to-order latency (the venue's latency model, latency spikes, clock skew).
struct OrderRecord {
  TimestampNs decided_ts_ns = 0;
  TimestampNs ts_ns = 0;
  std::int64_t client_order_id = 0;
  std::int64_t qty_e8 = 0;  // signed as the strategy asked (+ buy), before lot rounding
  OrderOutcome outcome = OrderOutcome::kAccepted;
  RejectCode reject = RejectCode::kInvalidRequest;  // valid for kVenueReject
};

// Output port: called in event order. Implementations stream to CSV, count, or drop.
class EngineSink {
 public:
  virtual ~EngineSink() = default;
  virtual void on_bar(const strategy::BarRecord& record) = 0;
  virtual void on_fill(const FillRecord& fill) = 0;
  // Once per order (orders are rare next to bars: a sink that does not need them ignores them).
  virtual void on_order(const OrderRecord& /*order*/) {}
};

// Counts what it is given and drops it (benchmarks, tests).
class CountingSink final : public EngineSink {
 public:
  void on_bar(const strategy::BarRecord&) override { ++bars; }
  void on_fill(const FillRecord&) override { ++fills; }
  std::int64_t bars = 0;
  std::int64_t fills = 0;
};

struct EngineConfig {
  std::uint64_t seed = 1;  // the run's root PRNG seed (only the latency stream is drawn here)
  ExchangeConfig exchange;
  // The strategy's initial_cash and initial_position are overwritten from
  // exchange.account (one source of truth for the opening balances).
  strategy::Params strategy;
  bool keep_journal_text = false;
  bool check_invariants = true;
  // Faults injected into the run (sim/faults.h documents each kind's semantics). Points and
  // windows as the scenario gives them: bar indices count the bars the market source
  // delivers (0 = the first), times are simulated ns.
  std::vector<Fault> faults;
  // The strategy checkpoints its state every this many bars (0 = never: a process_crash
  // restarts from the initial state). Only consulted when a process_crash is configured.
  std::int64_t checkpoint_every_bars = 24;
};

// What one fault kind did over the run.
struct FaultStats {
  std::int64_t windows = 0;    // windows (or instants) that opened
  std::int64_t injected = 0;   // items/orders/requests the fault actually touched
  std::int64_t recovered = 0;  // windows after which the run continued normally with the
                               // strategy's mirror reconciled to the venue
};

// One fault window as it happened, in the order the windows opened.
struct FaultEvent {
  TimestampNs ts_ns = 0;               // when the window opened (simulated time)
  FaultKind kind = FaultKind::kVenueOutage;
  TimestampNs recovered_ts_ns = -1;    // when the run was normal again; -1: never
  std::int64_t injected = 0;           // items/orders/requests touched in this window
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
  std::map<FaultKind, FaultStats> faults;  // kinds configured in EngineConfig::faults
  std::vector<FaultEvent> fault_log;       // by window opening
};

// Runs one simulation. The exchange config must be valid (validate_exchange_config; checked);
// its latency.stream_seed is replaced by Prng(seed).fork("latency").seed().
class Engine {
 public:
  explicit Engine(EngineConfig config);

  // Streams every bar of `market` through venue and strategy, then drains the queue.
  // One run per Engine (a second call is a programmer error).
  EngineSummary run(MarketSource& market, SignalSource& signals, EngineSink& sink);

  // The readable journal (empty unless keep_journal_text).
  const std::string& journal_text() const { return text_.text(); }

 private:
  struct Impl;
  EngineConfig config_;
  Journal text_;
  bool ran_ = false;
};

}  // namespace q50::sim

#endif  // Q50SIM_SIM_ENGINE_H_
