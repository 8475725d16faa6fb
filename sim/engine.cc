#include "sim/engine.h"
#include "core/overloaded.h"

#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/check.h"
#include "core/fixed_point.h"
#include "fmt/format.h"
#include "sim/event_queue.h"
#include "sim/faulty_feed.h"
#include "sim/faulty_venue.h"
#include "core/prng.h"
#include "sim/range_guard.h"
#include "sim/sim_venue.h"
#include "checkpoint/strategy_state.h"

namespace q50::sim {
Bar to_venue_bar(const strategy::Bar& b) {
  Bar v;
  v.ts_ns = b.ts_ns;
  v.open_e8 = to_e8_nearest(b.open);
  v.high_e8 = to_e8_nearest(b.high);
  v.low_e8 = to_e8_nearest(b.low);
  v.close_e8 = to_e8_nearest(b.close);
  v.volume_e8 = from_double(b.volume, Rounding::kDown);
  return v;
}

namespace {

runtime::Config runtime_config(const EngineConfig& c) {
  runtime::Config r;
  r.strategy = c.strategy;
  r.instrument = c.exchange.instrument;
  r.initial_quote_e8 = c.exchange.account.initial_quote_e8;
  r.initial_base_e8 = c.exchange.account.initial_base_e8;
  return r;
}

// The queue's payload: 0 for the next market bar (held in next_bar_), else a key with one of
// these tags: a venue response (in venue_events_), a bar delivered late, a crashed strategy's
// restart. Keeping the events out of the heap keeps its entries small.
using Payload = std::uint64_t;
constexpr Payload kDeliveryBit = Payload{1} << 63;
constexpr Payload kRestartBit = Payload{1} << 62;

}  // namespace

// The world of one run.
class Engine::Simulation final : public FeedTarget {
 public:
  Simulation(EngineConfig& config, Journal& text, ports::MarketSource& market,
             ports::SignalSource& signals, ports::Sink& sink);
  EngineSummary run();

  // FeedTarget: the faulty feed hands bars to the strategy process through these.
  TimestampNs now_ns() const override { return queue_.now_ns(); }
  bool accepting() const override { return runtime_.has_value() && runtime_->running(); }
  void deliver(const runtime::BarInput& input) override;
  void deliver_later(TimestampNs at_ns, const strategy::Bar& bar, std::size_t fault) override;

 private:
  // What the simulated world knows of an order the runtime sent (the runtime's own record dies
  // with a crashed process; this one is the venue's side, for the sink and the invariants).
  struct SentOrder {
    bool active = false;
    std::int64_t client_id = 0;
    std::int64_t qty_e8 = 0;  // as sent
    std::int64_t acked_e8 = 0;
    std::int64_t filled_e8 = 0;
    TimestampNs decided_ts_ns = 0;
    bool buy = true;
  };

  void pull_bar();
  void on_market_bar(const strategy::Bar& bar);
  void schedule(const std::vector<VenueEvent>& events);
  void on_venue(const VenueEvent& event);
  void world_books(const VenueEvent& event);
  void execute(const runtime::Commands& commands);
  void execute_one(const runtime::Command& command);
  void send(const runtime::SendOrder& order);
  void journal_bar(const runtime::BarDone& done);
  void journal_venue(const VenueEvent& event);
  void crash(std::size_t fault);
  void restart(std::size_t fault);
  bool mirror_matches() const;
  double mirror_tolerance(double amount) const;
  void stop(const std::string& why);
  void check_invariants();
  void check_mirror();
  void finish();

  EngineConfig& config_;
  RunJournal journal_;
  ports::MarketSource& market_;
  ports::SignalSource& signals_;
  ports::Sink& sink_;
  EventQueue<Payload> queue_;
  runtime::Config runtime_config_;
  std::optional<runtime::Runtime> runtime_;  // empty while the strategy process is down
  runtime::Commands commands_;               // the runtime's output, reused every event
  std::vector<VenueEvent> answers_;          // the venue's output, reused every request

  SimVenue sim_venue_;
  std::unique_ptr<FaultSchedule> faults_;  // these three only when faults are configured
  std::unique_ptr<FaultyVenue> faulty_venue_;
  std::unique_ptr<FaultyFeed> feed_;
  ports::Venue* venue_ = nullptr;  // the faulty venue, or the plain one

  strategy::Bar next_bar_;
  bool has_bar_ = false;
  std::int64_t bar_index_ = 0;
  TimestampNs last_bar_ts_ns_ = 0;
  TimestampNs last_event_ts_ns_ = INT64_MIN;
  std::int64_t mark_e8_ = 0;
  SentOrder sent_;
  std::int64_t audit_quote_e8_ = 0;  // the venue's balances from the fills it reported
  std::int64_t audit_base_e8_ = 0;
  std::map<std::uint64_t, VenueEvent> venue_events_;  // queued venue responses, by key
  std::map<std::uint64_t, std::pair<strategy::Bar, std::size_t>> late_bars_;
  std::uint64_t next_key_ = 1;
  EngineSummary summary_;

  // process_crash: the strategy's checkpoint bytes, the order log at the crash, the bars it
  // processed (checkpoints are taken every checkpoint_every_bars of them).
  std::string checkpoint_;
  runtime::OrderLog crash_log_;
  std::size_t restarting_fault_ = FaultSchedule::kNone;
  std::int64_t strategy_bars_ = 0;

  // Rounding the strategy's double cash mirror may have accumulated since it last took the
  // venue's balances: 2^-52 of every amount added to it (quote).
  double mirror_error_ = 0;
  bool stopped_ = false;  // a value left the domain: see EngineSummary::stopped
};

Engine::Simulation::Simulation(EngineConfig& config, Journal& text, ports::MarketSource& market,
                               ports::SignalSource& signals, ports::Sink& sink)
    : config_(config),
      journal_(text, config.keep_journal_text),
      market_(market),
      signals_(signals),
      sink_(sink),
      runtime_config_(runtime_config(config)),
      sim_venue_(config.exchange),
      venue_(&sim_venue_) {
  runtime_.emplace(runtime_config_);
  audit_quote_e8_ = config.exchange.account.initial_quote_e8;
  audit_base_e8_ = config.exchange.account.initial_base_e8;
  if (config.faults.empty()) return;
  faults_ = std::make_unique<FaultSchedule>(config.faults, config.seed, journal_);
  faulty_venue_ = std::make_unique<FaultyVenue>(sim_venue_, *faults_);
  feed_ = std::make_unique<FaultyFeed>(*faults_, *this);
  venue_ = faulty_venue_.get();
  if (faults_->has_crash()) checkpoint_ = checkpoint::encode_strategy_state(runtime_->state().strategy);
}

void Engine::Simulation::pull_bar() {
  if (!market_.next(next_bar_)) return;
  Q50_CHECK(!has_bar_ || next_bar_.ts_ns > last_bar_ts_ns_, "bar times must strictly increase");
  queue_.push(next_bar_.ts_ns, Priority::kMarketData, 0);
}

void Engine::Simulation::schedule(const std::vector<VenueEvent>& events) {
  for (const VenueEvent& ev : events) {
    const std::uint64_t key = next_key_++;
    venue_events_.emplace(key, ev);
    queue_.push(event_ts_ns(ev), Priority::kVenueResponse, key);
  }
}

// The run ends here: the next step would leave the range the venue is exact in.
void Engine::Simulation::stop(const std::string& why) {
  if (stopped_) return;
  stopped_ = true;
  summary_.stopped = fmt::format("at {}, after {} bars: {}", format_timestamp(queue_.now_ns()),
                                 summary_.bars, why);
}

void Engine::Simulation::on_market_bar(const strategy::Bar& bar) {
  if (auto why = bar_out_of_range(bar)) return stop(*why);
  const Bar venue_bar = to_venue_bar(bar);
  if (auto why = account_out_of_range(sim_venue_.exchange(), venue_bar)) return stop(*why);
  const std::int64_t index = bar_index_++;
  if (faults_) {
    const FaultSchedule::Changes changes = faults_->on_bar(index, bar.ts_ns, queue_.now_ns());
    for (const std::size_t crashed : changes.crashes) crash(crashed);
    if (changes.venue_models) faulty_venue_->sync_models();
  }
  ++summary_.bars;
  has_bar_ = true;
  last_bar_ts_ns_ = bar.ts_ns;
  mark_e8_ = venue_bar.close_e8;
  answers_.clear();
  if (faulty_venue_) {
    faulty_venue_->on_bar(venue_bar, answers_);
  } else {
    sim_venue_.on_bar(venue_bar, answers_);
  }
  schedule(answers_);
  const ports::SignalSample sample = signals_.at(bar.ts_ns);
  if (feed_) {
    feed_->on_market_bar(bar, sample);
  } else {
    deliver({queue_.now_ns(), bar, sample, false});
  }
}

// The strategy process gets a bar (from the feed, or directly without faults).
void Engine::Simulation::deliver(const runtime::BarInput& input) {
  runtime_->on_bar(input, commands_);
  execute(commands_);
  if (!faults_) return;
  ++strategy_bars_;
  if (faults_->has_crash() && config_.checkpoint_every_bars > 0 &&
      strategy_bars_ % config_.checkpoint_every_bars == 0) {
    checkpoint_ = checkpoint::encode_strategy_state(runtime_->state().strategy);
  }
  faults_->note_recoveries(queue_.now_ns(), [this] { return mirror_matches(); });
}

void Engine::Simulation::deliver_later(TimestampNs at_ns, const strategy::Bar& bar,
                                       std::size_t fault) {
  const Payload key = kDeliveryBit | next_key_++;
  late_bars_.emplace(key, std::make_pair(bar, fault));
  queue_.push(at_ns, Priority::kMarketData, key);
}

void Engine::Simulation::execute(const runtime::Commands& commands) {
  for (const runtime::Command& c : commands) execute_one(c);
}

// One runtime command. A query is answered by the venue at once and its answer fed back to the
// runtime, whose commands run before the next one here.
void Engine::Simulation::execute_one(const runtime::Command& command) {
  runtime::Commands more;
  std::visit(
      Overloaded{
          [&](const runtime::SendOrder& c) { send(c); },
          [&](const runtime::SendCancel& c) {
            answers_.clear();
            venue_->cancel(c.request, queue_.now_ns(), answers_);
            schedule(answers_);
          },
          [&](const runtime::QueryOrder& c) {
            const auto report = venue_->query_order(c.client_order_id, queue_.now_ns());
            Q50_CHECK(report.has_value(), "the simulated venue always answers queries");
            runtime_->on_order_status(*report, more);
          },
          [&](const runtime::QueryAccount&) {
            const auto report = venue_->query_account(queue_.now_ns());
            Q50_CHECK(report.has_value(), "the simulated venue always answers queries");
            runtime_->on_account(*report, more);
          },
          [&](const runtime::BarDone& c) {
            journal_bar(c);
            sink_.on_bar(c.record);
          },
          [&](const runtime::LotRejected& c) {
            ++summary_.lot_rejects;
            sink_.on_order({c.ts_ns, c.ts_ns, c.client_id, c.asked_e8,
                            ports::OrderOutcome::kLotReject, RejectCode::kInvalidRequest});
            journal_.append(BinaryLine('L').i64(c.client_id));
            journal_.append_text("lot_reject client_id=" + std::to_string(c.client_id));
          },
          [&](const runtime::Restarted& c) {
            faults_->journal('S', restarting_fault_, c.ts_ns, c.adopting ? 1 : 0);
          },
          [&](const runtime::Reconciled& c) {
            faults_->journal('R', FaultSchedule::kNone, c.ts_ns, c.base_e8);
            mirror_error_ = 0;  // the mirror took the venue's balances
          },
          [&](const runtime::Anomaly& c) {
            if (c.out_of_range) return stop(c.what);
            Q50_CHECK(false, ("the runtime saw a venue anomaly: " + c.what).c_str());
          },
      },
      command);
  execute(more);
}

void Engine::Simulation::send(const runtime::SendOrder& order) {
  Q50_CHECK(!sent_.active, "the runtime sent a second order while one is in flight");
  const OrderRequest& r = order.request;
  if (auto why = order_out_of_range(sim_venue_.exchange(), r.side == Side::kBuy, r.qty_e8)) {
    return stop(*why);
  }
  sent_ = {true, order.client_id, r.qty_e8, 0, 0, order.decided_ts_ns, r.side == Side::kBuy};
  ++summary_.orders;
  journal_.append(
      BinaryLine('O').i64(order.client_id).u8(static_cast<std::uint8_t>(r.side)).i64(r.qty_e8));
  if (journal_.keeps_text()) {
    journal_.append_text("order client_id=" + r.client_order_id + " side=" +
                         std::string(side_name(r.side)) + " qty_e8=" + std::to_string(r.qty_e8));
  }
  answers_.clear();
  venue_->submit(r, queue_.now_ns(), answers_);
  Q50_CHECK(!answers_.empty(), "the simulated venue always answers an order");
  schedule(answers_);
}

void Engine::Simulation::on_venue(const VenueEvent& event) {
  journal_venue(event);
  world_books(event);
  if (!runtime_) return;  // the strategy process is down: the answer is lost to it
  runtime_->on_venue(event, commands_);
  execute(commands_);
}

// The venue's side of the order: counts, the sink's records, the audit of its balances.
void Engine::Simulation::world_books(const VenueEvent& event) {
  Q50_CHECK(sent_.active, "a venue event without an order in flight");
  const std::int64_t signed_qty = sent_.buy ? sent_.qty_e8 : -sent_.qty_e8;
  const auto close = [&] {
    ++summary_.orders_closed;
    sent_ = SentOrder{};
  };
  std::visit(
      Overloaded{
          [&](const OrderAccepted& e) {
            sent_.acked_e8 = e.qty_e8;
            ++summary_.accepted;
            sink_.on_order({sent_.decided_ts_ns, e.ts_ns, sent_.client_id, signed_qty,
                            ports::OrderOutcome::kAccepted, RejectCode::kInvalidRequest});
          },
          [&](const OrderRejected& e) {
            ++summary_.venue_rejects[e.code];
            sink_.on_order({sent_.decided_ts_ns, e.ts_ns, sent_.client_id, signed_qty,
                            ports::OrderOutcome::kVenueReject, e.code});
            close();
          },
          [&](const Fill& f) {
            Q50_CHECK(f.qty_e8 > 0 && f.filled_qty_e8 <= sent_.acked_e8 &&
                          f.filled_qty_e8 == sent_.filled_e8 + f.qty_e8 &&
                          f.filled_qty_e8 + f.leaves_qty_e8 == sent_.acked_e8,
                      "fill quantities do not add up to the order");
            sent_.filled_e8 = f.filled_qty_e8;
            const TradeCosts<std::int64_t> costs{f.notional_e8, f.fee_e8, f.slippage_e8};
            // The mirror adds -notional - fee - slippage: three roundings of at most 2^-53 of
            // each partial sum, plus the conversions of the three amounts to double.
            mirror_error_ += 0x1p-52 * (4 * to_double(costs.notional + costs.fee + costs.slippage) +
                                        std::fabs(to_double(audit_quote_e8_)));
            const bool buy = f.side == Side::kBuy;
            if (buy) {
              audit_quote_e8_ = checked_sub(audit_quote_e8_, FixedPointAccounting::buy_cost(costs));
              audit_base_e8_ = checked_add(audit_base_e8_, f.qty_e8);
            } else {
              audit_quote_e8_ =
                  checked_add(audit_quote_e8_, FixedPointAccounting::sell_proceeds(costs));
              audit_base_e8_ = checked_sub(audit_base_e8_, f.qty_e8);
            }
            ++summary_.fills;
            sink_.on_fill({f.ts_ns, f.order_id, sent_.client_id, buy ? f.qty_e8 : -f.qty_e8,
                           f.price_e8, f.notional_e8, f.fee_e8, f.slippage_e8, f.liquidity});
            if (f.leaves_qty_e8 != 0) return;
            // The venue acknowledged less than was asked (partial_fill): the rest expires.
            if (sent_.acked_e8 < sent_.qty_e8) ++summary_.orders_ended;
            close();
          },
          [&](const OrderCanceled&) {
            ++summary_.orders_ended;
            close();
          },
          [&](const OrderExpired&) {
            ++summary_.orders_ended;
            close();
          },
      },
      event);
}

// One line per bar: the market, the signal, what the strategy made of it.
void Engine::Simulation::journal_bar(const runtime::BarDone& done) {
  const strategy::BarRecord& r = done.record;
  const auto flags = static_cast<std::uint8_t>((r.signal_used ? 1U : 0U) |
                                               (r.waiting ? 2U : 0U) |
                                               (r.risk_limited ? 4U : 0U));
  journal_.append(BinaryLine('B')
                      .i64(r.ts_ns)
                      .i64(done.close_e8)
                      .u8(static_cast<std::uint8_t>(done.signal.kind))
                      .f64(done.signal.q50)
                      .u8(static_cast<std::uint8_t>(r.side))
                      .u8(r.tier)
                      .u8(flags));
  if (!journal_.keeps_text()) return;
  const Exchange& x = sim_venue_.exchange();
  journal_.append_text("bar ts_ns=" + std::to_string(r.ts_ns) +
                       " close_e8=" + std::to_string(done.close_e8) +
                       " signal=" + std::string(to_string(done.signal.kind)) +
                       " side=" + std::to_string(r.side) + " tier=" + std::to_string(r.tier) +
                       " flags=" + std::to_string(flags) +
                       " position_e8=" + std::to_string(x.position_e8()) +
                       " quote_e8=" + std::to_string(x.balances().quote.total_e8()));
}

void Engine::Simulation::journal_venue(const VenueEvent& ev) {
  BinaryLine line('V');
  line.u8(static_cast<std::uint8_t>(ev.index())).i64(event_ts_ns(ev));
  std::visit(Overloaded{
                 [&](const OrderAccepted& e) { line.i64(e.order_id).i64(e.qty_e8); },
                 [&](const OrderRejected& e) { line.u8(static_cast<std::uint8_t>(e.code)); },
                 [&](const Fill& e) {
                   line.i64(e.order_id)
                       .i64(e.trade_id)
                       .u8(static_cast<std::uint8_t>(e.side))
                       .i64(e.qty_e8)
                       .i64(e.price_e8)
                       .i64(e.notional_e8)
                       .i64(e.fee_e8)
                       .i64(e.slippage_e8);
                 },
                 [&](const OrderCanceled& e) { line.i64(e.order_id).i64(e.filled_qty_e8); },
                 [&](const OrderExpired& e) { line.i64(e.order_id).i64(e.filled_qty_e8); },
             },
             ev);
  journal_.append(line);
  if (journal_.keeps_text()) journal_.append_text(describe(ev));
}

// The process dies before it sees this bar: its memory is gone, its order log is not.
void Engine::Simulation::crash(std::size_t fault) {
  if (runtime_) crash_log_ = runtime_->state().orders;
  runtime_.reset();
  faults_->inject(fault);
  const TimestampNs restart_at = queue_.now_ns() + faults_->fault(fault).restart_after_ns;
  queue_.push(restart_at, Priority::kControl, kRestartBit | static_cast<Payload>(fault));
}

// The process starts again from its last checkpoint and the order log, and recovers.
void Engine::Simulation::restart(std::size_t fault) {
  absl::StatusOr<strategy::State> restored = checkpoint::decode_strategy_state(checkpoint_, "checkpoint");
  Q50_CHECK(restored.ok(), "the strategy checkpoint does not decode");
  runtime_.emplace(runtime_config_, *std::move(restored), crash_log_);
  restarting_fault_ = fault;
  runtime_->recover(queue_.now_ns(), commands_);
  execute(commands_);
}

bool Engine::Simulation::mirror_matches() const {
  if (!accepting() || sent_.active) return false;
  const strategy::State& s = runtime_->state().strategy;
  const Exchange& x = sim_venue_.exchange();
  const double cash = to_double(x.balances().quote.total_e8());
  return !s.in_flight.active && to_e8_nearest(s.position) == x.position_e8() &&
         std::fabs(s.cash - cash) <= mirror_tolerance(cash);
}

double Engine::Simulation::mirror_tolerance(double amount) const {
  return 1e-6 + 1e-9 * std::fabs(amount) + mirror_error_;
}

void Engine::Simulation::check_invariants() {
  if (stopped_) return;
  ++summary_.invariant_checks;
  const TimestampNs now = queue_.now_ns();
  Q50_CHECK(now >= last_event_ts_ns_, "simulated time ran backwards");
  last_event_ts_ns_ = now;
  const Exchange& x = sim_venue_.exchange();
  const AccountState& a = x.balances();
  if (config_.exchange.account.mode == AccountMode::kSpot) {
    Q50_CHECK(a.base.free_e8 >= 0 && a.base.locked_e8 >= 0 && a.quote.free_e8 >= 0 &&
                  a.quote.locked_e8 >= 0,
              "a spot balance went negative");
  }
  Q50_CHECK(sent_.filled_e8 <= sent_.qty_e8, "fills exceed the order quantity");
  if (!accepting()) {
    // The strategy is down or recovering: only the venue against the fills it reported.
    Q50_CHECK(sent_.active ||
                  (audit_quote_e8_ == a.quote.total_e8() && audit_base_e8_ == x.position_e8()),
              "the venue's balances differ from the fills it reported");
    return;
  }
  const runtime::State& rs = runtime_->state();
  Q50_CHECK(sent_.active == rs.strategy.in_flight.active &&
                sent_.active == rs.orders.in_flight.active,
            "the runtime's order in flight differs from the venue's");
  if (!sent_.active) check_mirror();
}

// With no order in flight every party has seen every fill: the ledgers must agree.
void Engine::Simulation::check_mirror() {
  const Exchange& x = sim_venue_.exchange();
  const std::int64_t quote = x.balances().quote.total_e8();
  const std::int64_t base = x.position_e8();
  Q50_CHECK(audit_quote_e8_ == quote && audit_base_e8_ == base,
            "the venue's balances differ from the fills it reported");
  const runtime::State& rs = runtime_->state();
  Q50_CHECK(rs.ledger.quote_e8 == quote && rs.ledger.base_e8 == base,
            "the runtime's ledger differs from the venue's balances");
  const strategy::State& s = rs.strategy;
  Q50_CHECK(to_e8_nearest(s.position) == base,
            "the strategy's position mirror differs from the venue's position");
  const double cash = to_double(quote);
  Q50_CHECK(std::fabs(s.cash - cash) <= mirror_tolerance(cash),
            "the strategy's cash mirror differs from the venue's quote balance");
  if (!has_bar_) return;
  // The venue's equity in e8 integers: cash + position * mark, the product rounded once, at
  // the close the strategy last saw (the venue's own unless a data fault held a bar back).
  const std::optional<std::int64_t> position_value =
      base == 0 ? 0 : try_mul_scaled(base, rs.mark_e8, Rounding::kHalfEven);
  const std::optional<std::int64_t> equity_e8 =
      position_value ? try_add(quote, *position_value) : std::nullopt;
  if (!equity_e8) return stop("the position's value at the strategy's last close is beyond int64 e8");
  const double equity = s.cash + s.position * s.last_close;
  const double venue_equity = to_double(*equity_e8);
  // Beyond the cash mirror's error: the product and the sum, each rounded once in double.
  const double product_error = 0x1p-51 * (std::fabs(s.position * s.last_close) + std::fabs(equity));
  Q50_CHECK(std::fabs(equity - venue_equity) <= mirror_tolerance(venue_equity) + product_error,
            "the strategy's equity differs from the venue's");
}

EngineSummary Engine::Simulation::run() {
  pull_bar();
  while (!queue_.empty() && !stopped_) {
    const EventQueue<Payload>::Entry entry = queue_.pop();
    ++summary_.events;
    if (entry.payload == 0) {
      const strategy::Bar bar = next_bar_;
      on_market_bar(bar);
      pull_bar();
    } else if ((entry.payload & kDeliveryBit) != 0) {
      auto it = late_bars_.find(entry.payload);
      Q50_CHECK(it != late_bars_.end(), "a late bar went missing");
      const auto [bar, fault] = it->second;
      late_bars_.erase(it);
      feed_->deliver_bar(bar, fault);
    } else if ((entry.payload & kRestartBit) != 0) {
      restart(static_cast<std::size_t>(entry.payload & ~kRestartBit));
    } else {
      auto it = venue_events_.find(entry.payload);
      Q50_CHECK(it != venue_events_.end(), "a queued venue event went missing");
      const VenueEvent ev = std::move(it->second);
      venue_events_.erase(it);
      on_venue(ev);
    }
    if (config_.check_invariants) check_invariants();
  }
  finish();
  return summary_;
}

void Engine::Simulation::finish() {
  const Exchange& x = sim_venue_.exchange();
  const AccountState& a = x.balances();
  const bool up = runtime_.has_value();
  summary_.strategy = up ? runtime_->state().strategy.counters : strategy::Counters{};
  summary_.runtime = up ? runtime_->state().counters : runtime::Counters{};
  summary_.order_open_at_end = sent_.active;
  Q50_CHECK(summary_.orders == summary_.orders_closed + (sent_.active ? 1 : 0),
            "an order sent to the venue was lost or closed twice");
  summary_.fees_e8 = a.fees_paid_e8;
  summary_.slippage_e8 = a.slippage_paid_e8;
  summary_.final_quote_e8 = a.quote.total_e8();
  summary_.final_position_e8 = x.position_e8();
  summary_.final_mark_e8 = mark_e8_;
  summary_.final_strategy_position_e8 = up ? to_e8_nearest(runtime_->state().strategy.position) : 0;
  summary_.strategy_up_at_end = accepting();
  const std::optional<std::int64_t> position_value =
      try_mul_scaled(summary_.final_position_e8, mark_e8_, Rounding::kHalfEven);
  const std::optional<std::int64_t> equity =
      position_value ? try_add(summary_.final_quote_e8, *position_value) : std::nullopt;
  if (!equity) stop("the final position's value is beyond int64 e8");
  summary_.final_equity_e8 = equity.value_or(0);
  if (faults_) {
    summary_.faults = faults_->stats();
    summary_.fault_log = faults_->log();
  }
  summary_.fingerprint = journal_.fingerprint();
  summary_.journal_lines = journal_.lines();
}

Engine::Engine(EngineConfig config)
    : config_(std::move(config)), text_(config_.keep_journal_text, config_.journal_sink) {
  config_.exchange.latency.stream_seed = Prng(config_.seed).fork("latency").seed();
  config_.strategy.initial_cash = to_double(config_.exchange.account.initial_quote_e8);
  config_.strategy.initial_position = to_double(config_.exchange.account.initial_base_e8);
}

EngineSummary Engine::run(ports::MarketSource& market, ports::SignalSource& signals,
                          ports::Sink& sink) {
  Q50_CHECK(!ran_, "an Engine runs once");
  ran_ = true;
  Simulation simulation(config_, text_, market, signals, sink);
  return simulation.run();
}

}  // namespace q50::sim
