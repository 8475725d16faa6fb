#include "io/signal_output.h"

#include <charconv>
#include <cstdint>

#include "core/check.h"
#include "core/number_format.h"

namespace q50::io {
namespace {

constexpr std::size_t kFlushBytes = std::size_t{1} << 16;

}  // namespace

SignalRowWriter::SignalRowWriter(StagedFile& file) : file_(file) {
  buf_.reserve(kFlushBytes + 4096);
  buf_ += "timestamp";
  for (const auto& c : signal_columns()) {
    buf_ += ',';
    buf_ += c.name;
  }
  buf_ += '\n';
}

void SignalRowWriter::add(TimestampNs ts_ns, const SignalRow& row) {
  append_timestamp(buf_, ts_ns);
  for (const auto& c : signal_columns()) {
    buf_ += ',';
    const double v = c.value(row);
    switch (c.kind) {
      case SignalColumnKind::kFloat64:
        append_py_repr(buf_, v);
        break;
      case SignalColumnKind::kInt: {
        char digits[24];
        const auto res = std::to_chars(digits, digits + sizeof digits, static_cast<std::int64_t>(v));
        buf_.append(digits, res.ptr);
        break;
      }
      case SignalColumnKind::kBool:
        buf_ += v != 0.0 ? '1' : '0';
        break;
    }
  }
  buf_ += '\n';
  if (buf_.size() >= kFlushBytes) flush();
}

void SignalRowWriter::flush() {
  // Nothing to write touches no file: the destructor's flush runs after the caller flushed and
  // committed the output set, which has freed the staged file by then.
  if (buf_.empty()) return;
  file_.write(buf_);
  buf_.clear();
}

absl::Status write_signal_rows(const std::string& path, std::span<const TimestampNs> ts_ns,
                               std::span<const SignalRow> rows, const OutputOptions& options) {
  Q50_CHECK(ts_ns.size() == rows.size(), "one timestamp per signal row");
  auto set = OutputSet::open_file(path, options);
  if (!set.ok()) return set.status();
  auto file = set->stage_file();
  if (!file.ok()) return file.status();
  {
    SignalRowWriter writer(**file);
    for (std::size_t i = 0; i < rows.size(); ++i) writer.add(ts_ns[i], rows[i]);
  }
  return set->commit();
}

}  // namespace q50::io
