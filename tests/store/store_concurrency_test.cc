// Two processes writing one store at once (for SQLite: one file; the busy timeout makes the
// second writer wait instead of failing): every batch of both lands, none is torn.
#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include "tests/store/sample_runs.h"
#include "tests/store/store_test_support.h"

namespace {

using q50::store::RunRecord;
using q50::store::testing::as_read_back;
using q50::store::testing::sample_run;
using q50::store::testing::sample_sweep;

constexpr std::int64_t kBatches = 25;
constexpr std::int64_t kBatchRuns = 80;
constexpr std::int64_t kShared = 40;  // points both writers write, from the start
constexpr std::int64_t kSharedFirst = 100'000;

// Writer `id` (0 or 1) writes the points p with p % 2 == id, kBatches batches of kBatchRuns,
// each batch also re-writing the shared points with its own values. Waits on start_fd until
// the parent lets both go, so that they really overlap.
int writer(const std::string& url, int id, int start_fd) {
  auto store = q50::store::open_store(url);
  if (!store.ok()) return 2;
  char go = 0;
  if (read(start_fd, &go, 1) < 0) return 3;
  if (!(*store)->begin_sweep(sample_sweep()).ok()) return 4;
  for (std::int64_t b = 0; b < kBatches; ++b) {
    std::vector<RunRecord> batch;
    for (std::int64_t i = 0; i < kBatchRuns; ++i) {
      batch.push_back(sample_run(2 * (b * kBatchRuns + i) + id));
    }
    for (std::int64_t p = kSharedFirst; p < kSharedFirst + kShared; ++p) {
      batch.push_back(sample_run(p, 20, id + 1));
    }
    const absl::Status s = (*store)->write_batch("grid", batch);
    if (!s.ok()) {
      std::fprintf(stderr, "writer %d: %s\n", id, s.ToString().c_str());
      return 5;
    }
  }
  return 0;
}

Q50_STORE_CASE(two_processes_write_one_store) {
  const std::string url = backend.fresh_url("store");
  backend.open(url);  // the schema exists before the race starts (its creation races too below)
  int start[2];
  BOOST_REQUIRE(pipe(start) == 0);
  std::vector<pid_t> pids;
  std::fflush(nullptr);
  for (int id = 0; id < 2; ++id) {
    const pid_t pid = fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
      close(start[1]);
      _exit(writer(url, id, start[0]));
    }
    pids.push_back(pid);
  }
  close(start[0]);
  close(start[1]);  // both readers see end-of-file: go
  for (const pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0), "writer exit status " << status);
  }
  auto store = backend.open(url);
  const std::int64_t own = 2 * kBatches * kBatchRuns;
  BOOST_TEST(backend.count(url, "runs") == own + kShared);
  const std::vector<RunRecord> held = store->read_runs("grid").value();
  BOOST_REQUIRE(static_cast<std::int64_t>(held.size()) == own + kShared);
  for (std::int64_t p = 0; p < own; ++p) {
    BOOST_TEST_CONTEXT("point " << p) {
      BOOST_TEST((held[static_cast<std::size_t>(p)] == as_read_back(sample_run(p))));
    }
  }
  // Each shared point holds one writer's record whole, never a mix of both.
  for (std::int64_t i = 0; i < kShared; ++i) {
    const RunRecord& r = held[static_cast<std::size_t>(own + i)];
    BOOST_TEST((r == as_read_back(sample_run(kSharedFirst + i, 20, 1)) ||
                r == as_read_back(sample_run(kSharedFirst + i, 20, 2))));
  }
}

Q50_STORE_CASE(two_processes_create_one_store) {
  // Both open a brand-new store and begin the same sweep at once: one schema, one sweep.
  const std::string url = backend.fresh_url("store");
  int start[2];
  BOOST_REQUIRE(pipe(start) == 0);
  std::vector<pid_t> pids;
  std::fflush(nullptr);
  for (int id = 0; id < 2; ++id) {
    const pid_t pid = fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
      close(start[1]);
      char go = 0;
      if (read(start[0], &go, 1) < 0) _exit(3);
      auto store = q50::store::open_store(url);
      if (!store.ok()) {
        std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
        _exit(2);
      }
      _exit((*store)->begin_sweep(sample_sweep()).ok() ? 0 : 4);
    }
    pids.push_back(pid);
  }
  close(start[0]);
  close(start[1]);
  for (const pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0), "child exit status " << status);
  }
  BOOST_TEST(backend.count(url, "schema_version") == 1);
  BOOST_TEST(backend.count(url, "sweeps") == 1);
  BOOST_TEST(backend.count(url, "sweep_parameters") == 3);
}

}  // namespace
