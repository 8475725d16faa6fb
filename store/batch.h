#ifndef Q50SIM_STORE_BATCH_H_
#define Q50SIM_STORE_BATCH_H_

// What both backends check and derive before they write, so that SQLite and PostgreSQL accept
// the same records, store the same values and reject the same mistakes with the same messages.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/records.h"

namespace q50::store {

// A sweep as a backend knows it once begun: its row id and its parameter order.
struct SweepKey {
  std::int64_t sweep_id = 0;
  std::string name;
  std::vector<std::string> parameter_names;
};

struct PreparedParameter {
  std::int64_t ordinal = 0;  // position of the name in the sweep's parameter_names
  const ParameterValue* value = nullptr;
  std::optional<double> number;
};

// One run ready for the database: the record plus the column values derived from it.
struct PreparedRun {
  const RunRecord* run = nullptr;
  std::int64_t seed_bits = 0;   // the uint64 seed's 64 bits as a signed BIGINT
  std::string fingerprint_hex;  // 16 lower-case hex characters; empty stores NULL
  std::string error;            // the error text, made valid UTF-8 without NUL bytes
  std::vector<PreparedParameter> parameters;  // in the sweep's order
};

// Checks runs against the sweep and derives their column values. The result holds the last
// record of each point_index (a point written twice in one batch is written once, as its last
// record), sorted by point_index, and points into runs (which must outlive it).
// InvalidArgument, naming display_url, the sweep and the point, for a negative point_index, a
// parameter the sweep does not declare, a name used twice within one run (parameter, metric,
// or breakdown kind/key/metric), or text that is not valid UTF-8 or holds a NUL byte
// (PostgreSQL's text cannot hold either). The error text is the one field that is repaired
// instead (invalid bytes become U+FFFD): a failed run's record must never be lost for its
// message.
absl::StatusOr<std::vector<PreparedRun>> prepare_batch(const SweepKey& sweep,
                                                       std::span<const RunRecord> runs,
                                                       std::string_view display_url);

// Checks a sweep record and fills in its spec digest (SHA-256 of spec_text) when empty.
// InvalidArgument for an empty name, a parameter named twice, or text that is not valid UTF-8
// or holds a NUL byte.
absl::StatusOr<SweepRecord> prepare_sweep(SweepRecord sweep, std::string_view display_url);

// Whether a sweep found in the store (existing) may be reused for wanted: the same spec
// digest, the same input digests and the same parameter names. FailedPrecondition otherwise,
// saying which differs and how to proceed.
absl::Status check_same_sweep(const SweepRecord& existing, const SweepRecord& wanted,
                              std::string_view display_url);

// The value a double column holds: nullopt (NULL) for NaN, which SQLite cannot store, and +0.0
// for -0.0, whose sign SQLite drops; both backends store the same value this way.
std::optional<double> stored_double(double v);

// The value a double column read back as NULL stands for.
double loaded_double(std::optional<double> v);

// 16 lower-case hex characters, and back (nullopt unless exactly 16 hex characters).
std::string fingerprint_hex(std::uint64_t fingerprint);
std::optional<std::uint64_t> parse_fingerprint_hex(std::string_view text);

// Sorts a run's metrics by name and breakdowns by (kind, key, metric), the order reads return.
void sort_run_values(RunRecord& run);

}  // namespace q50::store

#endif  // Q50SIM_STORE_BATCH_H_
