// `q50sim sweep` end to end on small sweeps: every point's fingerprint equals what `q50sim
// replay` / `q50sim run` print for the same configuration (config and input files written here,
// independently of the sweep); failing points are stored with their reason and the sweep goes
// on; results do not depend on --jobs; a re-run adds nothing; the union of shards is the sweep;
// --point, --emit-slurm, --dry-run and the command-line errors.
#include <boost/test/unit_test.hpp>
#include <map>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "tests/app/sweep_test_support.h"

namespace q50 {
namespace {

using testing::Csv;
using testing::parse_csv;
using testing::q50sim;
using testing::read_text;
using testing::run_sweep;
using testing::write_text;

std::string case_dir() { return testing::reference_dir() + "/backtest_hb/1b12b00_simple"; }

// A replay sweep over the 1,500-bar reference case: 2 x 2 x 2 points and 2 random draws.
std::string replay_sweep(const std::string& extra = "") {
  return fmt::format(
      "[sweep]\nname = \"replay_small\"\nseed = 5\n"
      "[base]\nreplay = \"hummingbot\"\ninput = \"{0}/input.csv\"\nconfig = \"{0}/config.json\"\n"
      "[[dimension]]\nkey = \"sizing_method\"\nvalues = [\"simple\", \"kelly\"]\n"
      "[[dimension]]\nkey = \"fee_rate\"\nvalues = [0.0005, 0.002]\n"
      "[[dimension]]\nkey = \"window\"\nvalues = [\"2024-08-15..2024-09-10\", \"..\"]\n"
      "[[dimension]]\nkey = \"max_position_pct\"\nrandom = {{ count = 2, uniform = [0.1, 0.5] "
      "}}\n{1}",
      case_dir(), extra);
}

// The input frame's header and its rows in [from, until) ("" = open), as a cut file.
std::string cut_input(const std::string& from, const std::string& until) {
  const std::string text = read_text(case_dir() + "/input.csv");
  std::string out;
  std::size_t start = 0;
  bool header = true;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    const std::string line = text.substr(start, nl - start + 1);
    const std::string ts = line.substr(0, 19);
    if (header || ((from.empty() || ts >= from) && (until.empty() || ts < until))) out += line;
    header = false;
    start = nl + 1;
  }
  return out;
}

std::string bound(const std::string& date) { return date.empty() ? date : date + " 00:00:00"; }

BOOST_AUTO_TEST_CASE(replay_points_have_the_fingerprints_of_q50sim_replay) {
  const std::string dir = testing::make_temp_dir("sweep_cli_replay");
  write_text(dir + "/s.toml", replay_sweep());
  run_sweep({dir + "/s.toml", "--out", dir + "/out", "--jobs", "2"});
  const Csv csv = parse_csv(testing::export_csv(dir + "/out/results.sqlite", dir + "/s.csv"));
  BOOST_REQUIRE(csv.rows.size() == 16u);
  const nlohmann::json base = nlohmann::json::parse(read_text(case_dir() + "/config.json"));
  for (std::size_t i = 0; i < csv.rows.size(); ++i) {
    BOOST_TEST(csv.at(i, "status") == "ok");
    nlohmann::json config = base;
    config["sizing_method"] = csv.at(i, "sizing_method");
    config["fee_rate"] = std::stod(csv.at(i, "fee_rate"));
    config["max_position_pct"] = std::stod(csv.at(i, "max_position_pct"));
    const std::string window = csv.at(i, "window");
    const std::size_t dots = window.find("..");
    const std::string point = fmt::format("{}/p{}", dir, i);
    std::filesystem::create_directories(point);
    write_text(point + "/config.json", config.dump(2));
    write_text(point + "/input.csv",
               cut_input(bound(window.substr(0, dots)), bound(window.substr(dots + 2))));
    const auto r = q50sim({"replay", "--profile", "hummingbot", "--input", point + "/input.csv",
                           "--config", point + "/config.json", "--out", point + "/out"});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    BOOST_TEST(testing::printed_fingerprint(r.out) == csv.at(i, "fingerprint"), "point " << i);
    // The stored metrics are metrics.json's.
    const nlohmann::json metrics = nlohmann::json::parse(read_text(point + "/out/metrics.json"));
    BOOST_TEST(std::stod(csv.at(i, "total_return")) == metrics["total_return"].get<double>());
    BOOST_TEST(std::stod(csv.at(i, "total_trades")) == metrics["total_trades"].get<double>());
  }
  // --point writes the point's own input and config and replays them: the same fingerprint.
  const auto p = q50sim({"sweep", dir + "/s.toml", "--point", "5", "--out", dir + "/point5"});
  BOOST_REQUIRE_MESSAGE(p.exit_code == 0, p.out << p.err);
  BOOST_TEST(testing::printed_fingerprint(p.out) == csv.at(5, "fingerprint"));
  BOOST_TEST(read_text(dir + "/point5/point/input.csv") == read_text(dir + "/p5/input.csv"));
  BOOST_TEST(testing::file_exists(dir + "/point5/bars.csv"));
  BOOST_TEST(p.out.find("same run: q50sim replay --profile hummingbot --input") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(scenario_points_have_the_fingerprints_of_q50sim_run) {
  const std::string dir = testing::make_temp_dir("sweep_cli_scenario");
  write_text(dir + "/base.toml", testing::small_fault_scenario(240));
  write_text(dir + "/s.toml",
             "[base]\nscenario = \"base.toml\"\n"
             "[[dimension]]\nkey = \"signals.synthetic.skill\"\nvalues = [0.05, 0.3]\n"
             "[[dimension]]\nseeds = { from = 1, count = 3 }\n");
  run_sweep({dir + "/s.toml", "--out", dir + "/out"});
  const Csv csv = parse_csv(testing::export_csv(dir + "/out/results.sqlite", dir + "/s.csv"));
  BOOST_REQUIRE(csv.rows.size() == 6u);
  const std::string base = read_text(dir + "/base.toml");
  for (std::size_t i = 0; i < csv.rows.size(); ++i) {
    std::string text = base;
    const std::string skill = "skill = 0.1";
    text.replace(text.find(skill), skill.size(), "skill = " + csv.at(i, "signals.synthetic.skill"));
    const std::string file = fmt::format("{}/p{}.toml", dir, i);
    write_text(file, text);
    const auto r = q50sim({"run", file, "--seed", csv.at(i, "seed"), "--out", file + ".out"});
    BOOST_TEST(r.exit_code == (csv.at(i, "status") == "ok" ? 0 : 1), r.out << r.err);
    BOOST_TEST(testing::printed_fingerprint(r.out) == csv.at(i, "fingerprint"), "point " << i);
    BOOST_TEST(csv.at(i, "seed") == std::to_string(1 + i % 3));
  }
  // --point writes the point's scenario; q50sim run on it gives the same fingerprint.
  const auto p = q50sim({"sweep", dir + "/s.toml", "--point", "4", "--out", dir + "/point4"});
  BOOST_REQUIRE_MESSAGE(p.exit_code <= 1, p.out << p.err);
  BOOST_TEST(testing::printed_fingerprint(p.out) == csv.at(4, "fingerprint"));
  const auto again = q50sim({"run", dir + "/point4/point/scenario.toml", "--seed",
                             csv.at(4, "seed"), "--out", dir + "/again"});
  BOOST_TEST(testing::printed_fingerprint(again.out) == csv.at(4, "fingerprint"),
             again.out << again.err);
}

BOOST_AUTO_TEST_CASE(failing_points_are_stored_with_their_reason_and_the_sweep_goes_on) {
  const std::string dir = testing::make_temp_dir("sweep_cli_failing");
  write_text(dir + "/r.toml",
             fmt::format("[base]\nreplay = \"hummingbot\"\ninput = \"{0}/input.csv\"\n"
                         "config = \"{0}/config.json\"\n[[dimension]]\nkey = \"fee_rate\"\n"
                         "values = [0.001, 1.5]\n[[dimension]]\nkey = \"window\"\n"
                         "values = [\"..\", \"2030-01-01..\"]\n",
                         case_dir()));
  run_sweep({dir + "/r.toml", "--out", dir + "/r"});
  const Csv r = parse_csv(testing::export_csv(dir + "/r/results.sqlite", dir + "/r.csv"));
  BOOST_REQUIRE(r.rows.size() == 4u);
  BOOST_TEST(r.at(0, "status") == "ok");
  BOOST_TEST(r.at(1, "status") == "failed");
  BOOST_TEST(r.at(1, "error").find("window 2030-01-01..: ") == 0u, r.at(1, "error"));
  BOOST_TEST(r.at(2, "status") == "failed");
  BOOST_TEST(r.at(2, "error").starts_with(dir + "/r.toml:7:18: fee_rate = 1.5: "),
             r.at(2, "error"));
  BOOST_TEST(r.at(2, "error").find("expected a number in [0, 0.5]") != std::string::npos,
             r.at(2, "error"));
  BOOST_TEST(r.at(2, "fingerprint").empty());
  write_text(dir + "/base.toml", testing::small_fault_scenario(120, "min_trades = 100000\n"));
  write_text(dir + "/s.toml",
             "[base]\nscenario = \"base.toml\"\n[[dimension]]\n"
             "key = \"strategy.max_position_fraction\"\nvalues = [0.5, 99.0]\n");
  run_sweep({dir + "/s.toml", "--out", dir + "/s"});
  const Csv s = parse_csv(testing::export_csv(dir + "/s/results.sqlite", dir + "/s.csv"));
  BOOST_TEST(s.at(0, "status") == "assertion_failed");
  BOOST_TEST(s.at(0, "error").starts_with("min_trades: "), s.at(0, "error"));
  BOOST_TEST(!s.at(0, "fingerprint").empty());
  BOOST_TEST(s.at(1, "status") == "failed");
  BOOST_TEST(s.at(1, "error").find("strategy.max_position_fraction = 99.0") != std::string::npos,
             s.at(1, "error"));
  const std::string html = read_text(dir + "/s/sweep.html");
  BOOST_TEST(html.find("<h2>Failed points</h2>") != std::string::npos);
  BOOST_TEST(html.find("assertion_failed: min_trades") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(stored_rows_do_not_depend_on_jobs) {
  const std::string dir = testing::make_temp_dir("sweep_cli_jobs");
  write_text(dir + "/base.toml", testing::small_fault_scenario(200));
  write_text(dir + "/s.toml",
             "[sweep]\nbatch_points = 4\n[base]\nscenario = \"base.toml\"\n"
             "[[dimension]]\nkey = \"strategy.max_position_fraction\"\n"
             "random = { count = 3, uniform = [0.1, 0.9] }\n"
             "[[dimension]]\nseeds = { from = 100, count = 7 }\n");
  std::string first;
  for (const char* jobs : {"1", "2", "3"}) {
    const std::string out = fmt::format("{}/jobs{}", dir, jobs);
    run_sweep({dir + "/s.toml", "--out", out, "--jobs", jobs});
    const std::string csv = testing::export_csv(out + "/results.sqlite", out + ".csv");
    if (first.empty()) first = csv;
    BOOST_TEST((csv == first), "--jobs " << jobs);
    BOOST_TEST(read_text(out + "/sweep.html") == read_text(dir + "/jobs1/sweep.html"));
  }
  BOOST_TEST(parse_csv(first).rows.size() == 21u);
}

BOOST_AUTO_TEST_CASE(the_union_of_shards_is_the_sweep_and_slurm_variables_pick_the_shard) {
  const std::string dir = testing::make_temp_dir("sweep_cli_shards");
  write_text(dir + "/base.toml", testing::small_fault_scenario(120));
  write_text(dir + "/s.toml",
             "[base]\nscenario = \"base.toml\"\n[[dimension]]\n"
             "seeds = { from = 1, count = 10 }\n");
  run_sweep({dir + "/s.toml", "--out", dir + "/all"});
  const std::string all = testing::export_csv(dir + "/all/results.sqlite", dir + "/all.csv");
  std::vector<std::string> merge{"results", "merge", dir + "/merged.sqlite"};
  for (int i = 0; i < 3; ++i) {
    const std::string db = fmt::format("{}/shard{}.sqlite", dir, i);
    const auto out =
        i == 1 ? testing::q50sim_env({"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=3"},
                                     {"sweep", dir + "/s.toml", "--out", dir + "/o1", "--db", db})
               : q50sim({"sweep", dir + "/s.toml", "--out", fmt::format("{}/o{}", dir, i),
                         "--shard", fmt::format("{}/3", i), "--db", db});
    BOOST_REQUIRE_MESSAGE(out.exit_code == 0, out.out << out.err);
    BOOST_TEST(out.out.find(fmt::format("shard {}/3 holds {} of 10 points", i, i == 0 ? 4 : 3)) !=
                   std::string::npos,
               out.out);
    merge.push_back(db);
  }
  const auto merged = q50sim(merge);
  BOOST_REQUIRE_MESSAGE(merged.exit_code == 0, merged.out << merged.err);
  BOOST_TEST((testing::export_csv(dir + "/merged.sqlite", dir + "/merged.csv") == all));
  // Merging again changes nothing.
  BOOST_TEST(q50sim(merge).exit_code == 0);
  BOOST_TEST((testing::export_csv(dir + "/merged.sqlite", dir + "/merged2.csv") == all));
}

BOOST_AUTO_TEST_CASE(emit_slurm_writes_a_job_array_script) {
  const std::string dir = testing::make_temp_dir("sweep_cli_slurm_script");
  write_text(dir + "/base.toml", testing::small_fault_scenario(120));
  write_text(
      dir + "/s.toml",
      "[sweep]\nname = \"tiny\"\n[base]\nscenario = \"base.toml\"\n[[dimension]]\n"
      "seeds = { from = 1, count = 10 }\n[slurm]\nshards = 3\ncpus_per_task = 2\n"
      "mem = \"2G\"\ntime = \"00:10:00\"\npartition = \"batch\"\nmax_parallel = 2\nretries = 4\n");
  const auto r =
      q50sim({"sweep", dir + "/s.toml", "--out", dir + "/out", "--emit-slurm", dir + "/job.sh"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  const std::string script = read_text(dir + "/job.sh");
  for (const char* line :
       {"#SBATCH --array=0-2%2\n", "#SBATCH --cpus-per-task=2\n", "#SBATCH --mem=2G\n",
        "#SBATCH --time=00:10:00\n", "#SBATCH --partition=batch\n", "#SBATCH --requeue\n",
        "#SBATCH --job-name=q50sweep-tiny\n", "db=\"$out/shards/shard-$task-of-$count.sqlite\"\n",
        "[ \"$attempt\" -ge 4 ]"}) {
    BOOST_TEST(script.find(line) != std::string::npos, line);
  }
  BOOST_TEST(script.find("--shard \"$task/$count\"") != std::string::npos);
  BOOST_TEST(testing::file_exists(dir + "/out/slurm"));
  BOOST_TEST(testing::run_process({"/bin/bash", "-n", dir + "/job.sh"}).exit_code == 0);
  const auto pg = q50sim({"sweep", dir + "/s.toml", "--out", dir + "/out", "--emit-slurm",
                          dir + "/pg.sh", "--db", "postgresql://u@h:5/d"});
  BOOST_TEST(read_text(dir + "/pg.sh").find("db='postgresql://u@h:5/d'\n") != std::string::npos);
  // Outside a job array the script refuses to run.
  const auto bare = testing::run_process({"/bin/bash", dir + "/job.sh"});
  BOOST_TEST(bare.exit_code != 0);
  BOOST_TEST(bare.err.find("submit this script with sbatch") != std::string::npos, bare.err);
}

BOOST_AUTO_TEST_CASE(command_line_and_input_errors) {
  const std::string dir = testing::make_temp_dir("sweep_cli_errors");
  write_text(dir + "/base.toml", testing::small_fault_scenario(120));
  write_text(dir + "/s.toml",
             "[base]\nscenario = \"base.toml\"\n[[dimension]]\n"
             "seeds = { from = 1, count = 4 }\n");
  BOOST_TEST(q50sim({"sweep", dir + "/s.toml"}).exit_code == 2);
  BOOST_TEST(q50sim({"sweep", dir + "/s.toml", "--out", dir + "/o", "--shard", "4/4"}).exit_code ==
             2);
  BOOST_TEST(q50sim({"sweep", dir + "/s.toml", "--out", dir + "/o", "--jobs", "0"}).exit_code == 2);
  BOOST_TEST(q50sim({"sweep", dir + "/s.toml", "--out", dir + "/o", "--point", "4"}).exit_code ==
             2);
  BOOST_TEST(testing::q50sim_env({"SLURM_ARRAY_TASK_ID=1"},
                                 {"sweep", dir + "/s.toml", "--out", dir + "/o"})
                 .exit_code == 2);
  write_text(dir + "/bad.toml",
             "[base]\nscenario = \"base.toml\"\n[[dimension]]\nkey = \"seed\"\n"
             "values = [\"x\"]\n");
  const auto bad = q50sim({"sweep", dir + "/bad.toml", "--out", dir + "/o"});
  BOOST_TEST(bad.exit_code == 3);
  BOOST_TEST(bad.err ==
             "q50sim sweep: " + dir + "/bad.toml:5:11: seed: expected an integer >= 0, got x\n");
  write_text(dir + "/missing.toml", "[base]\nscenario = \"nope.toml\"\n");
  BOOST_TEST(q50sim({"sweep", dir + "/missing.toml", "--out", dir + "/o"}).exit_code == 4);
  BOOST_TEST(!testing::file_exists(dir + "/o/results.sqlite"));
  const auto dry = q50sim({"sweep", dir + "/s.toml", "--dry-run", "--shard", "1/3"});
  BOOST_TEST(dry.exit_code == 0);
  BOOST_TEST(dry.out.find("sweep s: 4 points\n") != std::string::npos, dry.out);
  BOOST_TEST(dry.out.find("shard 1/3: 1 points\n") != std::string::npos, dry.out);
  BOOST_TEST(q50sim({"results", dir + "/nothing.sqlite"}).exit_code == 4);
  BOOST_TEST(!testing::file_exists(dir + "/nothing.sqlite"));
  BOOST_TEST(q50sim({"results", "merge", dir + "/m.sqlite"}).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(results_lists_describes_and_renders) {
  const std::string dir = testing::make_temp_dir("sweep_cli_results");
  write_text(dir + "/base.toml", testing::small_fault_scenario(120));
  write_text(dir + "/s.toml",
             "[sweep]\nname = \"listed\"\n[base]\nscenario = \"base.toml\"\n"
             "[[dimension]]\nseeds = { from = 1, count = 3 }\n");
  run_sweep({dir + "/s.toml", "--out", dir + "/out"});
  const auto list = q50sim({"results", dir + "/out/results.sqlite"});
  BOOST_TEST(list.exit_code == 0);
  BOOST_TEST(list.out.find("listed") != std::string::npos, list.out);
  const auto one = q50sim({"results", dir + "/out/results.sqlite", "--sweep", "listed"});
  BOOST_TEST(
      one.out.find("  runs        3 ok, 0 failed, 0 assertion failed\n") != std::string::npos,
      one.out);
  BOOST_TEST(q50sim({"results", dir + "/out/results.sqlite", "--sweep", "other"}).exit_code == 4);
  const auto html = q50sim({"results", dir + "/out/results.sqlite", "--html", dir + "/r.html"});
  BOOST_TEST(html.exit_code == 0, html.out << html.err);
  BOOST_TEST(read_text(dir + "/r.html").find("<h1>Sweep listed</h1>") != std::string::npos);
}

}  // namespace
}  // namespace q50
