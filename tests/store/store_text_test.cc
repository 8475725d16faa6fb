// Pure parts of the store, no database: URLs and their redaction, number text, CSV layout.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>

#include "store/csv_export.h"
#include "store/number_text.h"
#include "store/store_url.h"

namespace {

using q50::store::Backend;
using q50::store::parse_store_url;
using q50::store::redact_url;

BOOST_AUTO_TEST_CASE(store_urls_name_their_backend) {
  BOOST_TEST((parse_store_url("out/results.sqlite")->backend == Backend::kSqlite));
  BOOST_TEST(parse_store_url("out/results.sqlite")->target == "out/results.sqlite");
  BOOST_TEST(parse_store_url("sqlite:/tmp/r.sqlite")->target == "/tmp/r.sqlite");
  const auto pg = parse_store_url("postgresql://u:p%40ss@db.example:5433/q50?sslmode=require");
  BOOST_TEST((pg->backend == Backend::kPostgresql));
  BOOST_TEST(pg->target == "postgresql://u:p%40ss@db.example:5433/q50?sslmode=require");
  BOOST_TEST(pg->display == "postgresql://u:***@db.example:5433/q50?sslmode=require");
  BOOST_TEST((pg->secrets == std::vector<std::string>{"p%40ss", "p@ss"}));
  BOOST_TEST((parse_store_url("postgres://h/db")->backend == Backend::kPostgresql));
  BOOST_TEST(absl::IsInvalidArgument(parse_store_url("").status()));
  BOOST_TEST(absl::IsInvalidArgument(parse_store_url("sqlite:").status()));
  const auto mysql = parse_store_url("mysql://root:hunter2@h/db");
  BOOST_TEST(absl::IsInvalidArgument(mysql.status()));
  // The error echoes the URL: never its password, whatever the scheme.
  BOOST_TEST(std::string(mysql.status().message()).find("hunter2") == std::string::npos,
             mysql.status().message());
  BOOST_TEST(std::string(mysql.status().message()).find("mysql://root:***@h/db") !=
             std::string::npos);
  BOOST_TEST(redact_url("ftp://u:pw@h/x") == "ftp://u:***@h/x");
  BOOST_TEST(redact_url("/tmp/a://b:c@d") == "/tmp/a://b:c@d");  // a path, not a URL
}

BOOST_AUTO_TEST_CASE(redaction_removes_every_password) {
  BOOST_TEST(redact_url("postgresql://alice:pw@h:1/db") == "postgresql://alice:***@h:1/db");
  BOOST_TEST(redact_url("postgresql://alice@h/db") == "postgresql://alice@h/db");
  BOOST_TEST(redact_url("postgresql://h/db?user=a&password=pw&x=1") ==
             "postgresql://h/db?user=a&password=***&x=1");
  BOOST_TEST(redact_url("POSTGRES://a:b:c@h/db?PASSWORD=z") == "POSTGRES://a:***@h/db?PASSWORD=***");
  // A raw '@' inside the password: the last '@' before the host ends the userinfo.
  BOOST_TEST(redact_url("postgresql://a:p@ss@h/db") == "postgresql://a:***@h/db");
  BOOST_TEST(redact_url("/data/run:1/results.sqlite") == "/data/run:1/results.sqlite");
  BOOST_TEST(q50::store::scrub_secrets("x pw y pw", {"pw", ""}) == "x *** y ***");
}

std::string repr(double v) {
  std::string out;
  q50::store::append_repr(out, v);
  return out;
}

BOOST_AUTO_TEST_CASE(doubles_print_as_python_repr) {
  BOOST_TEST(repr(0.1) == "0.1");
  BOOST_TEST(repr(100.0) == "100.0");
  BOOST_TEST(repr(-0.0) == "-0.0");
  BOOST_TEST(repr(0.0005) == "0.0005");
  BOOST_TEST(repr(0.00005) == "5e-05");
  BOOST_TEST(repr(1e16) == "1e+16");
  BOOST_TEST(repr(123456789012345.6) == "123456789012345.6");
  BOOST_TEST(repr(1.5e300) == "1.5e+300");
  BOOST_TEST(repr(5e-324) == "5e-324");
  BOOST_TEST(repr(std::numeric_limits<double>::infinity()) == "inf");
  BOOST_TEST(repr(-std::numeric_limits<double>::infinity()) == "-inf");
  BOOST_TEST(repr(std::nan("")) == "nan");
  for (const double v : {0.1, 1.0 / 3.0, 2.5e-8, 6.02214076e23, -123.456}) {
    BOOST_TEST(q50::store::parse_double(repr(v)).value() == v);
  }
  BOOST_TEST(q50::store::parse_double("Infinity").value() == std::numeric_limits<double>::infinity());
  BOOST_TEST(q50::store::numeric_parameter_value("0.6").value() == 0.6);
  for (const char* text : {"kelly", "", " 1", "+1", "nan", "inf", "1.5x", "1e999"}) {
    BOOST_TEST(!q50::store::numeric_parameter_value(text).has_value(), text);
  }
}

BOOST_AUTO_TEST_CASE(csv_columns_and_quoting) {
  q50::store::SweepRecord sweep;
  sweep.name = "s";
  sweep.parameter_names = {"status", "fee"};  // "status" is a fixed column already
  q50::store::RunRecord a;
  a.point_index = 0;
  a.seed = 7;
  a.fingerprint = 0xabc;
  a.parameters = {{"status", "x,y", std::nullopt}, {"fee", "5", 5.0}};
  a.metrics = {{"fee", 1.0}, {"sharpe", std::nan("")}};
  q50::store::RunRecord b;
  b.point_index = 1;
  b.seed = 8;
  b.status = q50::store::RunStatus::kFailed;
  b.error = "said \"no\"\nthen stopped";
  b.parameters = {{"fee", "10", 10.0}};  // no value for "status"
  const std::string csv = q50::store::runs_to_csv(sweep, {a, b});
  BOOST_TEST(csv ==
             "point_index,seed,status,fingerprint,error,param.status,fee,metric.fee,sharpe\n"
             "0,7,ok,0000000000000abc,,\"x,y\",5,1.0,\n"
             "1,8,failed,,\"said \"\"no\"\"\nthen stopped\",,10,,\n");
}

}  // namespace
