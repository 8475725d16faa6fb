#include "io/csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <utility>

#include "core/check.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "io/atomic_file.h"
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

}  // namespace

// Sizes the field and line tables once from the line count and the header's field count:
// grown by doubling, the 90k-field table of a 10,000-bar input was copied ~17 times.
void CsvTable::reserve_for(std::string_view text, CsvTable& t) {
  const std::size_t lines = count_lines(text);
  const std::string_view first = text.substr(0, text.find('\n'));
  const auto cols = static_cast<std::size_t>(std::count(first.begin(), first.end(), ',')) + 1;
  t.fields_.reserve(lines * cols);
  t.line_of_row_.reserve(lines);
  t.header_.reserve(cols);
}

absl::StatusOr<CsvTable> CsvTable::read(const std::string& path) {
  auto content = read_file(path);
  if (!content.ok()) return content.status();
  return parse(path, *std::move(content));
}

absl::StatusOr<CsvTable> CsvTable::parse(std::string name, std::string content) {
  CsvTable t;
  t.path_ = std::move(name);
  t.content_ = std::move(content);
  const std::string_view text = t.content_;
  if (text.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: empty file (expected a header line)", t.path_));
  }

  if (text.size() >= std::size_t{1} << 32) {
    return absl::InvalidArgumentError(
        fmt::format("{}: file too large ({} bytes; at most 4 GiB)", t.path_, text.size()));
  }
  reserve_for(text, t);
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
    if (stop == line_begin) {
      if (blank_line == 0) blank_line = line_no;
      continue;
    }
    if (blank_line != 0) {
      return absl::InvalidArgumentError(
          fmt::format("{}:{}: blank line inside the data", t.path_, blank_line));
    }
    // Split the line into fields.
    std::size_t n = 0;
    std::size_t f = line_begin;
    const std::size_t first_field = t.fields_.size();
    while (true) {
      std::size_t comma = text.find(',', f);
      if (comma == std::string_view::npos || comma > stop) comma = stop;
      if (comma > f && text[f] == '"') {
        return absl::InvalidArgumentError(fmt::format(
            "{}:{}: field {} is quoted; quoted fields are not supported", t.path_, line_no, n + 1));
      }
      t.fields_.push_back({static_cast<std::uint32_t>(f), static_cast<std::uint32_t>(comma - f)});
      ++n;
      if (comma == stop) break;
      f = comma + 1;
    }
    if (line_no == 1) {
      for (std::size_t i = first_field; i < t.fields_.size(); ++i) {
        t.header_.emplace_back(text.substr(t.fields_[i].begin, t.fields_[i].size));
      }
      t.fields_.clear();
      continue;
    }
    if (n != t.header_.size()) {
      return absl::InvalidArgumentError(fmt::format("{}:{}: {} fields, but the header has {}",
                                                    t.path_, line_no, n, t.header_.size()));
    }
    t.line_of_row_.push_back(line_no);
  }
  if (t.header_.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: empty file (expected a header line)", t.path_));
  }
  return t;
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

absl::Status CsvTable::field_error(std::size_t row, std::size_t col, std::string_view what) const {
  return absl::InvalidArgumentError(fmt::format("{}:{}: column '{}': {} (got {})", path_, line(row),
                                                header_[col], what, quote(field(row, col))));
}

absl::StatusOr<double> CsvTable::f64(std::size_t row, std::size_t col, FloatPolicy policy) const {
  const std::string_view s = field(row, col);
  if (s.empty()) {
    if (policy == FloatPolicy::kFinite) return field_error(row, col, "empty number");
    return std::nan("");
  }
  double v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ec == std::errc::result_out_of_range) {
    return field_error(row, col, "number out of double range");
  }
  if (res.ec != std::errc() || res.ptr != s.data() + s.size()) {
    return field_error(row, col, "bad number");
  }
  if (policy == FloatPolicy::kFinite && !std::isfinite(v)) {
    return field_error(row, col, "NaN or infinity where a finite number is required");
  }
  if (policy == FloatPolicy::kAllowNan && std::isinf(v)) {
    return field_error(row, col, "infinity is not allowed");
  }
  return v;
}

absl::StatusOr<float> CsvTable::f32(std::size_t row, std::size_t col, FloatPolicy policy) const {
  auto v = f64(row, col, policy);
  if (!v.ok()) return v.status();
  if (std::isfinite(*v) && std::fabs(*v) > 3.4028234663852886e38) {
    return field_error(row, col, "number out of float32 range");
  }
  return static_cast<float>(*v);
}

absl::StatusOr<std::int64_t> CsvTable::i64(std::size_t row, std::size_t col) const {
  const std::string_view s = field(row, col);
  std::int64_t v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size()) {
    return field_error(row, col, "bad integer");
  }
  return v;
}

absl::StatusOr<bool> CsvTable::bool01(std::size_t row, std::size_t col) const {
  const std::string_view s = field(row, col);
  if (s == "1") return true;
  if (s == "0") return false;
  return field_error(row, col, "expected 0 or 1");
}

absl::StatusOr<TimestampNs> CsvTable::timestamp(std::size_t row, std::size_t col) const {
  if (auto ts = parse_timestamp(field(row, col))) return *ts;
  return field_error(row, col, "bad timestamp, expected 'YYYY-MM-DD HH:MM:SS'");
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
    : cols_(header.size()) {
  buf_ = fmt::format("{}", fmt::join(header, ","));
  buf_ += '\n';
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

absl::Status CsvWriter::commit(const std::string& path) const {
  Q50_CHECK(in_row_ == 0, "CSV row left open at commit");
  return write_file_atomic(path, text());
}

}  // namespace q50::io
