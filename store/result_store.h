#ifndef Q50SIM_STORE_RESULT_STORE_H_
#define Q50SIM_STORE_RESULT_STORE_H_

// The results store of parameter sweeps: one interface, two backends with the same schema
// (store/SCHEMA.md). SQLite is the embedded default (one file, e.g. DIR/results.sqlite);
// PostgreSQL serves many machines writing at once.
//
// Every error is an absl::Status whose message names the store by its URL with any password
// replaced by "***", and, for a database error, the statement that failed. No exception
// leaves this module. A ResultStore is one database connection: use it from one thread at a
// time (a multi-threaded sweep funnels its results to one writer, or opens one per thread).

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/records.h"
#include "store/store_url.h"

namespace q50::store {

// Points [begin, end) of a sweep.
struct PointRange {
  std::int64_t begin = 0;
  std::int64_t end = std::numeric_limits<std::int64_t>::max();
};

class ResultStore {
 public:
  virtual ~ResultStore() = default;

  virtual Backend backend() const = 0;

  // The store's URL with its password replaced by "***": what messages show.
  virtual const std::string& display_url() const = 0;

  // The schema version the store holds (kSchemaVersion: open_store refuses any other).
  virtual absl::StatusOr<int> schema_version() = 0;

  // Creates the sweep, or finds it when one of that name exists with the same spec digest,
  // input digests and parameter names (a re-run or a retried shard); returns the stored record
  // (with its spec digest filled in, and the first writer's description and version when it
  // already existed). FailedPrecondition when the name exists with another spec or inputs;
  // InvalidArgument for a record prepare_sweep rejects. Safe against other processes creating
  // the same sweep at the same time.
  virtual absl::StatusOr<SweepRecord> begin_sweep(const SweepRecord& sweep) = 0;

  // The stored record of a sweep; NotFound when the store has no sweep of that name.
  virtual absl::StatusOr<SweepRecord> read_sweep(std::string_view sweep) = 0;

  // Every sweep of the store, in creation order.
  virtual absl::StatusOr<std::vector<SweepSummary>> list_sweeps() = 0;

  // Writes runs of a begun sweep in ONE transaction: either every run is stored or none is
  // (also when the process is killed mid-way). Idempotent by (sweep, point_index): a point
  // already stored is replaced whole (its parameters, metrics and breakdowns too), so writing
  // a batch twice leaves the same rows as writing it once. Within one batch the last record of
  // a point wins. NotFound for a sweep never begun in this store; InvalidArgument for a record
  // prepare_batch rejects (nothing is written then). SQLite waits up to kSqliteBusyTimeoutMs
  // for another process's write; PostgreSQL retries a batch that lost a deadlock.
  virtual absl::Status write_batch(std::string_view sweep, std::span<const RunRecord> runs) = 0;

  // The point indexes of the sweep that have a stored run (any status: a run is deterministic,
  // so a failed point fails again), ascending. A retried shard skips these. NotFound for an
  // unknown sweep.
  virtual absl::StatusOr<std::vector<std::int64_t>> completed_points(std::string_view sweep) = 0;

  // The stored runs of the sweep whose point_index lies in range, ascending by point_index;
  // parameters in the sweep's order, metrics by name, breakdowns by (kind, key, metric); a
  // NaN stored reads back as NaN. NotFound for an unknown sweep.
  virtual absl::StatusOr<std::vector<RunRecord>> read_runs(std::string_view sweep,
                                                           PointRange range) = 0;

  // Every stored run of the sweep (read_runs over all points).
  absl::StatusOr<std::vector<RunRecord>> read_runs(std::string_view sweep) {
    return read_runs(sweep, PointRange{});
  }
};

// How long an SQLite writer waits for another process's transaction before giving up. Sweeps
// write in batches of milliseconds, so a minute means something is stuck, not busy.
inline constexpr int kSqliteBusyTimeoutMs = 60'000;

// Opens (and on first use creates the schema of) the store at url:
//   PATH or sqlite:PATH        an SQLite file, created when missing (its directory must exist);
//                              WAL journal, so readers never block the writer
//   postgresql://user[:password]@host[:port]/db[?...]   a PostgreSQL database (libpq URI;
//                              postgres:// too); the database must exist, the tables are
//                              created when absent
// InvalidArgument for a malformed URL; Unavailable when the database cannot be opened or
// reached; FailedPrecondition when it holds another schema version or tables of this schema
// without a schema_version (not a store this code wrote).
absl::StatusOr<std::unique_ptr<ResultStore>> open_store(std::string_view url);

}  // namespace q50::store

#endif  // Q50SIM_STORE_RESULT_STORE_H_
