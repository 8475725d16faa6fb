// The signal file the mock venue writes as bars close: io::read_signal_file reads every state
// of it (rows appear in order, complete, with the forecaster's exact doubles), and its faults
// (late, missing, corrupt rows; a missing or corrupt file) look to a reader as documented.
#include <boost/test/unit_test.hpp>
#include <string>

#include <nlohmann/json.hpp>

#include "io/signal_file.h"
#include "tests/mockvenue/venue_fixture.h"
#include "tests/support/test_env.h"

namespace q50::mockvenue {
namespace {

using namespace testing;

std::string temp_file(const std::string& name) {
  return q50::testing::make_temp_dir("signal_feed_test_" + name) + "/signals.csv";
}

BOOST_AUTO_TEST_CASE(rows_appear_as_bars_close_and_read_back_exactly) {
  const std::string path = temp_file("rows");
  auto venue = make_service(scenario_text(""), {3600, path, false});
  (void)venue->tick(at_wall(0));
  auto first = io::read_signal_file(path);
  BOOST_REQUIRE_MESSAGE(first.ok(), first.status().message());
  BOOST_TEST(first->size() == 1u);  // bar 0 closed at the start
  BOOST_TEST(first->ts_ns[0] == kStartMs * 1'000'000);
  (void)venue->tick(at_wall(3.5));
  auto later = io::read_signal_file(path);
  BOOST_REQUIRE(later.ok());
  BOOST_TEST(later->size() == 4u);
  BOOST_TEST(later->ts_ns[3] == (kStartMs + 3 * kHourMs) * 1'000'000);
  // The same doubles as the synthetic forecaster of the scenario.
  sim::Scenario sc = parse(scenario_text(""));
  auto tape = build_market_tape(sc, sim::ScenarioInputs{});
  BOOST_REQUIRE(tape.ok());
  for (std::size_t i = 0; i < 4; ++i) {
    BOOST_TEST(later->q10[i] == tape->signals[i].q10);
    BOOST_TEST(later->q50[i] == tape->signals[i].q50);
    BOOST_TEST(later->q90[i] == tape->signals[i].q90);
  }
  const nlohmann::json books = nlohmann::json::parse(venue->books_json(at_wall(3.5)));
  BOOST_TEST(books["signal_rows_written"] == 4);
}

BOOST_AUTO_TEST_CASE(a_late_row_holds_later_rows_back) {
  const std::string path = temp_file("late");
  auto venue = make_service(
      scenario_text("[venue.signal_file]\nlate = 1.0\nlate_by = \"90m\"\n"), {3600, path, false});
  (void)venue->tick(at_wall(1.2));  // bars 0, 1 closed; row 0 due 01:30
  auto a = io::read_signal_file(path);
  BOOST_TEST(!a.ok());  // header only: "no data rows"
  (void)venue->tick(at_wall(1.6));
  auto b = io::read_signal_file(path);
  BOOST_REQUIRE(b.ok());
  BOOST_TEST(b->size() == 1u);
  const nlohmann::json books = nlohmann::json::parse(venue->books_json(at_wall(1.6)));
  BOOST_TEST(books["counts"]["signal_late"] == 2);
}

BOOST_AUTO_TEST_CASE(a_missing_row_never_appears) {
  const std::string path = temp_file("missing");
  auto venue = make_service(scenario_text("[venue.signal_file]\nmissing = 0.5\n"),
                            {3600, path, false});
  (void)venue->tick(at_wall(40));
  auto f = io::read_signal_file(path);
  BOOST_REQUIRE(f.ok());
  const nlohmann::json books = nlohmann::json::parse(venue->books_json(at_wall(40)));
  const std::int64_t missing = books["counts"]["signal_missing"].get<std::int64_t>();
  BOOST_TEST(missing > 5);
  BOOST_TEST(static_cast<std::int64_t>(f->size()) + missing == 41);
}

BOOST_AUTO_TEST_CASE(a_corrupt_row_breaks_the_file_until_the_next_bar) {
  const std::string path = temp_file("corrupt");
  auto venue = make_service(scenario_text("[venue.signal_file]\ncorrupt = 1.0\n"),
                            {3600, path, false});
  (void)venue->tick(at_wall(0));
  auto broken = io::read_signal_file(path);
  BOOST_TEST(!broken.ok());
  // Bar 1: the file is rewritten with row 0 repaired, then row 1 arrives corrupt.
  (void)venue->tick(at_wall(1));
  const std::string text = q50::testing::read_text(path);
  BOOST_TEST(text.find("#corrupt") != std::string::npos);
  auto only_good = io::parse_signal_file("x", text.substr(0, text.rfind("2024-01-01 01:00:00")));
  BOOST_REQUIRE_MESSAGE(only_good.ok(), only_good.status().message());
  BOOST_TEST(only_good->size() == 1u);
}

BOOST_AUTO_TEST_CASE(scenario_file_faults_delete_or_break_the_file_for_their_window) {
  const std::string path = temp_file("windows");
  auto venue = make_service(
      scenario_text("[[faults]]\nkind = \"signal_file_missing\"\nat = 2\nuntil = 4\n"
                    "[[faults]]\nkind = \"signal_file_corrupt\"\nat = 6\nuntil = 7\n"
                    "[[faults]]\nkind = \"missing_signal\"\nat = 8\n"
                    "[[faults]]\nkind = \"stale_signal\"\nat = 9\nlag = \"30m\"\n"),
      {3600, path, false});
  (void)venue->tick(at_wall(2.5));
  BOOST_TEST(!q50::testing::file_exists(path));
  (void)venue->tick(at_wall(4.5));
  auto back = io::read_signal_file(path);
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(back->size() == 5u);  // rows 0..4, none lost while the file was away
  (void)venue->tick(at_wall(6.5));
  BOOST_TEST(!io::read_signal_file(path).ok());
  (void)venue->tick(at_wall(9.2));
  auto late = io::read_signal_file(path);
  BOOST_REQUIRE(late.ok());
  BOOST_TEST(late->size() == 8u);  // row 8 missing, row 9 due at 09:30
  (void)venue->tick(at_wall(9.6));
  BOOST_TEST(io::read_signal_file(path)->size() == 9u);
  const nlohmann::json books = nlohmann::json::parse(venue->books_json(at_wall(9.6)));
  BOOST_TEST(books["scenario_faults"]["signal_file_missing"]["injected"] == 2);
  BOOST_TEST(books["scenario_faults"]["missing_signal"]["injected"] == 1);
  BOOST_TEST(books["scenario_faults"]["stale_signal"]["injected"] == 1);
}

}  // namespace
}  // namespace q50::mockvenue
