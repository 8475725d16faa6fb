#ifndef Q50SIM_TESTS_SUPPORT_SIM_FIXTURES_H_
#define Q50SIM_TESTS_SUPPORT_SIM_FIXTURES_H_

// The synthetic market, forecaster and spot engine that the simulator's tests (and the stream
// benchmark) run: a short regime cycle through every regime, a skilled forecaster (0.5: the
// strategy trades every few bars, so order faults find orders) and the BTCUSDT spot venue.

#include <cstdint>

#include "core/fixed_point.h"
#include "core/timestamp.h"
#include "sim/engine.h"
#include "sim/synthetic_market.h"

namespace q50::testing {

inline constexpr TimestampNs kFixtureStart = 1'704'067'200'000'000'000;  // 2024-01-01 UTC

// 48 quiet, 72 normal, 48 trending, 24 volatile and 12 crash bars, repeated.
inline sim::SyntheticMarketParams fixture_market(std::uint64_t seed, std::int64_t bars,
                                                 TimestampNs bar_ns = kNsPerHour,
                                                 TimestampNs start_ts_ns = kFixtureStart) {
  sim::SyntheticMarketParams p;
  p.seed = seed;
  p.start_ts_ns = start_ts_ns;
  p.bar_ns = bar_ns;
  p.start_price = 30000.0;
  p.schedule = {{sim::MarketRegime::kQuiet, 48},
                {sim::MarketRegime::kNormal, 72},
                {sim::MarketRegime::kTrending, 48},
                {sim::MarketRegime::kVolatile, 24},
                {sim::MarketRegime::kCrash, 12}};
  p.bars = bars;
  return p;
}

inline sim::ForecasterParams fixture_forecaster(std::uint64_t seed) {
  return {seed, 0.5, 0.2, 1.0};
}

// A 10,000 USDT spot account at BTCUSDT's filters, 0.1% fees and the existing system's 5 bp
// slippage; Kelly sizing with frozen BTCUSDT percentiles (spec §3), flat on HOLD.
inline sim::EngineConfig fixture_spot_engine(std::uint64_t seed) {
  sim::EngineConfig c;
  c.seed = seed;
  c.exchange.instrument = sim::btcusdt_spot();
  c.exchange.account = {sim::AccountMode::kSpot, true, 0, 10'000 * kFixedScale};
  c.exchange.slippage = sim::SlippageModel::existing_system();
  strategy::Params& s = c.strategy;
  s.percentiles = {0.0029 * 0.0029, 0.0063 * 0.0063, 0.011 * 0.011};
  s.sizing = strategy::SizingRule::kKellyPositionSize;
  s.hold = HoldPolicy::kAlwaysClose;
  s.max_abs_fraction = 0.5;
  s.rebalance_min_fraction = 0.02;
  s.lot_size = 1e-5;
  s.limits = {0.6, 0.6, 1.0, 0.5, 1e-5, 5.0};
  return c;
}

}  // namespace q50::testing

#endif  // Q50SIM_TESTS_SUPPORT_SIM_FIXTURES_H_
