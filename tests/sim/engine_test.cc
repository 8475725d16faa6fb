// The native strategy in the event loop against the mock exchange: invariants over a few
// hundred synthetic bars, determinism (same seed -> same fingerprint, pinned across gcc and
// clang), spot balances, latency, outages, and the streaming market/forecaster against the
// batch generators they must reproduce.
#include "sim/engine.h"
#include "tests/support/sim_fixtures.h"
#include "sim/sources.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/qlib_features.h"
#include "sim/market_stream.h"
#include "sim/synthetic_market.h"

namespace q50::sim {
namespace {

SyntheticMarketParams market_params(std::uint64_t seed, std::int64_t bars) {
  return testing::fixture_market(seed, bars);
}

ForecasterParams forecaster_params(std::uint64_t seed) { return testing::fixture_forecaster(seed); }

EngineConfig spot_config(std::uint64_t seed) { return testing::fixture_spot_engine(seed); }

struct Run {
  EngineSummary summary;
  std::vector<strategy::BarRecord> bars;
  std::vector<ports::FillRecord> fills;
  std::string journal;
};

class RecordingSink final : public ports::Sink {
 public:
  explicit RecordingSink(Run& run) : run_(run) {}
  void on_bar(const strategy::BarRecord& r) override { run_.bars.push_back(r); }
  void on_fill(const ports::FillRecord& f) override { run_.fills.push_back(f); }

 private:
  Run& run_;
};

Run run_synthetic(const EngineConfig& config, std::int64_t bars, bool keep_text = false) {
  EngineConfig c = config;
  c.keep_journal_text = keep_text;
  Engine engine(c);
  SyntheticSource source(market_params(c.seed, bars), forecaster_params(c.seed));
  Run run;
  RecordingSink sink(run);
  run.summary = engine.run(source, source, sink);
  run.journal = engine.journal_text();
  return run;
}

BOOST_AUTO_TEST_CASE(invariants_hold_and_the_run_trades) {
  const Run run = run_synthetic(spot_config(7), 400);
  const EngineSummary& s = run.summary;
  BOOST_TEST(s.bars == 400);
  BOOST_TEST(run.bars.size() == 400U);
  BOOST_TEST(s.invariant_checks == s.events);  // checked after every event
  BOOST_TEST(s.strategy.signals == 400);
  BOOST_TEST(s.orders > 5);
  BOOST_TEST(s.fills == static_cast<std::int64_t>(run.fills.size()));
  BOOST_TEST(s.fills == s.orders);  // spot, no outage: every market order fills at once
  BOOST_TEST(s.strategy.fills == s.fills);
  BOOST_TEST(s.venue_rejects.empty());
  BOOST_TEST(s.fees_e8 > 0);
  BOOST_TEST(s.slippage_e8 > 0);
  // Long only in spot: the position never goes below zero, and the final equity is the
  // venue's balances marked at the last close.
  for (const strategy::BarRecord& r : run.bars) BOOST_TEST(r.position >= 0.0);
  BOOST_TEST(s.final_position_e8 >= 0);
  BOOST_TEST(s.final_equity_e8 ==
             s.final_quote_e8 + mul_scaled(s.final_position_e8, s.final_mark_e8,
                                           Rounding::kHalfEven));
  BOOST_TEST(s.final_mark_e8 == from_double(run.bars.back().close, Rounding::kHalfEven));
}

BOOST_AUTO_TEST_CASE(same_seed_same_fingerprint_different_seed_different) {
  const Run a = run_synthetic(spot_config(7), 300);
  const Run b = run_synthetic(spot_config(7), 300);
  const Run c = run_synthetic(spot_config(8), 300);
  BOOST_TEST(a.summary.fingerprint == b.summary.fingerprint);
  BOOST_TEST(a.summary.journal_lines == b.summary.journal_lines);
  BOOST_TEST(a.summary.fingerprint != c.summary.fingerprint);
}

// Pinned: gcc 12 and clang 14 must agree on this value (CI runs the suite under both). It
// changes only when the journal format, the strategy, the venue or the synthetic market
// changes on purpose; then update it and say why in the commit.
BOOST_AUTO_TEST_CASE(fingerprint_is_pinned) {
  const Run run = run_synthetic(spot_config(42), 300);
  BOOST_TEST(run.summary.fingerprint == 0xbf7ba9605752458aULL,  // scheme 2, ziggurat normals
             std::hex << "fingerprint 0x" << run.summary.fingerprint);
}

BOOST_AUTO_TEST_CASE(kept_text_does_not_change_the_fingerprint) {
  const Run plain = run_synthetic(spot_config(3), 200, false);
  const Run text = run_synthetic(spot_config(3), 200, true);
  BOOST_TEST(plain.journal.empty());
  BOOST_TEST(plain.summary.fingerprint == text.summary.fingerprint);
  const auto lines = std::count(text.journal.begin(), text.journal.end(), '\n');
  BOOST_TEST(static_cast<std::uint64_t>(lines) == text.summary.journal_lines);
  BOOST_TEST(text.journal.find("bar ts_ns=") != std::string::npos);
  BOOST_TEST(text.journal.find("fill ts_ns=") != std::string::npos);
}

// A spot account cannot short: with allow_short the strategy asks to sell what it does not
// hold, the venue refuses (insufficient balance), and no balance ever goes negative (the
// invariant checker aborts otherwise).
BOOST_AUTO_TEST_CASE(spot_never_goes_negative_even_when_asked_to_short) {
  EngineConfig c = spot_config(11);
  c.strategy.allow_short = true;
  const Run run = run_synthetic(c, 400);
  const EngineSummary& s = run.summary;
  BOOST_TEST(s.invariant_checks == s.events);
  const auto it = s.venue_rejects.find(RejectCode::kInsufficientBalance);
  BOOST_REQUIRE(it != s.venue_rejects.end());
  BOOST_TEST(it->second > 0);
  BOOST_TEST(s.strategy.venue_rejects == it->second);
  BOOST_TEST(s.final_position_e8 >= 0);
  BOOST_TEST(s.final_quote_e8 >= 0);
}

// Margin mode lets the same signals short: the position does go negative there.
BOOST_AUTO_TEST_CASE(margin_mode_shorts) {
  EngineConfig c = spot_config(11);
  c.exchange.account.mode = AccountMode::kMargin;
  c.strategy.allow_short = true;
  const Run run = run_synthetic(c, 400);
  BOOST_TEST(run.summary.venue_rejects.empty());
  bool shorted = false;
  for (const strategy::BarRecord& r : run.bars) shorted = shorted || r.position < 0;
  BOOST_TEST(shorted);
}

// kNextBarOpen with 1 ms of latency: an order sent at bar t reaches the venue after t and
// fills at the open of bar t+1, stamped at t+1; the strategy sees bar t+1 still waiting.
BOOST_AUTO_TEST_CASE(latency_makes_fills_land_on_a_later_bar) {
  EngineConfig c = spot_config(7);
  c.exchange.fill.price = FillPrice::kNextBarOpen;
  c.exchange.latency = LatencyModel::constant(1'000'000);
  const Run run = run_synthetic(c, 300);
  BOOST_REQUIRE(!run.fills.empty());
  std::vector<TimestampNs> order_bars;
  for (const strategy::BarRecord& r : run.bars) {
    if (r.order_qty != 0.0) order_bars.push_back(r.ts_ns);
  }
  // An order sent at the last bar never meets a next bar: it is still open when the run ends.
  const bool open_at_end = run.summary.order_open_at_end;
  BOOST_TEST(open_at_end == (order_bars.back() == run.bars.back().ts_ns));
  BOOST_REQUIRE(order_bars.size() == run.fills.size() + (open_at_end ? 1U : 0U));
  for (std::size_t i = 0; i < run.fills.size(); ++i) {
    BOOST_TEST(run.fills[i].ts_ns == order_bars[i] + kNsPerHour);
  }
  std::int64_t waiting = 0;
  for (const strategy::BarRecord& r : run.bars) waiting += r.waiting ? 1 : 0;
  BOOST_TEST(waiting == static_cast<std::int64_t>(run.fills.size()));
  BOOST_TEST(run.summary.orders == run.summary.fills + (open_at_end ? 1 : 0));
  BOOST_TEST(run.summary.strategy.bars_waiting == waiting);
}

// kBarClose with 90 minutes of latency: the fill is stamped at arrival, after the next bar.
BOOST_AUTO_TEST_CASE(long_latency_fills_after_the_next_bar) {
  EngineConfig c = spot_config(7);
  c.exchange.latency = LatencyModel::constant(90 * kNsPerMinute);
  const Run run = run_synthetic(c, 300);
  BOOST_REQUIRE(!run.fills.empty());
  std::size_t f = 0;
  for (const strategy::BarRecord& r : run.bars) {
    if (r.order_qty == 0.0) continue;
    BOOST_REQUIRE(f < run.fills.size());
    BOOST_TEST(run.fills[f].ts_ns == r.ts_ns + 90 * kNsPerMinute);
    ++f;
  }
  BOOST_TEST(run.summary.strategy.bars_waiting > 0);
}

// Random latency draws come from the run's "latency" stream: the seed changes them.
BOOST_AUTO_TEST_CASE(uniform_latency_is_deterministic) {
  EngineConfig c = spot_config(5);
  c.exchange.latency.min_ns = 1'000'000;
  c.exchange.latency.max_ns = 80 * kNsPerMinute;
  const Run a = run_synthetic(c, 300);
  const Run b = run_synthetic(c, 300);
  BOOST_TEST(a.summary.fingerprint == b.summary.fingerprint);
  BOOST_REQUIRE(a.fills.size() == b.fills.size());
  for (std::size_t i = 0; i < a.fills.size(); ++i) BOOST_TEST(a.fills[i].ts_ns == b.fills[i].ts_ns);
}

BOOST_AUTO_TEST_CASE(an_outage_window_yields_counted_rejects) {
  EngineConfig c = spot_config(7);
  c.exchange.outages = {{testing::kFixtureStart + 50 * kNsPerHour, testing::kFixtureStart + 250 * kNsPerHour}};
  const Run run = run_synthetic(c, 300);
  const EngineSummary& s = run.summary;
  const auto it = s.venue_rejects.find(RejectCode::kVenueDown);
  BOOST_REQUIRE(it != s.venue_rejects.end());
  BOOST_TEST(it->second > 0);
  BOOST_TEST(s.venue_rejects.size() == 1U);
  BOOST_TEST(s.strategy.venue_rejects == it->second);
  BOOST_TEST(s.orders == s.fills + it->second);
  for (const ports::FillRecord& f : run.fills) {
    BOOST_TEST((f.ts_ns < testing::kFixtureStart + 50 * kNsPerHour || f.ts_ns >= testing::kFixtureStart + 250 * kNsPerHour));
  }
}

// In-memory rows through SignalCursor give the same run as the streaming forecaster.
class VectorMarket final : public ports::MarketSource {
 public:
  explicit VectorMarket(std::vector<strategy::Bar> bars) : bars_(std::move(bars)) {}
  bool next(strategy::Bar& bar) override {
    if (i_ >= bars_.size()) return false;
    bar = bars_[i_++];
    return true;
  }

 private:
  std::vector<strategy::Bar> bars_;
  std::size_t i_ = 0;
};

BOOST_AUTO_TEST_CASE(row_signal_source_matches_the_streaming_forecaster) {
  const EngineConfig c = spot_config(9);
  SyntheticSource source(market_params(9, 250), forecaster_params(9));
  std::vector<strategy::Bar> bars;
  std::vector<TimestampNs> ts;
  std::vector<double> q10, q50, q90;
  strategy::Bar bar;
  while (source.next(bar)) {
    bars.push_back(bar);
    const ports::SignalSample s = source.at(bar.ts_ns);
    ts.push_back(bar.ts_ns);
    q10.push_back(s.q10);
    q50.push_back(s.q50);
    q90.push_back(s.q90);
  }
  VectorMarket market(bars);
  RowSignalSource rows(ts, q10, q50, q90, SignalLookupRule{});
  Engine engine(c);
  ports::CountingSink sink;
  const EngineSummary from_rows = engine.run(market, rows, sink);
  BOOST_TEST(from_rows.fingerprint == run_synthetic(c, 250).summary.fingerprint);
  BOOST_TEST(sink.bars == 250);
}

// Rows every other hour with a 1 h staleness allowance: odd bars see a stale row; without
// the allowance they see none.
BOOST_AUTO_TEST_CASE(row_signal_source_reports_stale_rows) {
  std::vector<strategy::Bar> bars;
  std::vector<TimestampNs> ts;
  std::vector<double> q10, q50, q90;
  for (int i = 0; i < 20; ++i) {
    const TimestampNs t = testing::kFixtureStart + i * kNsPerHour;
    bars.push_back({t, 30000, 30010, 29990, 30000, 100});
    if (i % 2 == 0) {
      ts.push_back(t);
      q10.push_back(-0.01);
      q50.push_back(0.0);
      q90.push_back(0.01);
    }
  }
  for (const bool allow : {true, false}) {
    VectorMarket market(bars);
    SignalLookupRule rule;
    if (allow) rule.max_staleness_ns = kNsPerHour;
    RowSignalSource rows(ts, q10, q50, q90, rule);
    Engine engine(spot_config(1));
    ports::CountingSink sink;
    const EngineSummary s = engine.run(market, rows, sink);
    BOOST_TEST(s.strategy.signals == (allow ? 20 : 10));
    BOOST_TEST(s.strategy.stale_signals == (allow ? 10 : 0));
  }
}

BOOST_AUTO_TEST_CASE(market_stream_reproduces_generate_market) {
  const SyntheticMarketParams p = market_params(42, 500);
  const std::vector<SyntheticBar> batch = generate_market(p);
  MarketStream stream(p);
  SyntheticOhlcv bar;
  std::size_t i = 0;
  double prev_close = 0;
  while (stream.next(bar)) {
    BOOST_REQUIRE(i < batch.size());
    BOOST_TEST(bar.ts_ns == batch[i].ts_ns);
    BOOST_TEST(bar.close_f32 == batch[i].close);  // bit for bit
    BOOST_TEST(regime_name(bar.regime) == regime_name(batch[i].regime));
    BOOST_TEST(bar.open == (i == 0 ? bar.close : prev_close));
    BOOST_TEST(bar.high >= std::fmax(bar.open, bar.close));
    BOOST_TEST(bar.low <= std::fmin(bar.open, bar.close));
    BOOST_TEST(bar.low > 0.0);
    BOOST_TEST(bar.volume > 0.0);
    prev_close = bar.close;
    ++i;
  }
  BOOST_TEST(i == batch.size());
}

BOOST_AUTO_TEST_CASE(synthetic_feed_reproduces_forecast_quantiles) {
  const SyntheticMarketParams p = market_params(42, 300);
  const std::vector<SyntheticBar> batch = generate_market(p);
  std::vector<float> closes;
  for (const SyntheticBar& b : batch) closes.push_back(b.close);
  const std::size_t labelled = closes.size();
  const std::vector<FeatureRow> features = compute_features(closes, labelled);
  std::vector<double> truth;
  for (const FeatureRow& f : features) truth.push_back(static_cast<double>(f.truth));
  const std::vector<QuantileForecast> expected =
      forecast_quantiles(batch, truth, forecaster_params(42));
  SyntheticFeed feed(p, forecaster_params(42));
  SyntheticOhlcv bar;
  QuantileForecast f{};
  std::size_t i = 0;
  while (feed.next(bar, f)) {
    BOOST_REQUIRE(i < expected.size());
    BOOST_TEST(f.q10 == expected[i].q10);
    BOOST_TEST(f.q50 == expected[i].q50);
    BOOST_TEST(f.q90 == expected[i].q90);
    ++i;
  }
  BOOST_TEST(i == expected.size());
}

}  // namespace
}  // namespace q50::sim
