#include "store/pg_connection.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "fmt/format.h"
#include "store/number_text.h"

namespace q50::store {
namespace {

// libpq's messages end with a newline and may span lines; a Status message is one line.
std::string one_line(std::string_view text) {
  std::string out;
  bool pending_break = false;
  for (const char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') {
      pending_break = true;
      continue;
    }
    if (pending_break && !out.empty()) out.append("; ");
    pending_break = false;
    out.push_back(c);
  }
  return out;
}

absl::Status status_for_sqlstate(std::string_view sqlstate, std::string message) {
  if (sqlstate == "40P01" || sqlstate == "40001") return absl::AbortedError(std::move(message));
  const std::string_view cls = sqlstate.substr(0, 2);
  if (cls == "08" || cls == "53" || cls == "57") return absl::UnavailableError(std::move(message));
  if (cls == "28") return absl::PermissionDeniedError(std::move(message));
  if (cls == "23" || cls == "42") return absl::FailedPreconditionError(std::move(message));
  if (cls == "22") return absl::InvalidArgumentError(std::move(message));
  return absl::InternalError(std::move(message));
}

}  // namespace

PgParam pg_param(std::int64_t value) { return std::to_string(value); }
PgParam pg_param(std::string_view text) { return std::string(text); }
PgParam pg_param(std::optional<double> value) {
  if (!value.has_value()) return std::nullopt;
  if (std::isinf(*value)) return std::string(*value < 0 ? "-Infinity" : "Infinity");
  std::string text;
  append_repr(text, *value);
  return text;
}

void PgResult::Clear::operator()(pg_result* r) const { PQclear(r); }

PgResult::PgResult(pg_result* result) : result_(result) {}

int PgResult::rows() const { return PQntuples(result_.get()); }

bool PgResult::is_null(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string_view PgResult::text(int row, int column) const {
  return {PQgetvalue(result_.get(), row, column),
          static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}

std::int64_t PgResult::int64(int row, int column) const {
  const std::string_view t = text(row, column);
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || ptr != t.data() + t.size()) {
    std::fprintf(stderr, "store: PostgreSQL returned '%.*s' for an integer column\n",
                 static_cast<int>(t.size()), t.data());
    std::abort();
  }
  return v;
}

std::optional<double> PgResult::float8(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  const std::optional<double> v = parse_double(text(row, column));
  if (!v.has_value()) {
    std::fprintf(stderr, "store: PostgreSQL returned '%s' for a double column\n",
                 std::string(text(row, column)).c_str());
    std::abort();
  }
  return v;
}

absl::StatusOr<std::unique_ptr<PgConnection>> PgConnection::connect(const StoreUrl& url) {
  // Keywords before "dbname" are defaults: the expanded URI overrides them.
  const char* const keys[] = {"connect_timeout", "application_name", "client_encoding", "dbname",
                              nullptr};
  const char* const values[] = {"10", "q50sim", "UTF8", url.target.c_str(), nullptr};
  pg_conn* conn = PQconnectdbParams(keys, values, 1);
  if (conn == nullptr) {
    return absl::ResourceExhaustedError(
        fmt::format("{}: libpq could not allocate a connection", url.display));
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string reason = scrub_secrets(one_line(PQerrorMessage(conn)), url.secrets);
    PQfinish(conn);
    const std::string message =
        fmt::format("{}: cannot connect to PostgreSQL: {}", url.display, reason);
    if (reason.find("authentication failed") != std::string::npos ||
        reason.find("password") != std::string::npos) {
      return absl::PermissionDeniedError(message);
    }
    return absl::UnavailableError(message);
  }
  // Notices ("relation already exists, skipping") would go to stderr; the store reports
  // through its Statuses only.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  std::unique_ptr<PgConnection> connection(new PgConnection(conn, url));
  if (absl::Status s = connection->exec("SET extra_float_digits = 3"); !s.ok()) return s;
  return connection;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

absl::Status PgConnection::result_error(pg_result* result, std::string_view sql) const {
  const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const std::string_view state = sqlstate != nullptr ? sqlstate : "";
  // The server's primary message with its detail and hint, without the "ERROR:" prefix and
  // the caret drawing of the full message.
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  std::string text = primary != nullptr ? primary
                     : result != nullptr ? PQresultErrorMessage(result)
                                         : PQerrorMessage(conn_);
  if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL)) {
    text += fmt::format(" (detail: {})", detail);
  }
  if (const char* hint = PQresultErrorField(result, PG_DIAG_MESSAGE_HINT)) {
    text += fmt::format(" (hint: {})", hint);
  }
  const std::string reason = scrub_secrets(one_line(text), url_.secrets);
  return status_for_sqlstate(state, fmt::format("{}: {} (SQLSTATE {}) in statement: {}",
                                                url_.display, reason,
                                                state.empty() ? "none" : state, one_line(sql)));
}

absl::Status PgConnection::connection_error(std::string_view what, std::string_view sql) const {
  const std::string reason = scrub_secrets(one_line(PQerrorMessage(conn_)), url_.secrets);
  return absl::UnavailableError(
      fmt::format("{}: {}: {} in statement: {}", url_.display, what, reason, one_line(sql)));
}

absl::StatusOr<std::string> PgConnection::prepared_name(std::string_view sql) {
  if (const auto it = prepared_.find(sql); it != prepared_.end()) return it->second;
  std::string name = fmt::format("q50_{}", prepared_.size());
  const std::string text(sql);
  std::unique_ptr<pg_result, void (*)(pg_result*)> result(
      PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr), PQclear);
  if (result == nullptr) return connection_error("PREPARE failed", sql);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) return result_error(result.get(), sql);
  prepared_.emplace(text, name);
  return name;
}

absl::StatusOr<PgResult> PgConnection::run(std::string_view sql,
                                           const std::vector<PgParam>& params) {
  absl::StatusOr<std::string> name = prepared_name(sql);
  if (!name.ok()) return name.status();
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const PgParam& p : params) values.push_back(p.has_value() ? p->c_str() : nullptr);
  pg_result* raw = PQexecPrepared(conn_, name->c_str(), static_cast<int>(values.size()),
                                  values.data(), nullptr, nullptr, 0);
  if (raw == nullptr) return connection_error("the statement was not sent", sql);
  PgResult result(raw);
  const ExecStatusType status = PQresultStatus(raw);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return result_error(raw, sql);
  return result;
}

absl::Status PgConnection::exec(std::string_view sql) {
  const std::string text(sql);
  std::unique_ptr<pg_result, void (*)(pg_result*)> result(PQexec(conn_, text.c_str()), PQclear);
  if (result == nullptr) return connection_error("the statement was not sent", sql);
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return result_error(result.get(), sql);
  }
  return absl::OkStatus();
}

absl::Status PgConnection::copy_in(std::string_view copy_sql, std::string_view data) {
  const std::string text(copy_sql);
  std::unique_ptr<pg_result, void (*)(pg_result*)> start(PQexec(conn_, text.c_str()), PQclear);
  if (start == nullptr) return connection_error("COPY was not sent", copy_sql);
  if (PQresultStatus(start.get()) != PGRES_COPY_IN) return result_error(start.get(), copy_sql);
  // PQputCopyData takes an int length: send large streams in pieces.
  constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
  for (std::size_t pos = 0; pos < data.size(); pos += kChunkBytes) {
    const std::size_t len = std::min(kChunkBytes, data.size() - pos);
    if (PQputCopyData(conn_, data.data() + pos, static_cast<int>(len)) != 1) {
      return connection_error("COPY data could not be sent", copy_sql);
    }
  }
  if (PQputCopyEnd(conn_, nullptr) != 1) {
    return connection_error("COPY could not be ended", copy_sql);
  }
  absl::Status status = absl::OkStatus();
  // Every result of the COPY must be read before the connection takes another command.
  while (pg_result* raw = PQgetResult(conn_)) {
    if (PQresultStatus(raw) != PGRES_COMMAND_OK && status.ok()) {
      status = result_error(raw, copy_sql);
    }
    PQclear(raw);
  }
  return status;
}

}  // namespace q50::store
