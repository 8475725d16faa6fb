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
#include "core/fnv_literal.h"
#include "sim/journal.h"

namespace q50::sim {
namespace {

using legacy::Command;
using legacy::MarketBar;
using legacy::StrategyProfile;

using SimEvent = ReplayEvent;

// One canonical journal line: "kind key=value ...", integers in decimal, doubles as the hex
// digits of their IEEE bits (exact, and identical across compilers and standard libraries,
// unlike any decimal formatting choice), then '\n'. The fingerprint is byte-wise FNV-1a of
// that text (pinned in golden/replay/fingerprints.txt). When the journal keeps no text, the
// line is hashed as it is described, never built: its constant pieces ("bar i=", " ts=", ...)
// are FnvLiterals (one multiply and one table load each, core/fnv_literal.h) and the digits
// are hashed two per dependent step (fnv1a_decimal, fnv1a_hex). tests/sim/legacy/replay_journal_hash_test.cc checks both
// ways give the same fingerprint on every reference case.
class Line {
 public:
  Line(Journal& journal, std::string& buf)
      : journal_(journal), text_(journal.wants_text() ? &buf : nullptr),
        hash_(journal.fingerprint()) {
    if (text_ != nullptr) text_->clear();
  }
  Line& lit(const FnvLiteral& piece) {
    if (text_ != nullptr) {
      *text_ += piece.text;
    } else {
      hash_ = fnv1a_literal(piece, hash_);
    }
    return *this;
  }
  Line& i64(std::int64_t v) {
    if (text_ != nullptr) {
      char tmp[24];
      const auto res = std::to_chars(tmp, tmp + sizeof tmp, v);
      text_->append(tmp, res.ptr);
    } else {
      hash_ = fnv1a_decimal(v, hash_);
    }
    return *this;
  }
  Line& f64(double v) {
    const auto bits = std::bit_cast<std::uint64_t>(v);
    if (text_ != nullptr) {
      char tmp[20];
      const auto res = std::to_chars(tmp, tmp + sizeof tmp, bits, 16);
      text_->append(tmp, res.ptr);
    } else {
      hash_ = fnv1a_hex(bits, hash_);
    }
    return *this;
  }
  // Ends the line (its '\n') and appends it to the journal.
  void end() {
    if (text_ != nullptr) {
      journal_.append(*text_);
    } else {
      journal_.append_hashed(fnv1a_byte('\n', hash_));
    }
  }

 private:
  Journal& journal_;
  std::string* text_;  // the line's text when the journal wants it, else null
  std::uint64_t hash_;
};

// The constant pieces of the journal's lines, hashed at compile time.
constexpr FnvLiteral kEndTs = fnv_literal("end ts=");
constexpr FnvLiteral kBarI = fnv_literal("bar i=");
constexpr FnvLiteral kTs = fnv_literal(" ts=");
constexpr FnvLiteral kPx = fnv_literal(" px=");
constexpr FnvLiteral kFillTs = fnv_literal("fill ts=");
constexpr FnvLiteral kQty = fnv_literal(" qty=");
constexpr FnvLiteral kFee = fnv_literal(" fee=");
constexpr FnvLiteral kSlip = fnv_literal(" slip=");
constexpr FnvLiteral kCash = fnv_literal(" cash=");
constexpr FnvLiteral kPos = fnv_literal(" pos=");
constexpr FnvLiteral kRejectTs = fnv_literal("reject ts=");
constexpr FnvLiteral kCost = fnv_literal(" cost=");
constexpr FnvLiteral kOrderQty = fnv_literal("order qty=");
constexpr FnvLiteral kTradePnl = fnv_literal("trade pnl=");
constexpr FnvLiteral kEntry = fnv_literal(" entry=");
constexpr FnvLiteral kRecordPv = fnv_literal("record pv=");
constexpr FnvLiteral kPnl = fnv_literal(" pnl=");
constexpr FnvLiteral kCapital = fnv_literal(" capital=");

// " purpose=" + purpose_name(p), by OrderPurpose.
constexpr FnvLiteral kPurpose[] = {
    fnv_literal(" purpose=DIRECTIONAL"),
    fnv_literal(" purpose=NEUTRAL_CLOSE"),
    fnv_literal(" purpose=BACKTEST_END"),
};
// "hold reason=" + hold_reason_name(r) + " pv=", by HoldReason.
constexpr FnvLiteral kHoldReasonPv[] = {
    fnv_literal("hold reason= pv="),
    fnv_literal("hold reason=HOLD_POSITION pv="),
    fnv_literal("hold reason=HOLD_NO_POSITION pv="),
    fnv_literal("hold reason=LONG_HOLD pv="),
    fnv_literal("hold reason=SHORT_HOLD pv="),
    fnv_literal("hold reason=LONG_NO_POSITION pv="),
    fnv_literal("hold reason=SHORT_NO_POSITION pv="),
};
// "qb side=" + qb_side_name(s) + " pos=", by QbSide.
constexpr FnvLiteral kQbSidePos[] = {
    fnv_literal("qb side=BUY pos="),
    fnv_literal("qb side=SELL pos="),
    fnv_literal("qb side=HOLD pos="),
    fnv_literal("qb side=LIQUIDATE pos="),
};

class Simulator {
 public:
  Simulator(std::span<const MarketBar> bars, const ReplayConfig& config)
      : bars_(bars),
        config_(config),
        hb_(config.params.profile == StrategyProfile::kLegacyHummingbot),
        venue_(config.venue),
        journal_(config.keep_journal_text),
        step_{legacy::initial_state(config.params, config.venue.initial_cash), {}} {
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
    s.strategy = step_.state;
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
    step_.state = s.strategy;
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
    legacy::step_in_place(step_, ev, config_.params);
    for (const Command& c : step_.commands) execute(c, e.ts_ns);
    check_ledger();
  }

  legacy::Event to_strategy_event(const EventQueue<SimEvent>::Entry& e) {
    switch (e.payload.kind) {
      case SimEvent::Kind::kBar:
        return on_bar(e.payload.bar);
      case SimEvent::Kind::kVenue:
        return on_venue(e.payload.venue);
      case SimEvent::Kind::kEnd:
        Line(journal_, line_).lit(kEndTs).i64(e.ts_ns).end();
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
    Line(journal_, line_).lit(kBarI).i64(bar.index).lit(kTs).i64(bar.ts_ns).lit(kPx)
        .f64(bar.price).end();
    return bar;
  }

  legacy::Event on_venue(const LegacyVenueEvent& v) {
    if (const auto* f = std::get_if<LegacyFill>(&v)) {
      // Invariant: a fill never exceeds its order; the legacy venue fills completely.
      Q50_CHECK(std::fabs(f->qty) <= std::fabs(order_qty_) && f->qty == order_qty_,
                "invariant: fill quantity differs from the order's");
      Line(journal_, line_).lit(kFillTs).i64(f->ts_ns).lit(kQty).f64(f->qty).lit(kPx)
          .f64(f->price).lit(kFee).f64(f->fee).lit(kSlip).f64(f->slippage).lit(kCash)
          .f64(f->cash_after).lit(kPos).f64(f->position_after).end();
      return legacy::OrderFilled{f->ts_ns, f->qty, f->price, f->fee, f->slippage,
                                   f->cash_after, f->position_after};
    }
    const auto& rj = std::get<LegacyReject>(v);
    Line(journal_, line_).lit(kRejectTs).i64(rj.ts_ns).lit(kQty).f64(rj.qty).lit(kCost)
        .f64(rj.cost).lit(kCash).f64(rj.cash).end();
    return legacy::OrderRejected{rj.ts_ns, rj.qty};
  }

  void execute(const Command& c, TimestampNs now_ns) {
    if (const auto* o = std::get_if<legacy::SubmitMarketOrder>(&c)) {
      Q50_CHECK(hb_, "only the HB profile sends orders");
      order_qty_ = o->qty;
      Line(journal_, line_).lit(kOrderQty).f64(o->qty)
          .lit(kPurpose[static_cast<std::size_t>(o->purpose)]).end();
      const LegacyVenueEvent resp = venue_.submit(o->qty, now_ns);
      const TimestampNs ts = std::visit([](const auto& x) { return x.ts_ns; }, resp);
      queue_.push(ts, Priority::kVenueResponse, SimEvent{SimEvent::Kind::kVenue, 0, resp});
    } else if (const auto* h = std::get_if<legacy::HbHoldRecord>(&c)) {
      Line(journal_, line_).lit(kHoldReasonPv[static_cast<std::size_t>(h->reason)])
          .f64(h->portfolio_value).end();
      out_.hb_holds.push_back(*h);
    } else if (const auto* t = std::get_if<legacy::HbTradeRecord>(&c)) {
      check_trade(*t);
      Line(journal_, line_).lit(kTradePnl).f64(t->pnl).lit(kEntry).f64(t->entry_price).end();
      out_.hb_trades.push_back(*t);
    } else if (const auto* b = std::get_if<legacy::HbBarRecord>(&c)) {
      check_bar(*b);
      Line(journal_, line_).lit(kRecordPv).f64(b->portfolio_value).lit(kPnl).f64(b->pnl).end();
      out_.hb_bars.push_back(*b);
    } else {
      record_qb(std::get<legacy::QbRowRecord>(c));
    }
  }

  void record_qb(const legacy::QbRowRecord& q) {
    Q50_CHECK(q.portfolio_value == step_.state.qb.capital || std::isnan(q.portfolio_value),
              "invariant: QB record's portfolio value differs from the capital");
    Q50_CHECK(!(std::fabs(q.position_after) > config_.params.qb.sizing.position_limit),
              "invariant: QB position beyond position_limit");
    Line(journal_, line_).lit(kQbSidePos[static_cast<std::size_t>(q.side)])
        .f64(q.position_after).lit(kCapital).f64(q.portfolio_value).lit(kPnl).f64(q.pnl).end();
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
    if (!hb_ || step_.state.hb.pending.active) return;
    const legacy::HbState& s = step_.state.hb;
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
  legacy::StepResult step_;  // the strategy's state and its last step's commands
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
