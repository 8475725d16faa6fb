// `q50sim signals` end to end: the binary on every reference input in both percentile modes,
// compared with the expected CSV column by column; and every kind of bad input or command
// line, which must give the documented exit code, a message naming file:line and the value,
// and no output file.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/signal.h"
#include "io/csv.h"
#include "core/number_format.h"
#include "tests/support/test_env.h"

namespace q50 {
namespace {

using testing::file_exists;
using testing::q50sim_bin;
using testing::run_process;

const char* const kCases[] = {"btc_2022", "btc_head_trades", "synthetic_s1"};

bool is_float_column(const std::string& name) {
  for (const auto& c : signal_columns()) {
    if (c.name == name) return c.kind == SignalColumnKind::kFloat64;
  }
  return false;  // timestamp
}

// Compares two signal CSVs field by field: identical text, or both numbers within rtol 1e-12
// for float columns. Returns the number of differing fields (0 = agreement).
std::size_t compare_files(const std::string& got_path, const std::string& want_path,
                          std::size_t* identical_fields) {
  const auto got = io::CsvTable::read(got_path);
  const auto want = io::CsvTable::read(want_path);
  BOOST_REQUIRE_MESSAGE(got.ok(), got.status().ToString());
  BOOST_REQUIRE_MESSAGE(want.ok(), want.status().ToString());
  BOOST_REQUIRE(got->header() == want->header());
  BOOST_REQUIRE_EQUAL(got->rows(), want->rows());
  std::size_t bad = 0;
  for (std::size_t c = 0; c < want->cols(); ++c) {
    for (std::size_t r = 0; r < want->rows(); ++r) {
      if (got->field(r, c) == want->field(r, c)) {
        ++*identical_fields;
        continue;
      }
      const auto a = got->f64(r, c, io::FloatPolicy::kAllowNan);
      const auto b = want->f64(r, c, io::FloatPolicy::kAllowNan);
      const bool close = is_float_column(want->header()[c]) && a.ok() && b.ok() &&
                         std::fabs(*a - *b) <= 1e-12 * std::fabs(*b);
      if (!close && bad++ == 0) {
        BOOST_TEST_MESSAGE("first difference at " << want_path << ":" << want->line(r)
                                                  << " column " << want->header()[c]);
      }
    }
  }
  return bad;
}

std::string frozen_arg(const nlohmann::json& p) {
  return q50::py_repr(p.at("p30").get<double>()) + "," + q50::py_repr(p.at("p70").get<double>()) +
         "," + q50::py_repr(p.at("p90").get<double>());
}

BOOST_AUTO_TEST_CASE(reference_inputs_reproduce_the_expected_files_in_both_modes) {
  const std::string dir = testing::make_temp_dir("signals_cli_ok");
  for (const char* name : kCases) {
    const std::string base = testing::reference_dir() + "/signals/" + name;
    const auto meta = nlohmann::json::parse(testing::read_text(base + ".meta.json"));
    const std::vector<std::pair<std::string, std::string>> modes = {
        {"sample", "sample"}, {"frozen", frozen_arg(meta.at("percentiles"))}};
    for (const auto& [mode, arg] : modes) {
      const std::string out = dir + "/" + name + "." + mode + ".csv";
      const auto r = run_process({q50sim_bin(), "signals", "--input", base + ".input.csv",
                                  "--out", out, "--percentiles", arg});
      BOOST_REQUIRE_MESSAGE(r.exit_code == 0, name << " " << mode << ": " << r.err);
      BOOST_TEST(r.err.find("rows=" + std::to_string(meta.at("rows").get<int>())) !=
                 std::string::npos);
      BOOST_TEST(r.err.find("percentiles=" + std::string(mode == "sample" ? "sample" : "frozen")) !=
                 std::string::npos);
      std::size_t identical = 0;
      BOOST_TEST(compare_files(out, base + ".expected.csv", &identical) == 0u, name << " " << mode);
      BOOST_TEST_MESSAGE(name << " [" << mode << "]: " << identical << " fields identical");
      BOOST_TEST(testing::read_text(out) == testing::read_text(base + ".expected.csv"),
                 name << " " << mode << ": byte-identical to the reference");
    }
  }
}

struct BadRun {
  int exit_code;
  std::string err;
};

// Writes content to dir/file (unless content is null) and runs signals on it; the output file
// must not exist afterwards, nor a leftover partial file.
BadRun run_bad(const std::string& dir, const std::string& file, const std::string* content,
               std::vector<std::string> extra = {}) {
  const std::string in = dir + "/" + file;
  const std::string out = dir + "/" + file + ".out.csv";
  if (content != nullptr) testing::write_text(in, *content);
  std::vector<std::string> argv = {q50sim_bin(), "signals", "--input", in, "--out", out};
  argv.insert(argv.end(), extra.begin(), extra.end());
  const auto r = run_process(argv);
  BOOST_TEST(!file_exists(out), file << ": output left behind");
  BOOST_TEST(!file_exists(out + ".partial"), file << ": partial output left behind");
  return {r.exit_code, r.err};
}

const std::string kHeader = "timestamp,q10,q50,q90,vol_risk,vol_raw_momentum\n";
const std::string kRow1 = "2024-01-01 00:00:00,-0.002,0.001,0.004,2e-05,0.0\n";
const std::string kRow2 = "2024-01-01 01:00:00,-0.003,0.0005,0.004,1e-05,0.01\n";

void expect_bad_input(const std::string& dir, const std::string& file, const std::string& text,
                      const std::vector<std::string>& needles) {
  const BadRun r = run_bad(dir, file, &text);
  BOOST_TEST(r.exit_code == 3, file << ": exit " << r.exit_code << " " << r.err);
  for (const auto& n : needles) {
    BOOST_TEST(r.err.find(n) != std::string::npos, file << ": '" << n << "' not in: " << r.err);
  }
}

BOOST_AUTO_TEST_CASE(bad_input_files_exit_3_naming_file_line_and_value) {
  const std::string dir = testing::make_temp_dir("signals_cli_bad");
  expect_bad_input(dir, "missing_col.csv",
                   "timestamp,q10,q50,q90,vol_risk\n2024-01-01 00:00:00,-0.002,0.001,0.004,2e-05\n",
                   {dir + "/missing_col.csv:1", "vol_raw_momentum"});
  expect_bad_input(dir, "bad_number.csv",
                   kHeader + kRow1 + "2024-01-01 01:00:00,-0.003,0.0x5,0.004,1e-05,0.01\n",
                   {dir + "/bad_number.csv:3", "q50", "'0.0x5'"});
  expect_bad_input(dir, "unsorted.csv", kHeader + kRow2 + kRow1,
                   {dir + "/unsorted.csv:3", "2024-01-01 00:00:00", "out-of-order"});
  expect_bad_input(dir, "duplicate.csv", kHeader + kRow1 + kRow1,
                   {dir + "/duplicate.csv:3", "duplicate", "2024-01-01 00:00:00"});
  expect_bad_input(dir, "nan_q50.csv",
                   kHeader + kRow1 + "2024-01-01 01:00:00,-0.003,nan,0.004,1e-05,0.01\n",
                   {dir + "/nan_q50.csv:3", "q50", "'nan'"});
  expect_bad_input(dir, "empty_q90.csv",
                   kHeader + "2024-01-01 00:00:00,-0.002,0.001,,2e-05,0.0\n",
                   {dir + "/empty_q90.csv:2", "q90"});
  expect_bad_input(dir, "inf_vol.csv",
                   kHeader + "2024-01-01 00:00:00,-0.002,0.001,0.004,inf,0.0\n",
                   {dir + "/inf_vol.csv:2", "vol_risk", "'inf'"});
  expect_bad_input(dir, "nan_momentum.csv",
                   kHeader + "2024-01-01 00:00:00,-0.002,0.001,0.004,2e-05,NaN\n",
                   {dir + "/nan_momentum.csv:2", "vol_raw_momentum", "'NaN'"});
  expect_bad_input(dir, "bad_time.csv",
                   kHeader + "2024-01-01T00:00:00,-0.002,0.001,0.004,2e-05,0.0\n",
                   {dir + "/bad_time.csv:2", "timestamp", "'2024-01-01T00:00:00'"});
  expect_bad_input(dir, "empty.csv", "", {dir + "/empty.csv", "empty file"});
  expect_bad_input(dir, "header_only.csv", kHeader, {dir + "/header_only.csv", "no data rows"});
}

BOOST_AUTO_TEST_CASE(bad_command_lines_exit_2_and_missing_files_exit_4) {
  const std::string dir = testing::make_temp_dir("signals_cli_usage");
  const std::string good = kHeader + kRow1 + kRow2;
  for (const char* p : {"1e-5,2e-5", "a,b,c", "3e-5,2e-5,1e-5", "1e-5,2e-5,3e-5,4e-5",
                               "1e-5,,3e-5", "nan,2e-5,3e-5", ""}) {
    const BadRun r = run_bad(dir, "good.csv", &good, {"--percentiles", p});
    BOOST_TEST(r.exit_code == 2, "--percentiles '" << p << "': exit " << r.exit_code);
    BOOST_TEST(r.err.find("--percentiles") != std::string::npos, r.err);
  }
  const BadRun unknown = run_bad(dir, "good.csv", &good, {"--bogus", "1"});
  BOOST_TEST(unknown.exit_code == 2);
  BOOST_TEST(unknown.err.find("--bogus") != std::string::npos);

  const auto no_input = run_process({q50sim_bin(), "signals", "--out", dir + "/x.csv"});
  BOOST_TEST(no_input.exit_code == 2);
  BOOST_TEST(no_input.err.find("missing --input") != std::string::npos);
  BOOST_TEST(!file_exists(dir + "/x.csv"));

  const BadRun missing = run_bad(dir, "does_not_exist.csv", nullptr);
  BOOST_TEST(missing.exit_code == 4, missing.err);
  BOOST_TEST(missing.err.find("does_not_exist.csv") != std::string::npos);

  const auto help = run_process({q50sim_bin(), "signals", "--help"});
  BOOST_TEST(help.exit_code == 0);
  BOOST_TEST(help.out.find("--percentiles") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(frozen_percentiles_are_used_as_given) {
  const std::string dir = testing::make_temp_dir("signals_cli_frozen");
  const std::string in = dir + "/in.csv";
  testing::write_text(in, kHeader + kRow1 + kRow2);
  // With P30 above both vol_risk values every row is low: m = 0.7, IR threshold 1.1.
  const auto r = run_process({q50sim_bin(), "signals", "--input", in, "--out", dir + "/o.csv",
                              "--percentiles", "1e-4,2e-4,3e-4"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(r.err.find("rows=2 long=2 short=0 hold=0 percentiles=frozen p30=0.0001") !=
             std::string::npos, r.err);
  const auto out = io::CsvTable::read(dir + "/o.csv");
  BOOST_REQUIRE(out.ok());
  const auto low = *out->require_column("variance_regime_low");
  const auto irt = *out->require_column("effective_info_ratio_threshold");
  for (std::size_t i = 0; i < out->rows(); ++i) {
    BOOST_TEST(out->field(i, low) == "1");
    BOOST_TEST(out->field(i, irt) == "1.1");
  }
}

}  // namespace
}  // namespace q50
