#include "io/signal_output.h"

#include <string>
#include <vector>

#include "core/check.h"
#include "io/csv.h"

namespace q50::io {

absl::Status write_signal_rows(const std::string& path, std::span<const TimestampNs> ts_ns,
                               std::span<const SignalRow> rows) {
  Q50_CHECK(ts_ns.size() == rows.size(), "one timestamp per signal row");
  std::vector<std::string> header{"timestamp"};
  for (const auto& c : signal_columns()) header.emplace_back(c.name);
  CsvWriter w(header, rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    w.timestamp(ts_ns[i]);
    for (const auto& c : signal_columns()) {
      const double v = c.value(rows[i]);
      switch (c.kind) {
        case SignalColumnKind::kFloat64:
          w.f64(v);
          break;
        case SignalColumnKind::kInt:
          w.i64(static_cast<std::int64_t>(v));
          break;
        case SignalColumnKind::kBool:
          w.boolean(v != 0.0);
          break;
      }
    }
    w.end_row();
  }
  return w.commit(path);
}

}  // namespace q50::io
