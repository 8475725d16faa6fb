#include "store/postgres_store.h"
#include "store/result_store.h"
#include "store/sqlite_store.h"

namespace q50::store {

absl::StatusOr<std::unique_ptr<ResultStore>> open_store(std::string_view url) {
  absl::StatusOr<StoreUrl> parsed = parse_store_url(url);
  if (!parsed.ok()) return parsed.status();
  switch (parsed->backend) {
    case Backend::kSqlite:
      return open_sqlite_store(*parsed);
    case Backend::kPostgresql:
      return open_postgres_store(*parsed);
  }
  return absl::InternalError("unknown store backend");
}

}  // namespace q50::store
