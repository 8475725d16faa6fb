#include "sim/engine.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/check.h"
#include "sim/event_queue.h"
#include "sim/faults.h"
#include "core/fixed_point.h"
#include "sim/prng.h"
#include "sim/strategy_checkpoint.h"

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
  // Not value-initialised: only [0, n_) is ever written or read, and clearing 128 bytes per
  // journal line (a rep stos) was a measurable share of the per-bar cost.
  std::array<char, 128> buf_;
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

bool SyntheticSource::next(strategy::Bar& bar) {
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
    std::int64_t qty_e8 = 0;        // as the strategy asked
    std::int64_t filled_e8 = 0;
    std::int64_t venue_qty_e8 = 0;  // as sent: qty_e8 less a partial_fill fault's cut
    TimestampNs decided_ts_ns = 0;  // the bar time at which the strategy sent it
    bool sign_buy = true;
  };

  // Queue payloads besides 0 (the next market bar) and venue response keys.
  static constexpr Payload kDeliveryBit = Payload{1} << 63;  // a bar delivered late
  static constexpr Payload kRestartBit = Payload{1} << 62;   // a crashed strategy restarts
  static constexpr std::size_t kNoFault = std::numeric_limits<std::size_t>::max();

  // One configured fault as the run sees it.
  struct FaultRun {
    FaultWindow window;
    Prng prng;
    std::size_t log_index = kNoFault;  // its FaultEvent once opened
    bool recovered = false;
  };
  // A signal row on its way to the strategy.
  struct SignalItem {
    TimestampNs due_ns = 0;
    TimestampNs row_ts_ns = 0;
    SignalSample sample;
    std::int64_t after_items = 0;  // out_of_order: rows still to pass it
  };
  // A bar held back by out_of_order_bar.
  struct HeldBar {
    strategy::Bar bar;
    std::size_t fault = kNoFault;
    std::int64_t after_items = 0;
  };

  Impl(EngineConfig& c, Journal& t, MarketSource& m, SignalSource& s, EngineSink& k)
      : config(c),
        exchange(c.exchange),
        state(strategy::initial_state(c.strategy)),
        text(t),
        market(m),
        signals(s),
        sink(k) {
    ledger_quote_e8 = c.exchange.account.initial_quote_e8;
    ledger_base_e8 = c.exchange.account.initial_base_e8;
    setup_faults();
  }

  EngineSummary run();
  void pull_bar();
  void on_bar(const strategy::Bar& bar);
  void on_venue(const VenueEvent& ev);
  void on_fill(const Fill& f);
  void count_reject(RejectCode code);
  void end_order();
  void apply(const strategy::Event& event);
  void submit(const strategy::SubmitOrder& order, TimestampNs now_ns);
  void submit_faulty(OrderRequest& request, TimestampNs now_ns);
  void schedule(std::vector<VenueEvent> events);
  void journal_bar(const strategy::BarRecord& r);
  void journal_venue(const VenueEvent& ev);
  void check_invariants();
  void check_mirror();
  // Fault injection (sim/faults.h); none of it runs in a run without faults.
  void setup_faults();
  void on_bar_faulty(const strategy::Bar& bar);
  void advance_windows(std::int64_t index, TimestampNs ts_ns);
  void open_window(std::size_t i, TimestampNs ts_ns);
  void close_window(std::size_t i);
  void sync_venue_models();
  void route_signal(const strategy::Bar& bar, const SignalSample& sample);
  void route_bar(const strategy::Bar& bar);
  void deliver_bar(const strategy::Bar& bar, std::size_t fault);
  void strategy_bar(const strategy::Bar& bar);
  SignalSample pick_signal(TimestampNs bar_ts_ns);
  void restart_strategy(std::size_t fault);
  void reconcile();
  void note_recoveries();
  bool mirror_matches() const;
  std::size_t active_fault(FaultKind kind) const;
  std::size_t latest_opened(FaultKind kind) const;
  void inject(std::size_t fault, std::int64_t n = 1);
  void journal_fault(char tag, std::size_t fault, TimestampNs ts_ns, std::int64_t detail);
  bool detached() const { return strategy_down || adopting; }
  void to_strategy(const strategy::Event& event) {
    if (!detached()) apply(event);
  }

  EngineConfig& config;
  Exchange exchange;
  strategy::State state;
  EventQueue<Payload> queue;
  Journal journal{false};
  Journal& text;
  MarketSource& market;
  SignalSource& signals;
  EngineSink& sink;

  strategy::Bar next_bar;
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
  const strategy::Params* params = nullptr;  // config.strategy, or flat_params in a flat window
  std::int64_t strategy_mark_e8 = 0;       // the close of the last bar the strategy processed

  // Fault state (empty / idle without faults).
  bool faulty = false;
  std::vector<FaultRun> faults;
  strategy::Params flat_params;
  std::int64_t bar_index = 0;  // of the next market bar
  bool has_strategy_bar = false;
  TimestampNs last_strategy_bar_ts_ns = 0;
  bool has_signal_row = false;
  TimestampNs last_signal_row_ts_ns = 0;
  SignalSample last_good_signal;
  std::vector<SignalItem> held_signals;
  std::vector<HeldBar> held_bars;
  std::map<std::uint64_t, std::pair<strategy::Bar, std::size_t>> late_bars;  // by key
  std::vector<Outage> base_outages;
  std::vector<LatencySpike> base_spikes;
  bool strategy_down = false;
  bool adopting = false;  // restarted with an order in flight: waiting for its end
  bool has_crash = false;
  std::string checkpoint;  // the last encoded strategy state
  std::int64_t strategy_bars = 0;
  std::int64_t last_client_id = 0;
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

void Engine::Impl::on_bar(const strategy::Bar& bar) {
  ++summary.bars;
  has_bar = true;
  last_bar_ts_ns = bar.ts_ns;
  const Bar venue_bar = to_venue_bar(bar);
  mark_e8 = venue_bar.close_e8;
  strategy_mark_e8 = mark_e8;
  schedule(exchange.on_bar(venue_bar));
  signal = signals.at(bar.ts_ns);
  if (signal.kind != SignalMatchKind::kNone) {
    apply(strategy::SignalUpdate{bar.ts_ns, signal.q10, signal.q50, signal.q90, signal.kind});
  }
  apply(bar);
}

void Engine::Impl::apply(const strategy::Event& event) {
  // Commands of this step: submit() may re-enter apply() (an order rounded to nothing is
  // answered with a reject at once), so they live on this frame.
  strategy::Commands commands;
  strategy::advance(state, event, *params, commands);
  for (const strategy::Command& c : commands) {
    if (const auto* order = std::get_if<strategy::SubmitOrder>(&c)) {
      submit(*order, queue.now_ns());
    } else if (const auto* record = std::get_if<strategy::BarRecord>(&c)) {
      journal_bar(*record);
      sink.on_bar(*record);
    }
  }
}

// The boundary conversion of an order (see engine.h): nearest e8, then down to the step.
void Engine::Impl::submit(const strategy::SubmitOrder& order, TimestampNs now_ns) {
  Q50_CHECK(!pending.active, "the strategy sent a second order while one is in flight");
  const std::int64_t qty_e8 = round_qty_down(
      config.exchange.instrument, to_e8_nearest(std::fabs(order.qty)));
  if (qty_e8 <= 0) {
    ++summary.lot_rejects;
    const std::int64_t asked_e8 = to_e8_nearest(std::fabs(order.qty));
    sink.on_order({now_ns, now_ns, order.client_order_id, order.qty > 0 ? asked_e8 : -asked_e8,
                   OrderOutcome::kLotReject, RejectCode::kInvalidRequest});
    journal.append(BinaryLine('L').i64(order.client_order_id).view());
    if (config.keep_journal_text) {
      text.append("lot_reject client_id=" + std::to_string(order.client_order_id));
    }
    apply(strategy::Rejected{now_ns, order.client_order_id, 0});
    return;
  }
  last_client_id = order.client_order_id;
  pending = Pending{true,   order.client_order_id, client_id_text(order.client_order_id), 0,
                    qty_e8, 0,      qty_e8, now_ns, order.qty > 0};
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
  if (!faulty) {
    schedule(exchange.submit(request, now_ns));
    return;
  }
  submit_faulty(request, now_ns);
}

void Engine::Impl::end_order() {
  Q50_CHECK(pending.active, "an order ended twice");
  ++summary.orders_closed;
  pending = Pending{};
  exchange.forget_closed_orders();
}

void Engine::Impl::on_fill(const Fill& f) {
  Q50_CHECK(f.qty_e8 > 0 && f.filled_qty_e8 <= pending.venue_qty_e8 &&
                f.filled_qty_e8 == pending.filled_e8 + f.qty_e8 &&
                f.filled_qty_e8 + f.leaves_qty_e8 == pending.venue_qty_e8,
            "fill quantities do not add up to the order");
  pending.filled_e8 = f.filled_qty_e8;
  const std::int64_t cut_e8 = pending.qty_e8 - pending.venue_qty_e8;
  const std::int64_t client_id = pending.client_id;
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
  const strategy::Filled event{f.ts_ns,
                             client_id,
                             to_double(signed_qty),
                             to_double(f.price_e8),
                             to_double(f.notional_e8),
                             to_double(f.fee_e8),
                             to_double(f.slippage_e8),
                             to_double(f.leaves_qty_e8 + cut_e8)};
  if (f.leaves_qty_e8 == 0) end_order();
  to_strategy(event);
  // partial_fill: the venue's part is done, the rest of the strategy's order expires.
  if (f.leaves_qty_e8 == 0 && cut_e8 > 0) {
    ++summary.orders_ended;
    to_strategy(strategy::Ended{f.ts_ns, client_id, to_double(cut_e8), false});
  }
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
            sink.on_order({pending.decided_ts_ns, e.ts_ns, pending.client_id,
                           pending.sign_buy ? pending.qty_e8 : -pending.qty_e8,
                           OrderOutcome::kAccepted, RejectCode::kInvalidRequest});
          },
          [&](const OrderRejected& e) {
            ++summary.venue_rejects[e.code];
            if (faulty) count_reject(e.code);
            sink.on_order({pending.decided_ts_ns, e.ts_ns, pending.client_id,
                           pending.sign_buy ? pending.qty_e8 : -pending.qty_e8,
                           OrderOutcome::kVenueReject, e.code});
            const std::int64_t id = pending.client_id;
            end_order();
            to_strategy(strategy::Rejected{e.ts_ns, id, binance_error_code(e.code)});
          },
          [&](const Fill& e) { on_fill(e); },
          [&](const OrderCanceled& e) {
            ++summary.orders_ended;
            const std::int64_t id = pending.client_id;
            const double remaining = to_double(pending.qty_e8 - e.filled_qty_e8);
            end_order();
            to_strategy(strategy::Ended{e.ts_ns, id, remaining, true});
          },
          [&](const OrderExpired& e) {
            ++summary.orders_ended;
            const std::int64_t id = pending.client_id;
            const double remaining = to_double(pending.qty_e8 - e.filled_qty_e8);
            end_order();
            to_strategy(strategy::Ended{e.ts_ns, id, remaining, false});
          },
      },
      ev);
  // A restarted strategy adopted this order: now that it ended, the venue's balances are final.
  if (adopting && !pending.active) {
    adopting = false;
    reconcile();
  }
}

// One line per bar: the market, the signal, what the strategy made of it.
void Engine::Impl::journal_bar(const strategy::BarRecord& r) {
  const auto flags = static_cast<std::uint8_t>((r.signal_used ? 1U : 0U) |
                                               (r.waiting ? 2U : 0U) |
                                               (r.risk_limited ? 4U : 0U));
  journal.append(BinaryLine('B')
                     .i64(r.ts_ns)
                     .i64(strategy_mark_e8)
                     .u8(static_cast<std::uint8_t>(signal.kind))
                     .f64(signal.q50)
                     .u8(static_cast<std::uint8_t>(r.side))
                     .u8(r.tier)
                     .u8(flags)
                     .view());
  if (config.keep_journal_text) {
    text.append("bar ts_ns=" + std::to_string(r.ts_ns) + " close_e8=" + std::to_string(strategy_mark_e8) +
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
  Q50_CHECK(pending.filled_e8 <= pending.venue_qty_e8, "fills exceed the order quantity");
  if (detached()) {
    // The strategy is down or adopting: only the venue against the fills it reported.
    Q50_CHECK(pending.active || (ledger_quote_e8 == a.quote.total_e8() &&
                                 ledger_base_e8 == exchange.position_e8()),
              "the venue's balances differ from the fills it reported");
    return;
  }
  Q50_CHECK(pending.active == state.in_flight.active,
            "the strategy's order in flight differs from the engine's");
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
  // The venue's equity in e8 integers: cash + position * mark, the product rounded once, at
  // the close the strategy last saw (the venue's own unless a data fault held a bar back).
  const std::int64_t position_value =
      base == 0 ? 0 : mul_scaled(base, strategy_mark_e8, Rounding::kHalfEven);
  const std::int64_t equity_e8 = checked_add(quote, position_value);
  const double equity = state.cash + state.position * state.last_close;
  const double venue_equity = to_double(equity_e8);
  Q50_CHECK(std::fabs(equity - venue_equity) <= 1e-6 + 1e-9 * std::fabs(venue_equity),
            "the strategy's equity differs from the venue's");
}

// ---- Fault injection (sim/faults.h) ----------------------------------------------------------

void Engine::Impl::setup_faults() {
  params = &config.strategy;
  if (config.faults.empty()) return;
  faulty = true;
  flat_params = config.strategy;
  flat_params.no_signal = strategy::NoSignalPolicy::kFlat;
  base_outages = config.exchange.outages;
  base_spikes = config.exchange.latency.spikes;
  const Prng root = Prng(config.seed).fork("faults");
  for (std::size_t i = 0; i < config.faults.size(); ++i) {
    const Fault& f = config.faults[i];
    faults.push_back({FaultWindow(f), root.fork(std::to_string(i)), kNoFault, false});
    summary.faults[f.kind];  // every configured kind is reported, even if it never opened
    if (f.kind == FaultKind::kProcessCrash) has_crash = true;
  }
  if (has_crash) checkpoint = encode_strategy_state(state);
}

std::size_t Engine::Impl::active_fault(FaultKind kind) const {
  for (std::size_t i = 0; i < faults.size(); ++i) {
    if (faults[i].window.active() && faults[i].window.fault().kind == kind) return i;
  }
  return kNoFault;
}

std::size_t Engine::Impl::latest_opened(FaultKind kind) const {
  std::size_t best = kNoFault;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    const FaultRun& f = faults[i];
    if (!f.window.opened() || f.window.fault().kind != kind) continue;
    if (best == kNoFault || f.window.start_ns() >= faults[best].window.start_ns()) best = i;
  }
  return best;
}

void Engine::Impl::inject(std::size_t fault, std::int64_t n) {
  if (fault == kNoFault || faults[fault].log_index == kNoFault) return;
  summary.fault_log[faults[fault].log_index].injected += n;
}

void Engine::Impl::journal_fault(char tag, std::size_t fault, TimestampNs ts_ns,
                                 std::int64_t detail) {
  const auto kind = fault == kNoFault ? std::uint8_t{0xff}
                                      : static_cast<std::uint8_t>(faults[fault].window.fault().kind);
  journal.append(BinaryLine(tag).u8(kind).i64(ts_ns).i64(detail).view());
  if (config.keep_journal_text) {
    const std::string name =
        fault == kNoFault ? "-" : std::string(fault_kind_name(faults[fault].window.fault().kind));
    text.append(std::string("fault tag=") + tag + " kind=" + name + " ts_ns=" +
                std::to_string(ts_ns) + " detail=" + std::to_string(detail));
  }
}

void Engine::Impl::count_reject(RejectCode code) {
  if (code == RejectCode::kVenueDown) inject(latest_opened(FaultKind::kVenueOutage));
  if (code == RejectCode::kRateLimited) inject(latest_opened(FaultKind::kRateLimit));
}

// The exchange's outage/spike/rate models: the scenario's own plus every opened fault window
// (an open end stays kOpenEnded until its closing bar is known).
void Engine::Impl::sync_venue_models() {
  std::vector<Outage> outages = base_outages;
  std::vector<LatencySpike> spikes = base_spikes;
  RateLimit rate = config.exchange.rate_limit;
  for (const FaultRun& f : faults) {
    const FaultWindow& w = f.window;
    if (!w.opened() || w.end_ns() <= w.start_ns()) continue;
    if (w.fault().kind == FaultKind::kVenueOutage) outages.push_back({w.start_ns(), w.end_ns()});
    if (w.fault().kind == FaultKind::kLatencySpike) {
      spikes.push_back({w.start_ns(), w.end_ns(), w.fault().latency_ns});
    }
  }
  exchange.set_outages(std::move(outages));
  exchange.set_latency_spikes(std::move(spikes));
  const std::size_t limited = active_fault(FaultKind::kRateLimit);
  if (limited != kNoFault) {
    const Fault& f = faults[limited].window.fault();
    rate = {RateLimit::Kind::kFixedWindow, f.max_orders, f.window_ns};
  }
  const RateLimit& now = exchange.config().rate_limit;
  if (now.kind != rate.kind || now.max_orders != rate.max_orders ||
      now.window_ns != rate.window_ns) {
    exchange.set_rate_limit(rate);
  }
}

void Engine::Impl::open_window(std::size_t i, TimestampNs ts_ns) {
  FaultRun& f = faults[i];
  const FaultKind kind = f.window.fault().kind;
  f.log_index = summary.fault_log.size();
  summary.fault_log.push_back({ts_ns, kind, -1, 0});
  ++summary.faults[kind].windows;
  journal_fault('F', i, ts_ns, f.window.start_ns());
  if (kind == FaultKind::kProcessCrash) {
    // The process dies before it sees this bar: its memory is gone.
    strategy_down = true;
    adopting = false;
    state = strategy::State{};
    inject(i);
    const TimestampNs restart = ts_ns + f.window.fault().restart_after_ns;
    queue.push(restart, Priority::kControl, kRestartBit | static_cast<Payload>(i));
  }
}

void Engine::Impl::close_window(std::size_t i) {
  journal_fault('C', i, queue.now_ns(), faults[i].window.end_ns());
}

void Engine::Impl::advance_windows(std::int64_t index, TimestampNs ts_ns) {
  bool venue_changed = false;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    const bool was_closed = faults[i].window.closed();
    const FaultWindow::Transition t = faults[i].window.on_bar(index, ts_ns);
    if (t == FaultWindow::Transition::kOpened) open_window(i, ts_ns);
    if (t != FaultWindow::Transition::kNone || was_closed != faults[i].window.closed()) {
      venue_changed = true;
      if (faults[i].window.closed()) close_window(i);
    }
  }
  if (venue_changed) sync_venue_models();
}

// A market bar under faults: the venue sees it on time; the strategy's copy and its signal row
// go through the data faults.
void Engine::Impl::on_bar_faulty(const strategy::Bar& bar) {
  advance_windows(bar_index++, bar.ts_ns);
  ++summary.bars;
  has_bar = true;
  last_bar_ts_ns = bar.ts_ns;
  const Bar venue_bar = to_venue_bar(bar);
  mark_e8 = venue_bar.close_e8;
  if (venue_down(exchange.config().outages, bar.ts_ns)) {
    inject(latest_opened(FaultKind::kVenueOutage));
  }
  schedule(exchange.on_bar(venue_bar));
  route_signal(bar, signals.at(bar.ts_ns));
  route_bar(bar);
}

// The bar's signal row through the first signal fault that fires on it.
void Engine::Impl::route_signal(const strategy::Bar& bar, const SignalSample& sample) {
  for (SignalItem& held : held_signals) {
    if (held.after_items > 0) --held.after_items;
  }
  if (sample.kind == SignalMatchKind::kNone) return;
  SignalItem item{bar.ts_ns, bar.ts_ns, sample, 0};
  for (std::size_t i = 0; i < faults.size(); ++i) {
    FaultRun& f = faults[i];
    if (!f.window.active() || !is_signal_fault(f.window.fault().kind)) continue;
    const Fault& fault = f.window.fault();
    if (fault.probability < 1.0 && !(f.prng.uniform01() < fault.probability)) continue;
    if (fault.kind == FaultKind::kMissingSignal) {
      inject(i);
      return;
    }
    if (fault.kind == FaultKind::kStaleSignal) {
      item.due_ns = bar.ts_ns + fault.lag_ns;
      inject(i);
    } else if (fault.kind == FaultKind::kDuplicateSignal) {
      for (std::int64_t c = 0; c < fault.copies; ++c) held_signals.push_back(item);
      inject(i, fault.copies);
    } else {
      item.after_items = fault.delay_items;
      inject(i);
    }
    break;
  }
  held_signals.push_back(item);
}

// The bar's copy for the strategy through the first bar fault that fires on it.
void Engine::Impl::route_bar(const strategy::Bar& bar) {
  for (std::size_t i = 0; i < faults.size(); ++i) {
    FaultRun& f = faults[i];
    if (!f.window.active() || !is_bar_fault(f.window.fault().kind)) continue;
    const Fault& fault = f.window.fault();
    if (fault.probability < 1.0 && !(f.prng.uniform01() < fault.probability)) continue;
    inject(i);
    switch (fault.kind) {
      case FaultKind::kMissingBar:
        journal_fault('M', i, bar.ts_ns, 0);
        return;
      case FaultKind::kStaleBar: {
        const Payload key = kDeliveryBit | next_event_key++;
        late_bars.emplace(key, std::make_pair(bar, i));
        queue.push(bar.ts_ns + fault.lag_ns, Priority::kMarketData, key);
        return;
      }
      case FaultKind::kDuplicateBar:
        deliver_bar(bar, kNoFault);
        for (std::int64_t c = 0; c < fault.copies; ++c) deliver_bar(bar, i);
        return;
      default:  // kOutOfOrderBar
        held_bars.push_back({bar, i, fault.delay_items});
        return;
    }
  }
  deliver_bar(bar, kNoFault);
}

// A bar reaches the strategy now. One not newer than the last it processed is dropped; every
// delivery also moves bars held by out_of_order_bar one step closer to their release.
void Engine::Impl::deliver_bar(const strategy::Bar& bar, std::size_t fault) {
  if (has_strategy_bar && bar.ts_ns <= last_strategy_bar_ts_ns) {
    journal_fault('D', fault, bar.ts_ns, last_strategy_bar_ts_ns);
  } else if (!detached()) {
    strategy_bar(bar);
  }
  std::vector<HeldBar> released;
  for (auto it = held_bars.begin(); it != held_bars.end();) {
    if (--it->after_items > 0) {
      ++it;
      continue;
    }
    released.push_back(*it);
    it = held_bars.erase(it);
  }
  for (const HeldBar& h : released) deliver_bar(h.bar, h.fault);
}

// The newest row delivered by now that is newer than the last one used; every other row
// delivered by now is dropped. Rows older than the bar are marked stale.
SignalSample Engine::Impl::pick_signal(TimestampNs bar_ts_ns) {
  const TimestampNs now = queue.now_ns();
  std::optional<SignalItem> best;
  std::int64_t dropped = 0;
  for (auto it = held_signals.begin(); it != held_signals.end();) {
    // Not delivered yet, or a row of a later bar (a stale bar's turn): never a future row.
    if (it->due_ns > now || it->after_items > 0 || it->row_ts_ns > bar_ts_ns) {
      ++it;
      continue;
    }
    const bool fresh = !has_signal_row || it->row_ts_ns > last_signal_row_ts_ns;
    if (fresh && (!best || it->row_ts_ns > best->row_ts_ns)) {
      if (best) ++dropped;
      best = *it;
    } else {
      ++dropped;
    }
    it = held_signals.erase(it);
  }
  if (dropped > 0) journal_fault('D', kNoFault, bar_ts_ns, dropped);
  if (!best) return {};
  has_signal_row = true;
  last_signal_row_ts_ns = best->row_ts_ns;
  SignalSample s = best->sample;
  if (best->row_ts_ns < bar_ts_ns) s.kind = SignalMatchKind::kStale;
  return s;
}

// The strategy's step on a bar it received (at the current simulated time).
void Engine::Impl::strategy_bar(const strategy::Bar& bar) {
  has_strategy_bar = true;
  last_strategy_bar_ts_ns = bar.ts_ns;
  strategy_mark_e8 = to_e8_nearest(bar.close);
  signal = pick_signal(bar.ts_ns);
  params = &config.strategy;
  std::size_t file_fault = active_fault(FaultKind::kSignalFileMissing);
  if (file_fault == kNoFault) file_fault = active_fault(FaultKind::kSignalFileCorrupt);
  if (file_fault != kNoFault) {
    inject(file_fault);
    if (faults[file_fault].window.fault().policy == SignalFailurePolicy::kCached) {
      signal = last_good_signal;
      if (signal.kind != SignalMatchKind::kNone) signal.kind = SignalMatchKind::kStale;
    } else {
      signal = {};
      params = &flat_params;
    }
  } else if (signal.kind != SignalMatchKind::kNone) {
    last_good_signal = signal;
  }
  if (signal.kind != SignalMatchKind::kNone) {
    apply(strategy::SignalUpdate{bar.ts_ns, signal.q10, signal.q50, signal.q90, signal.kind});
  }
  apply(bar);
  params = &config.strategy;
  ++strategy_bars;
  if (has_crash && config.checkpoint_every_bars > 0 &&
      strategy_bars % config.checkpoint_every_bars == 0) {
    checkpoint = encode_strategy_state(state);
  }
  note_recoveries();
}

void Engine::Impl::restart_strategy(std::size_t fault) {
  absl::StatusOr<strategy::State> restored = decode_strategy_state(checkpoint, "checkpoint");
  Q50_CHECK(restored.ok(), "the strategy checkpoint does not decode");
  state = *std::move(restored);
  strategy_down = false;
  journal_fault('S', fault, queue.now_ns(), pending.active ? 1 : 0);
  if (pending.active) {
    adopting = true;  // reconcile() once the venue ends the order
  } else {
    reconcile();
  }
}

// The venue is the truth: the restarted strategy takes its balances and continues its ids.
void Engine::Impl::reconcile() {
  state.in_flight = {};
  state.cash = to_double(exchange.balances().quote.total_e8());
  state.position = to_double(exchange.position_e8());
  state.next_order_id = std::max(state.next_order_id, last_client_id + 1);
  strategy_mark_e8 = to_e8_nearest(state.last_close);
  journal_fault('R', kNoFault, queue.now_ns(), exchange.position_e8());
}

bool Engine::Impl::mirror_matches() const {
  const double cash = to_double(exchange.balances().quote.total_e8());
  return !detached() && !pending.active && !state.in_flight.active &&
         to_e8_nearest(state.position) == exchange.position_e8() &&
         std::fabs(state.cash - cash) <= 1e-6 + 1e-9 * std::fabs(cash);
}

// Every closed window not yet recovered is recovered now if the strategy runs normally.
void Engine::Impl::note_recoveries() {
  bool checked = false;
  bool ok = false;
  for (FaultRun& f : faults) {
    if (f.recovered || f.log_index == kNoFault || !f.window.closed()) continue;
    if (!checked) {
      ok = mirror_matches();
      checked = true;
    }
    if (!ok) return;
    f.recovered = true;
    summary.fault_log[f.log_index].recovered_ts_ns = queue.now_ns();
  }
}

// An order under the venue-side faults: order_reject answers it here, partial_fill sends a cut
// quantity, clock_skew and latency_spike change when it arrives.
void Engine::Impl::submit_faulty(OrderRequest& request, TimestampNs now_ns) {
  const std::size_t reject = active_fault(FaultKind::kOrderReject);
  if (reject != kNoFault) {
    FaultRun& f = faults[reject];
    if (f.window.fault().probability >= 1.0 || f.prng.uniform01() < f.window.fault().probability) {
      inject(reject);
      f.window.note_affected();
      OrderRejected r;
      r.ts_ns = now_ns;
      r.client_order_id = request.client_order_id;
      r.code = f.window.fault().reason;
      r.reason = "fault injected: order_reject";
      schedule({VenueEvent(std::move(r))});
      return;
    }
  }
  const std::size_t partial = active_fault(FaultKind::kPartialFill);
  if (partial != kNoFault) {
    FaultRun& f = faults[partial];
    const Fault& fault = f.window.fault();
    if (fault.probability >= 1.0 || f.prng.uniform01() < fault.probability) {
      const std::int64_t cut_qty = round_qty_down(
          config.exchange.instrument,
          to_e8_nearest(to_double(request.qty_e8) * fault.fill_fraction));
      if (cut_qty > 0 && cut_qty < request.qty_e8) {
        inject(partial);
        f.window.note_affected();
        request.qty_e8 = cut_qty;
        pending.venue_qty_e8 = cut_qty;
      }
    }
  }
  inject(active_fault(FaultKind::kLatencySpike));
  TimestampNs send_ns = now_ns;
  const std::size_t skew = active_fault(FaultKind::kClockSkew);
  if (skew != kNoFault) {
    inject(skew);
    const TimestampNs stamped = now_ns + faults[skew].window.fault().skew_ns;
    if (stamped < now_ns) journal_fault('K', skew, now_ns, stamped);
    send_ns = std::max(now_ns, stamped);
  }
  schedule(exchange.submit(request, send_ns));
}

EngineSummary Engine::Impl::run() {
  pull_bar();
  while (!queue.empty()) {
    const EventQueue<Payload>::Entry entry = queue.pop();
    ++summary.events;
    if (entry.payload == 0) {
      const strategy::Bar bar = next_bar;
      if (faulty) {
        on_bar_faulty(bar);
      } else {
        on_bar(bar);
      }
      pull_bar();
    } else if ((entry.payload & kDeliveryBit) != 0) {
      auto it = late_bars.find(entry.payload);
      Q50_CHECK(it != late_bars.end(), "a late bar went missing");
      const auto [bar, fault] = it->second;
      late_bars.erase(it);
      deliver_bar(bar, fault);
    } else if ((entry.payload & kRestartBit) != 0) {
      restart_strategy(static_cast<std::size_t>(entry.payload & ~kRestartBit));
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
  Q50_CHECK(summary.orders == summary.orders_closed + (pending.active ? 1 : 0),
            "an order sent to the venue was lost or closed twice");
  summary.fees_e8 = a.fees_paid_e8;
  summary.slippage_e8 = a.slippage_paid_e8;
  summary.final_quote_e8 = a.quote.total_e8();
  summary.final_position_e8 = exchange.position_e8();
  summary.final_mark_e8 = mark_e8;
  summary.final_strategy_position_e8 = to_e8_nearest(state.position);
  summary.strategy_up_at_end = !detached();
  summary.final_equity_e8 = checked_add(
      summary.final_quote_e8, mul_scaled(summary.final_position_e8, mark_e8, Rounding::kHalfEven));
  for (const FaultRun& f : faults) {
    if (f.log_index == kNoFault) continue;
    const FaultEvent& e = summary.fault_log[f.log_index];
    FaultStats& st = summary.faults[f.window.fault().kind];
    st.injected += e.injected;
    if (e.recovered_ts_ns >= 0) ++st.recovered;
  }
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
