#ifndef Q50SIM_TESTS_STORE_STORE_TEST_SUPPORT_H_
#define Q50SIM_TESTS_STORE_STORE_TEST_SUPPORT_H_

// What every store test shares: each case runs once against SQLite and once against
// PostgreSQL (Q50_STORE_CASE), each run gets fresh, empty stores, and the test's main turns
// "PostgreSQL was not available" into ctest's SKIPPED (exit code 77), or a failure when CI is
// set. Include this once per test executable, after defining BOOST_TEST_NO_MAIN and including
// boost/test/unit_test.hpp: it defines main().
//
// PostgreSQL comes from $Q50SIM_PG_URL (ci/postgres.sh start prints one; ci/test.sh exports
// it): a database on a server where that role may create databases. Each case creates its own
// databases there and drops them when it ends.

#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "store/result_store.h"
#include "tests/support/test_env.h"

namespace q50::store::testing {

inline bool& postgres_skipped() {
  static bool skipped = false;
  return skipped;
}

inline bool in_ci() {
  const char* ci = std::getenv("CI");
  if (ci == nullptr) return false;
  const std::string v(ci);
  return !v.empty() && v != "0" && v != "false";
}

inline std::optional<std::string> postgres_url_from_env() {
  const char* url = std::getenv("Q50SIM_PG_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

// url with its database (the path after host[:port]) replaced by db.
inline std::string with_database(const std::string& url, const std::string& db) {
  const std::size_t authority = url.find("://") + 3;
  const std::size_t slash = url.find('/', authority);
  const std::size_t query = url.find('?', authority);
  const std::string head = url.substr(0, std::min(slash, query));
  const std::string tail = query == std::string::npos ? "" : url.substr(query);
  return head + "/" + db + tail;
}

// Runs sql on a PostgreSQL URL over its own connection; returns libpq's error, "" on success.
// No Boost.Test assertion: destructors call it.
inline std::string pg_try_exec(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
    PGresult* r = PQexec(conn, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) error = PQresultErrorMessage(r);
    PQclear(r);
  }
  PQfinish(conn);
  return error;
}

// Runs sql on a PostgreSQL URL over its own connection; the first value of the first row
// ("" when there is none). Fails the test on any error.
inline std::string pg_query(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  BOOST_REQUIRE_MESSAGE(PQstatus(conn) == CONNECTION_OK,
                        "cannot connect to " << url << ": " << PQerrorMessage(conn));
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  PGresult* r = PQexec(conn, sql.c_str());
  const ExecStatusType status = PQresultStatus(r);
  const std::string error = PQresultErrorMessage(r);
  std::string value;
  if (status == PGRES_TUPLES_OK && PQntuples(r) > 0) value = PQgetvalue(r, 0, 0);
  PQclear(r);
  PQfinish(conn);
  BOOST_REQUIRE_MESSAGE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK,
                        sql << " failed: " << error);
  return value;
}

inline std::string sqlite_query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  std::string value;
  char* error = nullptr;
  const int rc = sqlite3_exec(
      db, sql.c_str(),
      [](void* out, int columns, char** values, char**) {
        auto& v = *static_cast<std::string*>(out);
        if (v.empty() && columns > 0 && values[0] != nullptr) v = values[0];
        return 0;
      },
      &value, &error);
  const std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, sql << " failed: " << message);
  return value;
}

// One backend for one test case: fresh stores and raw access to them.
class TestBackend {
 public:
  explicit TestBackend(Backend kind) : kind_(kind) {}
  TestBackend(const TestBackend&) = delete;
  TestBackend& operator=(const TestBackend&) = delete;
  ~TestBackend() {
    for (const std::string& db : databases_) {
      const std::string error =
          pg_try_exec(*admin_url_, fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", db));
      if (!error.empty()) std::fprintf(stderr, "cannot drop database %s: %s", db.c_str(), error.c_str());
    }
  }

  Backend kind() const { return kind_; }
  bool is_postgres() const { return kind_ == Backend::kPostgresql; }
  const char* name() const { return is_postgres() ? "postgresql" : "sqlite"; }

  // Whether this backend can run here. PostgreSQL without $Q50SIM_PG_URL: a failure when CI is
  // set, otherwise false and the executable reports SKIPPED.
  bool available() {
    if (!is_postgres()) return true;
    admin_url_ = postgres_url_from_env();
    if (admin_url_.has_value()) return true;
    if (in_ci()) {
      BOOST_FAIL("Q50SIM_PG_URL is not set but CI is: the store's PostgreSQL tests must run in "
                 "CI (ci/test.sh starts the server with ci/postgres.sh)");
    }
    postgres_skipped() = true;
    BOOST_TEST_MESSAGE("SKIPPED: Q50SIM_PG_URL is not set (bash ci/postgres.sh start)");
    return false;
  }

  const std::string& admin_url() const { return *admin_url_; }

  // A fresh, empty store, unique to this test case and label.
  std::string fresh_url(const std::string& label) {
    // Executable and case: unique, and stable from run to run (a crashed run's leftovers are
    // dropped by the next one).
    const std::string test =
        std::string(boost::unit_test::framework::master_test_suite().p_name.get()) + "_" +
        std::string(boost::unit_test::framework::current_test_case().p_name.get());
    if (!is_postgres()) {
      return "sqlite:" + q50::testing::make_temp_dir("store_" + test + "_" + label) +
             "/results.sqlite";
    }
    std::string db = fmt::format("q50t_{:016x}", std::hash<std::string>{}(test + "/" + label));
    pg_query(*admin_url_, fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", db));
    pg_query(*admin_url_, fmt::format("CREATE DATABASE {}", db));
    databases_.push_back(db);
    return with_database(*admin_url_, db);
  }

  std::unique_ptr<ResultStore> open(const std::string& url) const {
    absl::StatusOr<std::unique_ptr<ResultStore>> store = open_store(url);
    BOOST_REQUIRE_MESSAGE(store.ok(), store.status().ToString());
    return *std::move(store);
  }

  // Runs raw SQL on a store made by fresh_url; the first value of the first row.
  std::string query(const std::string& url, const std::string& sql) const {
    return is_postgres() ? pg_query(url, sql) : sqlite_query(url.substr(7), sql);
  }

  std::int64_t count(const std::string& url, const std::string& table) const {
    return std::stoll(query(url, "SELECT COUNT(*) FROM " + table));
  }

 private:
  Backend kind_;
  std::optional<std::string> admin_url_;
  std::vector<std::string> databases_;
};

// Runs body in a forked child process and returns its exit code (128 + signal when killed).
// The child must not touch the parent's store connections; it ends with _exit, never
// returning into Boost.Test.
inline int run_in_child(const std::function<int()>& body) {
  std::fflush(nullptr);
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) _exit(body());
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace q50::store::testing

// A test case run twice: NAME_sqlite and NAME_postgresql, each with its TestBackend.
#define Q50_STORE_CASE(name)                                                \
  static void name##_body(q50::store::testing::TestBackend& backend);      \
  BOOST_AUTO_TEST_CASE(name##_sqlite) {                                     \
    q50::store::testing::TestBackend backend(q50::store::Backend::kSqlite); \
    name##_body(backend);                                                   \
  }                                                                         \
  BOOST_AUTO_TEST_CASE(name##_postgresql) {                                 \
    q50::store::testing::TestBackend backend(                               \
        q50::store::Backend::kPostgresql);                                  \
    if (backend.available()) name##_body(backend);                          \
  }                                                                         \
  static void name##_body(q50::store::testing::TestBackend& backend)

int main(int argc, char* argv[]) {
  const int rc = boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
  if (rc == 0 && q50::store::testing::postgres_skipped()) {
    std::fprintf(stderr,
                 "SKIPPED: the PostgreSQL cases did not run (Q50SIM_PG_URL is not set; "
                 "bash ci/postgres.sh start prints one)\n");
    return 77;
  }
  return rc;
}

#endif  // Q50SIM_TESTS_STORE_STORE_TEST_SUPPORT_H_
