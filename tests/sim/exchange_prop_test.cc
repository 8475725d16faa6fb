#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "sim/exchange.h"
#include "sim/exchange_models.h"
#include "core/fixed_point.h"
#include "core/instrument.h"
#include "core/prng.h"

namespace q50::sim {
namespace {

constexpr TimestampNs kHour = kNsPerHour;
constexpr std::int64_t kUnit = kFixedScale;   // 1 whole unit in e8
constexpr std::int64_t kTick = kUnit / 100;   // 0.01 USDT
constexpr std::int64_t kStep = kUnit / 1000;  // 0.001 BTC

template <typename T>
rc::Gen<T> in_range(T lo, T hi_inclusive) {
  return rc::gen::inRange<T>(lo, hi_inclusive + 1);
}

// One step of a random session. Limit prices are offsets from the venue's current price, so a
// list of actions can be generated without knowing the price path.
struct Action {
  enum class Kind : std::uint8_t { kSubmit, kCancel, kBar };
  Kind kind = Kind::kBar;
  TimestampNs dt_ns = 0;  // submit/cancel: time since the previous action
  // kSubmit
  Side side = Side::kBuy;
  OrderType type = OrderType::kMarket;
  TimeInForce tif = TimeInForce::kGtc;
  std::int64_t qty_e8 = 0;
  std::int64_t offset_ticks = 0;
  std::int64_t offset_e8 = 0;  // added to the limit price, off the tick grid
  std::string client_id;
  // kCancel
  std::int64_t order_id = 0;
  // kBar
  std::int64_t move_ticks = 0;
  std::int64_t gap_ticks = 0;
  std::int64_t wick_up_ticks = 0;
  std::int64_t wick_down_ticks = 0;
  std::int64_t volume_e8 = 0;
};

std::ostream& operator<<(std::ostream& os, const Action& a) {
  switch (a.kind) {
    case Action::Kind::kSubmit:
      return os << "submit dt=" << a.dt_ns << " " << side_name(a.side) << " "
                << order_type_name(a.type) << " " << tif_name(a.tif) << " qty_e8=" << a.qty_e8
                << " offset=" << a.offset_ticks << "+" << a.offset_e8 << " id=" << a.client_id;
    case Action::Kind::kCancel:
      return os << "cancel dt=" << a.dt_ns << " order_id=" << a.order_id << " id=" << a.client_id;
    case Action::Kind::kBar:
      return os << "bar move=" << a.move_ticks << " gap=" << a.gap_ticks
                << " up=" << a.wick_up_ticks << " down=" << a.wick_down_ticks
                << " vol=" << a.volume_e8;
  }
  return os;
}

std::string gen_client_id() {
  const int k = *in_range(0, 24);
  return k == 0 ? std::string() : std::string("c").append(std::to_string(k));  // repeats: dups
}

Action gen_submit() {
  Action a;
  a.kind = Action::Kind::kSubmit;
  a.dt_ns = *in_range<TimestampNs>(0, 30 * kNsPerMinute);
  a.side = *rc::gen::element(Side::kBuy, Side::kSell);
  a.type = *rc::gen::element(OrderType::kMarket, OrderType::kLimit);
  a.tif = *rc::gen::element(TimeInForce::kGtc, TimeInForce::kGtc, TimeInForce::kIoc);
  // Off-grid amounts are LOT_SIZE / PRICE_FILTER rejects on the coarse instrument and make
  // price * qty round on the fine one.
  a.qty_e8 = *in_range<std::int64_t>(1, 3000) * kStep;
  if (*in_range(0, 4) == 0) a.qty_e8 += *in_range<std::int64_t>(1, kStep - 1);
  a.offset_ticks = *in_range<std::int64_t>(-400, 400);
  if (*in_range(0, 4) == 0) a.offset_e8 = *in_range<std::int64_t>(1, kTick - 1);
  a.client_id = gen_client_id();
  return a;
}

Action gen_cancel(std::int64_t max_order_id) {
  Action a;
  a.kind = Action::Kind::kCancel;
  a.dt_ns = *in_range<TimestampNs>(0, 30 * kNsPerMinute);
  a.order_id = *in_range<std::int64_t>(0, max_order_id);
  a.client_id = a.order_id == 0 ? gen_client_id() : std::string();
  return a;
}

Action gen_bar() {
  Action a;
  a.kind = Action::Kind::kBar;
  a.move_ticks = *in_range<std::int64_t>(-500, 500);
  a.gap_ticks = *in_range<std::int64_t>(-100, 100);
  a.wick_up_ticks = *in_range<std::int64_t>(0, 300);
  a.wick_down_ticks = *in_range<std::int64_t>(0, 300);
  a.volume_e8 = *rc::gen::element<std::int64_t>(0, kUnit / 2, 5 * kUnit, 50 * kUnit);
  return a;
}

Action gen_action(std::int64_t max_order_id) {
  switch (*in_range(0, 5)) {
    case 0:
    case 1:
    case 2:
      return gen_submit();
    case 3:
      return gen_cancel(max_order_id);
    default:
      return gen_bar();
  }
}

// Every model varies: the instrument's grids, fees (zero included), slippage kind, latency (up to
// two bars, so orders are in flight across bars), fill price, touch, participation, rate limit, one
// outage.
ExchangeConfig gen_config(AccountMode mode) {
  ExchangeConfig c;
  c.instrument.symbol = "BTCUSDT";
  if (*rc::gen::arbitrary<bool>()) {  // coarse: Binance-like filters; fine: 1e-8 grids
    c.instrument.tick_size_e8 = kTick;
    c.instrument.step_size_e8 = kStep;
    c.instrument.min_qty_e8 = kStep;
    c.instrument.min_notional_e8 = kUnit;
  }
  c.account.mode = mode;
  c.account.margin_checks_quote = *rc::gen::arbitrary<bool>();
  c.account.initial_base_e8 = *in_range<std::int64_t>(0, 10) * kUnit;
  c.account.initial_quote_e8 = *in_range<std::int64_t>(0, 5000 * kUnit);
  // Zero fees often: then only the notional's rounding stands between a trade and free value.
  c.fee.maker_ppm =
      *rc::gen::oneOf(rc::gen::just<std::int64_t>(0), in_range<std::int64_t>(1, 2000));
  c.fee.taker_ppm =
      *rc::gen::oneOf(rc::gen::just<std::int64_t>(0), in_range<std::int64_t>(1, 2000));
  switch (*in_range(0, 2)) {
    case 0:
      c.slippage = SlippageModel::none();
      break;
    case 1:
      c.slippage = SlippageModel::fixed(*in_range<std::int64_t>(0, 1000));
      break;
    default: {
      const std::int64_t base = *in_range<std::int64_t>(0, 500);
      c.slippage = SlippageModel::volume(base, *in_range<std::int64_t>(0, 20'000),
                                         base + *in_range<std::int64_t>(0, 5000));
    }
  }
  const TimestampNs max_latency = *rc::gen::element<TimestampNs>(0, kNsPerSecond, 2 * kHour);
  c.latency = LatencyModel::uniform(0, max_latency, Prng(*rc::gen::arbitrary<std::uint64_t>()));
  if (*rc::gen::arbitrary<bool>()) c.latency.spikes = {{3 * kHour, 5 * kHour, kHour}};
  c.fill.price = *rc::gen::element(FillPrice::kBarClose, FillPrice::kNextBarOpen);
  c.fill.limit_touch_fills = *rc::gen::arbitrary<bool>();
  c.fill.max_participation_ppm = *rc::gen::element<std::int64_t>(0, 10'000, 100'000, 500'000, kPpm);
  c.rate_limit = *rc::gen::element(RateLimit{}, RateLimit{RateLimit::Kind::kFixedWindow, 5, kHour},
                                   RateLimit{RateLimit::Kind::kTokenBucket, 5, kHour});
  if (*rc::gen::arbitrary<bool>()) {
    const TimestampNs start = *in_range<TimestampNs>(0, 10) * kHour / 2;
    c.outages = {{start, start + *in_range<TimestampNs>(1, 3 * kHour)}};
  }
  return c;
}

// The system under test: the venue plus everything the properties compare it against,
// rebuilt from the events alone.
class Venue {
 public:
  explicit Venue(const ExchangeConfig& config) : config_(config), ex_(config) {
    quote_e8_ = config.account.initial_quote_e8;
    base_e8_ = config.account.initial_base_e8;
  }

  // A fresh Exchange restored from other's state (a checkpoint), with other's bookkeeping.
  static Venue resume(const Venue& other) {
    Venue v = other;
    v.ex_ = Exchange(other.config_, other.ex_.state());
    return v;
  }

  void apply(const Action& a) {
    switch (a.kind) {
      case Action::Kind::kSubmit:
        advance(a.dt_ns);
        absorb(ex_.submit(request_for(a), now_ns_));
        break;
      case Action::Kind::kCancel:
        advance(a.dt_ns);
        cancel(a);
        break;
      case Action::Kind::kBar:
        absorb(ex_.on_bar(next_bar(a)));
        break;
    }
    check_invariants();
  }

  const std::vector<std::string>& journal() const { return journal_; }
  int cancels_after_fill() const { return cancels_after_fill_; }
  std::int64_t fills() const { return fills_; }

 private:
  void advance(TimestampNs dt_ns) { now_ns_ = std::min(now_ns_ + dt_ns, next_bar_ns_ - 1); }

  OrderRequest request_for(const Action& a) const {
    OrderRequest r{a.client_id, "BTCUSDT", a.side, a.type, a.tif, a.qty_e8, 0};
    if (a.type == OrderType::kLimit) {
      r.price_e8 = std::max(kTick, price_e8_ + a.offset_ticks * kTick) + a.offset_e8;
    }
    return r;
  }

  Bar next_bar(const Action& a) {
    Bar b;
    b.ts_ns = next_bar_ns_;
    b.open_e8 = std::max(kUnit, price_e8_ + a.gap_ticks * kTick);
    b.close_e8 = std::max(kUnit, b.open_e8 + a.move_ticks * kTick);
    b.high_e8 = std::max(b.open_e8, b.close_e8) + a.wick_up_ticks * kTick;
    b.low_e8 = std::max(kTick, std::min(b.open_e8, b.close_e8) - a.wick_down_ticks * kTick);
    b.volume_e8 = a.volume_e8;
    price_e8_ = b.close_e8;
    now_ns_ = next_bar_ns_;
    next_bar_ns_ += kHour;
    return b;
  }

  // A cancel's answer follows from the target's status before it (unless the venue is down).
  void cancel(const Action& a) {
    const Order* target = a.order_id > 0 ? ex_.find_order(a.order_id) : nullptr;
    const std::optional<OrderStatus> before =
        target ? std::optional<OrderStatus>(target->status) : std::nullopt;
    const auto events = ex_.cancel({a.order_id, a.client_id}, now_ns_);
    RC_ASSERT(events.size() == 1u);
    absorb(events);
    if (a.order_id == 0) return;
    if (const auto* r = std::get_if<OrderRejected>(&events[0])) {
      if (r->code == RejectCode::kVenueDown) {
        RC_ASSERT(venue_down(config_.outages, r->ts_ns));
        return;
      }
      if (before == OrderStatus::kFilled) {
        RC_ASSERT(r->code == RejectCode::kOrderAlreadyFilled);
        ++cancels_after_fill_;
      } else {
        RC_ASSERT(r->code == RejectCode::kUnknownOrder);
        RC_ASSERT(before != OrderStatus::kNew && before != OrderStatus::kPartiallyFilled);
      }
    } else {
      RC_ASSERT(std::holds_alternative<OrderCanceled>(events[0]));
      RC_ASSERT(before == OrderStatus::kNew || before == OrderStatus::kPartiallyFilled);
      RC_ASSERT(ex_.find_order(a.order_id)->status == OrderStatus::kCanceled);
    }
  }

  void absorb(const std::vector<VenueEvent>& events) {
    for (const VenueEvent& e : events) {
      journal_.push_back(describe(e));
      if (const auto* f = std::get_if<Fill>(&e)) check_fill(*f);
    }
  }

  void check_fill(const Fill& f) {
    ++fills_;
    const Order* order = ex_.find_order(f.order_id);
    RC_ASSERT(order != nullptr);
    RC_ASSERT(f.qty_e8 > 0);
    std::int64_t& filled = filled_e8_[f.order_id];
    filled += f.qty_e8;
    RC_ASSERT(filled <= order->qty_e8);  // fills never exceed the order
    RC_ASSERT(f.filled_qty_e8 == filled);
    RC_ASSERT(f.leaves_qty_e8 == order->qty_e8 - filled);
    // Every fill pays its fee, and never less than the exact rate.
    const std::int64_t rate = config_.fee.rate_ppm(f.liquidity);
    if (rate > 0 && f.notional_e8 > 0) RC_ASSERT(f.fee_e8 > 0);
    RC_ASSERT(static_cast<Int128>(f.fee_e8) * kPpm >= static_cast<Int128>(f.notional_e8) * rate);
    // Rounding never creates value: the notional is rounded for the venue, and valued at its
    // own price a trade leaves the account with at most what it had (exact, in 1e-16 units).
    const Int128 exact_value = static_cast<Int128>(f.qty_e8) * f.price_e8;
    const Int128 notional = static_cast<Int128>(f.notional_e8) * kFixedScale;
    const bool favours_venue =
        f.side == Side::kBuy ? notional >= exact_value : notional <= exact_value;
    RC_ASSERT(favours_venue);
    RC_ASSERT(notional - exact_value < kFixedScale && exact_value - notional < kFixedScale);
    if (f.side == Side::kBuy) {
      const std::int64_t cost = f.notional_e8 + f.fee_e8 + f.slippage_e8;
      RC_ASSERT(static_cast<Int128>(cost) * kFixedScale >= exact_value);
      quote_e8_ -= cost;
      base_e8_ += f.qty_e8;
      buy_notional_e8_ += f.notional_e8;
    } else {
      const std::int64_t proceeds = f.notional_e8 - f.fee_e8 - f.slippage_e8;
      RC_ASSERT(static_cast<Int128>(proceeds) * kFixedScale <= exact_value);
      quote_e8_ += proceeds;
      base_e8_ -= f.qty_e8;
      sell_notional_e8_ += f.notional_e8;
    }
    fees_e8_ += f.fee_e8;
    slippage_e8_ += f.slippage_e8;
  }

  void check_invariants() const {
    const AccountState& acct = ex_.balances();
    // The balances are exactly what the reported fills imply: quote + fees + slippage is
    // conserved through trading.
    RC_ASSERT(acct.quote.total_e8() == quote_e8_);
    RC_ASSERT(acct.base.total_e8() == base_e8_);
    RC_ASSERT(acct.fees_paid_e8 == fees_e8_);
    RC_ASSERT(acct.slippage_paid_e8 == slippage_e8_);
    RC_ASSERT(config_.account.initial_quote_e8 == acct.quote.total_e8() + acct.fees_paid_e8 +
                                                      acct.slippage_paid_e8 + buy_notional_e8_ -
                                                      sell_notional_e8_);
    if (config_.account.mode == AccountMode::kSpot) {
      RC_ASSERT(acct.quote.free_e8 >= 0);
      RC_ASSERT(acct.base.free_e8 >= 0);
    }
    RC_ASSERT(acct.quote.locked_e8 >= 0);
    RC_ASSERT(acct.base.locked_e8 >= 0);
    std::int64_t locked_quote = 0;
    std::int64_t locked_base = 0;
    for (const auto& [id, order] : ex_.state().orders) {
      RC_ASSERT(order.filled_qty_e8 <= order.qty_e8);
      RC_ASSERT((order.status == OrderStatus::kFilled) == (order.filled_qty_e8 == order.qty_e8));
      if (!order.open()) RC_ASSERT(order.locked_quote_e8 + order.locked_base_e8 == 0);
      locked_quote += order.locked_quote_e8;
      locked_base += order.locked_base_e8;
    }
    RC_ASSERT(locked_quote == acct.quote.locked_e8);
    RC_ASSERT(locked_base == acct.base.locked_e8);
  }

  ExchangeConfig config_;
  Exchange ex_;
  TimestampNs now_ns_ = 0;
  TimestampNs next_bar_ns_ = kHour;
  std::int64_t price_e8_ = 100 * kUnit;
  std::map<std::int64_t, std::int64_t> filled_e8_;
  std::int64_t quote_e8_ = 0;
  std::int64_t base_e8_ = 0;
  std::int64_t fees_e8_ = 0;
  std::int64_t slippage_e8_ = 0;
  std::int64_t buy_notional_e8_ = 0;
  std::int64_t sell_notional_e8_ = 0;
  std::vector<std::string> journal_;
  int cancels_after_fill_ = 0;
  std::int64_t fills_ = 0;
};

// rc::state: the model only counts submitted orders, so cancels aim at ids that may exist.
struct Model {
  std::int64_t submitted = 0;
};

using VenueCommand = rc::state::Command<Model, Venue>;

struct ActionCommand : VenueCommand {
  Action action;
  void run(const Model& /*model*/, Venue& venue) const override { venue.apply(action); }
  void show(std::ostream& os) const override { os << action; }
};

struct SubmitCommand : ActionCommand {
  explicit SubmitCommand(const Model& /*model*/) { action = gen_submit(); }
  void apply(Model& model) const override { ++model.submitted; }
};

struct CancelCommand : ActionCommand {
  explicit CancelCommand(const Model& model) { action = gen_cancel(model.submitted + 1); }
};

struct BarCommand : ActionCommand {
  explicit BarCommand(const Model& /*model*/) { action = gen_bar(); }
};

void check_session(AccountMode mode) {
  Venue venue(gen_config(mode));
  rc::state::check(
      Model{}, venue,
      rc::state::gen::execOneOfWithArgs<SubmitCommand, SubmitCommand, CancelCommand, BarCommand>());
  RC_CLASSIFY(venue.fills() > 0, "some fills");
  RC_CLASSIFY(venue.cancels_after_fill() > 0, "cancel after fill");
}

// Spot: fills never exceed orders, balances never go negative, locks add up, every fill pays
// its fee, rounding never creates value, quote + fees + slippage is conserved, and a cancel
// after a full fill is rejected as such.
RC_BOOST_PROP(prop_spot_venue_keeps_its_invariants, ()) { check_session(AccountMode::kSpot); }

// Margin: the same accounting invariants with shorts allowed.
RC_BOOST_PROP(prop_margin_venue_keeps_its_invariants, ()) { check_session(AccountMode::kMargin); }

std::vector<Action> gen_actions() {
  const auto n = *in_range<std::size_t>(1, 150);
  std::vector<Action> actions;
  for (std::size_t i = 0; i < n; ++i) {
    actions.push_back(gen_action(static_cast<std::int64_t>(i) + 1));
  }
  return actions;
}

// Same config (seeded latency jitter included) and actions -> the same describe() lines; a
// venue restored from a checkpoint taken at any point continues with the same lines.
RC_BOOST_PROP(prop_same_seed_gives_the_same_events, ()) {
  const ExchangeConfig config =
      gen_config(*rc::gen::element(AccountMode::kSpot, AccountMode::kMargin));
  const std::vector<Action> actions = gen_actions();
  const auto cut = *in_range<std::size_t>(0, actions.size());
  Venue first(config);
  Venue second(config);
  for (std::size_t i = 0; i < cut; ++i) {
    first.apply(actions[i]);
    second.apply(actions[i]);
  }
  Venue resumed = Venue::resume(second);
  for (std::size_t i = cut; i < actions.size(); ++i) {
    first.apply(actions[i]);
    resumed.apply(actions[i]);
  }
  RC_ASSERT(first.journal() == resumed.journal());
  RC_CLASSIFY(first.fills() > 0, "some fills");
}

// div_round agrees with the exact quotient: floor/ceil bracket it and half-even is nearest
// with ties to even.
RC_BOOST_PROP(prop_div_round_brackets_the_exact_quotient, (std::int64_t a, std::int64_t b)) {
  RC_PRE(b != 0);
  RC_PRE(!(a == std::numeric_limits<std::int64_t>::min() && b == -1));
  const Int128 n = a;
  const Int128 d = b < 0 ? -static_cast<Int128>(b) : b;
  const Int128 num = b < 0 ? -n : n;  // same quotient with a positive denominator
  const Int128 lo = div_round(a, b, Rounding::kDown);
  const Int128 hi = div_round(a, b, Rounding::kUp);
  RC_ASSERT(lo * d <= num);
  RC_ASSERT(num < (lo + 1) * d);
  RC_ASSERT(hi * d >= num);
  RC_ASSERT(num > (hi - 1) * d);
  const Int128 even = div_round(a, b, Rounding::kHalfEven);
  const Int128 twice_err = 2 * (num - even * d);
  RC_ASSERT(twice_err <= d);
  RC_ASSERT(twice_err >= -d);
  if (twice_err == d || twice_err == -d) RC_ASSERT(even % 2 == 0);
}

}  // namespace
}  // namespace q50::sim
