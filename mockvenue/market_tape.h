#ifndef Q50SIM_MOCKVENUE_MARKET_TAPE_H_
#define Q50SIM_MOCKVENUE_MARKET_TAPE_H_

// The scenario's market and signals as the mock venue replays them: every bar (synthetic, csv
// or qlib, through the same sources `q50sim run` uses, [market].jumps applied) in the venue's
// e8 units, and the signal rows that the existing system's Python pipeline would append to its
// signal file as the bars close.
//
// Time: a bar's ts_ns is its close (the instant it is published, sim/exchange.h); its kline
// opens interval_ns earlier and closes at ts - 1 ms (Binance's closeTime is the last ms).
// Units at the boundary are the engine's (sim/engine.h): prices rounded to nearest e8, volume
// rounded down, so the venue matches on exactly the bars the simulator's exchange sees.
//
// Signal rows: the scenario's signal file rows (or, over a csv/qlib market, the synthetic
// forecaster's rows) when it has them, otherwise the synthetic forecaster's row for each bar,
// stamped with the bar's ts. Bar i publishes the rows stamped in (ts of bar i-1, ts of bar i];
// rows after the last bar are never published.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/timestamp.h"
#include "sim/exchange.h"
#include "sim/scenario.h"
#include "sim/scenario_run.h"

namespace q50::mockvenue {

struct SignalRow {
  TimestampNs ts_ns = 0;
  double q10 = 0;
  double q50 = 0;
  double q90 = 0;
};

struct MarketTape {
  std::vector<sim::Bar> bars;  // strictly increasing ts_ns, at least one
  TimestampNs interval_ns = kNsPerHour;
  std::string interval;  // Binance's name for interval_ns: "1h", "15m", "1d", ...
  std::vector<SignalRow> signals;
  // Bar i publishes signals [first_signal[i], first_signal[i + 1]); size bars + 1.
  std::vector<std::size_t> first_signal;
};

// The tape of `scenario` over `inputs` (io/scenario_inputs.h loads them). InvalidArgument when
// the market has no bar, a bar out of time order or shape (0 < low <= open, close <= high,
// volume >= 0: what the exchange requires), or when its bar spacing is not a Binance kline interval (1m 3m 5m 15m
// 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w); the interval of a csv/qlib market is the smallest gap
// between two bars (1h for a single bar).
absl::StatusOr<MarketTape> build_market_tape(const sim::Scenario& scenario,
                                             const sim::ScenarioInputs& inputs);

// Binance's name of a kline interval, or "" when interval_ns is not one.
std::string kline_interval_name(TimestampNs interval_ns);

}  // namespace q50::mockvenue

#endif  // Q50SIM_MOCKVENUE_MARKET_TAPE_H_
