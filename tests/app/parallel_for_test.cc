// app/parallel_for.h: every index exactly once, whatever the thread count; a body's exception
// reaches the caller after all threads stopped.
#include "app/parallel_for.h"

#include <boost/test/unit_test.hpp>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace q50::app {
namespace {

BOOST_AUTO_TEST_CASE(every_index_runs_exactly_once) {
  for (std::size_t threads : {0u, 1u, 2u, 3u, 8u}) {
    for (std::size_t n : {0u, 1u, 2u, 7u, 1000u}) {
      std::vector<std::atomic<int>> runs(n);
      parallel_for(n, threads, [&](std::size_t i) { runs[i].fetch_add(1); });
      bool once = true;
      for (const auto& r : runs) once = once && r.load() == 1;
      BOOST_TEST(once, "threads " << threads << ", n " << n);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_work_is_shared_between_threads) {
  // Each body waits until two bodies run at once (or a bound): with two threads they meet.
  std::atomic<int> running{0}, met{0};
  std::set<std::thread::id> ids;
  std::mutex mu;
  parallel_for(2, 2, [&](std::size_t) {
    {
      const std::lock_guard<std::mutex> lock(mu);
      ids.insert(std::this_thread::get_id());
    }
    running.fetch_add(1);
    for (int spin = 0; spin < 200'000'000 && running.load() < 2; ++spin) {
    }
    if (running.load() == 2) met.fetch_add(1);
  });
  BOOST_TEST(ids.size() == 2u);
  BOOST_TEST(met.load() == 2);
}

BOOST_AUTO_TEST_CASE(a_body_that_throws_reaches_the_caller) {
  // On two threads: which bodies ran before the failure was seen depends on the scheduler.
  std::atomic<int> ran{0};
  BOOST_CHECK_THROW(parallel_for(10'000, 2,
                                 [&](std::size_t i) {
                                   ran.fetch_add(1);
                                   if (i == 3) throw std::runtime_error("body 3");
                                 }),
                    std::runtime_error);
  BOOST_TEST(ran.load() >= 1);
  // On one thread, in order: the bodies after the failing one never start.
  ran = 0;
  BOOST_CHECK_THROW(parallel_for(10, 1,
                                 [&](std::size_t i) {
                                   ran.fetch_add(1);
                                   if (i == 3) throw std::logic_error("body 3");
                                 }),
                    std::logic_error);
  BOOST_TEST(ran.load() == 4);
}

BOOST_AUTO_TEST_CASE(command_threads_is_between_one_and_four) {
  BOOST_TEST(command_threads() >= 1u);
  BOOST_TEST(command_threads() <= 4u);
}

}  // namespace
}  // namespace q50::app
