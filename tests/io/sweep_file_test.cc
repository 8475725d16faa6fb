// Sweep files: every dimension form, the values and texts they give, seeded samples that are the
// same every time and stay in bounds, and errors naming file:line:column for each mistake.
#include "io/sweep_file.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <set>
#include <string>
#include <variant>

#include "core/number_format.h"

namespace q50::io {
namespace {

constexpr std::string_view kReplayHead =
    "[base]\nreplay = \"hummingbot\"\ninput = \"in.csv\"\nconfig = \"c.json\"\n";
constexpr std::string_view kScenarioHead = "[base]\nscenario = \"s.toml\"\n";

SweepSpec parse_ok(const std::string& text, const std::string& path = "dir/t.toml") {
  auto spec = parse_sweep(path, text);
  BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().message());
  return *std::move(spec);
}

std::string error_of(const std::string& text) {
  auto spec = parse_sweep("t.toml", text);
  BOOST_REQUIRE_MESSAGE(!spec.ok(), "expected an error for:\n" << text);
  BOOST_CHECK(spec.status().code() == absl::StatusCode::kInvalidArgument);
  return std::string(spec.status().message());
}

std::vector<std::string> texts(const SweepDimension& d, std::size_t key = 0) {
  std::vector<std::string> out;
  for (const auto& row : d.rows) out.push_back(row[key].text);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(replay_base_paths_resolve_against_the_file_and_name_defaults_to_its_stem) {
  const SweepSpec s = parse_ok(std::string(kReplayHead));
  BOOST_TEST(s.name == "t");
  BOOST_TEST((s.base.kind == SweepBaseKind::kReplay));
  BOOST_TEST(s.base.input == "dir/in.csv");
  BOOST_TEST(s.base.input_as_written == "in.csv");
  BOOST_TEST(s.dimensions.empty());
  BOOST_TEST(sweep_parameter_names(s).empty());
  const SweepSpec placeholder = parse_ok(
      "[base]\nreplay = \"quantile\"\ninput = \"${REF}/in.csv\"\nconfig = \"/abs/c.json\"\n");
  BOOST_TEST(placeholder.base.input == "${REF}/in.csv");
  BOOST_TEST(placeholder.base.config == "/abs/c.json");
}

BOOST_AUTO_TEST_CASE(values_keep_their_types_and_texts) {
  const SweepSpec s = parse_ok(std::string(kReplayHead) +
                               "[[dimension]]\nkey = \"fee_rate\"\nvalues = [0.0005, 0.001, 1]\n"
                               "[[dimension]]\nkey = \"sizing_method\"\nvalues = [\"kelly\"]\n");
  BOOST_REQUIRE(s.dimensions.size() == 2u);
  BOOST_TEST(texts(s.dimensions[0]) == (std::vector<std::string>{"0.0005", "0.001", "1"}));
  BOOST_TEST(std::get<double>(s.dimensions[0].rows[1][0].value) == 0.001);
  BOOST_TEST(std::get<std::int64_t>(s.dimensions[0].rows[2][0].value) == 1);
  BOOST_TEST(s.dimensions[0].rows[0][0].origin == "dir/t.toml:7:11");
  BOOST_TEST(std::get<std::string>(s.dimensions[1].rows[0][0].value) == "kelly");
  BOOST_TEST(sweep_parameter_names(s) == (std::vector<std::string>{"fee_rate", "sizing_method"}));
}

BOOST_AUTO_TEST_CASE(ranges_give_exact_decimal_steps) {
  const SweepSpec s = parse_ok(
      std::string(kReplayHead) +
      "[[dimension]]\nkey = \"fee_rate\"\nrange = { from = 0.0005, to = 0.003, step = 0.0005 }\n"
      "[[dimension]]\nkey = \"min_confidence_hold\"\nrange = { from = 1, to = 7, step = 3 }\n"
      "[[dimension]]\nkey = \"max_position_pct\"\nrange = { from = 0.1, to = 0.3, step = 0.1 }\n");
  BOOST_TEST(texts(s.dimensions[0]) ==
             (std::vector<std::string>{"0.0005", "0.001", "0.0015", "0.002", "0.0025", "0.003"}));
  BOOST_TEST(std::get<double>(s.dimensions[0].rows[2][0].value) == 0.0015);
  BOOST_TEST(texts(s.dimensions[1]) == (std::vector<std::string>{"1", "4", "7"}));
  // 0.1 + 2 * 0.1 is 0.30000000000000004 in binary; the grid value is 0.3.
  BOOST_TEST(texts(s.dimensions[2]) == (std::vector<std::string>{"0.1", "0.2", "0.3"}));
}

BOOST_AUTO_TEST_CASE(seeds_count_or_to_and_the_key_defaults_to_seed) {
  const SweepSpec s =
      parse_ok(std::string(kScenarioHead) + "[[dimension]]\nseeds = { from = 5, count = 3 }\n");
  BOOST_TEST(s.dimensions[0].keys == (std::vector<std::string>{"seed"}));
  BOOST_TEST(texts(s.dimensions[0]) == (std::vector<std::string>{"5", "6", "7"}));
  const SweepSpec t = parse_ok(std::string(kScenarioHead) +
                               "[[dimension]]\nkey = \"seed\"\nseeds = { from = 0, to = 9 }\n");
  BOOST_TEST(t.dimensions[0].rows.size() == 10u);
}

BOOST_AUTO_TEST_CASE(random_samples_are_seeded_rounded_and_in_bounds) {
  const std::string text = std::string(kScenarioHead) +
                           "[sweep]\nseed = 42\n"
                           "[[dimension]]\nkey = \"strategy.max_position_fraction\"\n"
                           "random = { count = 200, uniform = [0.1, 0.9], digits = 3 }\n"
                           "[[dimension]]\nkey = \"signals.synthetic.noise\"\nrandom = { count = "
                           "50, log_uniform = [0.01, 1.0] }\n"
                           "[[dimension]]\nkey = \"scenario.checkpoint_every_bars\"\nrandom = { "
                           "count = 50, integers = [1, 3] }\n"
                           "[[dimension]]\nkey = \"strategy.hold\"\nrandom = { count = 20, choice "
                           "= [\"keep\", \"close\"] }\n";
  const SweepSpec a = parse_ok(text);
  const SweepSpec b = parse_ok(text);
  for (std::size_t d = 0; d < a.dimensions.size(); ++d)
    BOOST_TEST(texts(a.dimensions[d]) == texts(b.dimensions[d]));
  for (const auto& row : a.dimensions[0].rows) {
    const double v = std::get<double>(row[0].value);
    BOOST_TEST((v >= 0.1 && v <= 0.9));
    BOOST_TEST(row[0].text.size() <= 5u, row[0].text);  // three significant digits: "0.123"
    BOOST_TEST(py_repr(v) == row[0].text);
  }
  for (const auto& row : a.dimensions[1].rows) {
    const double v = std::get<double>(row[0].value);
    BOOST_TEST((v >= 0.01 && v <= 1.0));
  }
  std::set<std::int64_t> ints;
  for (const auto& row : a.dimensions[2].rows) ints.insert(std::get<std::int64_t>(row[0].value));
  BOOST_TEST(ints == (std::set<std::int64_t>{1, 2, 3}));
  const std::vector<std::string> drawn = texts(a.dimensions[3]);
  const std::set<std::string> choices(drawn.begin(), drawn.end());
  BOOST_TEST(choices == (std::set<std::string>{"keep", "close"}));
  // Another sample seed draws other values; another dimension added leaves these alone.
  const SweepSpec c = parse_ok(std::string(kScenarioHead) + "[sweep]\nseed = 43\n" +
                               text.substr(text.find("[[dimension]]")));
  BOOST_TEST(texts(c.dimensions[0]) != texts(a.dimensions[0]));
  const SweepSpec d = parse_ok(text +
                               "[[dimension]]\nkey = \"signals.synthetic.skill\"\n"
                               "random = { count = 3, uniform = [0, 1] }\n");
  BOOST_TEST(texts(d.dimensions[0]) == texts(a.dimensions[0]));
}

BOOST_AUTO_TEST_CASE(joint_dimensions_zip_values_or_draw_together) {
  const SweepSpec s = parse_ok(
      std::string(kReplayHead) +
      "[[dimension]]\nkeys = [\"fee_rate\", \"sizing_method\"]\n"
      "values = [[0.001, \"kelly\"], [0.002, \"simple\"]]\n"
      "[[dimension]]\nkeys = [\"max_position_pct\", \"min_confidence_hold\"]\n"
      "random = { count = 4, draws = [{ uniform = [0.1, 0.5] }, { integers = [1, 7] }] }\n");
  BOOST_TEST(s.dimensions[0].rows.size() == 2u);
  BOOST_TEST(texts(s.dimensions[0], 1) == (std::vector<std::string>{"kelly", "simple"}));
  BOOST_TEST(s.dimensions[1].rows.size() == 4u);
  BOOST_TEST(s.dimensions[1].rows[0].size() == 2u);
}

BOOST_AUTO_TEST_CASE(frame_windows) {
  auto w = parse_frame_window("2024-01-01..2024-02-01 12:00:00");
  BOOST_REQUIRE(w.ok());
  BOOST_TEST(w->contains(*w->from_ns));
  BOOST_TEST(!w->contains(*w->until_ns));
  auto open = parse_frame_window("..");
  BOOST_REQUIRE(open.ok());
  BOOST_TEST((!open->from_ns && !open->until_ns));
  BOOST_TEST(parse_frame_window("2024-01-01..").ok());
  BOOST_TEST(!parse_frame_window("2024-01-01").ok());
  BOOST_TEST(!parse_frame_window("2024-13-01..").ok());
  BOOST_TEST(!parse_frame_window("2024-02-01..2024-01-01").ok());
}

BOOST_AUTO_TEST_CASE(errors_name_file_line_column_and_what_was_expected) {
  const std::string head(kReplayHead);
  // Lines 1-4 are the base.
  BOOST_TEST(error_of(head + "[[dimension]]\nkey = \"fee_rate\"\nvalues = []\n") ==
             "t.toml:7:10: [dimension 1].values: expected a non-empty array, got an array");
  BOOST_TEST(error_of(head + "[[dimension]]\nkey = \"fe_rate\"\nvalues = [1]\n")
                 .starts_with("t.toml:5:1: key 'fe_rate': not a key of the hummingbot config"));
  BOOST_TEST(error_of(head + "[[dimension]]\nkey = \"fee_rate\"\nvalues = [1]\ncolour = 2\n") ==
             "t.toml:8:1: unknown key 'colour' in [dimension 1] (known: key, keys, values, "
             "range, seeds, random)");
  BOOST_TEST(
      error_of(head + "[[dimension]]\nkey = \"fee_rate\"\nrange = { from = 1, to = 0, step = 1 }\n")
          .starts_with("t.toml:7:26: [dimension 1].range.to: expected a finite number >= from"));
  BOOST_TEST(error_of(head + "[[dimension]]\nkey = \"window\"\nvalues = [\"2024\"]\n")
                 .starts_with("t.toml:7:11: window: expected \"FROM..UNTIL\""));
  BOOST_TEST(error_of(head + "[[dimension]]\nkey = \"fee_rate\"\nvalues = [1]\n"
                             "[[dimension]]\nkey = \"fee_rate\"\nvalues = [2]\n") ==
             "t.toml:8:1: key 'fee_rate' is swept by an earlier dimension too");
  BOOST_TEST(error_of(head + "[[dimension]]\nkey = \"seed\"\nvalues = [-1]\n") ==
             "t.toml:7:11: seed: expected an integer >= 0, got -1");
  BOOST_TEST(error_of(head + "[report]\nx = \"fee_rate\"\n")
                 .starts_with("t.toml:6:5: [report].x: expected a swept key"));
  BOOST_TEST(
      error_of(
          "[base]\nscenario = \"s.toml\"\n[[dimension]]\nkey = \"strategy.nope\"\nvalues = [1]\n")
          .starts_with("t.toml:3:1: key 'strategy.nope': not a scenario key"));
  BOOST_TEST(error_of("[base]\nscenario = \"s.toml\"\nreplay = \"quantile\"\n")
                 .starts_with("t.toml:1:1: [base]: expected exactly one of 'scenario'"));
  BOOST_TEST(
      error_of("[sweep]\nname = \"a b\"\n" + head).starts_with("t.toml:1:1: [sweep]: name 'a b'"));
  BOOST_TEST(error_of(head + "[slurm]\nmem = \"1G; rm -rf /\"\n")
                 .starts_with("t.toml:6:7: [slurm].mem: expected letters"));
  BOOST_TEST(error_of("[base\n").starts_with("t.toml:1:6: "));
}

BOOST_AUTO_TEST_CASE(scenario_keys_take_array_indices) {
  const SweepSpec s =
      parse_ok(std::string(kScenarioHead) +
               "[[dimension]]\nkey = \"faults[1].probability\"\nvalues = [0.5]\n"
               "[[dimension]]\nkey = \"market.synthetic.regimes[0].bars\"\nvalues = [10]\n");
  BOOST_TEST(s.dimensions.size() == 2u);
  BOOST_TEST(error_of(std::string(kScenarioHead) +
                      "[[dimension]]\nkey = \"faults[x].probability\"\nvalues = [0.5]\n")
                 .starts_with("t.toml:3:1: key 'faults[x].probability': not a scenario key"));
}

}  // namespace q50::io
