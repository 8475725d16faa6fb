#include "store/sqlite_connection.h"

#include <sqlite3.h>

#include <utility>

#include "fmt/format.h"

namespace q50::store {
namespace {

absl::Status status_for(int rc, std::string message) {
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return absl::UnavailableError(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(std::move(message));
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
      return absl::FailedPreconditionError(std::move(message));
    default:
      return absl::InternalError(std::move(message));
  }
}

absl::Status db_error(sqlite3* db, int rc, const std::string& url, std::string_view sql) {
  return status_for(rc, fmt::format("{}: {} (SQLite error {}) in statement: {}", url,
                                    sqlite3_errmsg(db), rc, sql));
}

}  // namespace

SqliteStatement::SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, std::string sql,
                                 const std::string* url)
    : db_(db), stmt_(stmt), sql_(std::move(sql)), url_(url) {}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      sql_(std::move(other.sql_)),
      url_(other.url_),
      bind_rc_(other.bind_rc_) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    sql_ = std::move(other.sql_);
    url_ = other.url_;
    bind_rc_ = other.bind_rc_;
  }
  return *this;
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

void SqliteStatement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqliteStatement::bind(int index, std::string_view text) {
  const int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC,
                                     SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqliteStatement::bind(int index, std::optional<double> value) {
  const int rc = value.has_value() ? sqlite3_bind_double(stmt_, index, *value)
                                   : sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqliteStatement::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

absl::Status SqliteStatement::error(int rc) const { return db_error(db_, rc, *url_, sql_); }

absl::StatusOr<bool> SqliteStatement::step() {
  if (bind_rc_ != SQLITE_OK) {
    const int rc = std::exchange(bind_rc_, SQLITE_OK);
    reset();
    return error(rc);
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) {
    sqlite3_reset(stmt_);
    return false;
  }
  absl::Status status = error(rc);
  sqlite3_reset(stmt_);
  return status;
}

absl::Status SqliteStatement::run() {
  for (;;) {
    absl::StatusOr<bool> row = step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
  }
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t SqliteStatement::column_int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::optional<double> SqliteStatement::column_double(int column) const {
  if (column_is_null(column)) return std::nullopt;
  return sqlite3_column_double(stmt_, column);
}

std::string_view SqliteStatement::column_text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text),
          static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

bool SqliteStatement::column_is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

SqliteConnection::SqliteConnection(sqlite3* db, std::string display_url)
    : db_(db), display_url_(std::move(display_url)) {}

SqliteConnection::~SqliteConnection() { sqlite3_close_v2(db_); }

absl::StatusOr<std::unique_ptr<SqliteConnection>> SqliteConnection::open(
    const std::string& path, std::string display_url) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = status_for(
        rc, fmt::format("{}: cannot open the SQLite file: {} (SQLite error {})", display_url,
                        db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc), rc));
    sqlite3_close_v2(db);
    return status;
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<SqliteConnection>(new SqliteConnection(db, std::move(display_url)));
}

absl::StatusOr<SqliteStatement> SqliteConnection::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return db_error(db_, rc, display_url_, sql);
  return SqliteStatement(db_, stmt, std::string(sql), &display_url_);
}

absl::Status SqliteConnection::exec(std::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return db_error(db_, rc, display_url_, sql);
  return absl::OkStatus();
}

absl::StatusOr<std::string> SqliteConnection::query_text(std::string_view sql) {
  absl::StatusOr<SqliteStatement> stmt = prepare(sql);
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = stmt->step();
  if (!row.ok()) return row.status();
  if (!*row) return std::string();
  return std::string(stmt->column_text(0));
}

void SqliteConnection::set_busy_timeout(int timeout_ms) { sqlite3_busy_timeout(db_, timeout_ms); }

std::int64_t SqliteConnection::changes() const { return sqlite3_changes64(db_); }

bool SqliteConnection::last_error_was_busy() const {
  const int code = sqlite3_errcode(db_);
  return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

absl::StatusOr<SqliteTransaction> SqliteTransaction::begin(SqliteConnection& connection) {
  if (absl::Status s = connection.exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  return SqliteTransaction(&connection);
}

SqliteTransaction::SqliteTransaction(SqliteTransaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)) {}

SqliteTransaction::~SqliteTransaction() {
  // A failed ROLLBACK leaves nothing to do: SQLite rolls back when the connection closes.
  if (connection_ != nullptr) connection_->exec("ROLLBACK").IgnoreError();
}

absl::Status SqliteTransaction::commit() {
  SqliteConnection* connection = std::exchange(connection_, nullptr);
  absl::Status status = connection->exec("COMMIT");
  // A COMMIT that fails (e.g. busy) leaves the transaction open; end it so the connection
  // can be used again.
  if (!status.ok()) connection->exec("ROLLBACK").IgnoreError();
  return status;
}

}  // namespace q50::store
