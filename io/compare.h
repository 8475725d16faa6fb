#ifndef Q50SIM_IO_COMPARE_H_
#define Q50SIM_IO_COMPARE_H_

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "io/csv.h"

namespace q50::io {

// The agreement engine behind `q50sim compare` and the agreement/golden tests: two CSV files
// (an expected one, usually the existing system's reference, and an actual one) aligned row by
// row, every shared column compared, and a report a person can act on.

// CompareOptions::key value that aligns rows by position instead of by a key column (trade and
// hold files can repeat a timestamp: README §1).
inline constexpr std::string_view kRowPositionKey = "@row";

struct CompareOptions {
  std::string key = "timestamp";  // a column present in both files, or kRowPositionKey
  // A float cell agrees when |actual - expected| <= atol + rtol * |expected| (numpy.isclose,
  // relative to the expected value), or both are NaN (empty field, "nan"), or both are the same
  // infinity. Defaults: the reference README §7 gate.
  double rtol = 1e-12;
  double atol = 0.0;
  // Per-column atol overriding `atol` (README §7: atol 1e-9 on dollar PnL columns).
  std::map<std::string, double, std::less<>> column_atol;
  // Every compared column must have at least this share of its rows equal (percent).
  double min_agreement_pct = 100.0;
  std::size_t max_examples = 5;      // mismatching rows listed per column, missing keys listed
  bool allow_extra_columns = false;  // columns only in the actual file do not fail the check
};

// How a column's cells are compared. Decided from both files' cells: kInteger when every
// non-empty cell is a plain integer (exact text), kFloat when every non-empty cell is a number
// and one at least is not an integer (tolerance), kText otherwise (exact text).
enum class ColumnKind { kFloat, kInteger, kText };
std::string_view to_string(ColumnKind kind);

struct CellMismatch {
  std::string key;  // the row's key (or "row N (first field)" when aligned by position)
  std::size_t expected_line = 0;
  std::size_t actual_line = 0;
  std::string expected;
  std::string actual;
  double abs_err = 0;  // float columns only; +inf for NaN against a number
  double rel_err = 0;  // |a - e| / |e|; +inf when e == 0 != a or one side is NaN
};

struct ColumnReport {
  std::string name;
  ColumnKind kind = ColumnKind::kText;
  double atol = 0;  // the atol applied to this column
  std::size_t compared = 0;
  std::size_t equal = 0;
  // Worst numeric disagreement over the compared float cells (0 when all are identical), and
  // where it happened; the cell may still be within tolerance.
  double max_abs_err = 0;
  double max_rel_err = 0;
  std::string worst_key;
  std::vector<CellMismatch> examples;  // the first max_examples mismatching rows

  // 100 * equal / compared; 100 for a column with no compared row.
  double agreement_pct() const;
};

struct CompareReport {
  std::string expected_path;
  std::string actual_path;
  CompareOptions options;
  std::size_t expected_rows = 0;
  std::size_t actual_rows = 0;
  std::size_t matched_rows = 0;
  std::vector<ColumnReport> columns;  // the shared columns, in the expected file's order
  std::vector<std::string> columns_only_in_expected;
  std::vector<std::string> columns_only_in_actual;
  std::size_t rows_only_in_expected = 0;
  std::size_t rows_only_in_actual = 0;
  std::vector<std::string> missing_row_examples;  // keys of rows only in expected (first few)
  std::vector<std::string> extra_row_examples;    // keys of rows only in actual (first few)

  bool column_passes(const ColumnReport& c) const;
  // Every shared column meets min_agreement_pct, no row is on one side only, no expected
  // column is missing, and (unless allowed) the actual file has no extra column.
  bool passed() const;
};

// Compares two parsed tables. InvalidArgument naming the file (and line) when the key column
// is missing from either file or a key repeats within one (aligning by key needs unique keys;
// the message suggests --key @row).
absl::StatusOr<CompareReport> compare_tables(const CsvTable& expected, const CsvTable& actual,
                                             const CompareOptions& options);

// compare_tables for two files read row by row, in memory that does not grow with them: rows
// merged by key when both files have strictly increasing keys (byte order: timestamps sort
// so), or paired by position with @row. nullopt when a key is out of order or repeated (the
// whole-file comparison then aligns the rows, or reports the duplicate).
absl::StatusOr<std::optional<CompareReport>> compare_sorted_files(const std::string& expected_path,
                                                                  const std::string& actual_path,
                                                                  const CompareOptions& options);

// Reads both files (CsvTable::read errors: NotFound/Unavailable for I/O, InvalidArgument with
// file:line for malformed CSV) and compares them: streamed (compare_sorted_files) when both
// are regular files with sorted keys, else held in memory.
absl::StatusOr<CompareReport> compare_files(const std::string& expected_path,
                                            const std::string& actual_path,
                                            const CompareOptions& options);

// The report as an aligned plain-text table for a terminal, ending with a PASS/FAIL line.
std::string format_report(const CompareReport& report);

}  // namespace q50::io

#endif  // Q50SIM_IO_COMPARE_H_
