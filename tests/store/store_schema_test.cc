// The schema: created on first open with its version, reopened as is, another version or a
// foreign database refused; sweeps begun idempotently; every field round-trips.
#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>

#include "store/digest.h"
#include "store/schema.h"
#include "tests/store/sample_runs.h"
#include "tests/store/store_test_support.h"

namespace {

using q50::store::RunRecord;
using q50::store::RunStatus;
using q50::store::SweepRecord;
using q50::store::testing::as_read_back;
using q50::store::testing::sample_run;
using q50::store::testing::sample_runs;
using q50::store::testing::sample_sweep;

std::string table_names(const q50::store::testing::TestBackend& backend, const std::string& url) {
  const std::string sql =
      backend.is_postgres()
          ? "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables "
            "WHERE table_schema = 'public'"
          : "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master "
            "WHERE type = 'table' ORDER BY name)";
  return backend.query(url, sql);
}

Q50_STORE_CASE(creates_schema_with_its_version) {
  const std::string url = backend.fresh_url("store");
  {
    auto store = backend.open(url);
    BOOST_TEST(store->schema_version().value() == q50::store::kSchemaVersion);
    BOOST_TEST(store->list_sweeps().value().empty());
    BOOST_TEST((store->backend() == backend.kind()));
  }
  BOOST_TEST(table_names(backend, url) ==
             "run_breakdowns,run_metrics,run_parameters,runs,schema_version,sweep_inputs,"
             "sweep_parameters,sweeps");
  BOOST_TEST(backend.query(url, "SELECT version FROM schema_version") == "1");
  // Opening again neither recreates nor adds a version row.
  auto again = backend.open(url);
  BOOST_TEST(again->schema_version().value() == 1);
  BOOST_TEST(backend.count(url, "schema_version") == 1);
}

Q50_STORE_CASE(refuses_another_schema_version) {
  const std::string url = backend.fresh_url("store");
  backend.open(url);
  backend.query(url, "UPDATE schema_version SET version = 99");
  const auto store = q50::store::open_store(url);
  BOOST_REQUIRE(!store.ok());
  BOOST_TEST(absl::IsFailedPrecondition(store.status()));
  BOOST_TEST(store.status().message().find("schema version '99'") != std::string::npos);
  BOOST_TEST(store.status().message().find("version 1") != std::string::npos);
}

Q50_STORE_CASE(refuses_a_foreign_database) {
  const std::string url = backend.fresh_url("store");
  backend.query(url, "CREATE TABLE runs (id INTEGER)");
  const auto store = q50::store::open_store(url);
  BOOST_REQUIRE(!store.ok());
  BOOST_TEST(absl::IsFailedPrecondition(store.status()));
  BOOST_TEST(store.status().message().find("no schema_version") != std::string::npos);
  BOOST_TEST(backend.query(url, "SELECT COUNT(*) FROM runs") == "0");  // left alone
}

Q50_STORE_CASE(begin_sweep_is_idempotent_by_name_and_digest) {
  const std::string url = backend.fresh_url("store");
  auto store = backend.open(url);
  const SweepRecord sweep = sample_sweep("grid", "abc");
  const SweepRecord first = store->begin_sweep(sweep).value();
  // Empty digest: the store fills in SHA-256 of the spec (FIPS 180-2 test vector for "abc").
  BOOST_TEST(first.spec_digest ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(q50::store::sha256_hex("abc") == first.spec_digest);
  SweepRecord later = sweep;
  later.base_description = "another description, same spec";
  BOOST_TEST((store->begin_sweep(later).value() == first));  // reused, first record kept
  auto other_process = backend.open(url);
  BOOST_TEST((other_process->begin_sweep(sweep).value() == first));
  BOOST_TEST((store->read_sweep("grid").value() == first));

  SweepRecord changed = sample_sweep("grid", "abd");
  const auto refused = store->begin_sweep(changed);
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(absl::IsFailedPrecondition(refused.status()));
  BOOST_TEST(refused.status().message().find(first.spec_digest) != std::string::npos);
  BOOST_TEST(refused.status().message().find(q50::store::sha256_hex("abd")) != std::string::npos);
  changed = sweep;
  changed.inputs[0].digest = std::string(64, 'f');
  BOOST_TEST(absl::IsFailedPrecondition(store->begin_sweep(changed).status()));
  changed = sweep;
  changed.parameter_names.pop_back();
  BOOST_TEST(absl::IsFailedPrecondition(store->begin_sweep(changed).status()));

  SweepRecord given = sample_sweep("seeds", "spec text");
  given.spec_digest = "caller-canonical-digest";
  BOOST_TEST(store->begin_sweep(given).value().spec_digest == "caller-canonical-digest");
  const auto sweeps = store->list_sweeps().value();
  BOOST_REQUIRE(sweeps.size() == 2);
  BOOST_TEST(sweeps[0].name == "grid");
  BOOST_TEST(sweeps[1].name == "seeds");
  BOOST_TEST(sweeps[0].created_order < sweeps[1].created_order);
  BOOST_TEST(backend.count(url, "sweeps") == 2);
  BOOST_TEST(backend.count(url, "sweep_inputs") == 4);
  BOOST_TEST(backend.count(url, "sweep_parameters") == 6);
}

Q50_STORE_CASE(every_field_round_trips) {
  const std::string url = backend.fresh_url("store");
  auto store = backend.open(url);
  BOOST_REQUIRE(store->begin_sweep(sample_sweep()).ok());
  std::vector<RunRecord> runs = sample_runs(0, 60);
  // Text that needs escaping in COPY and quoting in CSV, and a non-ASCII name.
  runs[1].error = "tab\there, back\\slash, \"quotes\", comma, CR\r\nLF, é ✓";
  runs[1].status = RunStatus::kFailed;
  runs[2].metrics.push_back({"négatif_zéro", -0.0});
  runs[2].breakdowns.push_back({"tier", "B\tC", "trades", -std::numeric_limits<double>::infinity()});
  runs[8].parameters[0].text = "";  // an empty value is not a number
  BOOST_REQUIRE(store->write_batch("grid", runs).ok());
  const std::vector<RunRecord> back = store->read_runs("grid").value();
  BOOST_REQUIRE(back.size() == runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    BOOST_TEST_CONTEXT("point " << i) { BOOST_TEST((back[i] == as_read_back(runs[i]))); }
  }
  BOOST_TEST(back[0].parameters[1].number.value() == 0.5);
  BOOST_TEST(!back[0].parameters[0].number.has_value());  // "kelly"
  BOOST_TEST(back[4].seed == std::numeric_limits<std::uint64_t>::max() - 4);
  BOOST_TEST(std::isnan(back[0].metrics[1].value));
  BOOST_TEST(!back[3].fingerprint.has_value());
  // The sign of zero is not kept (SQLite drops it; PostgreSQL is made to match).
  BOOST_TEST(!std::signbit(back[2].metrics.back().value));
  BOOST_TEST(store->read_runs("grid", {10, 20}).value().size() == 10);
  BOOST_TEST(backend.query(url, "SELECT fingerprint FROM runs WHERE point_index = 0") ==
             q50::store::testing::fmt_fingerprint(runs[0]));
  std::int64_t nan_count = 0;
  for (const RunRecord& r : runs) {
    for (const auto& m : r.metrics) nan_count += std::isnan(m.value) ? 1 : 0;
  }
  BOOST_TEST(nan_count > 5);
  BOOST_TEST(backend.query(url, "SELECT COUNT(*) FROM run_metrics WHERE value IS NULL") ==
             std::to_string(nan_count));  // NaN is stored as NULL
}

Q50_STORE_CASE(rejects_bad_records_and_writes_nothing) {
  const std::string url = backend.fresh_url("store");
  auto store = backend.open(url);
  BOOST_REQUIRE(store->begin_sweep(sample_sweep()).ok());
  const auto expect_invalid = [&](std::vector<RunRecord> runs, const std::string& says) {
    const absl::Status s = store->write_batch("grid", runs);
    BOOST_TEST(absl::IsInvalidArgument(s), s);
    BOOST_TEST(s.message().find(says) != std::string::npos, s.message());
    BOOST_TEST(s.message().find("point") != std::string::npos, s.message());
  };
  std::vector<RunRecord> runs = sample_runs(0, 5);
  runs[3].parameters.push_back({"leverage", "2", std::nullopt});
  expect_invalid(runs, "'leverage' is not one of the sweep's parameters");
  runs = sample_runs(0, 5);
  runs[2].metrics.push_back(runs[2].metrics[0]);
  expect_invalid(runs, "metric 'm00' is given twice");
  runs = sample_runs(0, 5);
  runs[4].point_index = -1;
  expect_invalid(runs, "point_index must be >= 0");
  runs = sample_runs(0, 5);
  runs[1].metrics[0].name = std::string("a\0b", 3);
  expect_invalid(runs, "not valid UTF-8 or holds a NUL byte");
  BOOST_TEST(backend.count(url, "runs") == 0);
  BOOST_TEST(absl::IsNotFound(store->write_batch("nope", sample_runs(0, 1))));
  BOOST_TEST(absl::IsNotFound(store->read_runs("nope").status()));
  BOOST_TEST(absl::IsNotFound(store->completed_points("nope").status()));
  BOOST_TEST(absl::IsNotFound(store->read_sweep("nope").status()));
  // An error text is repaired, never refused: the failed run must be stored.
  runs = sample_runs(3, 1);
  runs[0].error = "bad byte \xff here";
  BOOST_REQUIRE(store->write_batch("grid", runs).ok());
  BOOST_TEST(store->read_runs("grid").value()[0].error == "bad byte \xEF\xBF\xBD here");
}

}  // namespace
