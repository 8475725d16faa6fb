#ifndef Q50SIM_SIM_REPLAY_H_
#define Q50SIM_SIM_REPLAY_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/strategy.h"
#include "sim/legacy_venue.h"

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

namespace q50::sim {

struct ReplayConfig {
  strategy::StrategyParams params;
  LegacyVenueConfig venue;  // HB only; initial_cash is the strategy's starting cash too
  bool keep_journal_text = false;
};

struct ReplayResult {
  std::vector<strategy::HbBarRecord> hb_bars;
  std::vector<strategy::HbTradeRecord> hb_trades;
  std::vector<strategy::HbHoldRecord> hb_holds;
  std::vector<strategy::QbRowRecord> qb_rows;
  double final_cash = 0;      // HB: the venue's ledger after BACKTEST_END
  double final_position = 0;  // HB
  std::uint64_t fingerprint = 0;
  std::uint64_t events = 0;
  std::string journal_text;  // only with keep_journal_text
};

// Runs bars (non-empty, timestamps strictly increasing, indices 0..n-1; checked) through the
// simulator.
ReplayResult run_replay(std::span<const strategy::MarketBar> bars, const ReplayConfig& config);

}  // namespace q50::sim

#endif  // Q50SIM_SIM_REPLAY_H_
