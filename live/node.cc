#include "live/node.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>
#include <variant>

#include "core/fixed_point.h"
#include "core/overloaded.h"
#include "fmt/format.h"
#include "live/decimal.h"
#include "live/response_parse.h"

namespace q50::live {
namespace {

constexpr std::int64_t kNsPerMs = 1'000'000;
constexpr std::size_t kRecent = 20;
constexpr std::size_t kCurvePoints = 500;

strategy::Bar bar_of(const Kline& k) {
  // A bar is published at its end: the open of the next one (close_time + 1 ms).
  return {(k.close_time_ms + 1) * kNsPerMs,  to_double(k.open_e8),  to_double(k.high_e8),
          to_double(k.low_e8),               to_double(k.close_e8), to_double(k.volume_e8)};
}

template <class T>
void push_bounded(std::deque<T>& d, T value, std::size_t limit) {
  d.push_back(std::move(value));
  while (d.size() > limit) d.pop_front();
}

std::string describe_bar(const strategy::BarRecord& r, const ports::SignalSample& s) {
  return fmt::format(
      "bar ts={} close={} signal={} q50={} side={} tier={} size={} target={} order={} "
      "waiting={} risk={} position={} cash={} equity={}",
      format_timestamp(r.ts_ns), r.close, to_string(s.kind), s.q50, static_cast<int>(r.side),
      static_cast<int>(r.tier), r.size, r.target_qty, r.order_qty, r.waiting ? 1 : 0,
      r.risk_limited ? reject_reason_name(r.risk_reason) : "-", r.position, r.cash, r.equity);
}

}  // namespace

LiveNode::LiveNode(NodeConfig config, RestClient& rest, Clock& clock,
                   ports::SignalSource& signals, ports::Sink& sink, NodeFiles& files,
                   const std::atomic<bool>& stop)
    : config_(std::move(config)),
      rest_(rest),
      clock_(clock),
      signals_(signals),
      sink_(sink),
      files_(files),
      stop_(stop),
      backoff_rng_(Prng(config_.seed).fork("backoff")) {}

std::int64_t LiveNode::sync_time() {
  const RestResult<TimeSample> t = rest_.server_time();
  if (t.ok()) {
    now_ms_ = t.value->server_time_ms;
    note_venue_rate(t.value->local_mid_ms, now_ms_);
  } else {
    now_ms_ = clock_.wall_ms() + rest_.clock_offset_ms();
  }
  return t.ok() ? 1 : 0;
}

absl::Status LiveNode::start() {
  if (sync_time() == 0) {
    return absl::UnavailableError("the venue does not answer GET /api/v3/time");
  }
  const RestResult<ExchangeInfo> info = rest_.exchange_info(config_.symbol);
  if (info.outcome.kind == OutcomeKind::kAuthFatal) return absl::UnauthenticatedError(info.message);
  if (!info.ok()) return absl::UnavailableError("exchangeInfo: " + info.message);
  const SymbolInfo* symbol = find_symbol(*info.value, config_.symbol);
  if (symbol == nullptr) {
    return absl::FailedPreconditionError(fmt::format("exchangeInfo has no symbol {}", config_.symbol));
  }
  symbol_ = *symbol;
  for (const RateLimit& l : info.value->rate_limits) {
    if (l.rate_limit_type == "REQUEST_WEIGHT" && l.interval == "MINUTE" && l.interval_num == 1) {
      weight_limit_ = l.limit;
    }
  }
  const RestResult<AccountReport> account = rest_.account();
  if (account.outcome.kind == OutcomeKind::kAuthFatal) {
    return absl::UnauthenticatedError("the venue refused the API key: " + account.message);
  }
  if (!account.ok()) return absl::UnavailableError("account: " + account.message);
  std::int64_t base = 0, quote = 0, taker_ppm = 1000;
  for (const Balance& b : account.value->balances) {
    if (b.asset == symbol_.base_asset) base = checked_add(b.free_e8, b.locked_e8);
    if (b.asset == symbol_.quote_asset) quote = checked_add(b.free_e8, b.locked_e8);
  }
  if (account.value->taker_commission_rate_e8 > 0) {
    taker_ppm = account.value->taker_commission_rate_e8 / 100;  // a fraction in e8 -> ppm
  }
  venue_.emplace(rest_, BinanceVenueConfig{symbol_, config_.paper, base, quote, taker_ppm});

  runtime_config_.strategy = config_.strategy;
  runtime_config_.strategy.lot_size =
      to_double(std::max<std::int64_t>(symbol_.filters.lot_size.step_size_e8, 1));
  runtime_config_.instrument.symbol = symbol_.symbol;
  runtime_config_.instrument.step_size_e8 = symbol_.filters.lot_size.step_size_e8;
  runtime_config_.initial_quote_e8 = quote;
  runtime_config_.initial_base_e8 = base;
  runtime_config_.client_id_prefix = config_.client_id_prefix;
  // Fills keep the books exact (fees in the quote asset, trades replayed after lost answers);
  // a reconciliation runs every reconcile_every_bars bars, after a reconnect, a restart, an
  // anomaly, and a fee charged in another asset (take_unmirrored_fee).
  runtime_config_.reconcile_after_orders = false;
  return absl::OkStatus();
}

absl::Status LiveNode::run() {
  if (auto st = start(); !st.ok()) return st;
  auto saved = files_.load_state();
  if (!saved.ok()) return saved.status();
  runtime::Commands commands;
  if (saved->has_value()) {
    auto state = decode_node_state(**saved, "state file");
    if (!state.ok()) return state.status();
    if (state->client_id_prefix != config_.client_id_prefix) {
      return absl::FailedPreconditionError(fmt::format(
          "the state file belongs to the run with client id prefix '{}', not '{}'",
          state->client_id_prefix, config_.client_id_prefix));
    }
    state_ = std::move(*state);
    ++state_.counters.restarts;
    runtime_.emplace(runtime_config_, state_.runtime.strategy, state_.runtime.orders,
                     state_.runtime.counters);
    files_.journal(fmt::format("restart: last bar open {} ms, order in flight {}",
                               state_.last_bar_open_ms, state_.runtime.orders.in_flight.active));
    runtime_->recover(now_ns(), commands);
  } else {
    state_.client_id_prefix = config_.client_id_prefix;
    runtime_.emplace(runtime_config_);
    const std::int64_t first_open = config_.first_bar_close_ms > 0
                                        ? config_.first_bar_close_ms - config_.bar_ms
                                        : now_ms_ / config_.bar_ms * config_.bar_ms;
    if (auto st = warm_up(first_open); !st.ok()) return st;
    files_.journal(fmt::format("start: symbol {} base {} quote {} paper {}", symbol_.symbol,
                               format_e8(runtime_config_.initial_base_e8, 8),
                               format_e8(runtime_config_.initial_quote_e8, 8), config_.paper));
    // A fresh start adopts the venue's books as they are (another process may have traded).
    runtime_->request_reconcile(commands);
  }
  execute(commands);
  persist();
  while (!stop_.load() && !venue_->fatal()) {
    if (config_.max_bars > 0 && state_.counters.bars >= config_.max_bars) break;
    turn();
    wait();
  }
  if (!venue_->fatal()) {
    // A last look at the venue's books, so the state and metrics end with them.
    runtime::Commands last;
    runtime_->request_reconcile(last);
    execute(last);
  }
  snapshot_.status = venue_->fatal() ? "stopped: credentials refused" : "stopped";
  persist();
  publish();
  if (venue_->fatal()) return absl::UnauthenticatedError(venue_->fatal_message());
  return absl::OkStatus();
}

// The closed bars before the first one to trade feed the features only.
absl::Status LiveNode::warm_up(std::int64_t start_open_ms) {
  state_.last_bar_open_ms = start_open_ms - config_.bar_ms;
  if (config_.warmup_bars <= 0) return absl::OkStatus();
  KlinesQuery q;
  q.symbol = config_.symbol;
  q.interval = config_.interval;
  q.start_time_ms = start_open_ms - config_.warmup_bars * config_.bar_ms;
  q.end_time_ms = start_open_ms - 1;
  q.limit = std::min<std::int64_t>(config_.warmup_bars, 1000);
  const RestResult<std::vector<Kline>> k = rest_.klines(q);
  if (!k.ok()) return absl::UnavailableError("klines (warm-up): " + k.message);
  for (const Kline& bar : closed_klines(*k.value, now_ms_)) {
    if (bar.open_time_ms >= start_open_ms) break;
    runtime_->on_warm_up(bar_of(bar));
  }
  return absl::OkStatus();
}

void LiveNode::turn() {
  if (sync_time() == 0) {
    ++failures_in_row_;
    return;
  }
  if (failures_in_row_ > 0) {
    // The venue is back after failed turns (a reconnect): reconcile before trading on.
    ++state_.counters.reconnects;
    reconcile_due_ = true;
    files_.journal(fmt::format("reconnect after {} failed turns", failures_in_row_));
  }
  failures_in_row_ = 0;
  retry_queries();
  process_bars(now_ms_);
  std::vector<venue::VenueEvent> events;
  venue_->poll(now_ns(), events);
  to_runtime(events);
  if (venue_->take_unmirrored_fee()) reconcile_due_ = true;
  if (reconcile_due_) {
    runtime::Commands commands;
    runtime_->request_reconcile(commands);
    if (!commands.empty()) reconcile_due_ = false;
    execute(commands);
  }
  for (const std::string& p : venue_->problems()) files_.journal("venue: " + p);
  state_.counters.faults_seen += static_cast<std::int64_t>(venue_->problems().size());
  venue_->problems().clear();
  persist();
  publish();
}

void LiveNode::process_bars(std::int64_t now_ms) {
  KlinesQuery q;
  q.symbol = config_.symbol;
  q.interval = config_.interval;
  q.start_time_ms = state_.last_bar_open_ms + config_.bar_ms;
  q.limit = 1000;
  const RestResult<std::vector<Kline>> k = rest_.klines(q);
  if (!k.ok()) {
    ++failures_in_row_;
    files_.journal("venue: " + k.message);
    return;
  }
  for (const Kline& bar : closed_klines(*k.value, now_ms)) {
    if (stop_.load()) return;
    if (bar.open_time_ms <= state_.last_bar_open_ms) continue;
    // While the runtime waits for the venue (the order in flight after a restart, an account
    // report to reconcile with), the bar waits too: it is taken, in order, once the runtime
    // trades again, never dropped.
    if (runtime_->state().mode != runtime::Mode::kRunning) {
      return;
    }
    if (config_.max_bars > 0 && state_.counters.bars >= config_.max_bars) return;
    const TimestampNs bar_ts = (bar.close_time_ms + 1) * kNsPerMs;
    const ports::SignalSample peek = signals_.at(bar_ts);
    const bool waited_enough = now_ms - (bar.close_time_ms + 1) >= config_.signal_grace_ms;
    if (peek.kind != SignalMatchKind::kExact && !waited_enough &&
        signals_.health() == ports::SignalSourceHealth::kOk) {
      return;  // its row may still be on the way: take the bar on a later turn
    }
    process_bar(bar, now_ms);
  }
}

ports::SignalSample LiveNode::signal_for(TimestampNs bar_ts_ns) {
  ports::SignalSample s = signals_.at(bar_ts_ns);
  if (signals_.health() != ports::SignalSourceHealth::kOk) {
    ++state_.counters.signal_unavailable_bars;
    if (config_.on_signal_unavailable == SignalUnavailablePolicy::kFlat) return {};
    s = last_good_signal_;
    if (s.kind != SignalMatchKind::kNone) s.kind = SignalMatchKind::kStale;
    return s;
  }
  if (s.kind != SignalMatchKind::kNone) {
    last_good_signal_ = s;
    last_fresh_signal_ms_ = bar_ts_ns / kNsPerMs;
  }
  return s;
}

void LiveNode::process_bar(const Kline& k, std::int64_t now_ms) {
  const strategy::Bar bar = bar_of(k);
  venue_->set_reference_price(k.close_e8);
  runtime::BarInput input{now_ms * kNsPerMs, bar, signal_for(bar.ts_ns), false};
  input.signal_source_flat = signals_.health() != ports::SignalSourceHealth::kOk &&
                             config_.on_signal_unavailable == SignalUnavailablePolicy::kFlat;
  state_.last_bar_open_ms = k.open_time_ms;
  runtime::Commands commands;
  runtime_->on_bar(input, commands);
  const bool decided = std::any_of(commands.begin(), commands.end(), [](const auto& c) {
    return std::holds_alternative<runtime::BarDone>(c);
  });
  if (decided) ++state_.counters.bars;
  if (config_.reconcile_every_bars > 0 && decided &&
      state_.counters.bars % config_.reconcile_every_bars == 0) {
    reconcile_due_ = true;
  }
  execute(commands);
  snapshot_.last_close = bar.close;
}

void LiveNode::execute(const runtime::Commands& commands) {
  for (const runtime::Command& c : commands) execute_one(c);
}

void LiveNode::to_runtime(const std::vector<venue::VenueEvent>& events) {
  for (const venue::VenueEvent& e : events) {
    record(e);
    runtime::Commands commands;
    runtime_->on_venue(e, commands);
    execute(commands);
  }
}

// The venue's side of an order, for the sink and the counters (as the simulator records it).
void LiveNode::record(const venue::VenueEvent& event) {
  const std::string id = std::visit([](const auto& e) { return e.client_order_id; }, event);
  const std::string_view prefix = config_.client_id_prefix;
  const std::int64_t client_id =
      id.rfind(prefix, 0) == 0 ? std::strtoll(id.c_str() + prefix.size(), nullptr, 10) : 0;
  std::visit(Overloaded{
                 [&](const venue::OrderAccepted& e) {
                   sink_.on_order({now_ns(), e.ts_ns, client_id,
                                   e.side == venue::Side::kBuy ? e.qty_e8 : -e.qty_e8,
                                   ports::OrderOutcome::kAccepted, venue::RejectCode::kInvalidRequest});
                   push_bounded(snapshot_.recent_orders,
                                fmt::format("{} accepted {} {}", id, venue::side_name(e.side),
                                            format_e8(e.qty_e8, 8)),
                                kRecent);
                 },
                 [&](const venue::OrderRejected& e) {
                   if (e.code == venue::RejectCode::kDuplicateOrder) ++state_.counters.duplicate_orders;
                   sink_.on_order({now_ns(), e.ts_ns, client_id, 0,
                                   ports::OrderOutcome::kVenueReject, e.code});
                   push_bounded(snapshot_.recent_orders,
                                fmt::format("{} rejected {}: {}", id, venue::reject_code_name(e.code),
                                            e.reason),
                                kRecent);
                 },
                 [&](const venue::Fill& f) {
                   ++state_.counters.fills;
                   const bool buy = f.side == venue::Side::kBuy;
                   sink_.on_fill({f.ts_ns, f.order_id, client_id, buy ? f.qty_e8 : -f.qty_e8,
                                  f.price_e8, f.notional_e8, f.fee_e8, f.slippage_e8, f.liquidity});
                 },
                 [&](const auto&) {},
             },
             event);
  files_.journal("venue: " + venue::describe(event));
}

void LiveNode::execute_one(const runtime::Command& command) {
  runtime::Commands more;
  std::visit(
      Overloaded{
          [&](const runtime::SendOrder& c) {
            // The order log (written by the runtime) is on disk before the order leaves.
            persist();
            ++state_.counters.orders;
            files_.journal(fmt::format("order {} {} {} {}", c.request.client_order_id,
                                       venue::side_name(c.request.side),
                                       format_e8(c.request.qty_e8, 8), c.resend ? "(resend)" : ""));
            std::vector<venue::VenueEvent> answers;
            venue_->submit(c.request, now_ns(), answers);
            if (answers.empty()) {
              files_.journal("order " + c.request.client_order_id + ": outcome unknown");
              runtime_->on_outcome_unknown({now_ns(), c.request.client_order_id}, more);
              execute(more);
              return;
            }
            to_runtime(answers);
          },
          [&](const runtime::SendCancel& c) {
            std::vector<venue::VenueEvent> answers;
            venue_->cancel(c.request, now_ns(), answers);
            to_runtime(answers);
          },
          [&](const runtime::QueryOrder& c) {
            const auto report = venue_->query_order(c.client_order_id, now_ns());
            if (!report) {
              pending_order_queries_.push_back(c.client_order_id);
              return;
            }
            // An order that ended while its answer was lost: its fills as events, so the
            // books learn them trade by trade (the runtime would otherwise take the venue's
            // balances on trust at the next reconciliation).
            const runtime::Order& o = runtime_->state().orders.in_flight;
            if (runtime_->state().mode == runtime::Mode::kRunning && o.active &&
                o.phase == runtime::OrderPhase::kUnknown) {
              std::vector<venue::VenueEvent> replayed;
              const std::optional<bool> done = venue_->replay_closed(*report, now_ns(), replayed);
              if (!done) {  // its trades could not be read: the whole query again later
                pending_order_queries_.push_back(c.client_order_id);
                return;
              }
              if (*done) {
                files_.journal("order " + report->client_order_id +
                               ": ended while its answer was lost; its trades replayed");
                to_runtime(replayed);
                return;
              }
            }
            runtime_->on_order_status(*report, more);
          },
          [&](const runtime::QueryAccount&) {
            const auto report = venue_->query_account(now_ns());
            if (!report) {
              pending_account_query_ = true;
              return;
            }
            runtime_->on_account(*report, more);
          },
          [&](const runtime::BarDone& c) {
            sink_.on_bar(c.record);
            const std::string line = describe_bar(c.record, c.signal);
            files_.journal(line);
            push_bounded(snapshot_.recent_decisions, line, kRecent);
          },
          [&](const runtime::LotRejected& c) {
            sink_.on_order({c.ts_ns, c.ts_ns, c.client_id, c.asked_e8,
                            ports::OrderOutcome::kLotReject, venue::RejectCode::kInvalidRequest});
            files_.journal(fmt::format("lot_reject client_id={}", c.client_id));
          },
          [&](const runtime::Restarted& c) {
            files_.journal(fmt::format("restarted adopting={}", c.adopting));
          },
          [&](const runtime::Reconciled& c) {
            ++state_.counters.reconciliations;
            if (c.ledger_known && c.ledger_base_e8 != c.base_e8) ++state_.counters.lost_fills;
            state_.venue_base_e8 = c.base_e8;
            files_.journal(fmt::format("reconciled base={} quote={} ledger_base={} ledger_quote={}",
                                       format_e8(c.base_e8, 8), format_e8(c.quote_e8, 8),
                                       format_e8(c.ledger_base_e8, 8),
                                       format_e8(c.ledger_quote_e8, 8)));
          },
          [&](const runtime::Anomaly& c) {
            ++state_.counters.anomalies;
            reconcile_due_ = true;
            files_.journal("anomaly: " + c.what);
          },
      },
      command);
  execute(more);
}

// Queries the venue did not answer are asked again, oldest first.
void LiveNode::retry_queries() {
  std::vector<std::string> ids = std::exchange(pending_order_queries_, {});
  for (const std::string& id : ids) execute_one(runtime::QueryOrder{id});
  if (std::exchange(pending_account_query_, false)) execute_one(runtime::QueryAccount{});
}

void LiveNode::persist() {
  state_.runtime = runtime_->state();
  // Most turns change nothing (no bar closed, no order): the durable write (two fsyncs) only
  // when the bytes differ from what was saved last.
  std::string bytes = encode_node_state(state_);
  if (bytes != saved_state_) {
    if (auto st = files_.save_state(bytes); !st.ok()) {
      files_.journal(std::string("state: ") + std::string(st.message()));
    } else {
      saved_state_ = std::move(bytes);
    }
  }
  if (auto st = files_.save_metrics(metrics_json()); !st.ok()) {
    files_.journal(std::string("metrics: ") + std::string(st.message()));
  }
}

std::string LiveNode::metrics_json() const {
  const runtime::State& rs = runtime_->state();
  const VenueStats& v = venue_->stats();
  const NodeCounters& c = state_.counters;
  const auto venue_base = state_.venue_base_e8;
  return fmt::format(
      "{{\n  \"bars\": {},\n  \"orders\": {},\n  \"fills\": {},\n  \"duplicate_orders\": {},\n"
      "  \"lost_fills\": {},\n  \"reconciliations\": {},\n  \"position_base\": \"{}\",\n"
      "  \"venue_position_base\": \"{}\",\n  \"faults_seen\": {},\n  \"restarts\": {},\n"
      "  \"reconnects\": {},\n  \"anomalies\": {},\n  \"signal_unavailable_bars\": {},\n"
      "  \"unknown_outcomes\": {},\n  \"resends\": {},\n  \"clock_resyncs\": {},\n"
      "  \"rate_limited\": {},\n  \"banned\": {},\n  \"orders_vanished\": {},\n"
      "  \"used_weight_1m\": {},\n  \"venue_time_ms\": {},\n  \"last_bar_open_ms\": {},\n"
      "  \"ledger_base_e8\": {},\n  \"ledger_quote_e8\": {},\n  \"order_in_flight\": {}\n}}\n",
      c.bars, c.orders, c.fills, c.duplicate_orders, c.lost_fills, c.reconciliations,
      format_e8(to_e8_nearest(rs.strategy.position), 8), format_e8(venue_base, 8), c.faults_seen,
      c.restarts, c.reconnects, c.anomalies, c.signal_unavailable_bars, rs.counters.unknown_outcomes,
      rs.counters.resends, v.clock_resyncs, v.rate_limited, v.banned, v.orders_vanished,
      v.used_weight_1m, now_ms_, state_.last_bar_open_ms, rs.ledger.base_e8, rs.ledger.quote_e8,
      rs.orders.in_flight.active || rs.mode != runtime::Mode::kRunning);
}

void LiveNode::publish() {
  if (!publish_) return;
  const strategy::State& s = runtime_->state().strategy;
  snapshot_.venue_time_ms = now_ms_;
  snapshot_.bars = state_.counters.bars;
  snapshot_.position = s.position;
  snapshot_.equity = s.cash + s.position * s.last_close;
  snapshot_.last_signal_age_ms = last_fresh_signal_ms_ < 0 ? -1 : now_ms_ - last_fresh_signal_ms_;
  snapshot_.counters = state_.counters;
  snapshot_.venue = venue_->stats();
  snapshot_.runtime = runtime_->state().counters;
  if (snapshot_.status == "starting") snapshot_.status = "running";
  if (snapshot_.equity_curve.empty() || snapshot_.equity_curve.back().first != now_ms_) {
    push_bounded(snapshot_.equity_curve, {now_ms_, snapshot_.equity}, kCurvePoints);
  }
  publish_(snapshot_);
}

// The venue's Retry-After first, then pacing near the weight limit, then backoff after failed
// turns, else the poll interval. Every wait ends early on a stop request.
// Venue ms per wall ms, from two time samples at least 50 wall ms apart (1 on the real venue;
// the mock's --speed when it is accelerated; 0 once its clock stopped).
void LiveNode::note_venue_rate(std::int64_t wall_ms, std::int64_t venue_ms) {
  if (rate_wall_ms_ < 0 || venue_ms < rate_venue_ms_ || wall_ms < rate_wall_ms_) {
    rate_wall_ms_ = wall_ms;
    rate_venue_ms_ = venue_ms;
    return;
  }
  if (wall_ms - rate_wall_ms_ < 50) return;
  venue_rate_ = static_cast<double>(venue_ms - rate_venue_ms_) /
                static_cast<double>(wall_ms - rate_wall_ms_);
  rate_wall_ms_ = wall_ms;
  rate_venue_ms_ = venue_ms;
}

// The wait before the next turn when nothing asks for a pause: until the next bar can be taken
// (its close, plus the signal grace once it closed), in wall ms at the venue's measured rate;
// a short poll while an order or a query is outstanding; never more than poll_interval_ms.
std::int64_t LiveNode::idle_wait_ms() const {
  const std::int64_t poll = config_.poll_interval_ms;
  const runtime::State& rs = runtime_->state();
  const bool busy = rs.orders.in_flight.active || rs.mode != runtime::Mode::kRunning ||
                    !pending_order_queries_.empty() || pending_account_query_ || reconcile_due_;
  if (busy) return std::min<std::int64_t>(poll, kBusyPollMs);
  if (venue_rate_ <= 0) return poll;
  const std::int64_t next_close_ms = state_.last_bar_open_ms + 2 * config_.bar_ms;
  std::int64_t venue_left = next_close_ms - now_ms_;
  if (venue_left <= 0) venue_left += config_.signal_grace_ms;
  if (venue_left <= 0) return std::min<std::int64_t>(poll, kBusyPollMs);
  const double wall = static_cast<double>(venue_left) / venue_rate_ + 1.0;
  return std::clamp<std::int64_t>(static_cast<std::int64_t>(std::min(wall, 1e12)), 1, poll);
}

void LiveNode::wait() {
  std::int64_t ms = venue_->take_backoff_ms();
  const VenueStats& v = venue_->stats();
  if (ms == 0 && weight_limit_ > 0 &&
      static_cast<double>(v.used_weight_1m) >= config_.pace_weight_fraction *
                                                    static_cast<double>(weight_limit_)) {
    const std::int64_t wall = clock_.wall_ms();
    ms = config_.weight_window_ms - wall % config_.weight_window_ms;
  }
  if (ms == 0 && failures_in_row_ > 0) {
    const int shift = static_cast<int>(std::min<std::int64_t>(failures_in_row_ - 1, 16));
    const std::int64_t cap = std::min(config_.backoff_max_ms, config_.backoff_base_ms << shift);
    ms = cap / 2 + static_cast<std::int64_t>(backoff_rng_.below(static_cast<std::uint64_t>(cap / 2 + 1)));
  }
  if (ms == 0) ms = idle_wait_ms();
  const std::int64_t step = std::min<std::int64_t>(ms, 200);
  for (std::int64_t left = ms; left > 0 && !stop_.load(); left -= step) {
    clock_.sleep_ms(std::min(step, left));
  }
}

}  // namespace q50::live
