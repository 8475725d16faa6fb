#include "sim/engine.h"

#include <bit>
#include <cmath>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/check.h"
#include "sim/event_queue.h"
#include "sim/fixed_point.h"
#include "sim/prng.h"

namespace q50::sim {
namespace {

// One canonical binary journal line: a tag byte, then fixed-width little-endian fields
// written byte by byte (the same bytes on any host), doubles by their IEEE bit pattern.
class BinaryLine {
 public:
  explicit BinaryLine(char tag) { buf_[n_++] = tag; }
  BinaryLine& u8(std::uint8_t v) {
    Q50_CHECK(n_ < buf_.size(), "journal line overflow");
    buf_[n_++] = static_cast<char>(v);
    return *this;
  }
  BinaryLine& i64(std::int64_t v) {
    Q50_CHECK(n_ + 8 <= buf_.size(), "journal line overflow");
    const auto u = static_cast<std::uint64_t>(v);
    for (int i = 0; i < 8; ++i) buf_[n_++] = static_cast<char>((u >> (8 * i)) & 0xffU);
    return *this;
  }
  BinaryLine& f64(double v) { return i64(std::bit_cast<std::int64_t>(v)); }
  std::string_view view() const { return {buf_.data(), n_}; }

 private:
  std::array<char, 128> buf_{};
  std::size_t n_ = 0;
};

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

// v * 1e8 rounded to nearest, ties to even: from_double(v, Rounding::kHalfEven) without its
// fmod (a tenth of the whole loop's time in the benchmark). std::rint rounds in the current
// mode, which is IEEE's default round-to-nearest-even: nothing in q50sim ever changes it.
std::int64_t to_e8_nearest(double v) {
  const double x = std::rint(v * static_cast<double>(kFixedScale));
  Q50_CHECK(std::isfinite(x) && std::fabs(x) < 9.2e18, "amount out of the e8 range");
  return static_cast<std::int64_t>(x);
}

Bar to_venue_bar(const native::Bar& b) {
  Bar v;
  v.ts_ns = b.ts_ns;
  v.open_e8 = to_e8_nearest(b.open);
  v.high_e8 = to_e8_nearest(b.high);
  v.low_e8 = to_e8_nearest(b.low);
  v.close_e8 = to_e8_nearest(b.close);
  v.volume_e8 = from_double(b.volume, Rounding::kDown);
  return v;
}

std::string client_id_text(std::int64_t id) { return "q50n-" + std::to_string(id); }

std::string_view match_name(SignalMatchKind k) { return to_string(k); }

}  // namespace

RowSignalSource::RowSignalSource(std::span<const TimestampNs> ts_ns, std::span<const double> q10,
                                 std::span<const double> q50, std::span<const double> q90,
                                 const SignalLookupRule& rule)
    : cursor_(ts_ns, rule), q10_(q10), q50_(q50), q90_(q90) {
  Q50_CHECK(q10.size() == ts_ns.size() && q50.size() == ts_ns.size() &&
                q90.size() == ts_ns.size(),
            "signal columns must have one value per row");
}

SignalSample RowSignalSource::at(TimestampNs bar_ts_ns) {
  const SignalMatch m = cursor_.next(bar_ts_ns);
  if (m.kind == SignalMatchKind::kNone || !m.index) return {};
  const std::size_t i = *m.index;
  return {m.kind, q10_[i], q50_[i], q90_[i]};
}

SyntheticSource::SyntheticSource(const SyntheticMarketParams& market,
                                 const ForecasterParams& forecaster, OhlcvShape shape)
    : feed_(market, forecaster, shape) {}

bool SyntheticSource::next(native::Bar& bar) {
  has_bar_ = feed_.next(bar_, forecast_);
  if (!has_bar_) return false;
  bar = {bar_.ts_ns, bar_.open, bar_.high, bar_.low, bar_.close, bar_.volume};
  return true;
}

SignalSample SyntheticSource::at(TimestampNs bar_ts_ns) {
  if (!has_bar_ || bar_ts_ns != bar_.ts_ns) return {};
  return {SignalMatchKind::kExact, forecast_.q10, forecast_.q50, forecast_.q90};
}

// The run's mutable world; lives for one Engine::run.
struct Engine::Impl {
  // The queue's payload: 0 for the next market bar (held in next_bar), else the key of a venue
  // response in venue_events. Keeping the events out of the heap keeps its entries small.
  using Payload = std::uint64_t;

  // The order in flight as the venue sees it.
  struct Pending {
    bool active = false;
    std::int64_t client_id = 0;
    std::string client_text;
    std::int64_t order_id = 0;  // 0 until accepted
    std::int64_t qty_e8 = 0;
    std::int64_t filled_e8 = 0;
  };

  Impl(EngineConfig& c, Journal& t, MarketSource& m, SignalSource& s, EngineSink& k)
      : config(c),
        exchange(c.exchange),
        state(native::initial_state(c.strategy)),
        text(t),
        market(m),
        signals(s),
        sink(k) {
    ledger_quote_e8 = c.exchange.account.initial_quote_e8;
    ledger_base_e8 = c.exchange.account.initial_base_e8;
  }

  EngineSummary run();
  void pull_bar();
  void on_bar(const native::Bar& bar);
  void on_venue(const VenueEvent& ev);
  void on_fill(const Fill& f);
  void end_order();
  void apply(const native::Event& event);
  void submit(const native::SubmitOrder& order, TimestampNs now_ns);
  void schedule(std::vector<VenueEvent> events);
  void journal_bar(const native::BarRecord& r);
  void journal_venue(const VenueEvent& ev);
  void check_invariants();
  void check_mirror();

  EngineConfig& config;
  Exchange exchange;
  native::State state;
  EventQueue<Payload> queue;
  Journal journal{false};
  Journal& text;
  MarketSource& market;
  SignalSource& signals;
  EngineSink& sink;

  native::Bar next_bar;
  bool has_bar = false;  // a bar has been processed
  TimestampNs last_bar_ts_ns = 0;
  TimestampNs last_event_ts_ns = INT64_MIN;
  std::int64_t mark_e8 = 0;
  SignalSample signal;  // the current bar's
  std::int64_t ledger_quote_e8 = 0;
  std::int64_t ledger_base_e8 = 0;
  Pending pending;
  std::map<std::uint64_t, VenueEvent> venue_events;  // queued venue responses, by key
  std::uint64_t next_event_key = 1;
  EngineSummary summary;
};

void Engine::Impl::pull_bar() {
  if (!market.next(next_bar)) return;
  Q50_CHECK(!has_bar || next_bar.ts_ns > last_bar_ts_ns, "bar times must strictly increase");
  queue.push(next_bar.ts_ns, Priority::kMarketData, 0);
}

void Engine::Impl::schedule(std::vector<VenueEvent> events) {
  for (VenueEvent& ev : events) {
    const TimestampNs ts = event_ts_ns(ev);
    const std::uint64_t key = next_event_key++;
    venue_events.emplace(key, std::move(ev));
    queue.push(ts, Priority::kVenueResponse, key);
  }
}

void Engine::Impl::on_bar(const native::Bar& bar) {
  ++summary.bars;
  has_bar = true;
  last_bar_ts_ns = bar.ts_ns;
  const Bar venue_bar = to_venue_bar(bar);
  mark_e8 = venue_bar.close_e8;
  schedule(exchange.on_bar(venue_bar));
  signal = signals.at(bar.ts_ns);
  if (signal.kind != SignalMatchKind::kNone) {
    apply(native::SignalUpdate{bar.ts_ns, signal.q10, signal.q50, signal.q90, signal.kind});
  }
  apply(bar);
}

void Engine::Impl::apply(const native::Event& event) {
  // Commands of this step: submit() may re-enter apply() (an order rounded to nothing is
  // answered with a reject at once), so they live on this frame.
  native::Commands commands;
  native::advance(state, event, config.strategy, commands);
  for (const native::Command& c : commands) {
    if (const auto* order = std::get_if<native::SubmitOrder>(&c)) {
      submit(*order, queue.now_ns());
    } else if (const auto* record = std::get_if<native::BarRecord>(&c)) {
      journal_bar(*record);
      sink.on_bar(*record);
    }
  }
}

// The boundary conversion of an order (see engine.h): nearest e8, then down to the step.
void Engine::Impl::submit(const native::SubmitOrder& order, TimestampNs now_ns) {
  Q50_CHECK(!pending.active, "the strategy sent a second order while one is in flight");
  const std::int64_t qty_e8 = round_qty_down(
      config.exchange.instrument, to_e8_nearest(std::fabs(order.qty)));
  if (qty_e8 <= 0) {
    ++summary.lot_rejects;
    journal.append(BinaryLine('L').i64(order.client_order_id).view());
    if (config.keep_journal_text) {
      text.append("lot_reject client_id=" + std::to_string(order.client_order_id));
    }
    apply(native::Rejected{now_ns, order.client_order_id, 0});
    return;
  }
  pending = Pending{true, order.client_order_id, client_id_text(order.client_order_id), 0,
                    qty_e8, 0};
  OrderRequest request;
  request.client_order_id = pending.client_text;
  request.symbol = config.exchange.instrument.symbol;
  request.side = order.qty > 0 ? Side::kBuy : Side::kSell;
  request.type = OrderType::kMarket;
  request.qty_e8 = qty_e8;
  ++summary.orders;
  journal.append(BinaryLine('O').i64(order.client_order_id).u8(static_cast<std::uint8_t>(request.side))
                     .i64(qty_e8)
                     .view());
  if (config.keep_journal_text) {
    text.append("order client_id=" + pending.client_text + " side=" +
                std::string(side_name(request.side)) + " qty_e8=" + std::to_string(qty_e8));
  }
  schedule(exchange.submit(request, now_ns));
}

void Engine::Impl::end_order() {
  pending = Pending{};
  exchange.forget_closed_orders();
}

void Engine::Impl::on_fill(const Fill& f) {
  Q50_CHECK(f.qty_e8 > 0 && f.filled_qty_e8 <= pending.qty_e8 &&
                f.filled_qty_e8 == pending.filled_e8 + f.qty_e8 &&
                f.filled_qty_e8 + f.leaves_qty_e8 == pending.qty_e8,
            "fill quantities do not add up to the order");
  pending.filled_e8 = f.filled_qty_e8;
  const TradeCosts<std::int64_t> costs{f.notional_e8, f.fee_e8, f.slippage_e8};
  const bool buy = f.side == Side::kBuy;
  if (buy) {
    ledger_quote_e8 = checked_sub(ledger_quote_e8, FixedPointAccounting::buy_cost(costs));
    ledger_base_e8 = checked_add(ledger_base_e8, f.qty_e8);
  } else {
    ledger_quote_e8 = checked_add(ledger_quote_e8, FixedPointAccounting::sell_proceeds(costs));
    ledger_base_e8 = checked_sub(ledger_base_e8, f.qty_e8);
  }
  ++summary.fills;
  const std::int64_t signed_qty = buy ? f.qty_e8 : -f.qty_e8;
  sink.on_fill({f.ts_ns, f.order_id, pending.client_id, signed_qty, f.price_e8, f.notional_e8,
                f.fee_e8, f.slippage_e8, f.liquidity});
  const native::Filled event{f.ts_ns,
                             pending.client_id,
                             to_double(signed_qty),
                             to_double(f.price_e8),
                             to_double(f.notional_e8),
                             to_double(f.fee_e8),
                             to_double(f.slippage_e8),
                             to_double(f.leaves_qty_e8)};
  if (f.leaves_qty_e8 == 0) end_order();
  apply(event);
}

void Engine::Impl::on_venue(const VenueEvent& ev) {
  journal_venue(ev);
  Q50_CHECK(pending.active, "a venue event without an order in flight");
  std::visit(
      Overloaded{
          [&](const OrderAccepted& e) {
            Q50_CHECK(e.client_order_id == pending.client_text, "accepted a foreign order");
            pending.order_id = e.order_id;
            ++summary.accepted;
          },
          [&](const OrderRejected& e) {
            ++summary.venue_rejects[e.code];
            const std::int64_t id = pending.client_id;
            end_order();
            apply(native::Rejected{e.ts_ns, id, binance_error_code(e.code)});
          },
          [&](const Fill& e) { on_fill(e); },
          [&](const OrderCanceled& e) {
            ++summary.orders_ended;
            const std::int64_t id = pending.client_id;
            const double remaining = to_double(pending.qty_e8 - e.filled_qty_e8);
            end_order();
            apply(native::Ended{e.ts_ns, id, remaining, true});
          },
          [&](const OrderExpired& e) {
            ++summary.orders_ended;
            const std::int64_t id = pending.client_id;
            const double remaining = to_double(pending.qty_e8 - e.filled_qty_e8);
            end_order();
            apply(native::Ended{e.ts_ns, id, remaining, false});
          },
      },
      ev);
}

// One line per bar: the market, the signal, what the strategy made of it.
void Engine::Impl::journal_bar(const native::BarRecord& r) {
  const auto flags = static_cast<std::uint8_t>((r.signal_used ? 1U : 0U) |
                                               (r.waiting ? 2U : 0U) |
                                               (r.risk_limited ? 4U : 0U));
  journal.append(BinaryLine('B')
                     .i64(r.ts_ns)
                     .i64(mark_e8)
                     .u8(static_cast<std::uint8_t>(signal.kind))
                     .f64(signal.q50)
                     .u8(static_cast<std::uint8_t>(r.side))
                     .u8(r.tier)
                     .u8(flags)
                     .view());
  if (config.keep_journal_text) {
    text.append("bar ts_ns=" + std::to_string(r.ts_ns) + " close_e8=" + std::to_string(mark_e8) +
                " signal=" + std::string(match_name(signal.kind)) +
                " side=" + std::to_string(r.side) + " tier=" + std::to_string(r.tier) +
                " flags=" + std::to_string(flags) +
                " position_e8=" + std::to_string(exchange.position_e8()) +
                " quote_e8=" + std::to_string(exchange.balances().quote.total_e8()));
  }
}

void Engine::Impl::journal_venue(const VenueEvent& ev) {
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
  journal.append(line.view());
  if (config.keep_journal_text) text.append(describe(ev));
}

void Engine::Impl::check_invariants() {
  ++summary.invariant_checks;
  const TimestampNs now = queue.now_ns();
  Q50_CHECK(now >= last_event_ts_ns, "simulated time ran backwards");
  last_event_ts_ns = now;
  const AccountState& a = exchange.balances();
  if (config.exchange.account.mode == AccountMode::kSpot) {
    Q50_CHECK(a.base.free_e8 >= 0 && a.base.locked_e8 >= 0 && a.quote.free_e8 >= 0 &&
                  a.quote.locked_e8 >= 0,
              "a spot balance went negative");
  }
  Q50_CHECK(pending.active == state.in_flight.active,
            "the strategy's order in flight differs from the engine's");
  Q50_CHECK(pending.filled_e8 <= pending.qty_e8, "fills exceed the order quantity");
  if (!pending.active) check_mirror();
}

// With no order in flight every party has seen every fill: the ledgers must agree.
void Engine::Impl::check_mirror() {
  const AccountState& a = exchange.balances();
  const std::int64_t quote = a.quote.total_e8();
  const std::int64_t base = exchange.position_e8();
  Q50_CHECK(ledger_quote_e8 == quote && ledger_base_e8 == base,
            "the venue's balances differ from the fills it reported");
  Q50_CHECK(to_e8_nearest(state.position) == base,
            "the strategy's position mirror differs from the venue's position");
  const double cash = to_double(quote);
  Q50_CHECK(std::fabs(state.cash - cash) <= 1e-6 + 1e-9 * std::fabs(cash),
            "the strategy's cash mirror differs from the venue's quote balance");
  if (!has_bar) return;
  // The venue's equity in e8 integers: cash + position * mark, the product rounded once.
  const std::int64_t position_value =
      base == 0 ? 0 : mul_scaled(base, mark_e8, Rounding::kHalfEven);
  const std::int64_t equity_e8 = checked_add(quote, position_value);
  const double equity = state.cash + state.position * state.last_close;
  const double venue_equity = to_double(equity_e8);
  Q50_CHECK(std::fabs(equity - venue_equity) <= 1e-6 + 1e-9 * std::fabs(venue_equity),
            "the strategy's equity differs from the venue's");
}

EngineSummary Engine::Impl::run() {
  pull_bar();
  while (!queue.empty()) {
    const EventQueue<Payload>::Entry entry = queue.pop();
    ++summary.events;
    if (entry.payload == 0) {
      const native::Bar bar = next_bar;
      on_bar(bar);
      pull_bar();
    } else {
      auto it = venue_events.find(entry.payload);
      Q50_CHECK(it != venue_events.end(), "a queued venue event went missing");
      const VenueEvent ev = std::move(it->second);
      venue_events.erase(it);
      on_venue(ev);
    }
    if (config.check_invariants) check_invariants();
  }
  const AccountState& a = exchange.balances();
  summary.strategy = state.counters;
  summary.order_open_at_end = pending.active;
  summary.fees_e8 = a.fees_paid_e8;
  summary.slippage_e8 = a.slippage_paid_e8;
  summary.final_quote_e8 = a.quote.total_e8();
  summary.final_position_e8 = exchange.position_e8();
  summary.final_mark_e8 = mark_e8;
  summary.final_equity_e8 = checked_add(
      summary.final_quote_e8, mul_scaled(summary.final_position_e8, mark_e8, Rounding::kHalfEven));
  summary.fingerprint = journal.fingerprint();
  summary.journal_lines = journal.lines();
  return summary;
}

Engine::Engine(EngineConfig config) : config_(std::move(config)), text_(config_.keep_journal_text) {
  config_.exchange.latency.stream_seed = Prng(config_.seed).fork("latency").seed();
  config_.strategy.initial_cash = to_double(config_.exchange.account.initial_quote_e8);
  config_.strategy.initial_position = to_double(config_.exchange.account.initial_base_e8);
}

EngineSummary Engine::run(MarketSource& market, SignalSource& signals, EngineSink& sink) {
  Q50_CHECK(!ran_, "an Engine runs once");
  ran_ = true;
  Impl impl(config_, text_, market, signals, sink);
  return impl.run();
}

}  // namespace q50::sim
