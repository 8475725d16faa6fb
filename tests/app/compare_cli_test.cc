// `q50sim compare` end to end on the existing system's own files: identical files pass, a
// float perturbed beyond rtol fails and the report names the column, the row key and both
// values, a looser rtol or threshold passes again, missing columns and rows are reported, and
// bad files or command lines give the documented exit codes with file:line.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "core/number_format.h"
#include "tests/support/test_env.h"

namespace q50 {
namespace {

using testing::q50sim_bin;
using testing::run_process;

std::string bars_path() {
  return testing::reference_dir() + "/backtest_hb/1b12b00_simple/expected_bars.csv";
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (const char c : s) {
    if (c == sep) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, char sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(1, sep) : "") + parts[i];
  return out;
}

// The reference bars with line `line` (1-based, header = 1) changed in column `name`.
std::string with_field(const std::string& text, std::size_t line, const std::string& name,
                       const std::string& value) {
  auto lines = split(text, '\n');
  const auto header = split(lines[0], ',');
  auto fields = split(lines[line - 1], ',');
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) fields[i] = value;
  }
  lines[line - 1] = join(fields, ',');
  return join(lines, '\n');
}

std::string field(const std::string& text, std::size_t line, const std::string& name) {
  const auto lines = split(text, '\n');
  const auto header = split(lines[0], ',');
  const auto fields = split(lines[line - 1], ',');
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return fields[i];
  }
  BOOST_FAIL("no column " << name);
  return {};
}

bool has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

testing::RunResult compare(const std::string& expected, const std::string& actual,
                           std::vector<std::string> extra = {}) {
  std::vector<std::string> argv{q50sim_bin(), "compare",  "--expected",
                                expected,     "--actual", actual};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_process(argv);
}

BOOST_AUTO_TEST_CASE(identical_files_pass) {
  const auto r = compare(bars_path(), bars_path());
  BOOST_TEST(r.exit_code == 0, r.out << r.err);
  BOOST_TEST(has(r.out, "rows compared: 1500"));
  BOOST_TEST(has(r.out, "result: PASS (16 of 16 columns meet 100% agreement)"));
}

BOOST_AUTO_TEST_CASE(a_float_beyond_rtol_fails_and_is_named) {
  const std::string dir = testing::make_temp_dir("compare_cli_perturbed");
  const std::string text = testing::read_text(bars_path());
  const std::string before = field(text, 11, "balance");
  const std::string after = q50::py_repr(std::stod(before) * (1 + 1e-9));
  const std::string key = field(text, 11, "timestamp");
  testing::write_text(dir + "/a.csv", with_field(text, 11, "balance", after));

  auto r = compare(bars_path(), dir + "/a.csv");
  BOOST_TEST(r.exit_code == 1, r.out << r.err);
  BOOST_TEST(has(r.out, "balance  key " + key + "  (lines 11/11): expected '" + before +
                            "'  actual '" + after + "'"),
             r.out);
  BOOST_TEST(has(r.out, "99.933"));
  BOOST_TEST(has(r.out, "result: FAIL (15 of 16 columns"));

  r = compare(bars_path(), dir + "/a.csv", {"--rtol", "1e-8"});
  BOOST_TEST(r.exit_code == 0, r.out << r.err);
  r = compare(bars_path(), dir + "/a.csv", {"--column-atol", "balance=0.001"});
  BOOST_TEST(r.exit_code == 0, r.out << r.err);
  r = compare(bars_path(), dir + "/a.csv", {"--min-agreement", "99.9"});
  BOOST_TEST(r.exit_code == 0, r.out << r.err);
}

BOOST_AUTO_TEST_CASE(missing_columns_and_rows_are_reported) {
  const std::string dir = testing::make_temp_dir("compare_cli_missing");
  const std::string text = testing::read_text(bars_path());
  auto lines = split(text, '\n');
  // Drop the "drawdown" column (the last one) everywhere.
  std::vector<std::string> no_col;
  for (const auto& l : lines) {
    if (l.empty()) {
      no_col.push_back(l);
      continue;
    }
    auto f = split(l, ',');
    f.pop_back();
    no_col.push_back(join(f, ','));
  }
  testing::write_text(dir + "/no_col.csv", join(no_col, '\n'));
  auto r = compare(bars_path(), dir + "/no_col.csv");
  BOOST_TEST(r.exit_code == 1, r.out << r.err);
  BOOST_TEST(has(r.out, "columns only in expected: drawdown"));

  // Drop data lines 3 and 4.
  const std::string key3 = field(text, 3, "timestamp");
  lines.erase(lines.begin() + 2, lines.begin() + 4);
  testing::write_text(dir + "/no_rows.csv", join(lines, '\n'));
  r = compare(bars_path(), dir + "/no_rows.csv");
  BOOST_TEST(r.exit_code == 1, r.out << r.err);
  BOOST_TEST(has(r.out, "rows only in expected: 2 (" + key3), r.out);
  BOOST_TEST(has(r.out, "rows only in actual:   0"));
}

BOOST_AUTO_TEST_CASE(trade_files_align_by_row_position) {
  const std::string trades =
      testing::reference_dir() + "/backtest_hb/1b12b00_simple/expected_trades.csv";
  auto r = compare(trades, trades);  // the last bar's trade and BACKTEST_END share a timestamp
  BOOST_TEST(r.exit_code == 3, r.out << r.err);
  BOOST_TEST(has(r.err, "expected_trades.csv:"));
  BOOST_TEST(has(r.err, "duplicate key"));
  r = compare(trades, trades, {"--key", "@row"});
  BOOST_TEST(r.exit_code == 0, r.out << r.err);
}

BOOST_AUTO_TEST_CASE(bad_and_unreadable_files) {
  const std::string dir = testing::make_temp_dir("compare_cli_bad");
  testing::write_text(dir + "/bad.csv",
                      "timestamp,x\n2024-01-01 00:00:00,1\n2024-01-01 01:00:00\n");
  auto r = compare(bars_path(), dir + "/bad.csv");
  BOOST_TEST(r.exit_code == 3, r.out << r.err);
  BOOST_TEST(has(r.err, dir + "/bad.csv:3: 1 fields, but the header has 2"), r.err);
  BOOST_TEST(r.out.empty());

  testing::write_text(dir + "/nokey.csv", "time,x\n1,2\n");
  r = compare(bars_path(), dir + "/nokey.csv");
  BOOST_TEST(r.exit_code == 3, r.out << r.err);
  BOOST_TEST(has(r.err, dir + "/nokey.csv:1: key column 'timestamp' not found"), r.err);

  r = compare(bars_path(), dir + "/does_not_exist.csv");
  BOOST_TEST(r.exit_code == 4, r.out << r.err);
  BOOST_TEST(has(r.err, "does_not_exist.csv"));
}

BOOST_AUTO_TEST_CASE(command_line_errors) {
  const std::string p = bars_path();
  BOOST_TEST(run_process({q50sim_bin(), "compare", "--expected", p}).exit_code == 2);
  for (const std::vector<std::string>& extra : {std::vector<std::string>{"--rtol", "-1"},
                                                {"--rtol", "x"},
                                                {"--min-agreement", "101"},
                                                {"--max-examples", "-2"},
                                                {"--column-atol", "balance"},
                                                {"--column-atol", "=1"},
                                                {"--key", ""},
                                                {"--bogus"}}) {
    const auto r = compare(p, p, extra);
    BOOST_TEST(r.exit_code == 2, extra.front() << ": " << r.err);
    BOOST_TEST(has(r.err, "usage: q50sim compare"));
  }
  const auto help = run_process({q50sim_bin(), "compare", "--help"});
  BOOST_TEST(help.exit_code == 0);
  BOOST_TEST(has(help.out, "--min-agreement"));
}

}  // namespace
}  // namespace q50
