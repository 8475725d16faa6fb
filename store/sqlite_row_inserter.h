#ifndef Q50SIM_STORE_SQLITE_ROW_INSERTER_H_
#define Q50SIM_STORE_SQLITE_ROW_INSERTER_H_

// Inserts many rows into one SQLite table with multi-row INSERT statements: one step inserts
// kRowsPerStatement rows, so the per-statement cost (cursor open and close, reset) is paid once
// per 64 rows instead of per row, which is most of the cost of the runs' value rows. Values
// are bound, never spliced into the SQL. Internal to the SQLite backend.

#include <cstddef>
#include <functional>
#include <span>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sqlite_connection.h"

namespace q50::store {

class SqliteRowInserter {
 public:
  static constexpr std::size_t kRowsPerStatement = 64;

  // Binds the values of row `row` to stmt's parameters first, first + 1, ... (one per column).
  using BindRow = std::function<void(SqliteStatement& stmt, std::size_t row, int first)>;

  // Prepares "INSERT INTO table (columns) VALUES (...)" for kRowsPerStatement rows and for one.
  static absl::StatusOr<SqliteRowInserter> prepare(SqliteConnection& db, std::string_view table,
                                                   std::span<const std::string_view> columns);

  // Inserts rows 0 .. count - 1, binding each with bind_row. Stops at the first error.
  absl::Status insert(std::size_t count, const BindRow& bind_row);

 private:
  SqliteRowInserter(SqliteStatement many, SqliteStatement one, int columns)
      : many_(std::move(many)), one_(std::move(one)), columns_(columns) {}

  SqliteStatement many_;
  SqliteStatement one_;
  int columns_;
};

}  // namespace q50::store

#endif  // Q50SIM_STORE_SQLITE_ROW_INSERTER_H_
