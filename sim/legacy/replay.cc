#include "sim/legacy/replay.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "core/check.h"
#include "sim/event_queue.h"
#include "core/fnv_lanes.h"
#include "core/fnv_literal.h"
#include "core/text_digits.h"
#include "sim/journal.h"

namespace q50::sim {
namespace {

using legacy::Command;
using legacy::MarketBar;
using legacy::StrategyProfile;

using SimEvent = ReplayEvent;

// Where journal text is written, with raw stores: the line being built when the journal keeps
// its text (cleared after each line), or every line of a run whose hash is deferred
// (run_replays). Before each line it makes room for the longest one (a fill line: 156 bytes)
// and the digit writers' slack (core/text_digits.h).
class TextBuffer {
 public:
  static constexpr std::size_t kLineRoom = 256;

  char* line_start() {
    if (capacity_ - size_ < kLineRoom) grow();
    return data_.get() + size_;
  }
  void line_end(const char* end) {
    const auto n = static_cast<std::size_t>(end - (data_.get() + size_));
    Q50_CHECK(n <= kLineRoom - kDecimalRoom, "invariant: a journal line overran its room");
    size_ += n;
  }
  std::string_view view() const { return {data_.get(), size_}; }
  void clear() { size_ = 0; }

 private:
  void grow() {
    const std::size_t capacity = std::max<std::size_t>(2 * capacity_, 64 * 1024);
    auto data = std::make_unique_for_overwrite<char[]>(capacity);
    if (size_ > 0) std::memcpy(data.get(), data_.get(), size_);
    data_ = std::move(data);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

// How a run's journal lines are fingerprinted.
enum class JournalMode : std::uint8_t {
  kHash,      // hashed as they are described, never built (the default)
  kKeepText,  // built and kept (ReplayConfig::keep_journal_text), hashed byte by byte
  kDeferred,  // built into the run's TextBuffer and hashed later, beside other runs' text
};

// One canonical journal line: "kind key=value ...", integers in decimal, doubles as the hex
// digits of their IEEE bits (exact, and identical across compilers and standard libraries,
// unlike any decimal formatting choice), then '\n'. The fingerprint is byte-wise FNV-1a of
// that text (pinned in golden/replay/fingerprints.txt). In kHash mode the line is hashed as it
// is described, never built: its constant pieces ("bar i=", " ts=", ...) are FnvLiterals (one
// multiply and one table load each, core/fnv_literal.h) and the digits are hashed byte by byte
// (fnv1a_decimal, fnv1a_hex). Otherwise its text is written (core/text_digits.h: the same
// text as std::to_chars). tests/sim/legacy/replay_journal_hash_test.cc checks that every mode
// gives the same fingerprint on every reference case.
class Line {
 public:
  // kHash: text is null.
  Line(Journal& journal, TextBuffer* text, JournalMode mode)
      : journal_(journal), text_(text), mode_(mode),
        p_(text != nullptr ? text->line_start() : nullptr), hash_(journal.fingerprint()) {}
  Line& lit(const FnvLiteral& piece) {
    if (p_ != nullptr) {
      std::memcpy(p_, piece.text.data(), piece.text.size());
      p_ += piece.text.size();
    } else {
      hash_ = fnv1a_literal(piece, hash_);
    }
    return *this;
  }
  Line& i64(std::int64_t v) {
    if (p_ != nullptr) {
      p_ = write_decimal(p_, v);
    } else {
      hash_ = fnv1a_decimal(v, hash_);
    }
    return *this;
  }
  Line& f64(double v) {
    const auto bits = std::bit_cast<std::uint64_t>(v);
    if (p_ != nullptr) {
      p_ = write_hex(p_, bits);
    } else {
      hash_ = fnv1a_hex(bits, hash_);
    }
    return *this;
  }
  // Ends the line (its '\n') and appends it to the journal.
  void end() {
    switch (mode_) {
      case JournalMode::kHash:
        journal_.append_hashed(fnv1a_byte('\n', hash_));
        return;
      case JournalMode::kKeepText:
        text_->line_end(p_);
        journal_.append(text_->view());
        text_->clear();
        return;
      case JournalMode::kDeferred:
        *p_++ = '\n';
        text_->line_end(p_);
        journal_.append_deferred();
        return;
    }
  }

 private:
  Journal& journal_;
  TextBuffer* text_;
  JournalMode mode_;
  char* p_;  // where the next piece of text goes; null in kHash mode
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
  // defer_hash: the journal's lines are written into deferred_text() for the caller to hash
  // (unless the config keeps the journal's text: then they are hashed as kept).
  Simulator(std::span<const MarketBar> bars, const ReplayConfig& config, bool defer_hash = false)
      : bars_(bars),
        config_(config),
        hb_(config.params.profile == StrategyProfile::kLegacyHummingbot),
        venue_(config.venue),
        journal_(config.keep_journal_text),
        journal_mode_(config.keep_journal_text ? JournalMode::kKeepText
                      : defer_hash             ? JournalMode::kDeferred
                                               : JournalMode::kHash),
        step_{legacy::initial_state(config.params, config.venue.initial_cash), {}} {
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

  // Deferred hashing (run_replays): the text of the lines written since the last clear, and
  // the fingerprint of all of them once the caller has hashed them.
  std::string_view deferred_text() const {
    return journal_mode_ == JournalMode::kDeferred ? text_.view() : std::string_view();
  }
  void clear_deferred_text() {
    if (journal_mode_ == JournalMode::kDeferred) text_.clear();
  }
  bool defers_hash() const { return journal_mode_ == JournalMode::kDeferred; }
  void set_fingerprint(std::uint64_t hash) { journal_.restore(hash, journal_.lines()); }
  // From a deferring run whose text so far hashes to `hash` (and is cleared), on: inline.
  void hash_inline_from(std::uint64_t hash) {
    Q50_CHECK(defers_hash() && text_.view().empty(),
              "hash_inline_from: the run does not defer, or has text not hashed");
    set_fingerprint(hash);
    journal_mode_ = JournalMode::kHash;
  }

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
  Line line() {
    return Line(journal_, journal_mode_ == JournalMode::kHash ? nullptr : &text_, journal_mode_);
  }

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
        line().lit(kEndTs).i64(e.ts_ns).end();
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
    line().lit(kBarI).i64(bar.index).lit(kTs).i64(bar.ts_ns).lit(kPx)
        .f64(bar.price).end();
    return bar;
  }

  legacy::Event on_venue(const LegacyVenueEvent& v) {
    if (const auto* f = std::get_if<LegacyFill>(&v)) {
      // Invariant: a fill never exceeds its order; the legacy venue fills completely.
      Q50_CHECK(std::fabs(f->qty) <= std::fabs(order_qty_) && f->qty == order_qty_,
                "invariant: fill quantity differs from the order's");
      line().lit(kFillTs).i64(f->ts_ns).lit(kQty).f64(f->qty).lit(kPx)
          .f64(f->price).lit(kFee).f64(f->fee).lit(kSlip).f64(f->slippage).lit(kCash)
          .f64(f->cash_after).lit(kPos).f64(f->position_after).end();
      return legacy::OrderFilled{f->ts_ns, f->qty, f->price, f->fee, f->slippage,
                                   f->cash_after, f->position_after};
    }
    const auto& rj = std::get<LegacyReject>(v);
    line().lit(kRejectTs).i64(rj.ts_ns).lit(kQty).f64(rj.qty).lit(kCost)
        .f64(rj.cost).lit(kCash).f64(rj.cash).end();
    return legacy::OrderRejected{rj.ts_ns, rj.qty};
  }

  void execute(const Command& c, TimestampNs now_ns) {
    if (const auto* o = std::get_if<legacy::SubmitMarketOrder>(&c)) {
      Q50_CHECK(hb_, "only the HB profile sends orders");
      order_qty_ = o->qty;
      line().lit(kOrderQty).f64(o->qty)
          .lit(kPurpose[static_cast<std::size_t>(o->purpose)]).end();
      const LegacyVenueEvent resp = venue_.submit(o->qty, now_ns);
      const TimestampNs ts = std::visit([](const auto& x) { return x.ts_ns; }, resp);
      queue_.push(ts, Priority::kVenueResponse, SimEvent{SimEvent::Kind::kVenue, 0, resp});
    } else if (const auto* h = std::get_if<legacy::HbHoldRecord>(&c)) {
      line().lit(kHoldReasonPv[static_cast<std::size_t>(h->reason)])
          .f64(h->portfolio_value).end();
      out_.hb_holds.push_back(*h);
    } else if (const auto* t = std::get_if<legacy::HbTradeRecord>(&c)) {
      check_trade(*t);
      line().lit(kTradePnl).f64(t->pnl).lit(kEntry).f64(t->entry_price).end();
      out_.hb_trades.push_back(*t);
    } else if (const auto* b = std::get_if<legacy::HbBarRecord>(&c)) {
      check_bar(*b);
      line().lit(kRecordPv).f64(b->portfolio_value).lit(kPnl).f64(b->pnl).end();
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
    line().lit(kQbSidePos[static_cast<std::size_t>(q.side)])
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
  JournalMode journal_mode_;
  TextBuffer text_;  // kKeepText: the line being built; kDeferred: the lines not yet hashed
  EventQueue<SimEvent> queue_;
  legacy::StepResult step_;  // the strategy's state and its last step's commands
  ReplayResult out_;
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

std::vector<ReplayResult> run_replays(std::span<const ReplayJob> jobs) {
  // Events per round: a round's text (about 200 bytes a bar per run here) stays in the core's
  // L2 cache between being written and being hashed (64 to 1,024 measured the same).
  constexpr std::uint64_t kEventsPerRound = 256;
  // Fewer chains side by side than this do not pay for writing the text (bench/
  // replay_loop_bench: two runs cost as much per run as one hashing inline, three less): such
  // runs hash inline, from the start or from the round where the others have finished.
  constexpr std::size_t kMinLanes = 3;
  const bool defer_hash = jobs.size() >= kMinLanes;
  std::vector<std::unique_ptr<Simulator>> sims;
  sims.reserve(jobs.size());
  for (const ReplayJob& job : jobs) {
    Q50_CHECK(job.config != nullptr, "run_replays: a job without a config");
    sims.push_back(std::make_unique<Simulator>(job.bars, *job.config, defer_hash));
    sims.back()->start();
  }
  std::vector<std::size_t> running;  // the runs that defer their hash and have events left
  for (std::size_t k = 0; k < sims.size(); ++k) {
    if (sims[k]->defers_hash()) {
      running.push_back(k);
    } else {
      sims[k]->run_until(kNoStop);
    }
  }
  std::vector<std::uint64_t> hashes(jobs.size(), kFnvOffset);
  std::vector<std::string_view> texts;
  std::vector<std::uint64_t> lane_hashes;
  std::vector<bool> finished(jobs.size(), false);
  for (std::uint64_t until = kEventsPerRound; !running.empty(); until += kEventsPerRound) {
    texts.clear();
    lane_hashes.clear();
    for (const std::size_t k : running) {
      finished[k] = sims[k]->run_until(until);
      texts.push_back(sims[k]->deferred_text());
      lane_hashes.push_back(hashes[k]);
    }
    fnv1a_lanes(texts, lane_hashes);
    for (std::size_t lane = 0; lane < running.size(); ++lane) {
      hashes[running[lane]] = lane_hashes[lane];
      sims[running[lane]]->clear_deferred_text();
    }
    std::erase_if(running, [&](std::size_t k) { return finished[k]; });
    if (running.size() < kMinLanes) {
      for (const std::size_t k : running) {
        sims[k]->hash_inline_from(hashes[k]);
        sims[k]->run_until(kNoStop);
      }
      running.clear();
    }
  }
  std::vector<ReplayResult> results;
  results.reserve(jobs.size());
  for (std::size_t k = 0; k < sims.size(); ++k) {
    if (sims[k]->defers_hash()) sims[k]->set_fingerprint(hashes[k]);
    results.push_back(sims[k]->finish());
    sims[k].reset();  // its reserved record vectors go before the next result is moved out
  }
  return results;
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
