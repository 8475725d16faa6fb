#ifndef Q50SIM_IO_SIGNAL_OUTPUT_H_
#define Q50SIM_IO_SIGNAL_OUTPUT_H_

// The signal pipeline's per-bar columns as a CSV file: `timestamp` then every column of
// core/signal.h signal_columns(), in the encodings of the existing system's
// shared/reference/signals/*.expected.csv (floats as Python repr, ints, 0/1 booleans). Written
// atomically.

#include <span>
#include <string>

#include "absl/status/status.h"
#include "core/signal.h"
#include "core/timestamp.h"

namespace q50::io {

// ts_ns and rows have the same length (checked).
absl::Status write_signal_rows(const std::string& path, std::span<const TimestampNs> ts_ns,
                               std::span<const SignalRow> rows);

}  // namespace q50::io

#endif  // Q50SIM_IO_SIGNAL_OUTPUT_H_
