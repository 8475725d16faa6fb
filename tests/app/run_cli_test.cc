// `q50sim run` and `q50sim suite` on small scenarios written here: exit codes, error messages
// with file:line:column, the header and footer lines, all-or-nothing outputs, and the suite's
// golden comparison (a changed golden file is reported with its first differing line;
// --update rewrites it).
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "tests/support/test_env.h"

namespace q50 {
namespace {

namespace fs = std::filesystem;
using testing::file_exists;
using testing::read_text;
using testing::run_process;
using testing::write_text;

std::string scenario(const std::string& name, std::uint64_t seed, const std::string& extra) {
  return "[scenario]\nname = \"" + name + "\"\nseed = " + std::to_string(seed) +
         "\nbars = 300\nstart = \"2024-01-01 00:00:00\"\n\n[market.synthetic]\n"
         "regimes = [ { regime = \"normal\", bars = 300 } ]\n\n[signals.synthetic]\n"
         "skill = 0.1\n" + extra;
}

testing::RunResult q50sim(const std::vector<std::string>& args) {
  std::vector<std::string> argv(args.size() + 1);
  argv[0] = testing::q50sim_bin();
  std::copy(args.begin(), args.end(), argv.begin() + 1);
  return run_process(argv);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    out.push_back(text.substr(start, nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

bool has_partial(const std::string& dir) {
  if (!fs::exists(dir)) return false;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".partial") return true;
  }
  return false;
}

BOOST_AUTO_TEST_CASE(run_prints_header_and_fingerprint_and_writes_every_file) {
  const std::string dir = testing::make_temp_dir("run_cli_ok");
  write_text(dir + "/ok.toml", scenario("ok", 7, "[assertions]\nmin_trades = 1\n"));
  const auto r = q50sim({"run", dir + "/ok.toml", "--out", dir + "/out"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.out << r.err);
  const auto out = lines(r.out);
  BOOST_TEST(out.front().rfind("seed=7 scenario=ok version=", 0) == 0u, out.front());
  BOOST_TEST(std::regex_match(out.back(), std::regex("fingerprint=[0-9a-f]{16}")), out.back());
  for (const char* f : {"bars.csv", "trades.csv", "journal.txt", "metrics.json", "report.html"}) {
    BOOST_TEST(file_exists(dir + "/out/" + f), f);
  }
  BOOST_TEST(!has_partial(dir + "/out"));
  BOOST_TEST(read_text(dir + "/out/metrics.json").find(out.back().substr(12)) !=
             std::string::npos);
  // Same seed, same fingerprint; --seed overrides the file's seed and changes the run.
  const auto again = q50sim({"run", dir + "/ok.toml", "--out", dir + "/out2"});
  BOOST_TEST(lines(again.out).back() == out.back());
  BOOST_TEST(read_text(dir + "/out2/bars.csv") == read_text(dir + "/out/bars.csv"));
  const auto reseeded = q50sim({"run", dir + "/ok.toml", "--out", dir + "/out3", "--seed", "8"});
  BOOST_TEST(reseeded.exit_code == 0);
  BOOST_TEST(lines(reseeded.out).front().rfind("seed=8 scenario=ok", 0) == 0u);
  BOOST_TEST(lines(reseeded.out).back() != out.back());
}

// Every refusal reaches metrics.json with its origin (risk, venue), and every accepted order a
// signal-to-order latency: here the venue's constant 50 ms, so every sample is exactly that.
BOOST_AUTO_TEST_CASE(run_reports_rejects_by_origin_latency_and_variance_regimes) {
  const std::string dir = testing::make_temp_dir("run_cli_rejects");
  write_text(dir + "/r.toml",
             scenario("r", 7,
                      "[risk]\nmax_exposure_fraction = 0.02\n"
                      "[exchange.latency]\nconstant = \"50ms\"\n"
                      "[[faults]]\nkind = \"venue_outage\"\nat = 0\nduration = \"40h\"\n"));
  const auto r = q50sim({"run", dir + "/r.toml", "--out", dir + "/out"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.out << r.err);
  const auto m = nlohmann::json::parse(read_text(dir + "/out/metrics.json"));
  const auto& by_reason = m["rejects"]["by_reason"];
  BOOST_TEST(by_reason.value("venue:VENUE_DOWN", 0) >= 1, by_reason.dump());
  BOOST_TEST(by_reason.value("risk:exposure_cap", 0) >= 1, by_reason.dump());
  std::int64_t total = 0;
  for (const auto& [reason, n] : by_reason.items()) total += n.get<std::int64_t>();
  BOOST_TEST(m["rejects"]["total"].get<std::int64_t>() == total);
  // Market orders the venue accepts fill: one latency sample per order id in trades.csv.
  std::vector<std::string> ids;
  for (const std::string& line : lines(read_text(dir + "/out/trades.csv"))) {
    const std::size_t a = line.find(',', line.find(',') + 1);
    ids.push_back(line.substr(a + 1, line.find(',', a + 1) - a - 1));
  }
  ids.erase(ids.begin());  // the header
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  const auto& latency = m["signal_to_order_latency"];
  BOOST_TEST_REQUIRE(!ids.empty());
  BOOST_TEST(latency["count"].get<std::size_t>() == ids.size());
  BOOST_TEST(latency["p50_ns"] == 50'000'000);
  BOOST_TEST(latency["max_ns"] == 50'000'000);
  // The first bars have no vol_risk yet: the breakdown starts with "unknown".
  BOOST_TEST_REQUIRE(m["by_variance_regime"].size() >= 2u);
  BOOST_TEST(m["by_variance_regime"][0]["variance_regime"] == "unknown");
  const std::string html = read_text(dir + "/out/report.html");
  BOOST_TEST(html.find("venue:VENUE_DOWN") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_scenario_exits_3_naming_path_line_and_column) {
  const std::string dir = testing::make_temp_dir("run_cli_bad");
  write_text(dir + "/bad.toml", "[scenario]\nname = \"bad\"\nsede = 3\n");
  const auto r = q50sim({"run", dir + "/bad.toml", "--out", dir + "/out"});
  BOOST_TEST(r.exit_code == 3);
  BOOST_TEST(r.err.find("bad.toml:3:1") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("sede") != std::string::npos, r.err);
  BOOST_TEST(!fs::exists(dir + "/out"));
}

BOOST_AUTO_TEST_CASE(missing_scenario_file_exits_4) {
  const std::string dir = testing::make_temp_dir("run_cli_missing");
  const auto r = q50sim({"run", dir + "/nope.toml", "--out", dir + "/out"});
  BOOST_TEST(r.exit_code == 4);
  BOOST_TEST(r.err.find("nope.toml") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(bad_command_lines_exit_2) {
  BOOST_TEST(q50sim({"run"}).exit_code == 2);
  BOOST_TEST(q50sim({"run", "x.toml"}).exit_code == 2);  // no --out
  BOOST_TEST(q50sim({"run", "x.toml", "--out", "d", "--seed", "-1"}).exit_code == 2);
  BOOST_TEST(q50sim({"suite"}).exit_code == 2);
  BOOST_TEST(q50sim({"suite", "d", "--jobs", "0"}).exit_code == 2);
  BOOST_TEST(q50sim({"suite", "d", "--update"}).exit_code == 2);  // --update needs --golden
}

BOOST_AUTO_TEST_CASE(failing_assertion_exits_1_and_names_it) {
  const std::string dir = testing::make_temp_dir("run_cli_assert");
  write_text(dir + "/a.toml", scenario("a", 7,
                                       "[assertions]\nmin_trades = 100000\n"
                                       "final_equity_at_least = 1000000.0\n"));
  const auto r = q50sim({"run", dir + "/a.toml", "--out", dir + "/out"});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.out.find("assertion failed: min_trades:") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("assertion failed: final_equity_at_least:") != std::string::npos);
  BOOST_TEST(lines(r.out).back().rfind("fingerprint=", 0) == 0u);
  BOOST_TEST(read_text(dir + "/out/metrics.json").find("\"passed\": false") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_failed_commit_leaves_no_file_behind) {
  const std::string dir = testing::make_temp_dir("run_cli_atomic");
  write_text(dir + "/ok.toml", scenario("ok", 7, ""));
  // bars.csv is a non-empty directory: renaming bars.csv.partial over it fails.
  fs::create_directories(dir + "/out/bars.csv/blocker");
  const auto r = q50sim({"run", dir + "/ok.toml", "--out", dir + "/out"});
  BOOST_TEST(r.exit_code == 4, r.out << r.err);
  BOOST_TEST(r.err.find("bars.csv") != std::string::npos, r.err);
  BOOST_TEST(!has_partial(dir + "/out"));
  for (const char* f : {"trades.csv", "journal.txt", "metrics.json", "report.html"}) {
    BOOST_TEST(!fs::exists(dir + "/out/" + f), f);
  }
}

BOOST_AUTO_TEST_CASE(missing_reference_data_is_an_io_error_for_run) {
  const std::string dir = testing::make_temp_dir("run_cli_ref");
  write_text(dir + "/r.toml",
             scenario("r", 7, "[signals]\nsource = \"file\"\n[signals.file]\n"
                              "path = \"${Q50SIM_TEST_NO_SUCH_DIR}/s.csv\"\n"));
  const auto r = run_process({"/usr/bin/env", "-u", "Q50SIM_TEST_NO_SUCH_DIR",
                              testing::q50sim_bin(), "run", dir + "/r.toml", "--out",
                              dir + "/out"});
  BOOST_TEST(r.exit_code == 4);
  BOOST_TEST(r.err.find("Q50SIM_TEST_NO_SUCH_DIR is not set") != std::string::npos, r.err);
}

struct SuiteDirs {
  std::string scenarios;
  std::string golden;
};

SuiteDirs suite_dirs(const std::string& tag) {
  const std::string dir = testing::make_temp_dir("suite_cli_" + tag);
  fs::create_directories(dir + "/scenarios");
  write_text(dir + "/scenarios/b_second.toml", scenario("b_second", 11, ""));
  write_text(dir + "/scenarios/a_first.toml", scenario("a_first", 10, ""));
  return {dir + "/scenarios", dir + "/golden"};
}

BOOST_AUTO_TEST_CASE(suite_update_then_detects_a_changed_golden_line) {
  const SuiteDirs d = suite_dirs("golden");
  const auto created = q50sim({"suite", d.scenarios, "--golden", d.golden, "--update"});
  BOOST_TEST_REQUIRE(created.exit_code == 0, created.out << created.err);
  BOOST_TEST(created.out.find("a_first") < created.out.find("b_second"));  // sorted by name
  const std::string bars = d.golden + "/a_first/bars.csv";
  for (const char* f : {"metrics.json", "bars.csv", "trades.csv", "fingerprint.txt"}) {
    BOOST_TEST(file_exists(d.golden + "/a_first/" + f), f);
  }
  const auto pass = q50sim({"suite", d.scenarios, "--golden", d.golden, "--jobs", "2"});
  BOOST_TEST(pass.exit_code == 0, pass.out);
  BOOST_TEST(pass.out.find("FAIL") == std::string::npos);

  const std::string original = read_text(bars);
  std::vector<std::string> rows = lines(original);
  BOOST_TEST_REQUIRE(rows.size() > 3u);
  const std::string actual_line = rows[2];
  rows[2] = "2024-01-01 01:00:00,changed";
  std::string changed;
  for (const auto& row : rows) changed += row + "\n";
  write_text(bars, changed);
  const auto fail = q50sim({"suite", d.scenarios, "--golden", d.golden});
  BOOST_TEST(fail.exit_code == 1);
  BOOST_TEST(fail.out.find("bars.csv: first difference at line 3") != std::string::npos,
             fail.out);
  BOOST_TEST(fail.out.find("expected: 2024-01-01 01:00:00,changed") != std::string::npos);
  BOOST_TEST(fail.out.find("actual:   " + actual_line) != std::string::npos);
  BOOST_TEST(std::regex_search(fail.out, std::regex("\na_first .* FAIL\n")));
  BOOST_TEST(std::regex_search(fail.out, std::regex("\nb_second .* PASS\n")));

  const auto updated = q50sim({"suite", d.scenarios, "--golden", d.golden, "--update"});
  BOOST_TEST(updated.exit_code == 0);
  BOOST_TEST(std::regex_search(updated.out, std::regex("\na_first .* UPDATED\n")));
  BOOST_TEST(read_text(bars) == original);
}

BOOST_AUTO_TEST_CASE(suite_reports_a_missing_golden_file) {
  const SuiteDirs d = suite_dirs("missing");
  const auto r = q50sim({"suite", d.scenarios, "--golden", d.golden});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.out.find("missing golden file (create it with --update)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(suite_skips_missing_reference_data_unless_ci) {
  const SuiteDirs d = suite_dirs("skip");
  write_text(d.scenarios + "/c_real.toml",
             scenario("c_real", 12, "[signals]\nsource = \"file\"\n[signals.file]\n"
                                    "path = \"${Q50SIM_TEST_NO_SUCH_DIR}/s.csv\"\n"));
  const std::vector<std::string> base = {"/usr/bin/env", "-u", "Q50SIM_TEST_NO_SUCH_DIR"};
  auto args = base;
  for (const char* a : {"CI=false"}) args.emplace_back(a);
  args.push_back(testing::q50sim_bin());
  for (const std::string& a : {std::string("suite"), d.scenarios}) args.push_back(a);
  const auto skipped = run_process(args);
  BOOST_TEST(skipped.exit_code == 0, skipped.out);
  BOOST_TEST(std::regex_search(skipped.out, std::regex("\nc_real .* SKIP\n")));
  BOOST_TEST(skipped.out.find("skipped: Q50SIM_TEST_NO_SUCH_DIR is not set") != std::string::npos);

  args[3] = "CI=true";
  const auto failed = run_process(args);
  BOOST_TEST(failed.exit_code == 1);
  BOOST_TEST(std::regex_search(failed.out, std::regex("\nc_real .* FAIL\n")));
  BOOST_TEST(failed.out.find("CI=true: reference data is required") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(suite_fails_a_scenario_whose_assertion_fails) {
  const SuiteDirs d = suite_dirs("assert");
  write_text(d.scenarios + "/a_first.toml",
             scenario("a_first", 10, "[assertions]\nmax_trades = 0\n"));
  const auto r = q50sim({"suite", d.scenarios});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.out.find("assertion failed: max_trades:") != std::string::npos, r.out);
}

}  // namespace
}  // namespace q50
