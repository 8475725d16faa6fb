#ifndef Q50SIM_STORE_CSV_EXPORT_H_
#define Q50SIM_STORE_CSV_EXPORT_H_

// A sweep's runs as one CSV table, read as is by pandas.read_csv: one row per run, ascending
// point_index, and the columns
//   point_index, seed, status, fingerprint, error,
//   one per parameter (the sweep's order), one per metric (every metric any run has, by name)
// A parameter or metric whose name is already a column gets the prefix "param." or "metric.".
// Parameters are written as the sweep wrote them; doubles in Python's repr (the shortest text
// that reads back to the same double); NaN and absent values as empty fields (pandas: NaN);
// infinities as inf / -inf. A field holding a comma, quote, CR or LF is quoted with quotes
// doubled (RFC 4180). Rows end with LF. The same runs give the same bytes from either backend.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/records.h"
#include "store/result_store.h"

namespace q50::store {

// The CSV text of runs of sweep (runs as read_runs returns them).
std::string runs_to_csv(const SweepRecord& sweep, const std::vector<RunRecord>& runs);

// The CSV text of the stored sweep. NotFound for an unknown sweep; store errors as they come.
absl::StatusOr<std::string> export_csv(ResultStore& store, std::string_view sweep);

// Writes export_csv's text to path atomically (a temporary file in the same directory, renamed
// into place): a failed export never leaves a half-written file. Unavailable naming path when
// it cannot be written.
absl::Status export_csv_file(ResultStore& store, std::string_view sweep, const std::string& path);

}  // namespace q50::store

#endif  // Q50SIM_STORE_CSV_EXPORT_H_
