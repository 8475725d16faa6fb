#include "io/csv_stream.h"

#include <cmath>

#include "core/check.h"
#include "core/fixed_point.h"
#include "core/number_format.h"

namespace q50::io {
namespace {
constexpr std::size_t kFlushBytes = std::size_t{1} << 16;
}  // namespace

CsvStream::CsvStream(StagedFile& file, const std::vector<std::string>& header)
    : file_(file), cols_(header.size()) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (i > 0) buf_ += ',';
    buf_ += header[i];
  }
  buf_ += '\n';
}

void CsvStream::separator() {
  if (in_row_++ > 0) buf_ += ',';
}

CsvStream& CsvStream::str(std::string_view text) {
  separator();
  buf_ += text;
  return *this;
}

CsvStream& CsvStream::f64(double v) {
  separator();
  if (!std::isnan(v)) append_py_repr(buf_, v);
  return *this;
}

CsvStream& CsvStream::i64(std::int64_t v) {
  separator();
  buf_ += std::to_string(v);
  return *this;
}

CsvStream& CsvStream::e8(std::int64_t v) { return f64(to_double(v)); }

CsvStream& CsvStream::timestamp(TimestampNs ts_ns) { return str(format_timestamp(ts_ns)); }

void CsvStream::end_row() {
  Q50_CHECK(in_row_ == cols_, "CsvStream: wrong field count");
  buf_ += '\n';
  in_row_ = 0;
  if (buf_.size() >= kFlushBytes) flush();
}

void CsvStream::flush() {
  file_.write(buf_);
  buf_.clear();
}

}  // namespace q50::io
