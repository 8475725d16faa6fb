#ifndef Q50SIM_STORE_PG_CONNECTION_H_
#define Q50SIM_STORE_PG_CONNECTION_H_

// Owning wrappers of libpq's handles whose errors are Statuses naming the store URL (without
// its password) and the statement. Internal to the PostgreSQL backend.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/store_url.h"

struct pg_conn;
struct pg_result;

namespace q50::store {

// One statement parameter in PostgreSQL's text form; nullopt is NULL.
using PgParam = std::optional<std::string>;
PgParam pg_param(std::int64_t value);
PgParam pg_param(std::string_view text);
// NULL for nullopt; "Infinity" / "-Infinity"; otherwise the shortest round-trip decimal.
PgParam pg_param(std::optional<double> value);

// The rows of a statement, in text form.
class PgResult {
 public:
  explicit PgResult(pg_result* result);
  int rows() const;
  bool is_null(int row, int column) const;
  std::string_view text(int row, int column) const;  // "" for NULL
  // A BIGINT/INTEGER column; aborts if the text is not an integer (it always is: the server
  // prints the column's type).
  std::int64_t int64(int row, int column) const;
  std::optional<double> float8(int row, int column) const;  // nullopt for NULL

 private:
  struct Clear {
    void operator()(pg_result* r) const;
  };
  std::unique_ptr<pg_result, Clear> result_;
};

class PgConnection {
 public:
  // Connects to url.target (a libpq URI) with a 10 s connect timeout unless the URL sets one,
  // client encoding UTF8, and extra_float_digits = 3 so doubles print exactly.
  // Unavailable (PermissionDenied for a rejected login) naming url.display.
  static absl::StatusOr<std::unique_ptr<PgConnection>> connect(const StoreUrl& url);
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection();

  // Runs sql as a prepared statement (prepared on first use, kept for the session) with
  // params bound in order to $1, $2, ... Errors carry the URL, the server's message and
  // SQLSTATE, and the SQL; a deadlock or serialization failure is Aborted (retry the
  // transaction).
  absl::StatusOr<PgResult> run(std::string_view sql, const std::vector<PgParam>& params = {});
  // Runs SQL text that binds no value (BEGIN, COMMIT, DDL).
  absl::Status exec(std::string_view sql);
  // COPY ... FROM STDIN with data in COPY's text format.
  absl::Status copy_in(std::string_view copy_sql, std::string_view data);

  const std::string& display_url() const { return url_.display; }

 private:
  PgConnection(pg_conn* conn, StoreUrl url) : conn_(conn), url_(std::move(url)) {}
  absl::Status result_error(pg_result* result, std::string_view sql) const;
  absl::Status connection_error(std::string_view what, std::string_view sql) const;
  absl::StatusOr<std::string> prepared_name(std::string_view sql);

  pg_conn* conn_;
  StoreUrl url_;
  std::map<std::string, std::string, std::less<>> prepared_;  // SQL -> statement name
};

}  // namespace q50::store

#endif  // Q50SIM_STORE_PG_CONNECTION_H_
