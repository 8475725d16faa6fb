#include "io/scenario_file.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <set>
#include <string>

#include "fmt/format.h"
#include "fmt/ranges.h"
#include "core/prng.h"
#include "tests/support/test_env.h"

namespace q50::io {
namespace {

// Three lines every test document starts with, so line numbers below count from 4.
constexpr std::string_view kHead = "[scenario]\nname = \"t\"\nseed = 7\n";

std::string doc(std::string_view body) { return std::string(kHead) + std::string(body); }

Scenario parse_ok(const std::string& text, const std::string& path = "t.toml") {
  auto sc = parse_scenario(path, text);
  BOOST_REQUIRE_MESSAGE(sc.ok(), sc.status().message());
  return *std::move(sc);
}

std::string error_of(const std::string& text) {
  auto sc = parse_scenario("t.toml", text);
  BOOST_REQUIRE_MESSAGE(!sc.ok(), "expected an error for:\n" << text);
  BOOST_CHECK(sc.status().code() == absl::StatusCode::kInvalidArgument);
  return std::string(sc.status().message());
}

std::string source_dir() {
  const char* dir = std::getenv("Q50SIM_SOURCE_DIR");
  BOOST_REQUIRE_MESSAGE(dir != nullptr, "Q50SIM_SOURCE_DIR is not set (run through ctest)");
  return dir;
}

std::string example_path() { return source_dir() + "/scenarios/example.toml"; }

// The known keys missing from a document's keys.
std::vector<std::string> undocumented(const std::string& text) {
  auto paths = scenario_key_paths("example.toml", text);
  BOOST_REQUIRE_MESSAGE(paths.ok(), paths.status().message());
  const std::set<std::string> present(paths->begin(), paths->end());
  std::vector<std::string> missing;
  for (const std::string_view key : scenario_known_keys()) {
    if (!present.contains(std::string(key))) missing.emplace_back(key);
  }
  return missing;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(example)

BOOST_AUTO_TEST_CASE(example_parses_with_its_documented_values) {
  const Scenario sc = parse_ok(testing::read_text(example_path()), example_path());
  BOOST_TEST(sc.name == "example");
  BOOST_TEST(sc.seed == 20261147u);
  BOOST_TEST(*sc.bars == 600);
  BOOST_TEST(format_timestamp(*sc.start_ts_ns) == "2024-01-01 00:00:00");
  BOOST_TEST(sc.market.synthetic.bars == 600);
  BOOST_TEST(sc.market.synthetic.schedule.size() == 4u);
  BOOST_TEST(sc.market.synthetic.schedule[3].bars == 50);
  BOOST_CHECK(sc.market.synthetic.schedule[3].regime == sim::MarketRegime::kCrash);
  BOOST_REQUIRE_EQUAL(sc.market.jumps.size(), 1u);
  BOOST_TEST(sc.market.jumps[0].jump_pct == -12.5);
  BOOST_TEST(sc.market.csv->path == "${Q50SIM_REFERENCE_DIR}/market/btcusdt_60min.csv");
  BOOST_TEST(sc.signals.file->path == source_dir() + "/scenarios/signals/example_signals.csv");
  BOOST_TEST(sc.signals.lookup.max_staleness_ns == kNsPerHour);
  BOOST_CHECK(sc.exchange.slippage.kind == sim::SlippageModel::Kind::kVolume);
  BOOST_TEST(sc.exchange.latency.min_ns == 50'000'000);
  BOOST_TEST(sc.exchange.latency.max_ns == 70'000'000);
  BOOST_TEST(sc.exchange.rate_limit.window_ns == 10 * kNsPerSecond);
  BOOST_TEST(sc.assertions.expect_rejects.at(sim::RejectCode::kVenueDown) == 1);
  // One fault of every kind, in file order.
  BOOST_REQUIRE_EQUAL(sc.faults.size(), 17u);
  for (std::size_t i = 0; i < sc.faults.size(); ++i) {
    BOOST_TEST(static_cast<std::size_t>(sc.faults[i].kind) == i);
  }
  BOOST_TEST(sc.faults[0].origin == example_path() + ":195:1");
  BOOST_TEST(sc.market.synthetic.student_t_dof == 5.0);
}

BOOST_AUTO_TEST_CASE(example_documents_every_key_the_reader_knows) {
  const std::string text = testing::read_text(example_path());
  const std::vector<std::string> missing = undocumented(text);
  BOOST_TEST(missing.empty(), "undocumented keys: " << fmt::format("{}", fmt::join(missing, ", ")));
  // And the check bites: without the jitter line, that key is reported.
  std::string without = text;
  const std::size_t at = without.find("jitter = ");
  BOOST_REQUIRE(at != std::string::npos);
  without.erase(at, without.find('\n', at) - at);
  BOOST_TEST(undocumented(without) == std::vector<std::string>{"exchange.latency.jitter"});
}

BOOST_AUTO_TEST_CASE(every_key_path_in_the_example_is_known) {
  auto paths = scenario_key_paths("example.toml", testing::read_text(example_path()));
  BOOST_REQUIRE(paths.ok());
  const auto known = scenario_known_keys();
  for (const std::string& p : *paths) {
    BOOST_TEST((std::find(known.begin(), known.end(), p) != known.end()), p);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(defaults)

BOOST_AUTO_TEST_CASE(a_minimal_scenario_takes_the_documented_defaults) {
  const Scenario sc = parse_ok(doc("bars = 100\n"));
  BOOST_TEST(sc.description.empty());
  BOOST_TEST(sc.seed == 7u);
  BOOST_TEST(sc.checkpoint_every_bars == 24);
  BOOST_CHECK(sc.market.source == MarketSourceKind::kSynthetic);
  BOOST_TEST(sc.market.synthetic.seed == 7u);
  BOOST_TEST(sc.market.synthetic.bars == 100);
  BOOST_TEST(sc.market.synthetic.bar_ns == kNsPerHour);
  BOOST_TEST(sc.market.synthetic.start_price == 30000.0);
  BOOST_TEST(sc.market.ohlcv.wick == sim::OhlcvShape{}.wick);
  BOOST_TEST(sc.market.ohlcv.reversion == 0.0);
  BOOST_TEST(sc.market.synthetic.student_t_dof == 0.0);  // normal shocks
  BOOST_REQUIRE_EQUAL(sc.market.synthetic.schedule.size(), 1u);
  BOOST_CHECK(sc.market.synthetic.schedule[0].regime == sim::MarketRegime::kNormal);
  BOOST_CHECK(!sc.market.csv && !sc.market.qlib && !sc.signals.file);
  BOOST_CHECK(sc.signals.source == SignalSourceKind::kSynthetic);
  BOOST_TEST(sc.signals.synthetic.seed == 7u);
  BOOST_TEST(sc.signals.synthetic.skill == 0.05);
  BOOST_TEST(sc.signals.lookup.tolerance_ns == 5 * kNsPerMinute);
  BOOST_TEST(sc.signals.lookup.max_staleness_ns == 5 * kNsPerMinute);
  BOOST_TEST(sc.strategy.percentiles.p70 == 4.007928073406219e-05);
  BOOST_CHECK(sc.strategy.sizing == strategy::SizingRule::kKellyPositionSize);
  BOOST_CHECK(sc.strategy.hold == HoldPolicy::kKeep);
  BOOST_CHECK(sc.strategy.rule == PositionRule::kTargetPosition);
  BOOST_CHECK(sc.strategy.no_signal == strategy::NoSignalPolicy::kKeep);
  BOOST_TEST(sc.strategy.limits.max_order_fraction == 0.5);
  BOOST_TEST(sc.strategy.limits.max_drawdown_fraction == 1.0);
  BOOST_TEST(sc.strategy.limits.min_notional == 5.0);
  BOOST_TEST(sc.exchange.instrument.step_size_e8 == sim::btcusdt_spot().step_size_e8);
  BOOST_TEST(sc.exchange.account.initial_quote_e8 == 10'000 * q50::kFixedScale);
  BOOST_TEST(sc.exchange.fee.taker_ppm == 1000);
  BOOST_CHECK(sc.exchange.slippage.kind == sim::SlippageModel::Kind::kNone);
  BOOST_TEST(sc.exchange.latency.max_ns == 0);
  BOOST_CHECK(sc.exchange.rate_limit.kind == sim::RateLimit::Kind::kNone);
  BOOST_TEST(sc.faults.empty());
  BOOST_TEST(sc.assertions.no_invariant_violations);
  BOOST_TEST(!sc.assertions.faults_recovered);
  BOOST_CHECK(!sc.assertions.min_trades && sc.assertions.expect_rejects.empty());
}

BOOST_AUTO_TEST_CASE(synthetic_length_comes_from_bars_end_or_the_schedule) {
  const Scenario from_schedule =
      parse_ok(doc("[market.synthetic]\nregimes = [{regime = \"quiet\", bars = 3}, "
                   "{regime = \"crash\", bars = 4}]\n"));
  BOOST_TEST(from_schedule.market.synthetic.bars == 7);
  BOOST_CHECK(!from_schedule.bars);
  const Scenario from_end =
      parse_ok(doc("start = \"2024-01-01 00:00:00\"\nend = 2024-01-02 00:00:00\n"
                   "[market.synthetic]\nbar_interval = \"30m\"\n"));
  BOOST_TEST(from_end.market.synthetic.bars == 48);
  BOOST_TEST(from_end.market.synthetic.bar_ns == 30 * kNsPerMinute);
  const Scenario both =
      parse_ok(doc("bars = 10\nstart = \"2024-01-01 00:00:00\"\nend = \"2024-01-01 05:00:00\"\n"));
  BOOST_TEST(both.market.synthetic.bars == 5);  // whichever comes first
  BOOST_TEST(error_of(doc("")) ==
             "t.toml:1:1: [market]: a synthetic market needs a length: [scenario] bars or end, "
             "or a regime schedule");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tables)

BOOST_AUTO_TEST_CASE(scenario_table_reads_hex_seeds_and_times) {
  const Scenario sc = parse_ok(
      "[scenario]\nname = \"x\"\nseed = \"0xfedcba9876543210\"\ndescription = \"d\"\n"
      "start = 2024-03-01 12:00:00\nbars = 5\ncheckpoint_every_bars = 0\n");
  BOOST_TEST(sc.seed == 0xfedcba9876543210u);
  BOOST_TEST(sc.market.synthetic.seed == 0xfedcba9876543210u);
  BOOST_TEST(format_timestamp(sc.market.synthetic.start_ts_ns) == "2024-03-01 12:00:00");
  BOOST_TEST(sc.checkpoint_every_bars == 0);
  BOOST_TEST(sc.description == "d");
}

BOOST_AUTO_TEST_CASE(market_csv_and_qlib_with_path_resolution) {
  const std::string text =
      doc("[market]\nsource = \"csv\"\n[market.csv]\npath = \"data/../bars.csv\"\n"
          "[market.csv.columns]\nts = \"timestamp\"\nvolume = \"\"\n"
          "[market.qlib]\ndir = \"/abs/qlib\"\ninstrument = \"BTCUSDT\"\nfreq = \"day\"\n");
  const Scenario sc = parse_ok(text, "scen/sub/t.toml");
  BOOST_CHECK(sc.market.source == MarketSourceKind::kCsv);
  BOOST_TEST(sc.dir == "scen/sub");
  BOOST_TEST(sc.market.csv->path == "scen/sub/bars.csv");
  BOOST_TEST(sc.market.csv->ts_column == "timestamp");
  BOOST_TEST(sc.market.csv->volume_column.empty());
  BOOST_TEST(sc.market.csv->close_column == "close");
  BOOST_TEST(sc.market.qlib->dir == "/abs/qlib");
  BOOST_TEST(sc.market.qlib->freq == "day");
  BOOST_CHECK(!sc.bars);  // every bar of the source
  // A file in the current directory keeps its relative path as written.
  BOOST_TEST(parse_ok(text, "t.toml").market.csv->path == "data/../bars.csv");
}

BOOST_AUTO_TEST_CASE(signals_file_strategy_and_risk) {
  const Scenario sc = parse_ok(
      doc("bars = 10\n[signals]\nsource = \"file\"\n[signals.file]\n"
          "path = \"${Q50SIM_REFERENCE_DIR}/sig.csv\"\ntolerance = \"10m\"\n"
          "[signals.percentiles]\np30 = 1e-6\np70 = 2e-6\np90 = 3e-6\n"
          "[strategy]\nsizing = \"risk_parity\"\nhold = \"close\"\nposition_rule = \"pyramid\"\n"
          "on_missing_signal = \"flat\"\nrisk_mode = \"check\"\nmax_position_fraction = 1\n"
          "[risk]\nmax_leverage = 2\nmax_drawdown_fraction = 0.2\nmin_order_qty = 0\n"));
  BOOST_CHECK(sc.signals.source == SignalSourceKind::kFile);
  BOOST_TEST(sc.signals.file->path == "${Q50SIM_REFERENCE_DIR}/sig.csv");
  BOOST_TEST(sc.signals.lookup.tolerance_ns == 10 * kNsPerMinute);
  BOOST_TEST(sc.signals.lookup.max_staleness_ns == 10 * kNsPerMinute);  // = tolerance
  BOOST_TEST(sc.strategy.percentiles.p90 == 3e-6);
  BOOST_CHECK(sc.strategy.sizing == strategy::SizingRule::kHb);
  BOOST_CHECK(sc.strategy.hb_method == HbSizingMethod::kRiskParity);
  BOOST_CHECK(sc.strategy.hold == HoldPolicy::kAlwaysClose);
  BOOST_CHECK(sc.strategy.rule == PositionRule::kLegacyPyramid);
  BOOST_CHECK(sc.strategy.no_signal == strategy::NoSignalPolicy::kFlat);
  BOOST_CHECK(sc.strategy.risk_mode == strategy::RiskMode::kCheck);
  BOOST_TEST(sc.strategy.max_abs_fraction == 1.0);
  BOOST_TEST(sc.strategy.limits.max_leverage == 2.0);
  BOOST_TEST(sc.strategy.limits.max_drawdown_fraction == 0.2);
  BOOST_TEST(sc.strategy.limits.min_order_qty == 0.0);
  BOOST_TEST(sc.strategy.limits.max_exposure_fraction == 1.0);
}

BOOST_AUTO_TEST_CASE(exchange_maps_every_model) {
  const Scenario sc = parse_ok(
      doc("bars = 10\n[exchange]\naccount = \"margin\"\nmargin_checks_quote = false\n"
          "initial_base = 0.5\ninitial_quote = \"2500.12345678\"\n"
          "[exchange.instrument]\nsymbol = \"ETHUSDT\"\ntick_size = 0.01\nstep_size = \"0.0001\"\n"
          "max_price = 0\napply_min_to_market = false\n"
          "[exchange.fees]\nmaker_ppm = 0\ntaker_ppm = 750\n"
          "[exchange.slippage]\nmodel = \"fixed\"\nbase_ppm = 500\n"
          "[exchange.latency]\nconstant = \"1ms\"\njitter = \"500us\"\n"
          "[exchange.fill]\nprice = \"next_bar_open\"\nlimit_touch_fills = true\n"
          "max_participation_ppm = 250000\n"
          "[exchange.rate_limit]\nkind = \"token_bucket\"\nmax_orders = 5\nwindow = \"1s\"\n"));
  const sim::ExchangeConfig& c = sc.exchange;
  BOOST_CHECK(c.account.mode == sim::AccountMode::kMargin);
  BOOST_TEST(!c.account.margin_checks_quote);
  BOOST_TEST(c.account.initial_base_e8 == 50'000'000);
  BOOST_TEST(c.account.initial_quote_e8 == 250'012'345'678);
  BOOST_TEST(c.instrument.symbol == "ETHUSDT");
  BOOST_TEST(c.instrument.tick_size_e8 == 1'000'000);
  BOOST_TEST(c.instrument.step_size_e8 == 10'000);
  BOOST_TEST(c.instrument.max_price_e8 == 0);
  BOOST_TEST(c.instrument.min_notional_e8 == sim::btcusdt_spot().min_notional_e8);
  BOOST_TEST(!c.instrument.apply_min_to_market);
  BOOST_TEST(c.fee.maker_ppm == 0);
  BOOST_TEST(c.fee.taker_ppm == 750);
  BOOST_CHECK(c.slippage.kind == sim::SlippageModel::Kind::kFixed);
  BOOST_TEST(c.slippage.base_ppm == 500);
  BOOST_TEST(c.latency.min_ns == 1'000'000);
  BOOST_TEST(c.latency.max_ns == 1'500'000);
  BOOST_TEST(c.latency.stream_seed == q50::Prng(7).fork("latency").seed());
  BOOST_CHECK(c.fill.price == sim::FillPrice::kNextBarOpen);
  BOOST_TEST(c.fill.limit_touch_fills);
  BOOST_TEST(c.fill.max_participation_ppm == 250'000);
  BOOST_CHECK(c.rate_limit.kind == sim::RateLimit::Kind::kTokenBucket);
  BOOST_TEST(c.rate_limit.max_orders == 5);
  BOOST_TEST(c.rate_limit.window_ns == kNsPerSecond);
}

BOOST_AUTO_TEST_CASE(faults_windows_and_parameters) {
  const Scenario sc = parse_ok(doc(
      "bars = 100\n"
      "[[faults]]\nkind = \"venue_outage\"\nat = \"2024-01-01 05:00:00\"\n"
      "until = 2024-01-01 07:00:00\n"
      "[[faults]]\nkind = \"missing_bar\"\nat = 10\ncount = 3\nprobability = 0.25\n"
      "[[faults]]\nkind = \"clock_skew\"\nat = 20\nskew = \"-1500ms\"\n"
      "[[faults]]\nkind = \"signal_file_corrupt\"\nat = 0\npolicy = \"flat\"\n"
      "[[faults]]\nkind = \"process_crash\"\nat = 50\nrestart_after = \"2m\"\n"
      "[[faults]]\nkind = \"order_reject\"\nat = 5\nduration = \"1h\"\nreason = \"venue_down\"\n"));
  BOOST_REQUIRE_EQUAL(sc.faults.size(), 6u);
  const Fault& outage = sc.faults[0];
  BOOST_CHECK(outage.kind == FaultKind::kVenueOutage);
  BOOST_CHECK(outage.at.kind == ScenarioPoint::Kind::kTime);
  BOOST_TEST(format_timestamp(outage.until->ts_ns) == "2024-01-01 07:00:00");
  BOOST_TEST(outage.origin == "t.toml:5:1");
  BOOST_TEST(*sc.faults[1].count == 3);
  BOOST_TEST(sc.faults[1].probability == 0.25);
  BOOST_TEST(sc.faults[1].at.bar == 10);
  BOOST_TEST(sc.faults[2].skew_ns == -1'500'000'000);
  BOOST_CHECK(!sc.faults[2].until && !sc.faults[2].duration_ns);  // to the end of the run
  BOOST_CHECK(sc.faults[3].policy == SignalFailurePolicy::kFlat);
  BOOST_TEST(sc.faults[4].restart_after_ns == 2 * kNsPerMinute);
  BOOST_TEST(*sc.faults[5].duration_ns == kNsPerHour);
  BOOST_CHECK(sc.faults[5].reason == sim::RejectCode::kVenueDown);
  BOOST_CHECK(!sc.faults[5].count);
  BOOST_TEST(fault_kind_name(FaultKind::kOutOfOrderSignal) == "out_of_order_signal");
}

BOOST_AUTO_TEST_CASE(assertions_table) {
  const Scenario sc = parse_ok(
      doc("bars = 10\n[assertions]\nmin_trades = 2\nmax_trades = 2\nfaults_recovered = true\n"
          "max_drawdown_at_most = 0.1\nfinal_equity_at_least = 9000\nsharpe_at_least = -1.5\n"
          "expect_rejects = { rate_limited = 2 }\n"
          "[assertions.expect_risk_rejects]\nkill_switch = 1\n"));
  const Assertions& a = sc.assertions;
  BOOST_TEST(*a.min_trades == 2);
  BOOST_TEST(*a.max_trades == 2);
  BOOST_TEST(a.faults_recovered);
  BOOST_TEST(*a.max_drawdown_at_most == 0.1);
  BOOST_TEST(*a.final_equity_at_least == 9000.0);
  BOOST_CHECK(!a.final_equity_at_most);
  BOOST_TEST(*a.sharpe_at_least == -1.5);
  BOOST_TEST(a.expect_rejects.at(sim::RejectCode::kRateLimited) == 2);
  BOOST_TEST(a.expect_risk_rejects.at(RejectReason::kKillSwitch) == 1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(unknown_keys_at_any_depth) {
  BOOST_TEST(error_of(doc("bars = 1\n[exchange.latency]\nconstnat = \"5ms\"\n")) ==
             "t.toml:6:1: unknown key 'constnat' in [exchange.latency] (known: constant, jitter)");
  BOOST_TEST(error_of(doc("[market.synthetic]\nregimes = [{regime = \"quiet\", bar = 3}]\n")) ==
             "t.toml:5:31: unknown key 'bar' in [market.synthetic.regimes[0]] (known: regime, "
             "bars)");
  BOOST_TEST(error_of(doc("bars = 1\nsede = 3\n")) ==
             "t.toml:5:1: unknown key 'sede' in [scenario] (known: name, description, seed, bars, "
             "start, end, checkpoint_every_bars)");
  BOOST_TEST(
      error_of(doc("bars = 1\n[exchang]\nx = 1\n"))
          .starts_with(
              "t.toml:5:2: unknown key 'exchang' in the document (known: scenario, market,"));
  BOOST_TEST(error_of(doc("bars = 1\n[assertions.expect_rejects]\nvenue_dwn = 1\n"))
                 .starts_with("t.toml:6:1: unknown key 'venue_dwn' in [assertions.expect_rejects] "
                              "(known: invalid_request, filter_failure,"));
}

BOOST_AUTO_TEST_CASE(wrong_types) {
  BOOST_TEST(error_of(doc("bars = 1\n[risk]\nmax_leverage = \"2\"\n")) ==
             "t.toml:6:16: [risk].max_leverage: expected a number in (0, 100], got \"2\"");
  BOOST_TEST(error_of(doc("bars = 1.5\n")) ==
             "t.toml:4:8: [scenario].bars: expected an integer in [1, 1000000000], got 1.5");
  BOOST_TEST(error_of(doc("bars = 1\n[strategy]\nallow_short = 1\n")) ==
             "t.toml:6:15: [strategy].allow_short: expected true or false, got 1");
  BOOST_TEST(error_of("market = 3\n" + doc("bars = 1\n")) ==
             "t.toml:1:10: market: expected a table, got 3");
  BOOST_TEST(error_of("[scenario]\nname = \"t\"\nseed = -1\n") ==
             "t.toml:3:8: [scenario].seed: expected an integer >= 0 or a hex string \"0x...\" "
             "(uint64), got -1");
}

BOOST_AUTO_TEST_CASE(student_t_needs_more_than_two_degrees_of_freedom) {
  BOOST_TEST(parse_ok(doc("bars = 5\n[market.synthetic]\nstudent_t_dof = 2.5\n"))
                 .market.synthetic.student_t_dof == 2.5);
  const std::string e = error_of(doc("bars = 5\n[market.synthetic]\nstudent_t_dof = 2\n"));
  BOOST_TEST(e.find("[market.synthetic].student_t_dof: expected a number in (2, ") !=
                 std::string::npos,
             e);
}

BOOST_AUTO_TEST_CASE(out_of_range_values) {
  BOOST_TEST(error_of(doc("bars = 5\n[[faults]]\nkind = \"missing_bar\"\nat = 1\n"
                          "probability = 1.5\n")) ==
             "t.toml:8:15: [faults[0]].probability: expected a number in [0, 1], got 1.5");
  BOOST_TEST(error_of(doc("bars = 5\n[risk]\nmax_drawdown_fraction = 0\n")) ==
             "t.toml:6:25: [risk].max_drawdown_fraction: expected a number in (0, 1], got 0");
  BOOST_TEST(error_of(doc("bars = 5\n[exchange.fees]\ntaker_ppm = 1000001\n")) ==
             "t.toml:6:13: [exchange.fees].taker_ppm: expected an integer in [0, 1000000], got "
             "1000001");
  BOOST_TEST(error_of(doc("bars = 5\n[signals.percentiles]\np70 = 1e-6\n")) ==
             "t.toml:6:7: [signals.percentiles].p70: expected a number > p30 "
             "(8.464913116768003e-06), got 1e-06");
  BOOST_TEST(error_of(doc("bars = 5\n[signals.file]\npath = \"s.csv\"\ntolerance = \"1h\"\n"
                          "max_staleness = \"5m\"\n")) ==
             "t.toml:8:17: [signals.file].max_staleness: expected a duration in [1h, 3650d] such as "
             "\"250ms\" (units ns, us, ms, s, m, h, d), got \"5m\"");
  BOOST_TEST(error_of(doc("bars = 5\n[exchange]\ninitial_quote = 0.123456789\n")) ==
             "t.toml:6:17: [exchange].initial_quote: expected a decimal in [0, 1000000000] with at most 8 "
             "decimals (e.g. \"0.00001\"), got 0.123456789");
  BOOST_TEST(error_of(doc("[market.synthetic]\nregimes = [{regime = \"quiet\", bars = 3}]\n"
                          "jumps = [{at_bar = 3, jump_pct = -5}]\n")) ==
             "t.toml:6:20: [market.synthetic.jumps[0]].at_bar: expected an integer in [0, 2], "
             "got 3");
}

BOOST_AUTO_TEST_CASE(bad_enums_list_the_allowed_values) {
  BOOST_TEST(error_of(doc("bars = 1\n[market]\nsource = \"parquet\"\n")) ==
             "t.toml:6:10: [market].source: expected one of \"synthetic\", \"csv\", \"qlib\", got "
             "\"parquet\"");
  BOOST_TEST(error_of(doc("[market.synthetic]\nregimes = [{regime = \"calm\", bars = 3}]\n")) ==
             "t.toml:5:22: [market.synthetic.regimes[0]].regime: expected one of \"quiet\", "
             "\"normal\", \"trending\", \"volatile\", \"crash\", got \"calm\"");
  BOOST_TEST(
      error_of(doc("bars = 1\n[strategy]\nsizing = \"kelly_criterion\"\n"))
          .starts_with("t.toml:6:10: [strategy].sizing: expected one of "
                       "\"kelly_position_size\", \"position_size_suggestion\", \"simple\","));
}

BOOST_AUTO_TEST_CASE(bad_dates_and_durations) {
  BOOST_TEST(error_of(doc("bars = 5\n[[faults]]\nkind = \"venue_outage\"\n"
                          "at = \"2024-02-30 00:00:00\"\nduration = \"1h\"\n")) ==
             "t.toml:7:6: [faults[0]].at: expected a bar index in [0, 1000000000] or a time "
             "\"YYYY-MM-DD HH:MM:SS\" (UTC) in 1900-01-01 00:00:00 .. 2099-12-31 23:59:59, got \"2024-02-30 00:00:00\"");
  BOOST_TEST(error_of(doc("start = \"2024-01-01T00:00:00\"\n")) ==
             "t.toml:4:9: [scenario].start: expected a time \"YYYY-MM-DD HH:MM:SS\" (UTC) in 1900-01-01 00:00:00 .. 2099-12-31 23:59:59, got "
             "\"2024-01-01T00:00:00\"");
  BOOST_TEST(error_of(doc("start = 2024-01-01 00:00:00+02:00\n")) ==
             "t.toml:4:9: [scenario].start: expected a time \"YYYY-MM-DD HH:MM:SS\" (UTC) in 1900-01-01 00:00:00 .. 2099-12-31 23:59:59, got "
             "2024-01-01 00:00:00 (UTC offset 120 min)");
  // An impossible TOML date is a syntax error, located by toml++.
  BOOST_TEST(error_of(doc("start = 2024-02-30 00:00:00\n")).starts_with("t.toml:4:"));
  BOOST_TEST(error_of(doc("bars = 1\n[exchange.latency]\nconstant = \"5 minutes\"\n")) ==
             "t.toml:6:12: [exchange.latency].constant: expected a duration in [0, 1d] such as "
             "\"250ms\" (units ns, us, ms, s, m, h, d), got \"5 minutes\"");
}

BOOST_AUTO_TEST_CASE(fault_kinds_take_only_their_keys) {
  BOOST_TEST(error_of(doc("bars = 5\n[[faults]]\nkind = \"clock_skew\"\nat = 1\nskew = \"1s\"\n"
                          "latency = \"5s\"\n")) ==
             "t.toml:9:11: [faults[0]].latency: fault kind \"clock_skew\" does not take this key "
             "(takes: kind, at, until, duration, skew)");
  BOOST_TEST(error_of(doc("bars = 5\n[[faults]]\nkind = \"process_crash\"\nat = 1\n"
                          "duration = \"1h\"\n")) ==
             "t.toml:8:12: [faults[0]].duration: fault kind \"process_crash\" does not take this "
             "key (takes: kind, at, restart_after)");
  BOOST_TEST(error_of(doc("bars = 5\n[[faults]]\nkind = \"meteor\"\nat = 1\n"))
                 .starts_with("t.toml:6:8: [faults[0]].kind: expected one of \"venue_outage\", "));
  BOOST_TEST(error_of(doc("bars = 5\n[[faults]]\nat = 1\n")) ==
             "t.toml:5:1: [faults[0]]: missing required key 'kind'");
  BOOST_TEST(error_of(doc("bars = 5\n[[faults]]\nkind = \"venue_outage\"\nat = 1\n")) ==
             "t.toml:5:1: [faults[0]]: missing 'until' or 'duration' (when does it recover?)");
  BOOST_TEST(error_of(doc("bars = 5\n[[faults]]\nkind = \"venue_outage\"\nat = 3\nuntil = 3\n")) ==
             "t.toml:8:9: [faults[0]].until: expected a bar index after at (3), got 3");
  BOOST_TEST(error_of(doc("bars = 5\n[[faults]]\nkind = \"missing_bar\"\nat = 3\nuntil = 4\n"
                          "count = 2\n")) ==
             "t.toml:9:9: [faults[0]].count: give count or until/duration, not both");
  BOOST_TEST(
      error_of(doc("bars = 5\n[[faults]]\nkind = \"clock_skew\"\nat = 1\nskew = \"0s\"\n")) ==
      "t.toml:8:8: [faults[0]].skew: expected a non-zero duration, got \"0s\"");
}

BOOST_AUTO_TEST_CASE(per_model_keys_and_cross_field_rules) {
  BOOST_TEST(error_of(doc("bars = 1\n[exchange.slippage]\nmodel = \"fixed\"\ncap_ppm = 9\n")) ==
             "t.toml:7:11: [exchange.slippage].cap_ppm: model \"fixed\" does not take this key "
             "(takes: base_ppm)");
  // validate_exchange_config's findings point at the [exchange] table.
  BOOST_TEST(error_of(doc("bars = 1\n[exchange]\naccount = \"spot\"\n[exchange.instrument]\n"
                          "min_price = \"10\"\nmax_price = \"5\"\n")) ==
             "t.toml:5:1: [exchange]: exchange config: instrument.max_price_e8 must be 0 or >= "
             "min_price_e8, got 500000000");
  BOOST_TEST(error_of(doc("bars = 1\n[market]\nsource = \"csv\"\n")) ==
             "t.toml:5:1: [market]: source = \"csv\" needs a [market.csv] table with a path");
  BOOST_TEST(error_of("[scenario]\nname = \"t\"\n") ==
             "t.toml:1:1: [scenario]: missing required key 'seed'");
  BOOST_TEST(error_of(doc("start = \"2024-01-02 00:00:00\"\nend = \"2024-01-01 00:00:00\"\n")) ==
             "t.toml:5:7: [scenario].end: expected a time after start (2024-01-02 00:00:00), got "
             "\"2024-01-01 00:00:00\"");
  BOOST_TEST(error_of(doc("bars = 1\n[market.csv]\npath = \"a/${X}/b.csv\"\n")) ==
             "t.toml:6:8: [market.csv].path: expected a non-empty path, with a \"${NAME}\" "
             "placeholder only at its start, got \"a/${X}/b.csv\"");
}

BOOST_AUTO_TEST_CASE(syntax_errors_come_back_located) {
  BOOST_TEST(error_of("[scenario]\nname = \n") ==
             "t.toml:2:8: Error while parsing key-value pair: expected value, saw '\\n'");
  BOOST_TEST(error_of(doc("seed = 8\n")) ==
             "t.toml:4:8: Error while parsing key-value pair: cannot redefine existing integer "
             "'seed'");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(paths)

BOOST_AUTO_TEST_CASE(placeholders_expand_through_the_lookup) {
  const auto lookup = [](std::string_view name) -> std::optional<std::string> {
    if (name == "Q50SIM_REFERENCE_DIR") return std::string("/data/ref");
    return std::nullopt;
  };
  BOOST_TEST(*expand_scenario_path("${Q50SIM_REFERENCE_DIR}/a.csv", lookup) == "/data/ref/a.csv");
  BOOST_TEST(*expand_scenario_path("plain/a.csv", lookup) == "plain/a.csv");
  BOOST_TEST(std::string(expand_scenario_path("${NOPE}/a", lookup).status().message()) ==
             "path '${NOPE}/a': placeholder ${NOPE} is not set");
  BOOST_TEST(!expand_scenario_path("${Q50SIM_REFERENCE_DIR/a", lookup).ok());
  BOOST_TEST(!expand_scenario_path("${}/a", lookup).ok());
}

BOOST_AUTO_TEST_CASE(read_scenario_reports_a_missing_file) {
  auto sc = read_scenario("/nonexistent/q50sim/scenario.toml");
  BOOST_REQUIRE(!sc.ok());
  BOOST_TEST(std::string(sc.status().message()).find("/nonexistent/q50sim/scenario.toml") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(read_scenario_resolves_against_the_file_directory) {
  const std::string dir = testing::make_temp_dir("scenario_file_test");
  testing::write_text(dir + "/s.toml", doc("bars = 2\n[signals.file]\npath = \"sig.csv\"\n"));
  auto sc = read_scenario(dir + "/s.toml");
  BOOST_REQUIRE_MESSAGE(sc.ok(), sc.status().message());
  BOOST_TEST(sc->signals.file->path == dir + "/sig.csv");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace q50::io
