#include "sim/legacy/replay.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "core/check.h"
#include "sim/event_queue.h"
#include "sim/journal.h"

namespace q50::sim {
namespace {

using legacy::Command;
using legacy::MarketBar;
using legacy::StrategyProfile;

using SimEvent = ReplayEvent;

// Builds one canonical journal line in a reused buffer: "kind key=value ...", integers in
// decimal, doubles as the 16 hex digits of their IEEE bits (exact, and identical across
// compilers and standard libraries, unlike any decimal formatting choice).
class Line {
 public:
  explicit Line(std::string& buf) : buf_(buf) { buf_.clear(); }
  Line& kind(std::string_view k) {
    buf_ += k;
    return *this;
  }
  Line& i64(std::string_view key, std::int64_t v) {
    put_key(key);
    char tmp[24];
    const auto res = std::to_chars(tmp, tmp + sizeof tmp, v);
    buf_.append(tmp, res.ptr);
    return *this;
  }
  Line& f64(std::string_view key, double v) {
    put_key(key);
    char tmp[20];
    const auto res = std::to_chars(tmp, tmp + sizeof tmp, std::bit_cast<std::uint64_t>(v), 16);
    buf_.append(tmp, res.ptr);
    return *this;
  }
  Line& str(std::string_view key, std::string_view v) {
    put_key(key);
    buf_ += v;
    return *this;
  }

 private:
  void put_key(std::string_view key) {
    buf_ += ' ';
    buf_ += key;
    buf_ += '=';
  }
  std::string& buf_;
};

std::string_view purpose_name(legacy::OrderPurpose p) {
  switch (p) {
    case legacy::OrderPurpose::kDirectional:
      return "DIRECTIONAL";
    case legacy::OrderPurpose::kNeutralClose:
      return "NEUTRAL_CLOSE";
    case legacy::OrderPurpose::kBacktestEnd:
      return "BACKTEST_END";
  }
  return "DIRECTIONAL";
}

class Simulator {
 public:
  Simulator(std::span<const MarketBar> bars, const ReplayConfig& config)
      : bars_(bars),
        config_(config),
        hb_(config.params.profile == StrategyProfile::kLegacyHummingbot),
        venue_(config.venue),
        journal_(config.keep_journal_text),
        state_(legacy::initial_state(config.params, config.venue.initial_cash)) {
    line_.reserve(256);
    if (hb_) {
      out_.hb_bars.reserve(bars.size());
      out_.hb_holds.reserve(bars.size());
      out_.hb_trades.reserve(bars.size() + 1);
    } else {
      out_.qb_rows.reserve(bars.size());
    }
  }

  void start() {
    Q50_CHECK(!bars_.empty(), "replay needs at least one bar");
    queue_.push(bars_[0].ts_ns, Priority::kMarketData, SimEvent{SimEvent::Kind::kBar, 0, {}});
  }

  // Processes events until the queue is empty or `stop_after` events have been processed in
  // all (kNoStop: never); returns whether the queue ran empty. One compare per event is all
  // the checkpoint option costs an uninterrupted run.
  bool run_until(std::uint64_t stop_after) {
    while (!queue_.empty()) {
      if (out_.events == stop_after) return false;
      process(queue_.pop());
    }
    return true;
  }

  ReplayResult finish() {
    out_.final_cash = venue_.cash();
    out_.final_position = venue_.position();
    out_.fingerprint = journal_.fingerprint();
    out_.journal_text = journal_.text();
    return std::move(out_);
  }

  std::uint64_t events() const { return out_.events; }

  ReplayState capture() const {
    ReplayState s;
    s.strategy = state_;
    s.venue = venue_.ledger();
    s.queue = queue_.snapshot();
    s.queue_now_ns = queue_.now_ns();
    s.queue_next_seq = queue_.next_seq();
    s.journal_hash = journal_.fingerprint();
    s.journal_lines = journal_.lines();
    s.last_ts_ns = last_ts_ns_;
    s.order_qty = order_qty_;
    s.so_far.hb_bars = out_.hb_bars;
    s.so_far.hb_trades = out_.hb_trades;
    s.so_far.hb_holds = out_.hb_holds;
    s.so_far.qb_rows = out_.qb_rows;
    s.so_far.events = out_.events;
    return s;
  }

  // The inverse of capture(), on a Simulator constructed with the run's bars and config.
  void restore(ReplayState s) {
    state_ = s.strategy;
    venue_ = LegacyMarginVenue(config_.venue, s.venue);
    queue_.restore_counters(s.queue_now_ns, s.queue_next_seq);
    for (auto& e : s.queue) queue_.restore_push(std::move(e));
    journal_.restore(s.journal_hash, s.journal_lines);
    last_ts_ns_ = s.last_ts_ns;
    order_qty_ = s.order_qty;
    move_records(s.so_far.hb_bars, out_.hb_bars);
    move_records(s.so_far.hb_trades, out_.hb_trades);
    move_records(s.so_far.hb_holds, out_.hb_holds);
    move_records(s.so_far.qb_rows, out_.qb_rows);
    out_.events = s.so_far.events;
  }

 private:
  // Appends `from` to the (reserved, empty) `to`, keeping to's capacity.
  template <typename T>
  static void move_records(std::vector<T>& from, std::vector<T>& to) {
    to.insert(to.end(), std::make_move_iterator(from.begin()),
              std::make_move_iterator(from.end()));
  }

  void process(const EventQueue<SimEvent>::Entry& e) {
    Q50_CHECK(e.ts_ns >= last_ts_ns_, "invariant: simulated time ran backwards");
    last_ts_ns_ = e.ts_ns;
    ++out_.events;
    const legacy::Event ev = to_strategy_event(e);
    legacy::StepResult r = legacy::step(state_, ev, config_.params);
    state_ = r.state;
    for (const Command& c : r.commands) execute(c, e.ts_ns);
    check_ledger();
  }

  legacy::Event to_strategy_event(const EventQueue<SimEvent>::Entry& e) {
    switch (e.payload.kind) {
      case SimEvent::Kind::kBar:
        return on_bar(e.payload.bar);
      case SimEvent::Kind::kVenue:
        return on_venue(e.payload.venue);
      case SimEvent::Kind::kEnd:
        Line(line_).kind("end").i64("ts", e.ts_ns);
        journal_.append(line_);
        return legacy::EndOfData{e.ts_ns};
    }
    Q50_CHECK(false, "unknown simulator event");
    return legacy::EndOfData{e.ts_ns};
  }

  legacy::Event on_bar(std::size_t i) {
    const MarketBar& bar = bars_[i];
    Q50_CHECK(bar.index == static_cast<std::int64_t>(i), "bar index out of order");
    if (i + 1 < bars_.size()) {
      Q50_CHECK(bars_[i + 1].ts_ns > bar.ts_ns, "bar timestamps must strictly increase");
      queue_.push(bars_[i + 1].ts_ns, Priority::kMarketData,
                  SimEvent{SimEvent::Kind::kBar, i + 1, {}});
    } else {
      queue_.push(bar.ts_ns, Priority::kControl, SimEvent{SimEvent::Kind::kEnd, 0, {}});
    }
    if (hb_) venue_.on_bar(bar.ts_ns, bar.price);
    Line(line_).kind("bar").i64("i", bar.index).i64("ts", bar.ts_ns).f64("px", bar.price);
    journal_.append(line_);
    return bar;
  }

  legacy::Event on_venue(const LegacyVenueEvent& v) {
    if (const auto* f = std::get_if<LegacyFill>(&v)) {
      // Invariant: a fill never exceeds its order; the legacy venue fills completely.
      Q50_CHECK(std::fabs(f->qty) <= std::fabs(order_qty_) && f->qty == order_qty_,
                "invariant: fill quantity differs from the order's");
      Line(line_).kind("fill").i64("ts", f->ts_ns).f64("qty", f->qty).f64("px", f->price)
          .f64("fee", f->fee).f64("slip", f->slippage).f64("cash", f->cash_after)
          .f64("pos", f->position_after);
      journal_.append(line_);
      return legacy::OrderFilled{f->ts_ns, f->qty, f->price, f->fee, f->slippage,
                                   f->cash_after, f->position_after};
    }
    const auto& rj = std::get<LegacyReject>(v);
    Line(line_).kind("reject").i64("ts", rj.ts_ns).f64("qty", rj.qty).f64("cost", rj.cost)
        .f64("cash", rj.cash);
    journal_.append(line_);
    return legacy::OrderRejected{rj.ts_ns, rj.qty};
  }

  void execute(const Command& c, TimestampNs now_ns) {
    if (const auto* o = std::get_if<legacy::SubmitMarketOrder>(&c)) {
      Q50_CHECK(hb_, "only the HB profile sends orders");
      order_qty_ = o->qty;
      Line(line_).kind("order").f64("qty", o->qty).str("purpose", purpose_name(o->purpose));
      journal_.append(line_);
      const LegacyVenueEvent resp = venue_.submit(o->qty, now_ns);
      const TimestampNs ts = std::visit([](const auto& x) { return x.ts_ns; }, resp);
      queue_.push(ts, Priority::kVenueResponse, SimEvent{SimEvent::Kind::kVenue, 0, resp});
    } else if (const auto* h = std::get_if<legacy::HbHoldRecord>(&c)) {
      Line(line_).kind("hold").str("reason", legacy::hold_reason_name(h->reason))
          .f64("pv", h->portfolio_value);
      journal_.append(line_);
      out_.hb_holds.push_back(*h);
    } else if (const auto* t = std::get_if<legacy::HbTradeRecord>(&c)) {
      check_trade(*t);
      Line(line_).kind("trade").f64("pnl", t->pnl).f64("entry", t->entry_price);
      journal_.append(line_);
      out_.hb_trades.push_back(*t);
    } else if (const auto* b = std::get_if<legacy::HbBarRecord>(&c)) {
      check_bar(*b);
      Line(line_).kind("record").f64("pv", b->portfolio_value).f64("pnl", b->pnl);
      journal_.append(line_);
      out_.hb_bars.push_back(*b);
    } else {
      record_qb(std::get<legacy::QbRowRecord>(c));
    }
  }

  void record_qb(const legacy::QbRowRecord& q) {
    Q50_CHECK(q.portfolio_value == state_.qb.capital || std::isnan(q.portfolio_value),
              "invariant: QB record's portfolio value differs from the capital");
    Q50_CHECK(!(std::fabs(q.position_after) > config_.params.qb.sizing.position_limit),
              "invariant: QB position beyond position_limit");
    Line(line_).kind("qb").str("side", legacy::qb_side_name(q.side))
        .f64("pos", q.position_after).f64("capital", q.portfolio_value).f64("pnl", q.pnl);
    journal_.append(line_);
    out_.qb_rows.push_back(q);
  }

  void check_bar(const legacy::HbBarRecord& b) const {
    Q50_CHECK(b.balance == venue_.cash() && b.position == venue_.position(),
              "invariant: bar record's balance/position differ from the ledger");
    const double equity = venue_.cash() + venue_.position() * b.price;
    Q50_CHECK(b.portfolio_value == equity || std::isnan(equity),
              "invariant: cash + position value != portfolio value");
  }

  void check_trade(const legacy::HbTradeRecord& t) const {
    Q50_CHECK(t.balance_after == venue_.cash() && t.position_after == venue_.position(),
              "invariant: trade record differs from the ledger");
    Q50_CHECK(t.quantity <= std::fabs(order_qty_), "invariant: trade exceeds its order");
  }

  void check_ledger() const {
    // While an order is in flight the venue has applied it and the strategy has not heard yet.
    if (!hb_ || state_.hb.pending.active) return;
    const legacy::HbState& s = state_.hb;
    Q50_CHECK((s.cash == venue_.cash() || (std::isnan(s.cash) && std::isnan(venue_.cash()))) &&
                  s.position == venue_.position(),
              "invariant: the strategy's account mirror differs from the venue's ledger");
  }

  std::span<const MarketBar> bars_;
  const ReplayConfig& config_;
  bool hb_;
  LegacyMarginVenue venue_;
  Journal journal_;
  EventQueue<SimEvent> queue_;
  legacy::StrategyState state_;
  ReplayResult out_;
  std::string line_;
  TimestampNs last_ts_ns_ = INT64_MIN;
  double order_qty_ = 0;
};

constexpr std::uint64_t kNoStop = UINT64_MAX;

// A checkpoint's state must fit the bars it resumes on: the simulator's own checks would
// otherwise abort (or index out of range) on what is bad input, not a bug.
absl::Status check_state_fits(std::span<const MarketBar> bars, const ReplayState& s) {
  for (const auto& e : s.queue) {
    if (e.payload.kind == SimEvent::Kind::kBar && e.payload.bar >= bars.size()) {
      return absl::InvalidArgumentError("checkpoint: queued bar " + std::to_string(e.payload.bar) +
                                        " beyond the input's " + std::to_string(bars.size()) +
                                        " bars");
    }
    if (e.ts_ns < s.queue_now_ns || e.seq >= s.queue_next_seq) {
      return absl::InvalidArgumentError(
          "checkpoint: queued event (seq " + std::to_string(e.seq) +
          ") before the queue's time or beyond its insertion counter");
    }
  }
  if (s.queue.empty() && s.so_far.events == 0) {
    return absl::InvalidArgumentError("checkpoint: no event processed and none queued");
  }
  return absl::OkStatus();
}

}  // namespace

ReplayResult run_replay(std::span<const legacy::MarketBar> bars, const ReplayConfig& config) {
  Simulator sim(bars, config);
  sim.start();
  sim.run_until(kNoStop);
  return sim.finish();
}

absl::StatusOr<ReplayState> run_replay_until(std::span<const legacy::MarketBar> bars,
                                             const ReplayConfig& config, std::uint64_t events) {
  Q50_CHECK(events >= 1, "run_replay_until: stop after at least one event");
  Simulator sim(bars, config);
  sim.start();
  if (sim.run_until(events) && sim.events() < events) {
    return absl::OutOfRangeError("the run has " + std::to_string(sim.events()) +
                                 " events; cannot stop after event " + std::to_string(events));
  }
  return sim.capture();
}

absl::StatusOr<ReplayResult> resume_replay(std::span<const legacy::MarketBar> bars,
                                           const ReplayConfig& config, ReplayState state) {
  if (auto st = check_state_fits(bars, state); !st.ok()) return st;
  Simulator sim(bars, config);
  sim.restore(std::move(state));
  sim.run_until(kNoStop);
  return sim.finish();
}

}  // namespace q50::sim
