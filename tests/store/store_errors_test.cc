// Error messages: they name the store and the failing statement, and a password given in a
// PostgreSQL URL never appears in one, whatever fails (login, connection, statement, sweep).
#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>

#include "tests/store/sample_runs.h"
#include "tests/store/store_test_support.h"

namespace {

using q50::store::testing::pg_query;
using q50::store::testing::sample_runs;
using q50::store::testing::sample_sweep;

Q50_STORE_CASE(errors_name_the_store_and_the_statement) {
  const std::string url = backend.fresh_url("store");
  auto store = backend.open(url);
  BOOST_REQUIRE(store->begin_sweep(sample_sweep()).ok());
  backend.query(url, "DROP TABLE run_metrics");
  const absl::Status s = store->write_batch("grid", sample_runs(0, 3));
  BOOST_TEST(!s.ok());
  BOOST_TEST_MESSAGE(s);
  BOOST_TEST(s.message().find(store->display_url()) == 0, s);
  BOOST_TEST(s.message().find("in statement: ") != std::string::npos, s);
  BOOST_TEST(s.message().find("run_metrics") != std::string::npos, s);
  BOOST_TEST(backend.count(url, "runs") == 0);  // the batch rolled back whole

  if (backend.is_postgres()) {
    const std::string missing =
        q50::store::testing::with_database(backend.admin_url(), "q50_no_such_database");
    const auto refused = q50::store::open_store(missing);
    BOOST_TEST(absl::IsUnavailable(refused.status()), refused.status());
    BOOST_TEST(refused.status().message().find(missing) == 0, refused.status());
    BOOST_TEST(refused.status().message().find("q50_no_such_database") != std::string::npos);
  } else {
    const std::string dir = q50::testing::make_temp_dir("store_errors_files");
    const auto no_dir = q50::store::open_store("sqlite:" + dir + "/missing/results.sqlite");
    BOOST_TEST(absl::IsUnavailable(no_dir.status()), no_dir.status());
    BOOST_TEST(no_dir.status().message().find(dir + "/missing/results.sqlite") != std::string::npos);
    q50::testing::write_text(dir + "/text.sqlite", std::string(4096, 'x'));
    const auto not_db = q50::store::open_store(dir + "/text.sqlite");
    BOOST_TEST(absl::IsDataLoss(not_db.status()), not_db.status());
    BOOST_TEST(not_db.status().message().find(dir + "/text.sqlite") == 0, not_db.status());
  }
}

// userinfo "user:password" put into url in place of its user.
std::string with_userinfo(const std::string& url, const std::string& userinfo) {
  const std::size_t start = url.find("://") + 3;
  const std::size_t at = url.find('@', start);
  return url.substr(0, start) + userinfo + url.substr(at);
}

void expect_no_password(const absl::Status& s, const std::string& what) {
  BOOST_TEST_CONTEXT(what) {
    BOOST_TEST(!s.ok());
    const std::string text = s.ToString();
    BOOST_TEST_MESSAGE(what << ": " << text);
    for (const char* secret : {"S3cr3t-pw/with@odd:chars", "S3cr3t-pw%2Fwith%40odd%3Achars",
                               "S3cr3t"}) {
      BOOST_TEST(text.find(secret) == std::string::npos, text);
    }
    BOOST_TEST(text.find("q50_password_probe") != std::string::npos, text);
  }
}

BOOST_AUTO_TEST_CASE(passwords_never_appear_in_errors_postgresql) {
  q50::store::testing::TestBackend backend(q50::store::Backend::kPostgresql);
  if (!backend.available()) return;
  // ci/postgres.sh makes this role authenticate by password (scram-sha-256) on 127.0.0.1.
  const std::string url = backend.fresh_url("store");
  const std::string db = url.substr(url.rfind('/') + 1);
  pg_query(backend.admin_url(),
           "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
           "'q50_password_probe') THEN CREATE ROLE q50_password_probe LOGIN; END IF; END $$");
  pg_query(backend.admin_url(),
           "ALTER ROLE q50_password_probe PASSWORD 'S3cr3t-pw/with@odd:chars'");
  pg_query(url, "GRANT ALL ON SCHEMA public TO q50_password_probe");
  const std::string secret_url =
      with_userinfo(url, "q50_password_probe:S3cr3t-pw%2Fwith%40odd%3Achars");

  // The right password opens the store: the password is really in use.
  auto store = backend.open(secret_url);
  BOOST_TEST(store->display_url() ==
             with_userinfo(url, "q50_password_probe:***"));
  BOOST_REQUIRE(store->begin_sweep(sample_sweep()).ok());
  expect_no_password(store->begin_sweep(sample_sweep("grid", "other spec")).status(),
                     "sweep of another spec");
  expect_no_password(store->write_batch("missing", sample_runs(0, 1)), "unknown sweep");
  pg_query(url, "DROP TABLE run_breakdowns");
  expect_no_password(store->write_batch("grid", sample_runs(0, 2)), "failing statement");

  const auto wrong = q50::store::open_store(with_userinfo(url, "q50_password_probe:S3cr3t-not"));
  BOOST_TEST(absl::IsPermissionDenied(wrong.status()), wrong.status());
  expect_no_password(wrong.status(), "wrong password");
  BOOST_TEST(wrong.status().ToString().find("S3cr3t-not") == std::string::npos);
  const std::string unreachable = "postgresql://q50_password_probe:S3cr3t-pw%2Fwith%40odd%3Achars"
                                  "@127.0.0.1:1/" + db;
  expect_no_password(q50::store::open_store(unreachable).status(), "unreachable server");
  const std::string as_parameter =
      with_userinfo(url, "q50_password_probe") + "?password=S3cr3t-pw%2Fwith%40odd%3Achars";
  auto by_parameter = backend.open(as_parameter);
  BOOST_TEST(by_parameter->display_url().find("password=***") != std::string::npos);
  expect_no_password(by_parameter->write_batch("grid", sample_runs(0, 2)),
                     "failing statement, password as a URL parameter");
  expect_no_password(q50::store::open_store(with_userinfo(url, "q50_password_probe") +
                                            "?password=S3cr3t")
                         .status(),
                     "wrong password as a URL parameter");
}

}  // namespace
