// Merging per-shard SQLite files: four shards merged equal one store written in one piece, row
// for row and byte for byte of the export; merging again changes nothing.
#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>

#include "store/csv_export.h"
#include "store/merge.h"
#include "tests/store/sample_runs.h"
#include "tests/store/store_test_support.h"

namespace {

using q50::store::ResultStore;
using q50::store::RunRecord;
using q50::store::testing::sample_runs;
using q50::store::testing::sample_sweep;
using q50::store::testing::TestBackend;

constexpr std::int64_t kPoints = 400;
constexpr int kShards = 4;

void write_in_batches(ResultStore& store, const std::string& sweep,
                      const std::vector<RunRecord>& runs, std::size_t batch) {
  for (std::size_t first = 0; first < runs.size(); first += batch) {
    const std::size_t n = std::min(batch, runs.size() - first);
    BOOST_REQUIRE(store.write_batch(sweep, std::span(runs).subspan(first, n)).ok());
  }
}

// Shard i of a 4-way split holds the points p with p % 4 == i (and shards 0 and 2 a second,
// seed sweep), like `q50sim sweep --shard i/4` would.
std::vector<std::string> write_shards(const std::string& dir) {
  const std::vector<RunRecord> all = sample_runs(0, kPoints);
  std::vector<std::string> paths;
  for (int i = 0; i < kShards; ++i) {
    paths.push_back(fmt::format("{}/shard_{}.sqlite", dir, i));
    auto shard = q50::store::open_store(paths.back()).value();
    BOOST_REQUIRE(shard->begin_sweep(sample_sweep()).ok());
    std::vector<RunRecord> mine;
    for (const RunRecord& r : all) {
      if (r.point_index % kShards == i) mine.push_back(r);
    }
    write_in_batches(*shard, "grid", mine, 30);
    if (i % 2 == 0) {
      BOOST_REQUIRE(shard->begin_sweep(sample_sweep("seeds", "seeds spec")).ok());
      write_in_batches(*shard, "seeds", sample_runs(i * 10, 10, 4), 4);
    }
  }
  return paths;
}

void write_single(ResultStore& store) {
  BOOST_REQUIRE(store.begin_sweep(sample_sweep()).ok());
  write_in_batches(store, "grid", sample_runs(0, kPoints), 50);
  BOOST_REQUIRE(store.begin_sweep(sample_sweep("seeds", "seeds spec")).ok());
  write_in_batches(store, "seeds", sample_runs(0, 10, 4), 10);
  write_in_batches(store, "seeds", sample_runs(20, 10, 4), 10);
}

void expect_same_store(const TestBackend& backend, const std::string& a_url, ResultStore& a,
                       const std::string& b_url, ResultStore& b) {
  for (const char* table : {"sweeps", "sweep_inputs", "sweep_parameters", "runs",
                            "run_parameters", "run_metrics", "run_breakdowns"}) {
    BOOST_TEST(backend.count(a_url, table) == backend.count(b_url, table), table);
  }
  for (const char* sweep : {"grid", "seeds"}) {
    BOOST_TEST((a.read_sweep(sweep).value() == b.read_sweep(sweep).value()));
    BOOST_TEST((a.read_runs(sweep).value() == b.read_runs(sweep).value()));
    BOOST_TEST(q50::store::export_csv(a, sweep).value() == q50::store::export_csv(b, sweep).value());
  }
  const auto a_list = a.list_sweeps().value();
  const auto b_list = b.list_sweeps().value();
  BOOST_REQUIRE(a_list.size() == b_list.size());
  for (std::size_t i = 0; i < a_list.size(); ++i) {
    BOOST_TEST(a_list[i].name == b_list[i].name);
    BOOST_TEST(a_list[i].runs_ok == b_list[i].runs_ok);
    BOOST_TEST(a_list[i].runs_failed == b_list[i].runs_failed);
    BOOST_TEST(a_list[i].runs_assertion_failed == b_list[i].runs_assertion_failed);
  }
}

Q50_STORE_CASE(four_shards_merged_equal_one_store) {
  const std::string dir = q50::testing::make_temp_dir(
      std::string("store_merge_shards_") + backend.name());
  const std::vector<std::string> shards = write_shards(dir);
  const std::string single_url = backend.fresh_url("single");
  auto single = backend.open(single_url);
  write_single(*single);

  const std::string merged_url = backend.fresh_url("merged");
  auto merged = backend.open(merged_url);
  const auto report = q50::store::merge_sqlite(*merged, shards, 64);
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status());
  BOOST_TEST(report->shards == 4);
  BOOST_TEST(report->sweeps == 6);
  BOOST_TEST(report->runs == kPoints + 20);
  expect_same_store(backend, single_url, *single, merged_url, *merged);

  // Merging again (a retried merge job) leaves the same rows.
  BOOST_REQUIRE(q50::store::merge_sqlite(*merged, shards, 1000).ok());
  expect_same_store(backend, single_url, *single, merged_url, *merged);
  BOOST_TEST(backend.count(merged_url, "runs") == kPoints + 20);
}

Q50_STORE_CASE(merge_refuses_a_shard_of_another_spec) {
  const std::string dir = q50::testing::make_temp_dir(
      std::string("store_merge_conflict_") + backend.name());
  const std::string odd = dir + "/odd.sqlite";
  {
    auto shard = q50::store::open_store(odd).value();
    BOOST_REQUIRE(shard->begin_sweep(sample_sweep("grid", "another spec")).ok());
    BOOST_REQUIRE(shard->write_batch("grid", sample_runs(0, 3)).ok());
  }
  const std::string url = backend.fresh_url("merged");
  auto merged = backend.open(url);
  BOOST_REQUIRE(merged->begin_sweep(sample_sweep()).ok());
  const std::vector<std::string> shards = {odd};
  const auto refused = q50::store::merge_sqlite(*merged, shards);
  BOOST_TEST(absl::IsFailedPrecondition(refused.status()), refused.status());
  BOOST_TEST(backend.count(url, "runs") == 0);
  const std::vector<std::string> missing = {dir + "/missing.sqlite"};
  const auto not_found = q50::store::merge_sqlite(*merged, missing);
  BOOST_TEST(absl::IsNotFound(not_found.status()), not_found.status());
  BOOST_TEST(!q50::testing::file_exists(missing[0]));  // never created by the attempt
}

}  // namespace
