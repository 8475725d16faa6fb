// The CSV export: read by pandas as is (shape, columns, values, NaN, inf, quoted text), and
// byte-identical from SQLite and from PostgreSQL for the same runs.
#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>

#include "store/csv_export.h"
#include "store/number_text.h"
#include "tests/store/sample_runs.h"
#include "tests/store/store_test_support.h"

namespace {

using q50::store::RunRecord;
using q50::store::testing::sample_runs;
using q50::store::testing::sample_sweep;

constexpr std::int64_t kRuns = 120;

std::vector<RunRecord> export_sample() {
  std::vector<RunRecord> runs = sample_runs(0, kRuns);
  runs[7].parameters[0].text = "kelly, capped \"0.5\"";  // needs quoting
  return runs;
}

// Reads path with pandas and prints what the test checks, one fact per line.
constexpr const char* kPandasScript = R"(
import math, sys
import pandas as pd
df = pd.read_csv(sys.argv[1])
exact = pd.read_csv(sys.argv[1], float_precision="round_trip")
print("shape", df.shape[0], df.shape[1])
print("columns", ",".join(df.columns))
print("dtype_m00", df["m00"].dtype)
print("dtype_min_confidence", df["min_confidence"].dtype)
row = exact.set_index("point_index")
print("m00_0", repr(row.loc[0, "m00"]))
print("m07_11", repr(row.loc[11, "m07"]))
print("nan_m01_0", math.isnan(row.loc[0, "m01"]))
print("inf_m02_1", row.loc[1, "m02"])
print("status_3", row.loc[3, "status"])
print("error_3", repr(row.loc[3, "error"]))
print("m00_3_missing", math.isnan(row.loc[3, "m00"]))
print("sizing_7", repr(row.loc[7, "sizing_method"]))
print("seed_4", row.loc[4, "seed"])
print("fingerprint_0", row.loc[0, "fingerprint"])
)";

std::string repr(double v) {
  std::string out;
  q50::store::append_repr(out, v);
  return out;
}

Q50_STORE_CASE(export_is_read_by_pandas) {
  const std::string url = backend.fresh_url("store");
  auto store = backend.open(url);
  BOOST_REQUIRE(store->begin_sweep(sample_sweep()).ok());
  const std::vector<RunRecord> runs = export_sample();
  BOOST_REQUIRE(store->write_batch("grid", runs).ok());
  const std::string dir = q50::testing::make_temp_dir(std::string("store_export_") + backend.name());
  const std::string path = dir + "/grid.csv";
  BOOST_REQUIRE(q50::store::export_csv_file(*store, "grid", path).ok());
  BOOST_TEST(!q50::testing::file_exists(path + ".partial"));

  const auto py = q50::testing::run_process({"/usr/bin/python3", "-c", kPandasScript, path});
  BOOST_REQUIRE_MESSAGE(py.exit_code == 0, py.err);
  const std::string& out = py.out;
  const auto has = [&](const std::string& line) {
    BOOST_TEST(out.find(line + "\n") != std::string::npos, "expected line: " << line << "\n" << out);
  };
  has(fmt::format("shape {} {}", kRuns, 5 + 3 + 20));
  std::string columns = "columns point_index,seed,status,fingerprint,error,sizing_method,"
                        "min_confidence,fee_bps";
  for (int m = 0; m < 20; ++m) columns += fmt::format(",m{:02}", m);
  has(columns);
  has("dtype_m00 float64");
  has("dtype_min_confidence float64");
  // Python's repr of what pandas read equals the store's repr: every digit survived.
  has("m00_0 " + repr(runs[0].metrics[0].value));
  has("m07_11 " + repr(runs[11].metrics[7].value));
  has("nan_m01_0 True");
  has("inf_m02_1 inf");
  has("status_3 failed");
  has("error_3 'scenario.toml:3:7: bad value \"3\", expected a number\\nsecond line'");
  has("m00_3_missing True");
  has("sizing_7 'kelly, capped \"0.5\"'");
  has(fmt::format("seed_4 {}", runs[4].seed));
  has("fingerprint_0 " + q50::store::testing::fmt_fingerprint(runs[0]));
}

BOOST_AUTO_TEST_CASE(postgresql_and_sqlite_exports_are_identical) {
  q50::store::testing::TestBackend sqlite(q50::store::Backend::kSqlite);
  q50::store::testing::TestBackend postgres(q50::store::Backend::kPostgresql);
  if (!postgres.available()) return;
  auto a = sqlite.open(sqlite.fresh_url("store"));
  auto b = postgres.open(postgres.fresh_url("store"));
  const std::vector<RunRecord> runs = export_sample();
  for (auto* store : {a.get(), b.get()}) {
    BOOST_REQUIRE(store->begin_sweep(sample_sweep()).ok());
    BOOST_REQUIRE(store->write_batch("grid", runs).ok());
  }
  const std::string csv_a = q50::store::export_csv(*a, "grid").value();
  const std::string csv_b = q50::store::export_csv(*b, "grid").value();
  BOOST_TEST(csv_a.size() > 10'000u);
  BOOST_TEST(csv_a == csv_b);
  BOOST_TEST((a->read_runs("grid").value() == b->read_runs("grid").value()));
}

}  // namespace
