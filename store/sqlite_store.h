#ifndef Q50SIM_STORE_SQLITE_STORE_H_
#define Q50SIM_STORE_SQLITE_STORE_H_

// The SQLite backend of ResultStore. Use open_store; this header exists for open_store and
// for tests that need the backend by name.

#include <memory>

#include "absl/status/statusor.h"
#include "store/result_store.h"
#include "store/store_url.h"

namespace q50::store {

// Opens the SQLite file url.target (created when missing), in WAL mode with
// synchronous=NORMAL (a commit survives the process being killed; a power cut may lose the
// last commits but never half of one), a kSqliteBusyTimeoutMs busy timeout and foreign keys
// unenforced (store/SCHEMA.md says why), and creates the schema in a file without its tables.
// Errors as open_store's.
absl::StatusOr<std::unique_ptr<ResultStore>> open_sqlite_store(const StoreUrl& url);

}  // namespace q50::store

#endif  // Q50SIM_STORE_SQLITE_STORE_H_
