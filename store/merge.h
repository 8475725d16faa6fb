#ifndef Q50SIM_STORE_MERGE_H_
#define Q50SIM_STORE_MERGE_H_

// Merging the SQLite files of a sharded sweep (one file per shard, written on the machines of
// a cluster) into one store.

#include <cstdint>
#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "store/result_store.h"

namespace q50::store {

struct MergeReport {
  std::int64_t shards = 0;
  std::int64_t sweeps = 0;  // sweeps met, counted once per shard
  std::int64_t runs = 0;    // runs copied, counted once per shard
};

// Copies every sweep and run of each SQLite file in shard_paths into dest (SQLite or
// PostgreSQL), in write_batch transactions of at most batch_points runs. Idempotent: a sweep is
// begun with its stored record (same name and digests: reused) and a point already in dest is
// replaced, so merging a shard twice, or after an interrupted merge, leaves the same rows; a
// point in two shards keeps the later shard's record. Stops at the first error: NotFound for a
// missing shard file, FailedPrecondition for a sweep whose spec differs from dest's sweep of
// that name, store errors as they come. A shard file is opened as a store (its schema must be
// this version's), never written to beyond that.
absl::StatusOr<MergeReport> merge_sqlite(ResultStore& dest, std::span<const std::string> shard_paths,
                                         std::int64_t batch_points = 2000);

}  // namespace q50::store

#endif  // Q50SIM_STORE_MERGE_H_
