// Idempotence by (sweep, point): a batch written twice leaves the same rows, a point re-written
// is replaced whole, a batch killed mid-way leaves all of it or none, and a retry completes the
// sweep with no duplicate and nothing lost.
#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "tests/store/sample_runs.h"
#include "tests/store/store_test_support.h"

namespace {

using q50::store::ResultStore;
using q50::store::RunRecord;
using q50::store::testing::as_read_back;
using q50::store::testing::run_in_child;
using q50::store::testing::sample_runs;
using q50::store::testing::sample_sweep;
using q50::store::testing::TestBackend;

std::vector<RunRecord> expected(const std::vector<RunRecord>& written) {
  std::vector<RunRecord> out;
  for (const RunRecord& r : written) out.push_back(as_read_back(r));
  return out;
}

std::int64_t value_rows(const std::vector<RunRecord>& runs) {
  std::int64_t n = 0;
  for (const RunRecord& r : runs) n += static_cast<std::int64_t>(r.metrics.size());
  return n;
}

// Row counts of the four run tables, to see duplicates that read_runs might hide.
std::vector<std::int64_t> table_counts(const TestBackend& backend, const std::string& url) {
  return {backend.count(url, "runs"), backend.count(url, "run_parameters"),
          backend.count(url, "run_metrics"), backend.count(url, "run_breakdowns")};
}

Q50_STORE_CASE(same_batch_twice_gives_same_rows) {
  const std::string url = backend.fresh_url("store");
  auto store = backend.open(url);
  BOOST_REQUIRE(store->begin_sweep(sample_sweep()).ok());
  const std::vector<RunRecord> batch = sample_runs(0, 200);
  BOOST_REQUIRE(store->write_batch("grid", batch).ok());
  const auto counts = table_counts(backend, url);
  BOOST_TEST(counts[0] == 200);
  BOOST_TEST(counts[2] == value_rows(batch));
  BOOST_REQUIRE(store->write_batch("grid", batch).ok());
  BOOST_TEST(table_counts(backend, url) == counts);
  BOOST_TEST((store->read_runs("grid").value() == expected(batch)));
}

Q50_STORE_CASE(rewritten_point_is_replaced_whole) {
  const std::string url = backend.fresh_url("store");
  auto store = backend.open(url);
  BOOST_REQUIRE(store->begin_sweep(sample_sweep()).ok());
  std::vector<RunRecord> all = sample_runs(0, 50);
  BOOST_REQUIRE(store->write_batch("grid", all).ok());
  // Points 10..19 re-run with other results and only 5 metrics, 2 breakdowns.
  std::vector<RunRecord> again = sample_runs(10, 10, 5, 1);
  for (RunRecord& r : again) r.breakdowns.resize(std::min<std::size_t>(r.breakdowns.size(), 2));
  BOOST_REQUIRE(store->write_batch("grid", again).ok());
  std::copy(again.begin(), again.end(), all.begin() + 10);
  BOOST_TEST((store->read_runs("grid").value() == expected(all)));
  BOOST_TEST(backend.count(url, "run_metrics") == value_rows(all));
  // Within one batch the last record of a point wins.
  std::vector<RunRecord> twice = sample_runs(30, 1, 20, 2);
  twice.push_back(q50::store::testing::sample_run(30, 20, 3));
  BOOST_REQUIRE(store->write_batch("grid", twice).ok());
  BOOST_TEST((store->read_runs("grid", {30, 31}).value()[0] == as_read_back(twice[1])));
  BOOST_TEST(backend.count(url, "runs") == 50);
}

Q50_STORE_CASE(retried_shard_skips_completed_points) {
  const std::string url = backend.fresh_url("store");
  auto store = backend.open(url);
  BOOST_REQUIRE(store->begin_sweep(sample_sweep()).ok());
  const std::vector<RunRecord> all = sample_runs(0, 100);
  std::vector<RunRecord> first_try;
  for (const RunRecord& r : all) {
    if (r.point_index % 3 != 2) first_try.push_back(r);
  }
  BOOST_REQUIRE(store->write_batch("grid", first_try).ok());
  const std::vector<std::int64_t> done = store->completed_points("grid").value();
  BOOST_TEST(done.size() == first_try.size());
  BOOST_TEST(std::is_sorted(done.begin(), done.end()));
  // The retry: a fresh process writes only what is missing.
  auto retry = backend.open(url);
  const std::vector<std::int64_t> seen = retry->completed_points("grid").value();
  std::vector<RunRecord> rest;
  for (const RunRecord& r : all) {
    if (!std::binary_search(seen.begin(), seen.end(), r.point_index)) rest.push_back(r);
  }
  BOOST_TEST(rest.size() == 33u);
  BOOST_REQUIRE(retry->write_batch("grid", rest).ok());
  BOOST_TEST(retry->completed_points("grid").value().size() == 100u);
  BOOST_TEST((retry->read_runs("grid").value() == expected(all)));
  const auto summary = retry->list_sweeps().value().at(0);
  BOOST_TEST(summary.runs_ok + summary.runs_failed + summary.runs_assertion_failed == 100);
}

// The child: writes the same points over and over, each pass with other values (salt = pass),
// telling the parent through fd before each write. Killed by the parent at some point.
int write_forever(const std::string& url, int fd, std::int64_t points) {
  auto store = q50::store::open_store(url);
  if (!store.ok() || !(*store)->begin_sweep(sample_sweep()).ok()) return 2;
  for (int pass = 1; pass < 10'000; ++pass) {
    const std::vector<RunRecord> batch = sample_runs(0, points, 20, pass);
    const auto tag = static_cast<char>(pass & 0x7F);
    if (write(fd, &tag, 1) != 1) return 3;
    if (!(*store)->write_batch("grid", batch).ok()) return 4;
  }
  return 5;
}

// What the store holds after a kill must be one whole pass (or nothing): returns its salt.
int whole_pass_or_none(ResultStore& store, std::int64_t points, int last_pass) {
  const std::vector<RunRecord> held = store.read_runs("grid").value();
  if (held.empty()) return 0;
  BOOST_REQUIRE(static_cast<std::int64_t>(held.size()) == points);
  for (int pass = last_pass; pass >= std::max(1, last_pass - 1); --pass) {
    if (held == expected(sample_runs(0, points, 20, pass))) return pass;
  }
  BOOST_FAIL("the store holds a mix of passes: a batch was half written");
  return -1;
}

Q50_STORE_CASE(batch_killed_mid_way_is_all_or_nothing) {
  const std::string url = backend.fresh_url("store");
  constexpr std::int64_t kPoints = 3000;  // ~60k metric rows: a batch takes a while
  auto store = backend.open(url);
  BOOST_REQUIRE(store->begin_sweep(sample_sweep()).ok());
  // Kill during the first pass (nothing committed yet, or all of it) and during later passes.
  const std::pair<int, int> kills[] = {{1, 30}, {2, 5}, {3, 120}, {2, 60}};
  int passes_seen = 0;
  for (const auto& [notices, delay_ms] : kills) {
    int fds[2];
    BOOST_REQUIRE(pipe(fds) == 0);
    std::fflush(nullptr);
    const pid_t pid = fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
      close(fds[0]);
      _exit(write_forever(url, fds[1], kPoints));
    }
    close(fds[1]);
    int last_pass = 0;
    for (char tag = 0; last_pass < notices && read(fds[0], &tag, 1) == 1;) last_pass = tag;
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    close(fds[0]);
    BOOST_REQUIRE_MESSAGE(WIFSIGNALED(status), "the writer ended before it was killed");
    BOOST_TEST_CONTEXT("killed " << delay_ms << " ms into pass " << last_pass) {
      const int held = whole_pass_or_none(*store, kPoints, last_pass);
      BOOST_TEST_MESSAGE(backend.name() << ": killed " << delay_ms << " ms into pass "
                                        << last_pass << "; the store holds pass " << held
                                        << (held < last_pass ? " (the pass in flight rolled back)"
                                                             : " (the pass committed)"));
      passes_seen += held > 0 ? 1 : 0;
      BOOST_TEST(backend.count(url, "runs") % kPoints == 0);
    }
  }
  BOOST_TEST_MESSAGE(backend.name() << ": " << passes_seen << " of 4 kills left a whole pass");
  // The retry completes the sweep: every point once, with the retry's values.
  const std::vector<RunRecord> final_batch = sample_runs(0, kPoints, 20, 777);
  auto retry = backend.open(url);
  BOOST_REQUIRE(retry->write_batch("grid", final_batch).ok());
  BOOST_TEST((retry->read_runs("grid").value() == expected(final_batch)));
  BOOST_TEST(backend.count(url, "runs") == kPoints);
  BOOST_TEST(backend.count(url, "run_metrics") == value_rows(final_batch));
}

}  // namespace
