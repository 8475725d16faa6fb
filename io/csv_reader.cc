#include "io/csv_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <algorithm>
#include <cstring>
#include <utility>

#include "core/check.h"
#include "fmt/format.h"
#include "io/input_file.h"
#include "fmt/ranges.h"

namespace q50::io {
namespace {

constexpr std::size_t kWindowBytes = std::size_t{1} << 20;

absl::Status line_error(std::string_view path, std::size_t line, std::string_view what) {
  return absl::InvalidArgumentError(fmt::format("{}:{}: {}", path, line, what));
}

}  // namespace

absl::StatusOr<CsvReader> CsvReader::open(const std::string& path) {
  auto opened = open_input(path);
  if (!opened.ok()) return opened.status();
  const int fd = *opened;
  CsvReader r;
  r.path_ = path;
  r.fd_ = fd;
  r.buf_.resize(kWindowBytes + kMaxCsvLineBytes + 2);
  auto header = r.read_line();
  if (!header.ok()) return header.status();
  if (!*header || r.line_.empty()) {
    return absl::InvalidArgumentError(fmt::format("{}: empty file (expected a header line)", path));
  }
  auto names = parse_csv_header(path, r.line_);
  if (!names.ok()) return names.status();
  r.header_ = *std::move(names);
  r.spans_.reserve(r.header_.size());
  return r;
}

CsvReader::CsvReader(CsvReader&& o) noexcept { *this = std::move(o); }

CsvReader& CsvReader::operator=(CsvReader&& o) noexcept {
  std::swap(path_, o.path_);
  std::swap(fd_, o.fd_);
  std::swap(buf_, o.buf_);
  std::swap(begin_, o.begin_);
  std::swap(end_, o.end_);
  std::swap(eof_, o.eof_);
  std::swap(first_chunk_, o.first_chunk_);
  std::swap(line_, o.line_);
  std::swap(line_no_, o.line_no_);
  std::swap(blank_line_, o.blank_line_);
  std::swap(header_, o.header_);
  std::swap(spans_, o.spans_);
  return *this;
}

CsvReader::~CsvReader() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<std::size_t> CsvReader::find_column(std::string_view name) const {
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  return std::nullopt;
}

absl::StatusOr<std::size_t> CsvReader::require_column(std::string_view name) const {
  if (auto i = find_column(name)) return *i;
  return absl::InvalidArgumentError(fmt::format("{}:1: missing column '{}' (header has: {})", path_,
                                                name, fmt::join(header_, ",")));
}

// Moves the unread bytes to the front and reads more behind them.
absl::Status CsvReader::fill() {
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  // At least one read (the caller found no line end in what it has), then until the window
  // is full enough.
  bool read_once = false;
  while (!eof_ && end_ < buf_.size() && (!read_once || end_ - begin_ < kWindowBytes)) {
    const ssize_t n = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::UnavailableError(fmt::format("{}: read error: {}", path_, std::strerror(errno)));
    }
    read_once = true;
    if (n == 0) {
      eof_ = true;
      break;
    }
    end_ += static_cast<std::size_t>(n);
    if (first_chunk_) {
      first_chunk_ = false;
      if (std::string_view(buf_.data(), end_).starts_with("\xEF\xBB\xBF")) begin_ = 3;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> CsvReader::read_line() {
  while (true) {
    const std::string_view window(buf_.data() + begin_, end_ - begin_);
    const std::size_t nl = window.find('\n');
    if (nl != std::string_view::npos || (eof_ && !window.empty())) {
      const std::size_t len = nl == std::string_view::npos ? window.size() : nl;
      std::string_view line = window.substr(0, len);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      begin_ += nl == std::string_view::npos ? len : len + 1;
      ++line_no_;
      if (line.size() > kMaxCsvLineBytes) {
        return line_error(path_, line_no_, fmt::format("line longer than {} bytes", kMaxCsvLineBytes));
      }
      line_ = line;
      return true;
    }
    if (eof_) return false;
    if (window.size() > kMaxCsvLineBytes + 1) {
      return line_error(path_, line_no_ + 1,
                        fmt::format("line longer than {} bytes", kMaxCsvLineBytes));
    }
    if (auto st = fill(); !st.ok()) return st;
  }
}

absl::StatusOr<bool> CsvReader::next() {
  while (true) {
    auto got = read_line();
    if (!got.ok()) return got.status();
    if (!*got) return false;
    if (line_.empty()) {
      if (blank_line_ == 0) blank_line_ = line_no_;
      continue;
    }
    if (blank_line_ != 0) return line_error(path_, blank_line_, "blank line inside the data");
    if (auto st = split_row(); !st.ok()) return st;
    return true;
  }
}

absl::Status CsvReader::split_row() {
  spans_.clear();
  std::size_t f = 0;
  while (true) {
    std::size_t comma = line_.find(',', f);
    if (comma == std::string_view::npos) comma = line_.size();
    if (comma > f && line_[f] == '"') {
      return line_error(path_, line_no_,
                        fmt::format("field {} is quoted; quoted fields are not supported",
                                    spans_.size() + 1));
    }
    if (spans_.size() == header_.size()) {
      const auto fields = static_cast<std::size_t>(std::count(line_.begin(), line_.end(), ',')) + 1;
      return line_error(path_, line_no_,
                        fmt::format("{} fields, but the header has {}", fields, header_.size()));
    }
    spans_.emplace_back(static_cast<std::uint32_t>(f), static_cast<std::uint32_t>(comma - f));
    if (comma == line_.size()) break;
    f = comma + 1;
  }
  if (spans_.size() != header_.size()) {
    return line_error(path_, line_no_,
                      fmt::format("{} fields, but the header has {}", spans_.size(), header_.size()));
  }
  return absl::OkStatus();
}

bool CsvReader::seekable() const { return ::lseek(fd_, 0, SEEK_CUR) >= 0; }

absl::Status CsvReader::rewind() {
  if (::lseek(fd_, 0, SEEK_SET) != 0) {
    return absl::UnavailableError(
        fmt::format("{}: cannot read the input a second time (a pipe?): {}", path_,
                    std::strerror(errno)));
  }
  begin_ = end_ = 0;
  eof_ = false;
  first_chunk_ = true;
  line_no_ = 0;
  blank_line_ = 0;
  auto header = read_line();
  if (!header.ok()) return header.status();
  return absl::OkStatus();
}

std::string_view CsvReader::field(std::size_t col) const {
  Q50_CHECK(col < spans_.size(), "CSV field index out of range");
  return line_.substr(spans_[col].first, spans_[col].second);
}

CsvFieldRef CsvReader::ref(std::size_t col) const {
  return {path_, line_no_, static_cast<std::size_t>(spans_[col].first) + 1, header_[col],
          field(col)};
}

absl::StatusOr<double> CsvReader::f64(std::size_t col, FloatPolicy policy) const {
  const std::string_view s = field(col);
  double v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (!s.empty() && res.ec == std::errc() && res.ptr == s.data() + s.size() && std::isfinite(v)) {
    return v;
  }
  return csv_f64(ref(col), policy);
}

absl::StatusOr<float> CsvReader::f32(std::size_t col, FloatPolicy policy) const {
  return csv_f32(ref(col), policy);
}

absl::StatusOr<TimestampNs> CsvReader::timestamp(std::size_t col) const {
  if (auto ts = parse_timestamp(field(col))) return *ts;
  return csv_timestamp(ref(col));
}

absl::Status CsvReader::field_error(std::size_t col, std::string_view what) const {
  return csv_field_error(ref(col), what);
}

}  // namespace q50::io
