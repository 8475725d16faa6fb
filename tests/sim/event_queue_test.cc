#include "sim/event_queue.h"

#include <string>

#include <boost/test/unit_test.hpp>

namespace q50::sim {
namespace {

BOOST_AUTO_TEST_CASE(orders_by_time_then_class_then_insertion) {
  EventQueue<std::string> q;
  q.push(20, Priority::kTimer, "t20-timer");
  q.push(10, Priority::kRequest, "t10-request");
  q.push(10, Priority::kMarketData, "t10-bar-a");
  q.push(10, Priority::kTimer, "t10-timer");
  q.push(10, Priority::kMarketData, "t10-bar-b");
  q.push(10, Priority::kVenueResponse, "t10-fill");
  std::string order;
  while (!q.empty()) order += q.pop().payload + " ";
  BOOST_TEST(order == "t10-bar-a t10-bar-b t10-fill t10-timer t10-request t20-timer ");
  BOOST_TEST(q.now_ns() == 20);
}

BOOST_AUTO_TEST_CASE(snapshot_is_pop_order_and_restores) {
  EventQueue<int> q;
  for (int i = 0; i < 50; ++i) q.push((i * 7) % 13, static_cast<Priority>(i % 5), i);
  const auto snap = q.snapshot();
  EventQueue<int> r;
  r.restore_counters(q.now_ns(), q.next_seq());
  for (const auto& e : snap) r.restore_push(e);
  for (const auto& e : snap) {
    const auto a = q.pop();
    const auto b = r.pop();
    BOOST_TEST(a.seq == e.seq);
    BOOST_TEST(b.seq == e.seq);
  }
  BOOST_TEST(r.push(100, Priority::kTimer, 0) == 50u);
}

}  // namespace
}  // namespace q50::sim
