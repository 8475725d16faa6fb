#include "io/signal_input.h"

#include <array>
#include <string_view>
#include <utility>

#include "fmt/format.h"

namespace q50::io {

absl::StatusOr<SignalInputReader> SignalInputReader::open(const std::string& path) {
  auto csv = CsvReader::open(path);
  if (!csv.ok()) return csv.status();
  SignalInputReader r(*std::move(csv));
  constexpr std::array<std::string_view, 6> kColumns = {"timestamp", "q10",      "q50",
                                                        "q90",       "vol_risk", "vol_raw_momentum"};
  for (std::size_t i = 0; i < kColumns.size(); ++i) {
    auto c = r.reader_.require_column(kColumns[i]);
    if (!c.ok()) return c.status();
    r.col_[i] = *c;
  }
  return r;
}

absl::StatusOr<bool> SignalInputReader::next(TimestampNs& ts_ns, SignalInputs& row) {
  auto more = reader_.next();
  if (!more.ok()) return more.status();
  if (!*more) {
    if (rows_ > 0) return false;
    return absl::InvalidArgumentError(fmt::format(
        "{}:2: no data rows after the header (expected at least one bar)", reader_.path()));
  }
  auto ts = reader_.timestamp(col_[0]);
  if (!ts.ok()) return ts.status();
  if (last_ts_ns_ && *ts <= *last_ts_ns_) {
    return reader_.field_error(
        col_[0], fmt::format("{} timestamp; line {} has '{}'",
                             *ts == *last_ts_ns_ ? "duplicate" : "out-of-order", last_line_,
                             last_ts_text_));
  }
  double q[3] = {};
  for (std::size_t k = 0; k < 3; ++k) {
    auto v = reader_.f64(col_[1 + k], FloatPolicy::kFinite);
    if (!v.ok()) return v.status();
    q[k] = *v;
  }
  auto vol_risk = reader_.f32(col_[4], FloatPolicy::kFinite);
  if (!vol_risk.ok()) return vol_risk.status();
  auto momentum = reader_.f32(col_[5], FloatPolicy::kFinite);
  if (!momentum.ok()) return momentum.status();
  ts_ns = *ts;
  row = {q[0], q[1], q[2], *vol_risk, *momentum};
  last_ts_ns_ = *ts;
  last_ts_text_.assign(reader_.field(col_[0]));
  last_line_ = reader_.line();
  ++rows_;
  return true;
}

absl::Status SignalInputReader::rewind() {
  if (auto st = reader_.rewind(); !st.ok()) return st;
  rows_ = 0;
  last_ts_ns_.reset();
  return absl::OkStatus();
}

absl::StatusOr<SignalInputTable> read_signal_input(const std::string& path) {
  auto reader = SignalInputReader::open(path);
  if (!reader.ok()) return reader.status();
  SignalInputTable out;
  auto add = [&out](TimestampNs ts_ns, const SignalInputs& row) { out.add(ts_ns, row); };
  if (auto st = reader->for_each_row(add); !st.ok()) return st;
  return out;
}

}  // namespace q50::io
