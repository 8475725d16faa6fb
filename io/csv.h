#ifndef Q50SIM_IO_CSV_H_
#define Q50SIM_IO_CSV_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/timestamp.h"
#include "io/input_file.h"
#include "io/output_set.h"

namespace q50::io {

// How a float field may be written. The reference format writes NaN as an empty field.
enum class FloatPolicy {
  kFinite,    // a finite number; empty, nan and inf are errors
  kAllowNan,  // empty or "nan" give NaN; inf is an error
  kAny,       // anything from_chars accepts, empty = NaN
};

// Limits every CSV reader applies before it splits a line (README "Validation bounds").
inline constexpr std::size_t kMaxCsvLineBytes = std::size_t{1} << 20;
inline constexpr std::size_t kMaxCsvColumns = 4096;

// Where one field sits, for messages: "path:line:col: column 'name': what (got 'text')", col
// being the 1-based character position of the field in its line.
struct CsvFieldRef {
  std::string_view path;
  std::size_t line = 0;
  std::size_t col = 0;
  std::string_view column;
  std::string_view text;
};
absl::Status csv_field_error(const CsvFieldRef& f, std::string_view what);
// The typed readings of a field, shared by CsvTable and CsvReader (io/csv_reader.h).
absl::StatusOr<double> csv_f64(const CsvFieldRef& f, FloatPolicy policy);
absl::StatusOr<float> csv_f32(const CsvFieldRef& f, FloatPolicy policy);
absl::StatusOr<std::int64_t> csv_i64(const CsvFieldRef& f);
absl::StatusOr<TimestampNs> csv_timestamp(const CsvFieldRef& f);

// The header line: its fields, checked (no quoted, empty-file or duplicate column names, at
// most kMaxCsvColumns). `line` is the header line without its end.
absl::StatusOr<std::vector<std::string>> parse_csv_header(std::string_view path,
                                                          std::string_view line);

// A whole comma-separated file held in memory: one header row, unquoted fields, "\n" or "\r\n"
// line ends, an optional UTF-8 byte order mark. Every typed accessor fails with a message that
// names the file, the 1-based line and column, the column's name and the offending text, so a
// person can fix the input without a debugger.
class CsvTable {
 public:
  // Reads and splits path. Fails on: unreadable file, empty file (no header), a blank line
  // before the end, a quoted field, a duplicate column name, a line longer than
  // kMaxCsvLineBytes, more than kMaxCsvColumns columns, or a row whose field count differs
  // from the header's.
  static absl::StatusOr<CsvTable> read(const std::string& path);
  // The same from text in memory; name stands in for the path in messages.
  static absl::StatusOr<CsvTable> parse(std::string name, std::string content);

  const std::string& path() const { return path_; }
  std::size_t rows() const { return line_of_row_.size(); }
  std::size_t cols() const { return header_.size(); }
  const std::vector<std::string>& header() const { return header_; }

  std::optional<std::size_t> find_column(std::string_view name) const;
  // The column's index, or InvalidArgument naming the file, the column and the header it has.
  absl::StatusOr<std::size_t> require_column(std::string_view name) const;

  std::string_view field(std::size_t row, std::size_t col) const;
  // 1-based line number of data row `row` in the file (the header is line 1).
  std::size_t line(std::size_t row) const { return line_of_row_[row]; }
  CsvFieldRef ref(std::size_t row, std::size_t col) const;

  absl::StatusOr<double> f64(std::size_t row, std::size_t col,
                             FloatPolicy policy = FloatPolicy::kFinite) const;
  // Parsed as double, then narrowed to float (exact for the reference's float32 columns).
  absl::StatusOr<float> f32(std::size_t row, std::size_t col,
                            FloatPolicy policy = FloatPolicy::kFinite) const;
  absl::StatusOr<std::int64_t> i64(std::size_t row, std::size_t col) const;
  // "0" or "1" only.
  absl::StatusOr<bool> bool01(std::size_t row, std::size_t col) const;
  // "YYYY-MM-DD HH:MM:SS" inside the supported range (core/timestamp.h).
  absl::StatusOr<TimestampNs> timestamp(std::size_t row, std::size_t col) const;

  // Parses column col as timestamps and checks they strictly increase: an unsorted or
  // duplicate key is an error naming both lines.
  absl::StatusOr<std::vector<TimestampNs>> increasing_timestamps(std::size_t col) const;

  // InvalidArgument "path:line:col: column 'name': what (got 'text')".
  absl::Status field_error(std::size_t row, std::size_t col, std::string_view what) const;

 private:
  // 32-bit offsets (parse rejects files of 4 GiB and more): the table of a 10,000-bar input
  // is 90k spans, and half the bytes are half the page faults.
  struct Span {
    std::uint32_t begin;
    std::uint32_t size;
  };
  CsvTable() = default;
  static void reserve_for(std::string_view text, CsvTable& t);
  absl::Status split(std::string_view text);

  std::string path_;
  std::string content_;
  std::vector<std::string> header_;
  std::vector<Span> fields_;  // rows() * cols(), row-major
  std::vector<std::size_t> line_of_row_;
};

// Builds a CSV file in memory; commit() writes it atomically (temp file + rename), so a failed
// run never leaves a half-written output behind.
class CsvWriter {
 public:
  // expected_rows sizes the buffer once for that many rows of numbers (a hint: more rows or
  // longer fields still work). Growing a multi-megabyte string by doubling copies it and
  // faults in fresh pages each time, which was a third of `q50sim replay`'s output time.
  explicit CsvWriter(const std::vector<std::string>& header, std::size_t expected_rows = 0);
  // The same without writing the header line (header still fixes the field count): a piece of
  // a file whose first piece has the header.
  enum class HeaderLine { kWrite, kOmit };
  CsvWriter(const std::vector<std::string>& header, std::size_t expected_rows, HeaderLine line);

  CsvWriter& str(std::string_view text);
  CsvWriter& f64(double v);  // Python repr; NaN = empty field
  CsvWriter& f32(float v);   // exact float64 value of the float32, Python repr
  CsvWriter& i64(std::int64_t v);
  CsvWriter& boolean(bool v);  // 0 / 1
  CsvWriter& timestamp(TimestampNs ts_ns);
  CsvWriter& empty();  // an empty field
  // Ends the current row; a programmer error (abort) if its field count is wrong.
  void end_row();

  std::string_view text() const { return {buf_.data(), len_}; }
  // The text, moved out (the writer is left empty): no copy of a multi-megabyte file.
  std::string release() && {
    buf_.resize(len_);
    len_ = 0;
    return std::move(buf_);
  }
  // Writes the text to path through the output protocol (io/output_set.h; "-": stdout).
  absl::Status commit(const std::string& path, const OutputOptions& options = {}) const;

 private:
  // Room for n more characters at the end of the text, and the separator if one is due: the
  // fields are written in place, not appended through a temporary (a third of the writer's
  // time went to those small copies).
  char* field(std::size_t n);
  char* room(std::size_t n);  // the same without a separator
  std::string buf_;           // the text is buf_[0, len_); the rest is room for the next fields
  std::size_t len_ = 0;
  std::string scratch_;  // for core's append_timestamp
  std::size_t cols_;
  std::size_t in_row_ = 0;
};

}  // namespace q50::io

#endif  // Q50SIM_IO_CSV_H_
