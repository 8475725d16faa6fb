// Checkpoints of the replay simulator (sim/checkpoint.h): every serialized piece survives the
// round trip bit for bit; a run stopped at event K and resumed in the same process equals the
// uninterrupted run for every K of a reference case; truncated, damaged and foreign files are
// refused with an error naming the file; a checkpoint of other inputs is refused.
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "io/backtest_input.h"
#include "checkpoint/envelope.h"
#include "sim/legacy/replay_checkpoint.h"
#include "checkpoint/envelope.h"
#include "sim/legacy/replay.h"
#include "tests/support/test_env.h"

namespace q50::sim {
namespace {

using legacy::MarketBar;

std::uint64_t bits(double v) { return std::bit_cast<std::uint64_t>(v); }

// Doubles that a text or lossy encoding would not carry: a NaN with a payload, -0.0, a
// subnormal, infinity, and values that need all 17 digits.
const double kNanPayload = std::bit_cast<double>(0x7ff8'0000'dead'beefULL);
const double kSubnormal = std::numeric_limits<double>::denorm_min();
const double kInf = std::numeric_limits<double>::infinity();

// A distinct double per call, so that a swapped pair of members shows.
double next_value() {
  static int n = 0;
  ++n;
  switch (n % 5) {
    case 0:
      return kNanPayload;
    case 1:
      return -0.0;
    case 2:
      return kSubnormal * n;
    case 3:
      return n % 2 ? kInf : -kInf;
    default:
      return 0.1 * n + 1e-17 * n;
  }
}

MarketBar sample_bar(std::int64_t i) {
  return MarketBar{1'700'000'000'000'000'000 + i, i, 0.1 + static_cast<double>(i), next_value(),
                   next_value(), next_value(), 1, 3, next_value(), next_value()};
}

// One of every piece a checkpoint holds, no member at its default.
ReplayCheckpoint sample_checkpoint() {
  ReplayCheckpoint c;
  c.header = {legacy::StrategyProfile::kLegacyQuantile, std::string(64, 'a'), std::string(64, 'b'), 987654321};
  ReplayState& s = c.state;
  s.strategy.hb = {next_value(), next_value(), next_value(), true, next_value(), next_value(),
                   true, {}};
  s.strategy.hb.pending = {true, legacy::OrderPurpose::kNeutralClose,
                           {legacy::HbDirection::kShort, next_value(), next_value(),
                            next_value(), next_value(), next_value(), next_value()},
                           sample_bar(5)};
  s.strategy.qb = {next_value(), next_value(), next_value(), next_value(), 77};
  s.venue = {next_value(), next_value(), true, 123456789, next_value()};
  s.queue = {{10, Priority::kMarketData, 4, {ReplayEvent::Kind::kBar, 9, {}}},
             {10, Priority::kVenueResponse, 5,
              {ReplayEvent::Kind::kVenue, 0,
               LegacyFill{10, next_value(), next_value(), next_value(), next_value(),
                          next_value(), next_value()}}},
             {11, Priority::kVenueResponse, 6,
              {ReplayEvent::Kind::kVenue, 0,
               LegacyReject{11, next_value(), next_value(), next_value()}}},
             {12, Priority::kControl, 7, {ReplayEvent::Kind::kEnd, 0, {}}}};
  s.queue_now_ns = 9;
  s.queue_next_seq = 8;
  s.journal_hash = 0xfedcba9876543210ULL;
  s.journal_lines = 31;
  s.last_ts_ns = 9;
  s.order_qty = next_value();
  s.so_far.hb_bars = {{3, next_value(),
                       {legacy::HbDirection::kLong, next_value(), next_value(), next_value(),
                        next_value(), next_value(), next_value()},
                       true, legacy::HoldReason::kShortHold, next_value(), next_value(),
                       next_value(), next_value()}};
  s.so_far.hb_trades = {{4, false, legacy::OrderPurpose::kBacktestEnd,
                         legacy::HbDirection::kShort, next_value(), next_value(), next_value(),
                         next_value(), next_value(), next_value(), next_value(), next_value(),
                         next_value()}};
  s.so_far.hb_holds = {{5, legacy::HoldReason::kLongNoPosition, next_value(), next_value(),
                        next_value()}};
  s.so_far.qb_rows = {{6, legacy::QbSide::kLiquidate, next_value(), next_value(), next_value(),
                       next_value(), next_value(), next_value(), -4, next_value(), next_value(),
                       next_value(), next_value(), next_value(), next_value(), next_value()}};
  s.so_far.events = 29;
  return c;
}

#define Q50_SAME(a, b) BOOST_TEST(bits(a) == bits(b), #a)

void check_same(const MarketBar& a, const MarketBar& b) {
  BOOST_TEST(a.ts_ns == b.ts_ns);
  BOOST_TEST(a.index == b.index);
  BOOST_TEST(a.side == b.side);
  BOOST_TEST(a.signal_tier == b.signal_tier);
  for (auto m : {&MarketBar::price, &MarketBar::q10, &MarketBar::q50, &MarketBar::q90,
                 &MarketBar::signal_thresh, &MarketBar::truth}) {
    Q50_SAME(a.*m, b.*m);
  }
}

void check_same(const legacy::HbSignal& a, const legacy::HbSignal& b) {
  BOOST_TEST((a.direction == b.direction));
  for (auto m : {&legacy::HbSignal::target_pct, &legacy::HbSignal::confidence,
                 &legacy::HbSignal::prob_up, &legacy::HbSignal::prob_down_adj,
                 &legacy::HbSignal::prob_neutral, &legacy::HbSignal::prob_up_adj}) {
    Q50_SAME(a.*m, b.*m);
  }
}

void check_same(const legacy::StrategyState& a, const legacy::StrategyState& b) {
  for (auto m : {&legacy::HbState::cash, &legacy::HbState::position,
                 &legacy::HbState::entry_price, &legacy::HbState::prev_price,
                 &legacy::HbState::last_price}) {
    Q50_SAME(a.hb.*m, b.hb.*m);
  }
  BOOST_TEST(a.hb.has_prev == b.hb.has_prev);
  BOOST_TEST(a.hb.ended == b.hb.ended);
  BOOST_TEST(a.hb.pending.active == b.hb.pending.active);
  BOOST_TEST((a.hb.pending.purpose == b.hb.pending.purpose));
  check_same(a.hb.pending.signal, b.hb.pending.signal);
  check_same(a.hb.pending.bar, b.hb.pending.bar);
  for (auto m : {&legacy::QbState::capital, &legacy::QbState::position,
                 &legacy::QbState::cumulative_pnl, &legacy::QbState::peak}) {
    Q50_SAME(a.qb.*m, b.qb.*m);
  }
  BOOST_TEST(a.qb.bars == b.qb.bars);
}

void check_same(const LegacyVenueEvent& a, const LegacyVenueEvent& b) {
  BOOST_REQUIRE(a.index() == b.index());
  if (const auto* f = std::get_if<LegacyFill>(&a)) {
    const auto& g = std::get<LegacyFill>(b);
    BOOST_TEST(f->ts_ns == g.ts_ns);
    for (auto m : {&LegacyFill::qty, &LegacyFill::price, &LegacyFill::fee, &LegacyFill::slippage,
                   &LegacyFill::cash_after, &LegacyFill::position_after}) {
      Q50_SAME(f->*m, g.*m);
    }
  } else {
    const auto& r = std::get<LegacyReject>(a);
    const auto& t = std::get<LegacyReject>(b);
    BOOST_TEST(r.ts_ns == t.ts_ns);
    for (auto m : {&LegacyReject::qty, &LegacyReject::cost, &LegacyReject::cash}) {
      Q50_SAME(r.*m, t.*m);
    }
  }
}

void check_same_records(const ReplayResult& a, const ReplayResult& b) {
  BOOST_REQUIRE(a.hb_bars.size() == b.hb_bars.size());
  for (std::size_t i = 0; i < a.hb_bars.size(); ++i) {
    const auto &x = a.hb_bars[i], &y = b.hb_bars[i];
    BOOST_TEST(x.ts_ns == y.ts_ns);
    check_same(x.signal, y.signal);
    BOOST_TEST(x.traded == y.traded);
    BOOST_TEST((x.hold_reason == y.hold_reason));
    for (auto m : {&legacy::HbBarRecord::price, &legacy::HbBarRecord::balance,
                   &legacy::HbBarRecord::position, &legacy::HbBarRecord::portfolio_value,
                   &legacy::HbBarRecord::pnl}) {
      Q50_SAME(x.*m, y.*m);
    }
  }
  BOOST_REQUIRE(a.hb_trades.size() == b.hb_trades.size());
  for (std::size_t i = 0; i < a.hb_trades.size(); ++i) {
    const auto &x = a.hb_trades[i], &y = b.hb_trades[i];
    BOOST_TEST(x.ts_ns == y.ts_ns);
    BOOST_TEST(x.buy == y.buy);
    BOOST_TEST((x.purpose == y.purpose));
    BOOST_TEST((x.signal == y.signal));
    using T = legacy::HbTradeRecord;
    for (auto m : {&T::quantity, &T::price, &T::fee_cost, &T::slippage_cost, &T::position_before,
                   &T::position_after, &T::balance_after, &T::pnl, &T::entry_price}) {
      Q50_SAME(x.*m, y.*m);
    }
  }
  BOOST_REQUIRE(a.hb_holds.size() == b.hb_holds.size());
  for (std::size_t i = 0; i < a.hb_holds.size(); ++i) {
    const auto &x = a.hb_holds[i], &y = b.hb_holds[i];
    BOOST_TEST(x.ts_ns == y.ts_ns);
    BOOST_TEST((x.reason == y.reason));
    using H = legacy::HbHoldRecord;
    for (auto m : {&H::position, &H::price, &H::portfolio_value}) Q50_SAME(x.*m, y.*m);
  }
  BOOST_REQUIRE(a.qb_rows.size() == b.qb_rows.size());
  for (std::size_t i = 0; i < a.qb_rows.size(); ++i) {
    const auto &x = a.qb_rows[i], &y = b.qb_rows[i];
    BOOST_TEST(x.ts_ns == y.ts_ns);
    BOOST_TEST((x.side == y.side));
    BOOST_TEST(x.tier == y.tier);
    using Q = legacy::QbRowRecord;
    for (auto m : {&Q::position_before, &Q::position_after, &Q::spread, &Q::prob_down,
                   &Q::prob_neutral, &Q::prob_up, &Q::tier_confidence, &Q::pnl,
                   &Q::cumulative_pnl, &Q::fee_cost, &Q::slippage_cost, &Q::portfolio_value,
                   &Q::drawdown}) {
      Q50_SAME(x.*m, y.*m);
    }
  }
  BOOST_TEST(a.events == b.events);
}

BOOST_AUTO_TEST_CASE(every_piece_round_trips_bit_exactly) {
  const ReplayCheckpoint c = sample_checkpoint();
  const std::string bytes = encode_checkpoint(c);
  const auto d = decode_checkpoint(bytes, "sample.ckpt");
  BOOST_TEST_REQUIRE(d.ok(), d.status().ToString());
  BOOST_TEST((d->header.profile == c.header.profile));
  BOOST_TEST(d->header.input_sha256 == c.header.input_sha256);
  BOOST_TEST(d->header.config_sha256 == c.header.config_sha256);
  BOOST_TEST(d->header.seed == c.header.seed);
  check_same(d->state.strategy, c.state.strategy);
  BOOST_TEST(d->state.venue.has_bar == c.state.venue.has_bar);
  BOOST_TEST(d->state.venue.bar_ts_ns == c.state.venue.bar_ts_ns);
  for (auto m : {&LegacyVenueLedger::cash, &LegacyVenueLedger::position,
                 &LegacyVenueLedger::mark_price}) {
    Q50_SAME(d->state.venue.*m, c.state.venue.*m);
  }
  BOOST_REQUIRE(d->state.queue.size() == c.state.queue.size());
  for (std::size_t i = 0; i < c.state.queue.size(); ++i) {
    const auto &x = d->state.queue[i], &y = c.state.queue[i];
    BOOST_TEST(x.ts_ns == y.ts_ns);
    BOOST_TEST((x.priority == y.priority));
    BOOST_TEST(x.seq == y.seq);
    BOOST_TEST((x.payload.kind == y.payload.kind));
    BOOST_TEST(x.payload.bar == y.payload.bar);
    check_same(x.payload.venue, y.payload.venue);
  }
  BOOST_TEST(d->state.queue_now_ns == c.state.queue_now_ns);
  BOOST_TEST(d->state.queue_next_seq == c.state.queue_next_seq);
  BOOST_TEST(d->state.journal_hash == c.state.journal_hash);
  BOOST_TEST(d->state.journal_lines == c.state.journal_lines);
  BOOST_TEST(d->state.last_ts_ns == c.state.last_ts_ns);
  Q50_SAME(d->state.order_qty, c.state.order_qty);
  check_same_records(d->state.so_far, c.state.so_far);
  // Encoding is a function of the value: the decoded checkpoint encodes to the same bytes.
  BOOST_TEST((encode_checkpoint(*d) == bytes));
}

void expect_refused(std::string_view bytes, const std::string& what) {
  const auto d = decode_checkpoint(bytes, "/tmp/run.ckpt");
  BOOST_REQUIRE_MESSAGE(!d.ok(), "accepted: " << what);
  BOOST_TEST((d.status().code() == absl::StatusCode::kInvalidArgument));
  const std::string msg(d.status().message());
  BOOST_TEST(msg.rfind("/tmp/run.ckpt: ", 0) == 0, msg);
  BOOST_TEST(msg.find(what) != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(truncated_damaged_and_foreign_bytes_are_refused) {
  const std::string bytes = encode_checkpoint(sample_checkpoint());
  for (std::size_t n : {std::size_t{0}, std::size_t{7}, std::size_t{19}, checkpoint::kEnvelopeHeaderSize - 1}) {
    expect_refused(std::string_view(bytes).substr(0, n), "truncated checkpoint");
  }
  // Every proper prefix at least as long as the envelope's header, and every single-bit flip
  // in the length, the digest or the body.
  for (std::size_t n = checkpoint::kEnvelopeHeaderSize; n < bytes.size(); ++n) {
    expect_refused(std::string_view(bytes).substr(0, n), "truncated or damaged");
  }
  for (std::size_t i = 20; i < bytes.size(); ++i) {
    std::string flipped = bytes;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x10);
    expect_refused(flipped, "truncated or damaged");
  }
  expect_refused(bytes + "x", "truncated or damaged");
  expect_refused("PK\x03\x04 this is a zip file, not a checkpoint", "not a q50sim checkpoint");
  std::string other_version = bytes;
  other_version[8] = 9;
  expect_refused(other_version, "checkpoint format version 9; this q50sim reads version 2");
  std::string other_body_version = bytes;
  other_body_version[16] = 7;
  expect_refused(other_body_version, "legacy replay checkpoint version 7");
  const std::string strategy_state =
      checkpoint::seal_checkpoint(checkpoint::CheckpointKind::kStrategyState, 1, "not a replay");
  expect_refused(strategy_state, "a strategy state checkpoint, not a legacy replay one");
}

BOOST_AUTO_TEST_CASE(a_checkpoint_of_another_run_is_refused) {
  const CheckpointHeader run{legacy::StrategyProfile::kLegacyHummingbot, "1", "2", 3};
  BOOST_TEST(check_same_run(run, run, "a.ckpt").ok());
  const auto refused = [&](CheckpointHeader other, const std::string& what) {
    const absl::Status st = check_same_run(other, run, "a.ckpt");
    BOOST_TEST((st.code() == absl::StatusCode::kFailedPrecondition));
    const std::string msg(st.message());
    BOOST_TEST(msg.rfind("a.ckpt: checkpoint was made with another " + what, 0) == 0, msg);
  };
  refused({legacy::StrategyProfile::kLegacyQuantile, "1", "2", 3}, "profile");
  refused({run.profile, "9", "2", 3}, "input file");
  refused({run.profile, "1", "9", 3}, "config file");
  refused({run.profile, "1", "2", 9}, "seed");
}

// in-process stop and resume on a reference case
struct Case {
  std::vector<MarketBar> bars;
  ReplayConfig config;
};

Case hb_case(const std::string& name) {
  const std::string dir = testing::reference_dir() + "/backtest_hb/" + name;
  auto config = io::read_hb_config(dir + "/config.json");
  BOOST_REQUIRE_MESSAGE(config.ok(), config.status().ToString());
  auto bars = io::read_hb_bars(dir + "/input.csv", *config);
  BOOST_REQUIRE_MESSAGE(bars.ok(), bars.status().ToString());
  Case c{std::move(*bars), {}};
  // The mapping app/cmd_replay.cc makes from the config file.
  c.config.params.profile = legacy::StrategyProfile::kLegacyHummingbot;
  c.config.params.hb.max_position_pct = config->max_position_pct;
  c.config.params.hb.min_confidence_hold = config->min_confidence_hold;
  c.config.params.hb.pnl = config->real_prices ? legacy::PnlFormula::kFromPriceChange
                                               : legacy::PnlFormula::kFromTruth;
  c.config.params.hb.options.sizing = config->sizing;
  c.config.venue.initial_cash = config->initial_balance;
  c.config.venue.fee_rate = config->fee_rate;
  return c;
}

Case qb_case(const std::string& name) {
  const std::string dir = testing::reference_dir() + "/backtest_quantile/" + name;
  auto config = io::read_qb_config(dir + "/config.json");
  BOOST_REQUIRE_MESSAGE(config.ok(), config.status().ToString());
  auto bars = io::read_qb_bars(dir + "/input.csv", *config);
  BOOST_REQUIRE_MESSAGE(bars.ok(), bars.status().ToString());
  Case c{std::move(*bars), {}};
  c.config.params.profile = legacy::StrategyProfile::kLegacyQuantile;
  c.config.params.qb = config->params;
  return c;
}

// The records of a run as checkpoint bytes: equal bytes iff every member of every record is
// bit-identical (every_piece_round_trips_bit_exactly shows that the encoding holds them all).
std::string records_bytes(const ReplayResult& r) {
  ReplayCheckpoint c;
  c.state.so_far.hb_bars = r.hb_bars;
  c.state.so_far.hb_trades = r.hb_trades;
  c.state.so_far.hb_holds = r.hb_holds;
  c.state.so_far.qb_rows = r.qb_rows;
  c.state.so_far.events = r.events;
  return encode_checkpoint(c);
}

// Stops at every stride-th event (and the last), round-trips the state through bytes and
// resumes: fingerprint, final ledger and every record equal the uninterrupted run's.
void check_every_stop(const Case& c, std::uint64_t stride) {
  const ReplayResult full = run_replay(c.bars, c.config);
  BOOST_REQUIRE(full.events > 2);
  const std::string full_records = records_bytes(full);
  std::vector<std::uint64_t> stops;
  for (std::uint64_t k = 1; k < full.events; k += stride) stops.push_back(k);
  stops.push_back(full.events);  // stopped after the last event: the resume only finishes
  for (const std::uint64_t k : stops) {
    auto state = run_replay_until(c.bars, c.config, k);
    BOOST_REQUIRE(state.ok());
    BOOST_REQUIRE(state->so_far.events == k);
    const auto decoded = decode_checkpoint(encode_checkpoint({{}, std::move(*state)}), "mem");
    BOOST_REQUIRE(decoded.ok());
    const auto resumed = resume_replay(c.bars, c.config, decoded->state);
    BOOST_REQUIRE(resumed.ok());
    BOOST_TEST_CONTEXT("stopped after event " << k) {
      BOOST_TEST(resumed->fingerprint == full.fingerprint);
      Q50_SAME(resumed->final_cash, full.final_cash);
      Q50_SAME(resumed->final_position, full.final_position);
      BOOST_TEST((records_bytes(*resumed) == full_records));
    }
  }
  BOOST_TEST_MESSAGE(stops.size() << " stop points of " << full.events << " events agree");
  const auto beyond = run_replay_until(c.bars, c.config, full.events + 1);
  BOOST_TEST((beyond.status().code() == absl::StatusCode::kOutOfRange));
}

// Odd strides, so stops land after bars, fills, rejects and holds alike (every event: stride
// 1, about 20 s).
BOOST_AUTO_TEST_CASE(hb_resume_at_every_fifth_event_equals_the_uninterrupted_run) {
  check_every_stop(hb_case("1b12b00_simple"), 5);
}

BOOST_AUTO_TEST_CASE(qb_resume_equals_the_uninterrupted_run) {
  check_every_stop(qb_case("moderate"), 499);
}

BOOST_AUTO_TEST_CASE(a_state_that_does_not_fit_the_bars_is_refused) {
  const Case c = hb_case("1b12b00_simple");
  auto state = run_replay_until(c.bars, c.config, 10);
  BOOST_REQUIRE(state.ok());
  ReplayState bad = *state;
  for (auto& e : bad.queue) {
    if (e.payload.kind == ReplayEvent::Kind::kBar) e.payload.bar = c.bars.size();
  }
  const auto r = resume_replay(c.bars, c.config, bad);
  BOOST_TEST((r.status().code() == absl::StatusCode::kInvalidArgument));
  BOOST_TEST(std::string(r.status().message()).find("beyond the input's") != std::string::npos);
}

// the command line
BOOST_AUTO_TEST_CASE(cli_refuses_a_truncated_checkpoint_and_other_inputs_with_exit_3) {
  const std::string ref = testing::reference_dir();
  const std::string a = ref + "/backtest_hb/1b12b00_simple";
  const std::string b = ref + "/backtest_hb/551b272_kelly";
  const std::string tmp = testing::make_temp_dir("checkpoint_cli");
  const std::string ckpt = tmp + "/a.ckpt";
  const auto made = testing::run_process(
      {testing::q50sim_bin(), "replay", "--profile", "hummingbot", "--input", a + "/input.csv",
       "--config", a + "/config.json", "--checkpoint-at", "100", "--checkpoint", ckpt});
  BOOST_TEST_REQUIRE(made.exit_code == 0, made.err);
  BOOST_TEST(made.out.find("checkpoint: events=100 -> " + ckpt) != std::string::npos);
  const std::string bytes = testing::read_text(ckpt);
  const auto resume = [&](const std::string& file, const std::string& input_dir) {
    return testing::run_process({testing::q50sim_bin(), "replay", "--resume", file, "--input",
                                 input_dir + "/input.csv", "--config",
                                 input_dir + "/config.json", "--out", tmp + "/out"});
  };
  const std::string truncated = tmp + "/truncated.ckpt";
  testing::write_text(truncated, bytes.substr(0, bytes.size() / 2));
  const auto t = resume(truncated, a);
  BOOST_TEST(t.exit_code == 3);
  BOOST_TEST(t.err.find(truncated + ": corrupt checkpoint: truncated or damaged") !=
                 std::string::npos,
             t.err);
  const auto other = resume(ckpt, b);
  BOOST_TEST(other.exit_code == 3);
  BOOST_TEST(other.err.find(ckpt + ": checkpoint was made with another input file") !=
                 std::string::npos,
             other.err);
  BOOST_TEST(!std::filesystem::exists(tmp + "/out"));  // nothing written on refusal
  const auto beyond = testing::run_process(
      {testing::q50sim_bin(), "replay", "--profile", "hummingbot", "--input", a + "/input.csv",
       "--config", a + "/config.json", "--checkpoint-at", "99999999", "--checkpoint",
       tmp + "/never.ckpt"});
  BOOST_TEST(beyond.exit_code == 2);
  BOOST_TEST(!std::filesystem::exists(tmp + "/never.ckpt"));
}

}  // namespace
}  // namespace q50::sim
