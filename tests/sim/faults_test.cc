// Fault injection in the native engine (sim/faults.h): for every fault kind a short synthetic
// run shows the fault was injected, the run survived with the invariant checker on, the
// strategy's position mirror is reconciled with the venue at the end, and the same seed gives
// the same fingerprint; plus the strategy checkpoint's byte round trip and crash recovery.
#include "sim/faults.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "core/strategy.h"
#include "sim/engine.h"
#include "tests/support/sim_fixtures.h"
#include "sim/sources.h"
#include "checkpoint/strategy_state.h"
#include "sim/synthetic_market.h"

namespace q50::sim {
namespace {

constexpr std::int64_t kBars = 300;

SyntheticMarketParams market_params(std::uint64_t seed) { return testing::fixture_market(seed, kBars); }

ForecasterParams forecaster_params(std::uint64_t seed) { return testing::fixture_forecaster(seed); }

EngineConfig spot_config(std::uint64_t seed) {
  EngineConfig c = testing::fixture_spot_engine(seed);
  c.exchange.latency = LatencyModel::constant(50'000'000);
  return c;
}

EngineSummary run(const EngineConfig& config) {
  Engine engine(config);
  SyntheticSource source(market_params(config.seed), forecaster_params(config.seed));
  ports::CountingSink sink;
  return engine.run(source, source, sink);
}

ScenarioPoint bar(std::int64_t index) { return {ScenarioPoint::Kind::kBar, index, 0}; }

Fault windowed(FaultKind kind, std::int64_t at, std::int64_t until) {
  Fault f;
  f.kind = kind;
  f.at = bar(at);
  f.until = bar(until);
  return f;
}

Fault items(FaultKind kind, std::int64_t at, std::int64_t count) {
  Fault f;
  f.kind = kind;
  f.at = bar(at);
  f.count = count;
  return f;
}

// One scenario per fault kind, each sized so that it touches something in 300 bars.
std::vector<Fault> one_of_each() {
  std::vector<Fault> v;
  v.push_back(windowed(FaultKind::kVenueOutage, 100, 130));
  Fault reject = windowed(FaultKind::kOrderReject, 50, 250);
  reject.reason = RejectCode::kInsufficientBalance;
  reject.count = 5;
  v.push_back(reject);
  Fault partial = windowed(FaultKind::kPartialFill, 50, 250);
  partial.fill_fraction = 0.5;
  v.push_back(partial);
  Fault spike = windowed(FaultKind::kLatencySpike, 50, 250);
  spike.latency_ns = 10 * kNsPerMinute;
  v.push_back(spike);
  Fault rate = windowed(FaultKind::kRateLimit, 50, 250);
  rate.max_orders = 1;
  rate.window_ns = 12 * kNsPerHour;
  v.push_back(rate);
  Fault stale_bar = items(FaultKind::kStaleBar, 100, 20);
  stale_bar.lag_ns = 30 * kNsPerMinute;
  v.push_back(stale_bar);
  v.push_back(items(FaultKind::kMissingBar, 100, 20));
  Fault dup_bar = items(FaultKind::kDuplicateBar, 100, 20);
  dup_bar.copies = 2;
  v.push_back(dup_bar);
  v.push_back(items(FaultKind::kOutOfOrderBar, 100, 20));
  Fault stale_signal = items(FaultKind::kStaleSignal, 100, 20);
  stale_signal.lag_ns = 2 * kNsPerHour;
  v.push_back(stale_signal);
  v.push_back(items(FaultKind::kMissingSignal, 100, 20));
  Fault dup_signal = items(FaultKind::kDuplicateSignal, 100, 20);
  dup_signal.copies = 3;
  v.push_back(dup_signal);
  Fault ooo_signal = items(FaultKind::kOutOfOrderSignal, 100, 20);
  ooo_signal.delay_items = 2;
  v.push_back(ooo_signal);
  Fault file_missing = windowed(FaultKind::kSignalFileMissing, 100, 130);
  file_missing.policy = SignalFailurePolicy::kCached;
  v.push_back(file_missing);
  Fault file_corrupt = windowed(FaultKind::kSignalFileCorrupt, 100, 130);
  file_corrupt.policy = SignalFailurePolicy::kFlat;
  v.push_back(file_corrupt);
  Fault skew = windowed(FaultKind::kClockSkew, 50, 250);
  skew.skew_ns = -5 * kNsPerMinute;
  v.push_back(skew);
  Fault crash;
  crash.kind = FaultKind::kProcessCrash;
  crash.at = bar(150);
  crash.restart_after_ns = 3 * kNsPerHour;
  v.push_back(crash);
  return v;
}

void check_survived_and_recovered(const EngineSummary& s, FaultKind kind) {
  const std::string name(fault_kind_name(kind));
  BOOST_TEST_CONTEXT("fault " << name) {
    BOOST_TEST(s.bars == kBars);
    BOOST_TEST(s.invariant_checks == s.events);  // checked after every event
    BOOST_TEST(s.invariant_violations == 0);
    BOOST_REQUIRE(s.faults.count(kind) == 1U);
    const FaultStats& st = s.faults.at(kind);
    BOOST_TEST(st.windows == 1);
    BOOST_TEST(st.injected > 0);
    BOOST_TEST(st.recovered == 1);
    BOOST_REQUIRE(s.fault_log.size() == 1U);
    BOOST_TEST((s.fault_log[0].kind == kind));
    BOOST_TEST(s.fault_log[0].injected == st.injected);
    BOOST_TEST(s.fault_log[0].recovered_ts_ns >= s.fault_log[0].ts_ns);
    BOOST_TEST(s.strategy_up_at_end);
    BOOST_TEST(s.final_strategy_position_e8 == s.final_position_e8);
    // No lost or duplicated order: each one sent was closed exactly once (or is the one still
    // open at the end), and the venue never saw a client order id twice.
    BOOST_TEST(s.orders == s.orders_closed + (s.order_open_at_end ? 1 : 0));
    BOOST_TEST(s.venue_rejects.count(RejectCode::kDuplicateOrder) == 0U);
  }
}

BOOST_AUTO_TEST_CASE(every_fault_kind_is_injected_survived_recovered_and_deterministic) {
  const EngineSummary clean = run(spot_config(7));
  BOOST_TEST(clean.orders > 20);
  for (const Fault& fault : one_of_each()) {
    EngineConfig c = spot_config(7);
    c.faults = {fault};
    const EngineSummary a = run(c);
    check_survived_and_recovered(a, fault.kind);
    BOOST_TEST_MESSAGE(fault_kind_name(fault.kind)
                       << " injected=" << a.faults.at(fault.kind).injected << " recovered_after_ns="
                       << a.fault_log.at(0).recovered_ts_ns - a.fault_log.at(0).ts_ns
                       << " orders=" << a.orders << " strategy_bars=" << a.strategy.bars);
    const EngineSummary b = run(c);
    BOOST_TEST(a.fingerprint == b.fingerprint, fault_kind_name(fault.kind));
    BOOST_TEST(a.fingerprint != clean.fingerprint, fault_kind_name(fault.kind));
  }
}

BOOST_AUTO_TEST_CASE(all_faults_at_once_survive) {
  EngineConfig c = spot_config(11);
  c.faults = one_of_each();
  const EngineSummary a = run(c);
  BOOST_TEST(a.bars == kBars);
  BOOST_TEST(a.fault_log.size() == c.faults.size());
  BOOST_TEST(a.final_strategy_position_e8 == a.final_position_e8);
  BOOST_TEST(run(c).fingerprint == a.fingerprint);
}

BOOST_AUTO_TEST_CASE(an_empty_fault_list_keeps_the_clean_run) {
  // The engine_test pin (0x2061600c3ea7a8af) covers the exact bytes; here the fault-free
  // path must not depend on checkpoint_every_bars either.
  EngineConfig c = spot_config(7);
  const std::uint64_t clean = run(c).fingerprint;
  c.checkpoint_every_bars = 1;
  BOOST_TEST(run(c).fingerprint == clean);
  BOOST_TEST(run(c).faults.empty());
}

BOOST_AUTO_TEST_CASE(venue_outage_rejects_and_order_reject_uses_its_reason) {
  EngineConfig c = spot_config(7);
  Fault reject = windowed(FaultKind::kOrderReject, 50, 250);
  reject.reason = RejectCode::kRateLimited;
  reject.count = 4;
  c.faults = {reject};
  const EngineSummary s = run(c);
  BOOST_TEST(s.venue_rejects.at(RejectCode::kRateLimited) == 4);
  BOOST_TEST(s.faults.at(FaultKind::kOrderReject).injected == 4);  // at most count
}

BOOST_AUTO_TEST_CASE(partial_fills_expire_the_rest) {
  EngineConfig c = spot_config(7);
  c.faults = {windowed(FaultKind::kPartialFill, 50, 250)};
  const EngineSummary s = run(c);
  const std::int64_t cut = s.faults.at(FaultKind::kPartialFill).injected;
  BOOST_TEST(cut > 0);
  // Every cut order ends without filling completely: its rest expires, or the venue
  // rejected the cut order outright (spot cash short).
  std::int64_t rejects = 0;
  for (const auto& [code, n] : s.venue_rejects) rejects += n;
  BOOST_TEST(s.orders_ended + rejects >= cut);
  BOOST_TEST(s.strategy.orders_ended == s.orders_ended);
  BOOST_TEST(s.strategy.fills == s.fills);
}

BOOST_AUTO_TEST_CASE(a_probability_zero_fault_touches_nothing) {
  EngineConfig c = spot_config(7);
  Fault f = items(FaultKind::kMissingBar, 100, 50);
  f.probability = 0.0;
  c.faults = {f};
  const EngineSummary s = run(c);
  BOOST_TEST(s.faults.at(FaultKind::kMissingBar).injected == 0);
  BOOST_TEST(s.strategy.bars == kBars);
}

BOOST_AUTO_TEST_CASE(missing_bars_are_not_seen_by_the_strategy) {
  EngineConfig c = spot_config(7);
  c.faults = {items(FaultKind::kMissingBar, 100, 20)};
  const EngineSummary s = run(c);
  BOOST_TEST(s.bars == kBars);
  BOOST_TEST(s.strategy.bars == kBars - 20);
}

BOOST_AUTO_TEST_CASE(duplicate_and_out_of_order_bars_are_dropped) {
  EngineConfig c = spot_config(7);
  Fault dup = items(FaultKind::kDuplicateBar, 100, 10);
  dup.copies = 2;
  c.faults = {dup};
  BOOST_TEST(run(c).strategy.bars == kBars);  // copies dropped
  c.faults = {items(FaultKind::kOutOfOrderBar, 100, 10)};
  BOOST_TEST(run(c).strategy.bars == kBars - 10);  // each held bar arrives behind a newer one
}

// process_crash and the strategy checkpoint
BOOST_AUTO_TEST_CASE(the_strategy_checkpoint_round_trips_bit_exactly) {
  const EngineConfig c = spot_config(7);
  strategy::State state = strategy::initial_state(c.strategy);
  SyntheticFeed feed(market_params(3), forecaster_params(3), {});
  SyntheticOhlcv b;
  QuantileForecast q{};
  strategy::Commands commands;
  for (int i = 0; i < 40 && feed.next(b, q); ++i) {
    strategy::advance(state, strategy::SignalUpdate{b.ts_ns, q.q10, q.q50, q.q90}, c.strategy,
                    commands);
    strategy::advance(state, strategy::Bar{b.ts_ns, b.open, b.high, b.low, b.close, b.volume},
                    c.strategy, commands);
    if (state.in_flight.active) {
      strategy::advance(state, strategy::Rejected{b.ts_ns, state.in_flight.order_id, -2010},
                      c.strategy, commands);
    }
  }
  BOOST_TEST(state.counters.bars == 40);
  const std::string bytes = checkpoint::encode_strategy_state(state);
  const absl::StatusOr<strategy::State> back = checkpoint::decode_strategy_state(bytes, "mem");
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(checkpoint::encode_strategy_state(*back) == bytes);
  // Both continue identically: the restored FeatureStream included.
  strategy::State original = state;
  strategy::State restored = *back;
  while (feed.next(b, q)) {
    const strategy::Bar bar{b.ts_ns, b.open, b.high, b.low, b.close, b.volume};
    strategy::advance(original, bar, c.strategy, commands);
    strategy::advance(restored, bar, c.strategy, commands);
    if (original.counters.bars == 60) break;
  }
  BOOST_TEST(checkpoint::encode_strategy_state(original) == checkpoint::encode_strategy_state(restored));
  BOOST_TEST(original.features.push(30000.0f).vol_risk ==
                 restored.features.push(30000.0f).vol_risk);
}

BOOST_AUTO_TEST_CASE(a_damaged_checkpoint_is_refused) {
  const std::string bytes = checkpoint::encode_strategy_state(strategy::State{});
  BOOST_TEST(!checkpoint::decode_strategy_state("nope", "x").ok());
  BOOST_TEST(!checkpoint::decode_strategy_state(bytes.substr(0, bytes.size() - 3), "x").ok());
  BOOST_TEST(!checkpoint::decode_strategy_state(bytes + "z", "x").ok());
  std::string other = bytes;
  other[8] = '\x09';  // version
  const absl::Status s = checkpoint::decode_strategy_state(other, "ck.bin").status();
  BOOST_TEST(s.message().find("ck.bin") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_crash_with_instant_restart_reconciles_with_the_venue) {
  for (const std::int64_t at : {1, 37, 120, 299}) {
    EngineConfig c = spot_config(7);
    c.checkpoint_every_bars = 1;
    Fault crash;
    crash.kind = FaultKind::kProcessCrash;
    crash.at = bar(at);
    crash.restart_after_ns = 0;
    c.faults = {crash};
    const EngineSummary s = run(c);
    BOOST_TEST_CONTEXT("crash at bar " << at) {
      BOOST_TEST(s.bars == kBars);
      BOOST_TEST(s.strategy_up_at_end);
      BOOST_TEST(s.final_strategy_position_e8 == s.final_position_e8);
      BOOST_TEST(s.faults.at(FaultKind::kProcessCrash).injected == 1);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_crash_without_checkpoints_restarts_from_the_initial_state) {
  EngineConfig c = spot_config(7);
  c.checkpoint_every_bars = 0;
  Fault crash;
  crash.kind = FaultKind::kProcessCrash;
  crash.at = bar(200);
  crash.restart_after_ns = 5 * kNsPerHour;
  c.faults = {crash};
  const EngineSummary s = run(c);
  BOOST_TEST(s.final_strategy_position_e8 == s.final_position_e8);
  BOOST_TEST(s.faults.at(FaultKind::kProcessCrash).recovered == 1);
}

}  // namespace
}  // namespace q50::sim
