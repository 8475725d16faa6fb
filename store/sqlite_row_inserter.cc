#include "store/sqlite_row_inserter.h"

#include <string>

#include "fmt/format.h"

namespace q50::store {
namespace {

// "INSERT INTO t (a, b) VALUES (?1, ?2), (?3, ?4)" for `rows` rows of `columns` columns.
std::string insert_sql(std::string_view table, std::span<const std::string_view> columns,
                       std::size_t rows) {
  std::string sql = fmt::format("INSERT INTO {} ({}) VALUES ", table, fmt::join(columns, ", "));
  int parameter = 1;
  for (std::size_t r = 0; r < rows; ++r) {
    sql.append(r == 0 ? "(" : ", (");
    for (std::size_t c = 0; c < columns.size(); ++c) {
      fmt::format_to(std::back_inserter(sql), "{}?{}", c == 0 ? "" : ", ", parameter++);
    }
    sql.push_back(')');
  }
  return sql;
}

}  // namespace

absl::StatusOr<SqliteRowInserter> SqliteRowInserter::prepare(
    SqliteConnection& db, std::string_view table, std::span<const std::string_view> columns) {
  absl::StatusOr<SqliteStatement> many =
      db.prepare(insert_sql(table, columns, kRowsPerStatement));
  if (!many.ok()) return many.status();
  absl::StatusOr<SqliteStatement> one = db.prepare(insert_sql(table, columns, 1));
  if (!one.ok()) return one.status();
  return SqliteRowInserter(*std::move(many), *std::move(one), static_cast<int>(columns.size()));
}

absl::Status SqliteRowInserter::insert(std::size_t count, const BindRow& bind_row) {
  std::size_t row = 0;
  for (; row + kRowsPerStatement <= count; row += kRowsPerStatement) {
    for (std::size_t i = 0; i < kRowsPerStatement; ++i) {
      bind_row(many_, row + i, 1 + static_cast<int>(i) * columns_);
    }
    if (absl::Status s = many_.run(); !s.ok()) return s;
  }
  for (; row < count; ++row) {
    bind_row(one_, row, 1);
    if (absl::Status s = one_.run(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace q50::store
