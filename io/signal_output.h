#ifndef Q50SIM_IO_SIGNAL_OUTPUT_H_
#define Q50SIM_IO_SIGNAL_OUTPUT_H_

// The signal pipeline's per-bar columns as a CSV file: `timestamp` then every column of
// core/signal.h signal_columns(), in the encodings of the existing system's
// shared/reference/signals/*.expected.csv (floats as Python repr, ints, 0/1 booleans).

#include <span>
#include <string>

#include "absl/status/status.h"
#include "core/signal.h"
#include "core/timestamp.h"
#include "io/output_set.h"

namespace q50::io {

// Rows written as they come into a staged file (io/output_set.h), 64 KiB at a time. Call
// flush() before committing the set: the file is gone after the commit, and the destructor
// then has nothing left to write.
class SignalRowWriter {
 public:
  explicit SignalRowWriter(StagedFile& file);
  ~SignalRowWriter() { flush(); }
  SignalRowWriter(const SignalRowWriter&) = delete;
  SignalRowWriter& operator=(const SignalRowWriter&) = delete;

  void add(TimestampNs ts_ns, const SignalRow& row);
  void flush();

 private:
  StagedFile& file_;
  std::string buf_;
};

// The whole file at once through the output protocol ("-": standard output); ts_ns and rows
// have the same length (checked).
absl::Status write_signal_rows(const std::string& path, std::span<const TimestampNs> ts_ns,
                               std::span<const SignalRow> rows,
                               const OutputOptions& options = {});

}  // namespace q50::io

#endif  // Q50SIM_IO_SIGNAL_OUTPUT_H_
