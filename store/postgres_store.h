#ifndef Q50SIM_STORE_POSTGRES_STORE_H_
#define Q50SIM_STORE_POSTGRES_STORE_H_

// The PostgreSQL backend of ResultStore. Use open_store; this header exists for open_store and
// for tests that need the backend by name.

#include <memory>

#include "absl/status/statusor.h"
#include "store/result_store.h"
#include "store/store_url.h"

namespace q50::store {

// Connects to the database of url (which must exist), creates the schema in the first schema
// of its search_path when none of its tables are there (serialised with an advisory lock, so
// many shards may open a new database at once), and checks the version otherwise. A batch is
// COPYed into temporary staging tables and moved into the store by one upsert per table, all
// in one transaction. Errors as open_store's.
absl::StatusOr<std::unique_ptr<ResultStore>> open_postgres_store(const StoreUrl& url);

}  // namespace q50::store

#endif  // Q50SIM_STORE_POSTGRES_STORE_H_
