#ifndef Q50SIM_IO_CSV_READER_H_
#define Q50SIM_IO_CSV_READER_H_

// A CSV file read row by row in constant memory (a 1 MiB window), for inputs of millions of
// rows: the same format, checks and messages as CsvTable (io/csv.h), which holds the whole
// file. rewind() starts over at the first data row (a second pass over a regular file).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "io/csv.h"

namespace q50::io {

class CsvReader {
 public:
  // Opens path and reads its header (errors as CsvTable::read, without the size limit).
  static absl::StatusOr<CsvReader> open(const std::string& path);
  CsvReader(CsvReader&& other) noexcept;
  CsvReader& operator=(CsvReader&& other) noexcept;
  ~CsvReader();

  const std::string& path() const { return path_; }
  const std::vector<std::string>& header() const { return header_; }
  std::size_t cols() const { return header_.size(); }
  std::optional<std::size_t> find_column(std::string_view name) const;
  absl::StatusOr<std::size_t> require_column(std::string_view name) const;

  // Moves to the next data row: true when there is one, false after the last; an error for a
  // malformed line (blank line inside the data, quoted field, wrong field count, too long).
  absl::StatusOr<bool> next();
  // Back to before the first data row. Unavailable when the input cannot seek (a pipe).
  absl::Status rewind();
  bool seekable() const;

  // The current row (valid after next() returned true, until the next call of next()).
  std::size_t line() const { return line_no_; }
  std::string_view field(std::size_t col) const;
  CsvFieldRef ref(std::size_t col) const;
  absl::StatusOr<double> f64(std::size_t col, FloatPolicy policy = FloatPolicy::kFinite) const;
  absl::StatusOr<float> f32(std::size_t col, FloatPolicy policy = FloatPolicy::kFinite) const;
  absl::StatusOr<TimestampNs> timestamp(std::size_t col) const;
  absl::Status field_error(std::size_t col, std::string_view what) const;

 private:
  CsvReader() = default;
  // The next line without its end into line_; false at the end of the input.
  absl::StatusOr<bool> read_line();
  absl::Status fill();
  absl::Status split_row();

  std::string path_;
  int fd_ = -1;
  std::string buf_;
  std::size_t begin_ = 0;  // unread bytes are buf_[begin_, end_)
  std::size_t end_ = 0;
  bool eof_ = false;
  bool first_chunk_ = true;  // a byte order mark is dropped from the first bytes
  std::string_view line_;
  std::size_t line_no_ = 0;
  std::size_t blank_line_ = 0;
  std::vector<std::string> header_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> spans_;  // the row's fields in line_
};

}  // namespace q50::io

#endif  // Q50SIM_IO_CSV_READER_H_
