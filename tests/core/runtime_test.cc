// The shared runtime (core/runtime.h) driven by a scripted fake venue, not the mock exchange:
// every answer the venue gives is written in the test, so each step of the order lifecycle is
// exercised on purpose: accept, partial fill, reject, a timeout with an unknown outcome and the
// query that follows, cancel, and reconciliation after a restart.
#include <boost/test/unit_test.hpp>
#include <deque>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/fixed_point.h"
#include "core/ports/venue.h"
#include "core/runtime.h"

namespace q50::runtime {
namespace {

constexpr std::int64_t kE8 = kFixedScale;
constexpr TimestampNs kHour = kNsPerHour;

// A venue whose every answer is queued by the test. An order request takes the next scripted
// answer (an empty one: the outcome is unknown); a query answers from what the test set.
class ScriptedVenue final : public ports::Venue {
 public:
  std::deque<std::vector<venue::VenueEvent>> order_answers;
  std::deque<std::vector<venue::VenueEvent>> cancel_answers;
  std::optional<venue::OrderStatusReport> status;
  venue::AccountReport account;
  std::vector<venue::OrderRequest> orders;  // every request, in order
  std::vector<venue::CancelRequest> cancels;
  std::vector<std::string> status_queries;
  int account_queries = 0;

  void submit(const venue::OrderRequest& r, TimestampNs, std::vector<venue::VenueEvent>& out) override {
    orders.push_back(r);
    BOOST_REQUIRE_MESSAGE(!order_answers.empty(), "unscripted order " << r.client_order_id);
    for (const auto& e : order_answers.front()) out.push_back(e);
    order_answers.pop_front();
  }
  void cancel(const venue::CancelRequest& r, TimestampNs, std::vector<venue::VenueEvent>& out) override {
    cancels.push_back(r);
    BOOST_REQUIRE(!cancel_answers.empty());
    for (const auto& e : cancel_answers.front()) out.push_back(e);
    cancel_answers.pop_front();
  }
  std::optional<venue::OrderStatusReport> query_order(std::string_view id, TimestampNs ts) override {
    status_queries.emplace_back(id);
    BOOST_REQUIRE(status.has_value());
    venue::OrderStatusReport r = *status;
    r.client_order_id = std::string(id);
    r.ts_ns = ts;
    return r;
  }
  std::optional<venue::AccountReport> query_account(TimestampNs ts) override {
    ++account_queries;
    venue::AccountReport r = account;
    r.ts_ns = ts;
    return r;
  }
};

// A minimal driver: runs every command against the scripted venue and feeds the answers back
// at once, recording each command it ran.
struct Harness {
  Runtime runtime;
  ScriptedVenue venue;
  std::vector<Command> seen;
  TimestampNs now = 0;

  explicit Harness(Config c) : runtime(std::move(c)) {}

  void run(const Commands& commands) {
    for (const Command& c : commands) {
      seen.push_back(c);
      Commands more;
      if (const auto* s = std::get_if<SendOrder>(&c)) {
        std::vector<venue::VenueEvent> answers;
        venue.submit(s->request, now, answers);
        if (answers.empty()) {
          runtime.on_outcome_unknown({now, s->request.client_order_id}, more);
          run(more);
        }
        for (const auto& e : answers) deliver(e);
      } else if (const auto* x = std::get_if<SendCancel>(&c)) {
        std::vector<venue::VenueEvent> answers;
        venue.cancel(x->request, now, answers);
        for (const auto& e : answers) deliver(e);
      } else if (const auto* q = std::get_if<QueryOrder>(&c)) {
        runtime.on_order_status(*venue.query_order(q->client_order_id, now), more);
        run(more);
      } else if (std::holds_alternative<QueryAccount>(c)) {
        runtime.on_account(*venue.query_account(now), more);
        run(more);
      }
    }
  }
  void deliver(const venue::VenueEvent& e) {
    Commands out;
    runtime.on_venue(e, out);
    run(out);
  }
  // One hourly bar at `close`, no signal.
  void bar(double close) {
    now += kHour;
    Commands out;
    runtime.on_bar({now, {now, close, close, close, close, 1e6}, {}, false}, out);
    run(out);
  }
  template <class T>
  int count() const {
    int n = 0;
    for (const Command& c : seen) n += std::holds_alternative<T>(c) ? 1 : 0;
    return n;
  }
  const strategy::State& strat() const { return runtime.state().strategy; }
};

// Holding 1 BTC with no signal and NoSignalPolicy::kFlat: the first bar sells the whole
// position, a deterministic order to follow through the lifecycle.
Config selling_config() {
  Config c;
  c.instrument = venue::btcusdt_spot();
  c.initial_base_e8 = 1 * kE8;
  c.initial_quote_e8 = 0;
  c.strategy.no_signal = strategy::NoSignalPolicy::kFlat;
  c.strategy.limits = {1.0, 1.0, 1.0, 1.0, 1e-5, 5.0};
  return c;
}

venue::OrderAccepted accepted(const std::string& id, std::int64_t qty_e8, std::int64_t order_id = 7) {
  venue::OrderAccepted a;
  a.order_id = order_id;
  a.client_order_id = id;
  a.side = venue::Side::kSell;
  a.qty_e8 = qty_e8;
  return a;
}

// A sell fill of qty at 100 quote, fee 0.1 quote per whole unit.
venue::Fill fill(const std::string& id, std::int64_t qty_e8, std::int64_t filled_e8,
                 std::int64_t leaves_e8) {
  venue::Fill f;
  f.order_id = 7;
  f.client_order_id = id;
  f.side = venue::Side::kSell;
  f.qty_e8 = qty_e8;
  f.price_e8 = 100 * kE8;
  f.notional_e8 = mul_scaled(qty_e8, 100 * kE8, Rounding::kDown);
  f.fee_e8 = qty_e8 / 10;
  f.filled_qty_e8 = filled_e8;
  f.leaves_qty_e8 = leaves_e8;
  return f;
}

BOOST_AUTO_TEST_CASE(accept_then_partial_fills_complete_the_order) {
  Harness h(selling_config());
  h.venue.order_answers.push_back({accepted("q50n-1", kE8), fill("q50n-1", kE8 / 4, kE8 / 4, 3 * kE8 / 4)});
  h.bar(100.0);
  BOOST_TEST(h.venue.orders.size() == 1u);
  BOOST_TEST(h.venue.orders[0].client_order_id == "q50n-1");
  BOOST_TEST(h.venue.orders[0].qty_e8 == kE8);
  BOOST_TEST((h.venue.orders[0].side == venue::Side::kSell));
  BOOST_TEST(h.strat().in_flight.active);
  BOOST_TEST(h.strat().position == 0.75);
  BOOST_TEST((h.runtime.state().orders.in_flight.phase == OrderPhase::kAcknowledged));
  // The rest arrives later; the bar in between only records (the strategy waits).
  h.bar(100.0);
  BOOST_TEST(h.strat().counters.bars_waiting == 1);
  h.deliver(fill("q50n-1", 3 * kE8 / 4, kE8, 0));
  BOOST_TEST(!h.strat().in_flight.active);
  BOOST_TEST(!h.runtime.state().orders.in_flight.active);
  BOOST_TEST(h.strat().position == 0.0);
  // Ledger: 100 quote of notional less 0.1 of fees, in e8.
  BOOST_TEST(h.runtime.state().ledger.base_e8 == 0);
  BOOST_TEST(h.runtime.state().ledger.quote_e8 == 100 * kE8 - kE8 / 10);
  BOOST_TEST(h.strat().cash == to_double(100 * kE8 - kE8 / 10));
  BOOST_TEST(h.count<Anomaly>() == 0);
}

BOOST_AUTO_TEST_CASE(reject_frees_the_strategy_and_the_next_order_gets_a_new_id) {
  Harness h(selling_config());
  venue::OrderRejected r;
  r.client_order_id = "q50n-1";
  r.code = venue::RejectCode::kInsufficientBalance;
  h.venue.order_answers.push_back({r});
  h.bar(100.0);
  BOOST_TEST(!h.strat().in_flight.active);
  BOOST_TEST(h.strat().counters.venue_rejects == 1);
  BOOST_TEST(h.strat().position == 1.0);
  h.venue.order_answers.push_back({accepted("q50n-2", kE8), fill("q50n-2", kE8, kE8, 0)});
  h.bar(100.0);
  BOOST_REQUIRE(h.venue.orders.size() == 2u);
  BOOST_TEST(h.venue.orders[1].client_order_id == "q50n-2");
  BOOST_TEST(h.strat().position == 0.0);
}

BOOST_AUTO_TEST_CASE(unknown_outcome_queries_then_resends_under_the_same_id_when_not_found) {
  Harness h(selling_config());
  h.venue.order_answers.push_back({});  // the request timed out
  h.venue.status = venue::OrderStatusReport{};  // found = false: -2013
  h.venue.order_answers.push_back({accepted("q50n-1", kE8), fill("q50n-1", kE8, kE8, 0)});
  h.bar(100.0);
  BOOST_REQUIRE(h.venue.orders.size() == 2u);
  BOOST_TEST(h.venue.status_queries == std::vector<std::string>{"q50n-1"});
  BOOST_TEST(h.venue.orders[1].client_order_id == "q50n-1");
  BOOST_TEST(h.venue.orders[1].qty_e8 == kE8);
  BOOST_TEST(h.runtime.state().counters.unknown_outcomes == 1);
  BOOST_TEST(h.runtime.state().counters.resends == 1);
  BOOST_TEST(h.strat().position == 0.0);
  BOOST_TEST(h.count<Anomaly>() == 0);
}

BOOST_AUTO_TEST_CASE(unknown_outcome_of_an_order_that_executed_reconciles_without_resending) {
  Harness h(selling_config());
  h.venue.order_answers.push_back({});
  venue::OrderStatusReport filled;
  filled.found = true;
  filled.status = venue::OrderStatus::kFilled;
  filled.qty_e8 = kE8;
  filled.filled_qty_e8 = kE8;
  h.venue.status = filled;
  h.venue.account.base_total_e8 = 0;
  h.venue.account.quote_total_e8 = 99 * kE8;
  h.bar(100.0);
  BOOST_TEST(h.venue.orders.size() == 1u);  // never sent twice
  BOOST_TEST(h.venue.account_queries == 1);
  BOOST_TEST(h.count<Reconciled>() == 1);
  BOOST_TEST(h.runtime.running());
  BOOST_TEST(!h.strat().in_flight.active);
  BOOST_TEST(h.strat().position == 0.0);
  BOOST_TEST(h.strat().cash == 99.0);
  BOOST_TEST(h.runtime.state().ledger.quote_e8 == 99 * kE8);
  // Ids continue after the order whose answer was lost.
  BOOST_TEST(h.strat().next_order_id == 2);
}

BOOST_AUTO_TEST_CASE(unknown_outcome_of_an_open_order_follows_its_fills) {
  Harness h(selling_config());
  h.venue.order_answers.push_back({});
  venue::OrderStatusReport open;
  open.found = true;
  open.status = venue::OrderStatus::kNew;
  open.order_id = 7;
  open.qty_e8 = kE8;
  h.venue.status = open;
  h.bar(100.0);
  BOOST_TEST((h.runtime.state().orders.in_flight.phase == OrderPhase::kAcknowledged));
  h.deliver(fill("q50n-1", kE8, kE8, 0));
  BOOST_TEST(h.strat().position == 0.0);
  BOOST_TEST(!h.strat().in_flight.active);
}

BOOST_AUTO_TEST_CASE(an_order_open_too_long_is_canceled) {
  Config c = selling_config();
  c.cancel_after_bars = 2;
  Harness h(c);
  h.venue.order_answers.push_back({accepted("q50n-1", kE8)});
  h.bar(100.0);
  h.bar(100.0);
  BOOST_TEST(h.venue.cancels.empty());
  venue::OrderCanceled canceled;
  canceled.order_id = 7;
  canceled.client_order_id = "q50n-1";
  h.venue.cancel_answers.push_back({canceled});
  // The cancel goes out on the second bar after the acknowledgement; the bar that follows
  // finds the strategy free and sells again (the whole position is still there).
  h.venue.order_answers.push_back({accepted("q50n-2", kE8, 8)});
  h.bar(100.0);
  BOOST_REQUIRE(h.venue.cancels.size() == 1u);
  BOOST_TEST(h.venue.cancels[0].client_order_id == "q50n-1");
  BOOST_TEST(h.venue.cancels[0].order_id == 7);
  BOOST_TEST(h.strat().counters.orders_ended == 1);
  BOOST_TEST(h.runtime.state().counters.cancels == 1);
  BOOST_TEST(h.strat().position == 1.0);
}

BOOST_AUTO_TEST_CASE(a_venue_that_acknowledges_less_than_asked_expires_the_rest) {
  Harness h(selling_config());
  h.venue.order_answers.push_back(
      {accepted("q50n-1", kE8 / 2), fill("q50n-1", kE8 / 2, kE8 / 2, 0)});
  h.bar(100.0);
  BOOST_TEST(!h.strat().in_flight.active);
  BOOST_TEST(h.strat().position == 0.5);
  BOOST_TEST(h.strat().counters.orders_ended == 1);
}

BOOST_AUTO_TEST_CASE(restart_adopts_the_open_order_then_reconciles_with_the_venue) {
  Config c = selling_config();
  Harness before(c);
  const strategy::State checkpoint = before.strat();  // taken before anything happened
  before.venue.order_answers.push_back({accepted("q50n-1", kE8)});
  before.bar(100.0);
  const OrderLog log = before.runtime.state().orders;
  BOOST_TEST(log.in_flight.active);
  BOOST_TEST(log.last_client_id == 1);

  // The process dies; a new one starts from the stale checkpoint and the order log.
  Harness after(c);
  after.runtime = Runtime(c, checkpoint, log);
  after.now = before.now;
  venue::OrderStatusReport open;
  open.found = true;
  open.status = venue::OrderStatus::kNew;
  open.order_id = 7;
  open.qty_e8 = kE8;
  after.venue.status = open;
  Commands out;
  after.runtime.recover(after.now, out);
  after.run(out);
  BOOST_REQUIRE(after.count<Restarted>() == 1);
  BOOST_TEST(std::get<Restarted>(after.seen[1]).adopting);
  BOOST_TEST((after.runtime.state().mode == Mode::kAdopting));
  // While adopting, bars do not reach the strategy.
  after.bar(100.0);
  BOOST_TEST(after.count<BarDone>() == 0);
  // The adopted order fills; the venue's account is the truth.
  after.venue.account.base_total_e8 = 0;
  after.venue.account.quote_total_e8 = 9990 * kE8 / 100;
  after.deliver(fill("q50n-1", kE8, kE8, 0));
  BOOST_TEST(after.count<Reconciled>() == 1);
  BOOST_TEST(after.runtime.running());
  BOOST_TEST(after.strat().position == 0.0);
  BOOST_TEST(after.strat().cash == 99.9);
  BOOST_TEST(after.strat().next_order_id == 2);  // never reuses q50n-1
  BOOST_TEST(after.runtime.state().counters.reconciliations == 1);
  after.bar(100.0);
  BOOST_TEST(after.count<BarDone>() == 1);
}

BOOST_AUTO_TEST_CASE(restart_without_an_order_in_flight_reconciles_at_once) {
  Config c = selling_config();
  Harness h(c);
  h.runtime = Runtime(c, strategy::initial_state(c.strategy), OrderLog{5, {}});
  h.venue.account.base_total_e8 = 3 * kE8;
  h.venue.account.quote_total_e8 = 12 * kE8;
  Commands out;
  h.runtime.recover(0, out);
  h.run(out);
  BOOST_TEST(h.count<Restarted>() == 1);
  BOOST_TEST(!std::get<Restarted>(h.seen[0]).adopting);
  BOOST_TEST(h.strat().position == 3.0);
  BOOST_TEST(h.strat().cash == 12.0);
  BOOST_TEST(h.strat().next_order_id == 6);
  BOOST_TEST(h.runtime.state().ledger.base_e8 == 3 * kE8);
}

BOOST_AUTO_TEST_CASE(events_that_do_not_fit_the_order_are_anomalies_not_strategy_events) {
  Harness h(selling_config());
  h.venue.order_answers.push_back({accepted("q50n-1", kE8)});
  h.bar(100.0);
  h.deliver(fill("someone-else", kE8, kE8, 0));
  h.deliver(fill("q50n-1", kE8, 2 * kE8, 0));  // cumulative does not add up
  BOOST_TEST(h.count<Anomaly>() == 2);
  BOOST_TEST(h.strat().position == 1.0);
  BOOST_TEST(h.strat().in_flight.active);
  BOOST_TEST(h.runtime.state().counters.anomalies == 2);
}

BOOST_AUTO_TEST_CASE(an_order_below_one_step_is_rejected_locally) {
  Config c = selling_config();
  c.initial_base_e8 = 500;  // 5e-6 BTC: under BTCUSDT's step of 1e-5
  c.strategy.lot_size = 1e-8;
  c.strategy.limits.min_order_qty = 0;
  c.strategy.limits.min_notional = 0;
  Harness h(c);
  h.bar(100.0);
  BOOST_TEST(h.venue.orders.empty());
  BOOST_REQUIRE(h.count<LotRejected>() == 1);
  BOOST_TEST(std::get<LotRejected>(h.seen[0]).asked_e8 == -500);
  BOOST_TEST(!h.strat().in_flight.active);
  BOOST_TEST(h.strat().counters.venue_rejects == 1);
}

}  // namespace
}  // namespace q50::runtime
