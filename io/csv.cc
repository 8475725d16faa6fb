#include "io/csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <utility>

#include "core/check.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "io/input_file.h"
#include "core/number_format.h"

namespace q50::io {
namespace {

// Shows a field in an error message; long fields are cut so a message stays one line.
std::string quote(std::string_view text) {
  if (text.size() > 60) return fmt::format("'{}...'", text.substr(0, 57));
  return fmt::format("'{}'", text);
}

// Lines in text (a last line without "\n" counts).
std::size_t count_lines(std::string_view text) {
  std::size_t lines = 0;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
    ++lines;
    if (nl == nullptr) break;
    p = static_cast<const char*>(nl) + 1;
  }
  return lines;
}

absl::Status line_error(std::string_view path, std::size_t line, std::string_view what) {
  return absl::InvalidArgumentError(fmt::format("{}:{}: {}", path, line, what));
}

}  // namespace

absl::Status csv_field_error(const CsvFieldRef& f, std::string_view what) {
  return absl::InvalidArgumentError(fmt::format("{}:{}:{}: column '{}': {} (got {})", f.path,
                                                f.line, f.col, f.column, what, quote(f.text)));
}

absl::StatusOr<double> csv_f64(const CsvFieldRef& f, FloatPolicy policy) {
  const std::string_view s = f.text;
  if (s.empty()) {
    if (policy == FloatPolicy::kFinite) return csv_field_error(f, "empty number");
    return std::nan("");
  }
  double v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ec == std::errc::result_out_of_range) {
    return csv_field_error(f, "number out of double range");
  }
  if (res.ec != std::errc() || res.ptr != s.data() + s.size()) {
    return csv_field_error(f, "bad number");
  }
  if (policy == FloatPolicy::kFinite && !std::isfinite(v)) {
    return csv_field_error(f, "NaN or infinity where a finite number is required");
  }
  if (policy == FloatPolicy::kAllowNan && std::isinf(v)) {
    return csv_field_error(f, "infinity is not allowed");
  }
  return v;
}

absl::StatusOr<float> csv_f32(const CsvFieldRef& f, FloatPolicy policy) {
  auto v = csv_f64(f, policy);
  if (!v.ok()) return v.status();
  if (std::isfinite(*v) && std::fabs(*v) > 3.4028234663852886e38) {
    return csv_field_error(f, "number out of float32 range (|x| <= 3.4028234663852886e38)");
  }
  return static_cast<float>(*v);
}

absl::StatusOr<std::int64_t> csv_i64(const CsvFieldRef& f) {
  const std::string_view s = f.text;
  std::int64_t v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ec == std::errc::result_out_of_range) {
    return csv_field_error(f, "integer out of the int64 range");
  }
  if (s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size()) {
    return csv_field_error(f, "bad integer");
  }
  return v;
}

absl::StatusOr<TimestampNs> csv_timestamp(const CsvFieldRef& f) {
  if (auto ts = parse_timestamp(f.text)) return *ts;
  return csv_field_error(f, "bad timestamp, " + timestamp_problem(f.text));
}

absl::StatusOr<std::vector<std::string>> parse_csv_header(std::string_view path,
                                                          std::string_view line) {
  std::vector<std::string> header;
  std::size_t f = 0;
  while (true) {
    std::size_t comma = line.find(',', f);
    if (comma == std::string_view::npos) comma = line.size();
    const std::string_view name = line.substr(f, comma - f);
    if (!name.empty() && name.front() == '"') {
      return absl::InvalidArgumentError(fmt::format(
          "{}:1:{}: header field {} is quoted; quoted fields are not supported", path, f + 1,
          header.size() + 1));
    }
    for (std::size_t j = 0; j < header.size(); ++j) {
      if (header[j] == name) {
        return absl::InvalidArgumentError(fmt::format(
            "{}:1:{}: column '{}' appears twice (fields {} and {}); column names must be unique",
            path, f + 1, name, j + 1, header.size() + 1));
      }
    }
    header.emplace_back(name);
    if (header.size() > kMaxCsvColumns) {
      return absl::InvalidArgumentError(fmt::format(
          "{}:1: more than {} columns in the header", path, kMaxCsvColumns));
    }
    if (comma == line.size()) break;
    f = comma + 1;
  }
  return header;
}

// Sizes the field and line tables once from the line count and the header's field count:
// grown by doubling, the 90k-field table of a 10,000-bar input was copied ~17 times.
void CsvTable::reserve_for(std::string_view text, CsvTable& t) {
  const std::size_t lines = count_lines(text);
  const std::string_view first = text.substr(0, text.find('\n'));
  const auto cols = std::min<std::size_t>(
      static_cast<std::size_t>(std::count(first.begin(), first.end(), ',')) + 1, kMaxCsvColumns);
  t.fields_.reserve(lines * cols);
  t.line_of_row_.reserve(lines);
  t.header_.reserve(cols);
}

absl::StatusOr<CsvTable> CsvTable::read(const std::string& path) {
  auto content = read_text_input(path, kMaxCsvBytes);
  if (!content.ok()) return content.status();
  return parse(path, *std::move(content));
}

absl::StatusOr<CsvTable> CsvTable::parse(std::string name, std::string content) {
  CsvTable t;
  t.path_ = std::move(name);
  if (strip_utf8_bom(content).size() != content.size()) content.erase(0, 3);
  t.content_ = std::move(content);
  const std::string_view text = t.content_;
  if (text.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: empty file (expected a header line)", t.path_));
  }
  if (text.size() > kMaxCsvBytes) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: file too large ({} bytes; at most {})", t.path_, text.size(), kMaxCsvBytes));
  }
  reserve_for(text, t);
  if (auto st = t.split(text); !st.ok()) return st;
  if (t.header_.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: empty file (expected a header line)", t.path_));
  }
  return t;
}

// Splits text into the header and the data rows' field spans (the checks of read()).
absl::Status CsvTable::split(std::string_view text) {
  std::size_t pos = 0;
  std::size_t line_no = 0;
  std::size_t blank_line = 0;  // first blank line seen, 0 if none
  while (pos < text.size()) {
    ++line_no;
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::size_t stop = end;
    if (stop > pos && text[stop - 1] == '\r') --stop;
    const std::size_t line_begin = pos;
    pos = end + 1;
    if (stop - line_begin > kMaxCsvLineBytes) {
      return line_error(path_, line_no,
                        fmt::format("line longer than {} bytes", kMaxCsvLineBytes));
    }
    if (stop == line_begin) {
      if (blank_line == 0) blank_line = line_no;
      continue;
    }
    if (blank_line != 0) return line_error(path_, blank_line, "blank line inside the data");
    if (line_no == 1) {
      auto header = parse_csv_header(path_, text.substr(line_begin, stop - line_begin));
      if (!header.ok()) return header.status();
      header_ = *std::move(header);
      continue;
    }
    std::size_t n = 0;
    std::size_t f = line_begin;
    while (true) {
      std::size_t comma = text.find(',', f);
      if (comma == std::string_view::npos || comma > stop) comma = stop;
      if (comma > f && text[f] == '"') {
        return line_error(path_, line_no,
                          fmt::format("field {} is quoted; quoted fields are not supported", n + 1));
      }
      if (++n > header_.size()) break;
      fields_.push_back({static_cast<std::uint32_t>(f), static_cast<std::uint32_t>(comma - f)});
      if (comma == stop) break;
      f = comma + 1;
    }
    if (n != header_.size()) {
      const std::string_view line = text.substr(line_begin, stop - line_begin);
      const auto fields = static_cast<std::size_t>(std::count(line.begin(), line.end(), ',')) + 1;
      return line_error(path_, line_no,
                        fmt::format("{} fields, but the header has {}", fields, header_.size()));
    }
    line_of_row_.push_back(line_no);
  }
  return absl::OkStatus();
}

std::optional<std::size_t> CsvTable::find_column(std::string_view name) const {
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  return std::nullopt;
}

absl::StatusOr<std::size_t> CsvTable::require_column(std::string_view name) const {
  if (auto i = find_column(name)) return *i;
  return absl::InvalidArgumentError(fmt::format("{}:1: missing column '{}' (header has: {})", path_,
                                                name, fmt::join(header_, ",")));
}

std::string_view CsvTable::field(std::size_t row, std::size_t col) const {
  Q50_CHECK(row < rows() && col < cols(), "CSV field index out of range");
  const Span s = fields_[row * cols() + col];
  return std::string_view(content_).substr(s.begin, s.size);
}

CsvFieldRef CsvTable::ref(std::size_t row, std::size_t col) const {
  Q50_CHECK(row < rows() && col < cols(), "CSV field index out of range");
  const Span s = fields_[row * cols() + col];
  const std::size_t nl = std::string_view(content_).rfind('\n', s.begin == 0 ? 0 : s.begin - 1);
  const std::size_t line_start = nl == std::string_view::npos || s.begin == 0 ? 0 : nl + 1;
  return {path_, line(row), s.begin - line_start + 1, header_[col], field(row, col)};
}

absl::Status CsvTable::field_error(std::size_t row, std::size_t col, std::string_view what) const {
  return csv_field_error(ref(row, col), what);
}

absl::StatusOr<double> CsvTable::f64(std::size_t row, std::size_t col, FloatPolicy policy) const {
  const std::string_view s = field(row, col);
  // The common case without building a reference for messages.
  double v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (!s.empty() && res.ec == std::errc() && res.ptr == s.data() + s.size() && std::isfinite(v)) {
    return v;
  }
  return csv_f64(ref(row, col), policy);
}

absl::StatusOr<float> CsvTable::f32(std::size_t row, std::size_t col, FloatPolicy policy) const {
  return csv_f32(ref(row, col), policy);
}

absl::StatusOr<std::int64_t> CsvTable::i64(std::size_t row, std::size_t col) const {
  return csv_i64(ref(row, col));
}

absl::StatusOr<bool> CsvTable::bool01(std::size_t row, std::size_t col) const {
  const std::string_view s = field(row, col);
  if (s == "1") return true;
  if (s == "0") return false;
  return field_error(row, col, "expected 0 or 1");
}

absl::StatusOr<TimestampNs> CsvTable::timestamp(std::size_t row, std::size_t col) const {
  if (auto ts = parse_timestamp(field(row, col))) return *ts;
  return csv_timestamp(ref(row, col));
}

absl::StatusOr<std::vector<TimestampNs>> CsvTable::increasing_timestamps(std::size_t col) const {
  std::vector<TimestampNs> out;
  out.reserve(rows());
  for (std::size_t r = 0; r < rows(); ++r) {
    auto ts = timestamp(r, col);
    if (!ts.ok()) return ts.status();
    if (!out.empty() && *ts <= out.back()) {
      return field_error(r, col,
                         fmt::format("{} timestamp; line {} has {}",
                                     *ts == out.back() ? "duplicate" : "out-of-order", line(r - 1),
                                     quote(field(r - 1, col))));
    }
    out.push_back(*ts);
  }
  return out;
}

CsvWriter::CsvWriter(const std::vector<std::string>& header, std::size_t expected_rows)
    : CsvWriter(header, expected_rows, HeaderLine::kWrite) {}

CsvWriter::CsvWriter(const std::vector<std::string>& header, std::size_t expected_rows,
                     HeaderLine line)
    : cols_(header.size()) {
  if (line == HeaderLine::kWrite) {
    buf_ = fmt::format("{}", fmt::join(header, ","));
    buf_ += '\n';
  }
  len_ = buf_.size();
  // A number field is at most kPyReprMaxChars plus its separator.
  buf_.reserve(len_ + expected_rows * cols_ * (kPyReprMaxChars + 1));
}

char* CsvWriter::room(std::size_t n) {
  constexpr std::size_t kGrowBy = 64 << 10;  // resize() writes the new room once; not too much
  if (buf_.size() - len_ < n) buf_.resize(len_ + std::max(n, kGrowBy));
  return buf_.data() + len_;
}

char* CsvWriter::field(std::size_t n) {
  char* p = room(n + 1);
  if (in_row_++ > 0) *p++ = ',';
  return p;
}

CsvWriter& CsvWriter::str(std::string_view text) {
  char* p = field(text.size());
  // An empty view may hold a null data(); memcpy's arguments must be valid even for 0 bytes.
  if (!text.empty()) std::memcpy(p, text.data(), text.size());
  len_ = static_cast<std::size_t>(p + text.size() - buf_.data());
  return *this;
}

CsvWriter& CsvWriter::f64(double v) {
  char* p = field(kPyReprMaxChars);
  len_ = static_cast<std::size_t>(write_py_repr(p, v) - buf_.data());
  return *this;
}

CsvWriter& CsvWriter::f32(float v) { return f64(static_cast<double>(v)); }

CsvWriter& CsvWriter::i64(std::int64_t v) {
  char* p = field(20);
  len_ = static_cast<std::size_t>(std::to_chars(p, p + 20, v).ptr - buf_.data());
  return *this;
}

CsvWriter& CsvWriter::boolean(bool v) { return str(v ? "1" : "0"); }

CsvWriter& CsvWriter::timestamp(TimestampNs ts_ns) {
  scratch_.clear();
  append_timestamp(scratch_, ts_ns);
  return str(scratch_);
}

CsvWriter& CsvWriter::empty() { return str({}); }

void CsvWriter::end_row() {
  Q50_CHECK(in_row_ == cols_, "CSV row has the wrong number of fields");
  *room(1) = '\n';
  ++len_;
  in_row_ = 0;
}

absl::Status CsvWriter::commit(const std::string& path, const OutputOptions& options) const {
  Q50_CHECK(in_row_ == 0, "CSV row left open at commit");
  return write_output_file(path, text(), options);
}

}  // namespace q50::io
