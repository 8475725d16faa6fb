#ifndef Q50SIM_IO_SIGNAL_INPUT_H_
#define Q50SIM_IO_SIGNAL_INPUT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/signal.h"
#include "core/timestamp.h"

namespace q50::io {

// The per-bar inputs of the signal pipeline, column-wise: the format of the reference's
// signals/NAME.input.csv (timestamp,q10,q50,q90,vol_risk,vol_raw_momentum; other columns are
// ignored). vol_risk and vol_raw_momentum are held as float32 exactly as read: the file
// writes the exact float64 value of each float32, so narrowing is lossless there.
struct SignalInputTable {
  std::vector<TimestampNs> timestamp;
  std::vector<double> q10;
  std::vector<double> q50;
  std::vector<double> q90;
  std::vector<float> vol_risk;
  std::vector<float> vol_raw_momentum;

  std::size_t size() const { return timestamp.size(); }
  // Views for compute_signals; valid while this table lives.
  SignalColumns columns() const { return {q10, q50, q90, vol_risk, vol_raw_momentum}; }
};

// Reads path. InvalidArgument, naming file:line, column and the offending text, for: an
// empty file or one without data rows, a missing column, a malformed or non-finite number
// (NaN, inf, empty) in any of the five value columns, a float32 overflow in the vol columns,
// a malformed timestamp, and timestamps that are not strictly increasing (unsorted or
// duplicate). NotFound/Unavailable when the file cannot be read.
absl::StatusOr<SignalInputTable> read_signal_input(const std::string& path);

// The same from text in memory; name stands in for the path in messages.
absl::StatusOr<SignalInputTable> parse_signal_input(std::string name, std::string content);

}  // namespace q50::io

#endif  // Q50SIM_IO_SIGNAL_INPUT_H_
