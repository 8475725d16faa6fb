#ifndef Q50SIM_IO_SIGNAL_INPUT_H_
#define Q50SIM_IO_SIGNAL_INPUT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/signal.h"
#include "core/timestamp.h"
#include "io/csv_reader.h"

namespace q50::io {

// The per-bar inputs of the signal pipeline: the format of the reference's
// signals/NAME.input.csv (timestamp,q10,q50,q90,vol_risk,vol_raw_momentum; other columns are
// ignored). vol_risk and vol_raw_momentum are held as float32 exactly as read: the file writes
// the exact float64 value of each float32, so narrowing is lossless there.
//
// Every row is checked where it is read; InvalidArgument, naming file:line:column, the column
// and the offending text, for: an empty file or one without data rows, a missing column, a
// malformed or non-finite number (NaN, inf, empty) in any of the five value columns, a float32
// overflow in the vol columns, a malformed timestamp or one outside 1900..2099, and timestamps
// that are not strictly increasing (unsorted or duplicate). NotFound/Unavailable when the file
// cannot be read.

// The rows of a file one at a time, in constant memory (io/csv_reader.h).
class SignalInputReader {
 public:
  static absl::StatusOr<SignalInputReader> open(const std::string& path);
  // The next row into ts_ns/row: true, or false after the last (an error if there was none).
  absl::StatusOr<bool> next(TimestampNs& ts_ns, SignalInputs& row);
  // Back to the first row (a regular file; Unavailable for a pipe).
  absl::Status rewind();
  bool seekable() const { return reader_.seekable(); }

  // Calls fn(ts_ns, row) for each remaining row; the first read error, else OK.
  template <typename Fn>
  absl::Status for_each_row(Fn&& fn) {
    TimestampNs ts_ns = 0;
    SignalInputs row{};
    while (true) {
      auto more = next(ts_ns, row);
      if (!more.ok()) return more.status();
      if (!*more) return absl::OkStatus();
      fn(ts_ns, row);
    }
  }

 private:
  explicit SignalInputReader(CsvReader reader) : reader_(std::move(reader)) {}

  CsvReader reader_;
  std::size_t col_[6] = {};
  std::size_t rows_ = 0;
  std::optional<TimestampNs> last_ts_ns_;
  std::string last_ts_text_;
  std::size_t last_line_ = 0;
};

// A whole file, column-wise.
struct SignalInputTable {
  std::vector<TimestampNs> timestamp;
  std::vector<double> q10;
  std::vector<double> q50;
  std::vector<double> q90;
  std::vector<float> vol_risk;
  std::vector<float> vol_raw_momentum;

  std::size_t size() const { return timestamp.size(); }
  void clear() {
    timestamp.clear();
    q10.clear();
    q50.clear();
    q90.clear();
    vol_risk.clear();
    vol_raw_momentum.clear();
  }
  void add(TimestampNs ts_ns, const SignalInputs& row) {
    timestamp.push_back(ts_ns);
    q10.push_back(row.q10);
    q50.push_back(row.q50);
    q90.push_back(row.q90);
    vol_risk.push_back(row.vol_risk);
    vol_raw_momentum.push_back(row.vol_raw_momentum);
  }
  // Views for compute_signals; valid while this table lives.
  SignalColumns columns() const { return {q10, q50, q90, vol_risk, vol_raw_momentum}; }
};

absl::StatusOr<SignalInputTable> read_signal_input(const std::string& path);

}  // namespace q50::io

#endif  // Q50SIM_IO_SIGNAL_INPUT_H_
