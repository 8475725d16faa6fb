#ifndef Q50SIM_IO_SIGNAL_FILE_H_
#define Q50SIM_IO_SIGNAL_FILE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/timestamp.h"

namespace q50::io {

// The existing system's signal file: data3/macro_features.pkl (written by
// src/training_pipeline_optuna.py), exported to CSV by tools/export_macro_features.py. One row
// per hourly label of one instrument: a key column `datetime` (the pkl's index level) or
// `timestamp` (the reference files' name), "YYYY-MM-DD HH:MM:SS"; q10,q50,q90; and optionally
// vol_risk, vol_raw_momentum, side, signal_tier, signal_thresh_adaptive, prob_up and the
// model's other features (ignored unless asked for). An `instrument` column, if present, must
// hold the same value on every row.

struct SignalFileOptions {
  // Columns that must exist (q10/q50/q90 must exist in any case); list vol_risk, side, ...
  // here to make them mandatory too. A float column listed here must be finite on every row
  // unless it is also in nan_allowed; a float column not listed here may hold NaN.
  std::vector<std::string> required = {"q10", "q50", "q90"};
  // Required float columns that may hold NaN (an empty field or "nan"), e.g. vol_raw_momentum
  // whose first rows are NaN. side and signal_tier never accept NaN.
  std::vector<std::string> nan_allowed;
  // Further float64 columns to load into SignalFile::extra (must exist; NaN allowed).
  std::vector<std::string> extra;
  // When non-empty, the file's instrument column (if any) must name this instrument, compared
  // case-insensitively (qlib lower-cases instrument names, the pkl index may not).
  std::string instrument;
};

struct SignalFile {
  std::string path;
  std::string key_column;  // "datetime" or "timestamp"
  std::string instrument;  // the instrument column's value; empty when there is no such column
  std::vector<TimestampNs> ts_ns;  // strictly increasing
  std::vector<double> q10;
  std::vector<double> q50;
  std::vector<double> q90;
  // Optional columns: empty when the file lacks the column, else one value per row.
  std::vector<float> vol_risk;           // float32, as qlib computes it (exact on narrowing)
  std::vector<float> vol_raw_momentum;   // float32
  std::vector<std::int8_t> side;         // 1 LONG, 0 SHORT, -1 HOLD
  std::vector<std::int8_t> signal_tier;  // 0..3
  std::vector<double> signal_thresh_adaptive;
  std::vector<double> prob_up;
  std::map<std::string, std::vector<double>, std::less<>> extra;

  std::size_t size() const { return ts_ns.size(); }
};

// Reads path. Errors (InvalidArgument, naming file:line, the column and the offending text):
// no data rows; no key column, or both `datetime` and `timestamp`; a duplicated column name; a
// missing required or extra column; a malformed timestamp; timestamps not strictly increasing
// (unsorted or duplicate, naming both lines); a malformed number; NaN in a column where it is
// not allowed; an infinity anywhere; side outside {-1,0,1} or signal_tier outside 0..3 (integral
// floats such as "1.0" are accepted, pandas writes them when the column was float); a second
// instrument, or one other than options.instrument. NotFound/Unavailable when unreadable.
absl::StatusOr<SignalFile> read_signal_file(const std::string& path,
                                            const SignalFileOptions& options = {});

// The same from text in memory; name stands in for the path in messages.
absl::StatusOr<SignalFile> parse_signal_file(std::string name, std::string content,
                                             const SignalFileOptions& options = {});

}  // namespace q50::io

#endif  // Q50SIM_IO_SIGNAL_FILE_H_
