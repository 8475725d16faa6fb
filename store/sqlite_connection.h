#ifndef Q50SIM_STORE_SQLITE_CONNECTION_H_
#define Q50SIM_STORE_SQLITE_CONNECTION_H_

// Owning wrappers of SQLite's C handles whose errors are Statuses naming the store URL and
// the statement. Internal to the SQLite backend.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct sqlite3;
struct sqlite3_stmt;

namespace q50::store {

// A prepared statement. Text bound to it is not copied: it must stay alive until the next
// step() or reset(). Must not outlive its SqliteConnection.
class SqliteStatement {
 public:
  SqliteStatement() = default;
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, std::string sql, const std::string* url);
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // Parameters are numbered from 1, as in the SQL text ("?1"). nullopt binds NULL.
  void bind(int index, std::int64_t value);
  void bind(int index, std::string_view text);
  void bind(int index, std::optional<double> value);
  void bind_null(int index);

  // Steps once: true when a row is ready to read, false when the statement is done (then it
  // is reset, bindings kept). On error the statement is reset and the Status names the URL and
  // the SQL.
  absl::StatusOr<bool> step();
  // Steps a statement that returns no row to its end.
  absl::Status run();
  // Resets to run again (after reading only some rows) and clears its bindings.
  void reset();

  std::int64_t column_int64(int column) const;
  std::optional<double> column_double(int column) const;  // nullopt for NULL
  std::string_view column_text(int column) const;         // "" for NULL
  bool column_is_null(int column) const;

 private:
  absl::Status error(int rc) const;

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
  const std::string* url_ = nullptr;
  int bind_rc_ = 0;  // the first failed bind, reported by the next step
};

class SqliteConnection {
 public:
  // Opens (creating when missing) the database file at path, never as a URI. display_url
  // names the store in every message. Unavailable when the file cannot be opened.
  static absl::StatusOr<std::unique_ptr<SqliteConnection>> open(const std::string& path,
                                                                std::string display_url);
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection();

  absl::StatusOr<SqliteStatement> prepare(std::string_view sql);
  // Runs SQL text that binds no value (pragmas, BEGIN, DDL).
  absl::Status exec(std::string_view sql);
  // The single text value a statement such as "PRAGMA journal_mode = WAL" returns.
  absl::StatusOr<std::string> query_text(std::string_view sql);
  void set_busy_timeout(int timeout_ms);
  // Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t changes() const;
  // True when the last failed call failed because another connection held a lock. SQLite
  // answers some lock conflicts at once, without calling the busy handler (switching the
  // journal to WAL while another process opens the same new file is one).
  bool last_error_was_busy() const;

  const std::string& display_url() const { return display_url_; }

 private:
  SqliteConnection(sqlite3* db, std::string display_url);
  sqlite3* db_;
  std::string display_url_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when destroyed uncommitted. IMMEDIATE takes the
// write lock up front: a deferred transaction that upgrades its read lock can fail with
// SQLITE_BUSY at once, without waiting out the busy timeout.
class SqliteTransaction {
 public:
  static absl::StatusOr<SqliteTransaction> begin(SqliteConnection& connection);
  SqliteTransaction(SqliteTransaction&& other) noexcept;
  SqliteTransaction& operator=(SqliteTransaction&&) = delete;
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  ~SqliteTransaction();

  absl::Status commit();

 private:
  explicit SqliteTransaction(SqliteConnection* connection) : connection_(connection) {}
  SqliteConnection* connection_;  // null once committed or moved from
};

}  // namespace q50::store

#endif  // Q50SIM_STORE_SQLITE_CONNECTION_H_
