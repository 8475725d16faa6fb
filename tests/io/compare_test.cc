// io/compare: alignment by key and by row position, the per-kind cell rules (float tolerance,
// NaN == NaN, exact integers and text), per-column atol, the agreement threshold, rows and
// columns on one side only, the errors for a missing or repeated key, and the report text.
#include "io/compare.h"

#include <boost/test/unit_test.hpp>
#include <limits>
#include <string>
#include <vector>

#include "io/csv.h"

namespace q50::io {
namespace {

CsvTable table(const std::string& name, const std::string& text) {
  auto t = CsvTable::parse(name, text);
  BOOST_REQUIRE_MESSAGE(t.ok(), t.status().ToString());
  return *std::move(t);
}

CompareReport run(const std::string& expected, const std::string& actual,
                  const CompareOptions& opt = {}) {
  auto r = compare_tables(table("e.csv", expected), table("a.csv", actual), opt);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return *std::move(r);
}

const ColumnReport& column(const CompareReport& r, const std::string& name) {
  for (const auto& c : r.columns) {
    if (c.name == name) return c;
  }
  BOOST_FAIL("no column " << name);
  return r.columns.front();
}

const char* const kBase =
    "timestamp,price,side,reason,count\n"
    "2024-01-01 00:00:00,100.0,1,HOLD,3\n"
    "2024-01-01 01:00:00,100.5,0,,4\n"
    "2024-01-01 02:00:00,,-1,LONG,5\n";

BOOST_AUTO_TEST_CASE(identical_tables_pass_and_kinds_are_inferred) {
  const CompareReport r = run(kBase, kBase);
  BOOST_TEST(r.passed());
  BOOST_TEST(r.matched_rows == 3u);
  BOOST_TEST(r.columns.size() == 4u);  // the key is not a compared column
  BOOST_TEST((column(r, "price").kind == ColumnKind::kFloat));
  BOOST_TEST((column(r, "side").kind == ColumnKind::kInteger));
  BOOST_TEST((column(r, "reason").kind == ColumnKind::kText));
  BOOST_TEST(column(r, "price").equal == 3u);  // empty == empty (NaN == NaN)
  BOOST_TEST(format_report(r).find("result: PASS") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(float_tolerance_is_relative_to_the_expected_value) {
  const std::string near = "timestamp,price\n2024-01-01 00:00:00,100.00000000005\n";
  const std::string base = "timestamp,price\n2024-01-01 00:00:00,100.0\n";
  CompareReport r = run(base, near);  // rel err 5e-13 <= 1e-12
  BOOST_TEST(r.passed());
  BOOST_TEST(column(r, "price").max_rel_err > 0.0);
  BOOST_TEST(column(r, "price").worst_key == "2024-01-01 00:00:00");
  const std::string far = "timestamp,price\n2024-01-01 00:00:00,100.000001\n";
  r = run(base, far);
  BOOST_TEST(!r.passed());
  const ColumnReport& c = column(r, "price");
  BOOST_REQUIRE_EQUAL(c.examples.size(), 1u);
  BOOST_TEST(c.examples[0].key == "2024-01-01 00:00:00");
  BOOST_TEST(c.examples[0].expected == "100.0");
  BOOST_TEST(c.examples[0].actual == "100.000001");
  BOOST_TEST(c.examples[0].expected_line == 2u);
  CompareOptions loose;
  loose.rtol = 1e-6;
  BOOST_TEST(run(base, far, loose).passed());
  CompareOptions abs;
  abs.column_atol["price"] = 2e-6;  // per-column atol (README §7 dollar columns)
  BOOST_TEST(run(base, far, abs).passed());
  // "100" against "100.0" is the same float.
  BOOST_TEST(run(base, "timestamp,price\n2024-01-01 00:00:00,100\n").passed());
}

BOOST_AUTO_TEST_CASE(nan_against_a_number_and_zero_expected_values) {
  const std::string base = "timestamp,x\n2024-01-01 00:00:00,\n2024-01-01 01:00:00,0.0\n";
  const CompareReport r =
      run(base, "timestamp,x\n2024-01-01 00:00:00,1.5\n2024-01-01 01:00:00,1e-300\n");
  const ColumnReport& c = column(r, "x");
  BOOST_TEST(c.equal == 0u);
  BOOST_TEST(c.examples.size() == 2u);
  BOOST_TEST(c.max_rel_err == std::numeric_limits<double>::infinity());
  CompareOptions abs;
  abs.atol = 1e-200;  // an atol is the only way to accept a non-zero against 0
  BOOST_TEST(
      column(run(base, "timestamp,x\n2024-01-01 00:00:00,nan\n2024-01-01 01:00:00,1e-300\n", abs),
             "x")
          .equal == 2u);
}

BOOST_AUTO_TEST_CASE(integers_and_text_are_exact) {
  const CompareReport r = run(kBase,
                              "timestamp,price,side,reason,count\n"
                              "2024-01-01 00:00:00,100.0,1,HOLD,3\n"
                              "2024-01-01 01:00:00,100.5,1,,4\n"
                              "2024-01-01 02:00:00,,-1,long,5\n");
  BOOST_TEST(column(r, "side").equal == 2u);
  BOOST_TEST(column(r, "reason").equal == 2u);
  BOOST_TEST(column(r, "reason").examples[0].actual == "long");
  BOOST_TEST(!r.passed());
}

BOOST_AUTO_TEST_CASE(agreement_threshold) {
  std::string e = "timestamp,x\n";
  std::string a = "timestamp,x\n";
  for (int i = 0; i < 10; ++i) {
    e += "2024-01-01 0" + std::to_string(i) + ":00:00,1.5\n";
    a += "2024-01-01 0" + std::to_string(i) + ":00:00," + (i == 0 ? "2.5" : "1.5") + "\n";
  }
  CompareOptions opt;
  opt.min_agreement_pct = 90;
  CompareReport r = run(e, a, opt);
  BOOST_TEST(column(r, "x").agreement_pct() == 90.0);
  BOOST_TEST(r.passed());
  opt.min_agreement_pct = 90.5;
  BOOST_TEST(!run(e, a, opt).passed());
  // The default 100% never passes a column with one bad row, however many rows it has.
  BOOST_TEST(!run(e, a).passed());
}

BOOST_AUTO_TEST_CASE(rows_and_columns_on_one_side_only) {
  const CompareReport r = run(kBase,
                              "timestamp,price,side,count,extra\n"
                              "2024-01-01 00:00:00,100.0,1,3,9\n"
                              "2024-01-01 05:00:00,100.5,0,4,9\n");
  BOOST_TEST(r.matched_rows == 1u);
  BOOST_TEST(r.rows_only_in_expected == 2u);
  BOOST_TEST(r.rows_only_in_actual == 1u);
  BOOST_TEST(r.missing_row_examples.front() == "2024-01-01 01:00:00");
  BOOST_TEST(r.extra_row_examples.front() == "2024-01-01 05:00:00");
  BOOST_TEST(r.columns_only_in_expected == std::vector<std::string>{"reason"});
  BOOST_TEST(r.columns_only_in_actual == std::vector<std::string>{"extra"});
  BOOST_TEST(!r.passed());
  const std::string text = format_report(r);
  BOOST_TEST(text.find("rows only in expected: 2 (2024-01-01 01:00:00, 2024-01-01 02:00:00)") !=
             std::string::npos);
  BOOST_TEST(text.find("columns only in expected: reason") != std::string::npos);
  BOOST_TEST(text.find("columns only in actual:   extra") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(extra_columns_can_be_allowed) {
  const std::string a =
      "timestamp,price,side,reason,count,diag\n"
      "2024-01-01 00:00:00,100.0,1,HOLD,3,x\n"
      "2024-01-01 01:00:00,100.5,0,,4,y\n"
      "2024-01-01 02:00:00,,-1,LONG,5,z\n";
  BOOST_TEST(!run(kBase, a).passed());
  CompareOptions opt;
  opt.allow_extra_columns = true;
  BOOST_TEST(run(kBase, a, opt).passed());
}

BOOST_AUTO_TEST_CASE(row_position_alignment_handles_repeated_keys) {
  const std::string trades =
      "timestamp,side,qty\n"
      "2024-01-01 00:00:00,BUY,1.5\n"
      "2024-01-01 00:00:00,SELL,1.5\n";
  auto by_key = compare_tables(table("e.csv", trades), table("a.csv", trades), {});
  BOOST_REQUIRE(!by_key.ok());
  BOOST_TEST((by_key.status().code() == absl::StatusCode::kInvalidArgument));
  BOOST_TEST(std::string(by_key.status().message()).find("e.csv:3:") != std::string::npos);
  BOOST_TEST(std::string(by_key.status().message()).find("@row") != std::string::npos);
  CompareOptions opt;
  opt.key = std::string(kRowPositionKey);
  const CompareReport r = run(trades, trades + "2024-01-01 01:00:00,BUY,2.0\n", opt);
  BOOST_TEST(r.matched_rows == 2u);
  BOOST_TEST(r.columns.size() == 3u);  // no key column: the timestamp is compared too
  BOOST_TEST(r.rows_only_in_actual == 1u);
  BOOST_TEST(r.extra_row_examples.front() == "row 3 (2024-01-01 01:00:00)");
}

BOOST_AUTO_TEST_CASE(missing_key_column_is_bad_input) {
  auto r = compare_tables(table("e.csv", kBase), table("a.csv", "time,price\nx,1\n"), {});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.status().code() == absl::StatusCode::kInvalidArgument));
  BOOST_TEST(std::string(r.status().message()).find("a.csv:1: key column 'timestamp'") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(max_examples_limits_the_listing) {
  CompareOptions opt;
  opt.max_examples = 1;
  const CompareReport r = run(kBase,
                              "timestamp,price,side,reason,count\n"
                              "2024-01-01 00:00:00,101.0,1,HOLD,3\n"
                              "2024-01-01 01:00:00,101.5,0,,4\n"
                              "2024-01-01 02:00:00,,-1,LONG,5\n",
                              opt);
  BOOST_TEST(column(r, "price").examples.size() == 1u);
  BOOST_TEST(column(r, "price").equal == 1u);
  BOOST_TEST(column(r, "price").worst_key == "2024-01-01 00:00:00");  // 1% beats 0.995%
}

}  // namespace
}  // namespace q50::io
