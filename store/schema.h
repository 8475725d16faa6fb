#ifndef Q50SIM_STORE_SCHEMA_H_
#define Q50SIM_STORE_SCHEMA_H_

// The results store's schema: the one place its tables are defined, for both backends.
// store/SCHEMA.md documents every table and column; change both together, and bump
// kSchemaVersion when the tables change.

#include <string>
#include <vector>

#include "store/store_url.h"

namespace q50::store {

// The version this code reads and writes, stored in schema_version.version. A store holding
// another version is refused (there is no migration yet).
inline constexpr int kSchemaVersion = 1;

// The tables of kSchemaVersion, in dependency order; the SQL dialect of backend. Every name a
// store creates, so a store can tell a foreign database from an empty one.
const std::vector<std::string>& schema_table_names();

// CREATE TABLE statements creating every table of kSchemaVersion, in order, in the dialect of
// backend. They fail if a table exists: the caller creates the schema in one transaction, and
// only in a database that holds none of schema_table_names().
std::vector<std::string> schema_ddl(Backend backend);

// PostgreSQL only: the session's temporary staging tables a batch is COPYed into before one
// upsert moves it into runs and its value tables (q50_stage_runs, q50_stage_parameters,
// q50_stage_metrics, q50_stage_breakdowns; same columns, in the same order, as the tables they
// feed). Emptied at each commit; not part of the schema (nothing persists in them).
std::vector<std::string> postgres_staging_ddl();

}  // namespace q50::store

#endif  // Q50SIM_STORE_SCHEMA_H_
