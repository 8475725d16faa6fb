#include "sim/exchange.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "core/check.h"

namespace q50::sim {

namespace {

// Binance's message texts (spec/binance-testnet.md §1.6) where Binance has one.
constexpr std::string_view kInsufficientBalance =
    "Account has insufficient balance for requested action.";
constexpr std::string_view kUnknownOrder = "Unknown order sent.";

bool valid_client_order_id(std::string_view id) {
  if (id.empty() || id.size() > 36) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

// Why a request is malformed (kInvalidRequest), or nullopt. Filters are checked separately.
std::optional<std::string> request_problem(const OrderRequest& r, const Instrument& ins) {
  if (r.symbol != ins.symbol) return "Invalid symbol.";
  if (!r.client_order_id.empty() && !valid_client_order_id(r.client_order_id)) {
    return "Illegal characters found in parameter 'newClientOrderId'; legal range is "
           "'^[a-zA-Z0-9-_]{1,36}$'.";
  }
  if (r.qty_e8 <= 0) return "Parameter 'quantity' must be positive.";
  if (r.type == OrderType::kMarket && r.price_e8 != 0) {
    return "Parameter 'price' sent when not required.";
  }
  if (r.type == OrderType::kLimit && r.price_e8 <= 0) {
    return "Mandatory parameter 'price' was not sent, was empty/null, or malformed.";
  }
  return std::nullopt;
}

std::string rate_limit_text(const RateLimit& limit) {
  return "Too many new orders; current limit is " + std::to_string(limit.max_orders) +
         " orders per " + std::to_string(limit.window_ns) + " ns.";
}

void move_to_locked(Balance& b, std::int64_t amount) {
  b.free_e8 = checked_sub(b.free_e8, amount);
  b.locked_e8 = checked_add(b.locked_e8, amount);
}

void release_lock(Balance& b, std::int64_t& order_locked) {
  b.locked_e8 = checked_sub(b.locked_e8, order_locked);
  b.free_e8 = checked_add(b.free_e8, order_locked);
  order_locked = 0;
}

}  // namespace

// Events of one venue action, all stamped at the same instant.
struct Exchange::Sink {
  TimestampNs ts_ns;
  std::vector<VenueEvent> events;
};

Exchange::Exchange(ExchangeConfig config) : config_(std::move(config)) {
  const absl::Status valid = validate_exchange_config(config_);
  Q50_CHECK(valid.ok(), std::string(valid.message()).c_str());
  state_.account.base.free_e8 = config_.account.initial_base_e8;
  state_.account.quote.free_e8 = config_.account.initial_quote_e8;
}

Exchange::Exchange(ExchangeConfig config, ExchangeState state)
    : config_(std::move(config)), state_(std::move(state)) {
  const absl::Status valid = validate_exchange_config(config_);
  Q50_CHECK(valid.ok(), std::string(valid.message()).c_str());
}

TimestampNs Exchange::arrival_for(TimestampNs now_ns) {
  Q50_CHECK(!state_.has_bar || now_ns >= state_.last_bar.ts_ns,
            "a request was sent before the last bar the venue has seen");
  const TimestampNs latency = config_.latency.latency_ns(now_ns, state_.requests_sent++);
  const TimestampNs arrival = std::max(checked_add(now_ns, latency), state_.last_arrival_ns);
  state_.last_arrival_ns = arrival;
  return arrival;
}

std::int64_t Exchange::reference_price_e8() const {
  return state_.has_bar ? state_.last_bar.close_e8 : 0;
}

std::vector<VenueEvent> Exchange::submit(const OrderRequest& request, TimestampNs now_ns) {
  const TimestampNs arrival = arrival_for(now_ns);
  auto reject = [&](RejectCode code, std::string reason) {
    return std::vector<VenueEvent>{OrderRejected{arrival, RequestKind::kNewOrder, 0,
                                                 request.client_order_id, code, std::move(reason)}};
  };
  if (venue_down(config_.outages, arrival)) {
    return reject(RejectCode::kVenueDown, "Service unavailable: venue outage.");
  }
  // Every new-order request that reaches the venue counts against the limit, valid or not.
  if (!rate_limit_admit(config_.rate_limit, state_.rate, arrival)) {
    return reject(RejectCode::kRateLimited, rate_limit_text(config_.rate_limit));
  }
  if (auto problem = request_problem(request, config_.instrument)) {
    return reject(RejectCode::kInvalidRequest, *problem);
  }
  const bool is_limit = request.type == OrderType::kLimit;
  const std::int64_t filter_price = is_limit ? request.price_e8 : reference_price_e8();
  if (auto filter = validate_order(config_.instrument, is_limit, request.qty_e8, filter_price)) {
    return reject(RejectCode::kFilterFailure,
                  "Filter failure: " + std::string(filter_name(*filter)));
  }
  if (!request.client_order_id.empty()) {
    for (const auto& [id, order] : state_.orders) {
      if (order.open() && order.client_order_id == request.client_order_id) {
        return reject(RejectCode::kDuplicateOrder, "Duplicate order sent.");
      }
    }
  }
  return accept(request, arrival);
}

std::vector<VenueEvent> Exchange::accept(const OrderRequest& request, TimestampNs arrival_ns) {
  Order order;
  order.order_id = state_.next_order_id;
  order.client_order_id = request.client_order_id.empty() ? "q50-" + std::to_string(order.order_id)
                                                          : request.client_order_id;
  order.side = request.side;
  order.type = request.type;
  order.tif = request.tif;
  order.qty_e8 = request.qty_e8;
  order.price_e8 = request.price_e8;
  order.arrival_ns = arrival_ns;
  if (!reserve(order)) {
    return {OrderRejected{arrival_ns, RequestKind::kNewOrder, 0, request.client_order_id,
                          RejectCode::kInsufficientBalance, std::string(kInsufficientBalance)}};
  }
  ++state_.next_order_id;
  Sink sink{arrival_ns, {}};
  sink.events.push_back(OrderAccepted{arrival_ns, order.order_id, order.client_order_id, order.side,
                                      order.type, order.tif, order.qty_e8, order.price_e8});
  Order& stored = state_.orders.emplace(order.order_id, std::move(order)).first->second;
  if (config_.fill.price == FillPrice::kBarClose && state_.has_bar) {
    match_immediate(stored, state_.last_bar.close_e8, sink);
  }
  return std::move(sink.events);
}

// The balance check at acceptance, and the spot locks. Returns false when the account cannot
// pay: spot sells need free base; a buy is priced at its limit (with the larger fee rate, no
// slippage) or, for a market buy, at the reference price with the taker fee and slippage.
bool Exchange::reserve(Order& order) {
  AccountState& acct = state_.account;
  const bool spot = config_.account.mode == AccountMode::kSpot;
  if (order.side == Side::kSell) {
    if (!spot) return true;
    if (acct.base.free_e8 < order.qty_e8) return false;
    move_to_locked(acct.base, order.qty_e8);
    order.locked_base_e8 = order.qty_e8;
    return true;
  }
  if (!spot && !config_.account.margin_checks_quote) return true;
  const bool is_limit = order.type == OrderType::kLimit;
  const std::int64_t price = is_limit ? order.price_e8 : reference_price_e8();
  if (price <= 0) return true;  // a market buy before any bar: checked at the fill
  const std::int64_t fee = is_limit ? config_.fee.max_rate_ppm() : config_.fee.taker_ppm;
  const std::int64_t slip =
      is_limit ? 0 : config_.slippage.rate_ppm(order.qty_e8, state_.last_bar.volume_e8);
  const std::int64_t cost = FixedPointAccounting::buy_cost(
      FixedPointAccounting::costs(Side::kBuy, order.qty_e8, price, fee, slip));
  if (cost > acct.quote.free_e8) return false;
  if (spot && is_limit) {
    move_to_locked(acct.quote, cost);
    order.locked_quote_e8 = cost;
  }
  return true;
}

void Exchange::match_immediate(Order& order, std::int64_t reference_price_e8, Sink& sink) {
  order.immediate_done = true;
  const bool marketable = order.type == OrderType::kMarket ||
                          (order.side == Side::kBuy ? order.price_e8 >= reference_price_e8
                                                    : order.price_e8 <= reference_price_e8);
  if (marketable) execute(order, reference_price_e8, Liquidity::kTaker, sink);
  if (order.open() && order.tif == TimeInForce::kIoc) {
    close(order, OrderStatus::kExpired, sink, "IOC remainder not filled immediately.");
  }
}

void Exchange::match_resting(Order& order, const Bar& bar, Sink& sink) {
  if (order.type == OrderType::kMarket) {
    const bool at_open = config_.fill.price == FillPrice::kNextBarOpen;
    execute(order, at_open ? bar.open_e8 : bar.close_e8, Liquidity::kTaker, sink);
    return;
  }
  const bool touch = config_.fill.limit_touch_fills;
  const bool hit = order.side == Side::kBuy
                       ? (touch ? bar.low_e8 <= order.price_e8 : bar.low_e8 < order.price_e8)
                       : (touch ? bar.high_e8 >= order.price_e8 : bar.high_e8 > order.price_e8);
  if (hit) execute(order, order.price_e8, Liquidity::kMaker, sink);
}

// How much of the order may fill on the current bar: its leaves, capped by the bar's
// remaining participation and rounded down to the step size.
std::int64_t Exchange::fill_capacity_e8(const Order& order) const {
  std::int64_t qty = order.leaves_qty_e8();
  const std::int64_t ppm = config_.fill.max_participation_ppm;
  if (ppm > 0) {
    const std::int64_t cap = apply_ppm(state_.last_bar.volume_e8, ppm, Rounding::kDown);
    qty = std::min(qty, cap - state_.bar_volume_used_e8);
  }
  return round_qty_down(config_.instrument, std::max<std::int64_t>(qty, 0));
}

void Exchange::execute(Order& order, std::int64_t price_e8, Liquidity liquidity, Sink& sink) {
  const std::int64_t qty = fill_capacity_e8(order);
  if (qty > 0) settle(order, qty, price_e8, liquidity, sink);
}

// Books one fill: costs through FixedPointAccounting, balances, the order, the bar's volume.
// A buy the account cannot pay expires the order instead (spot always, margin when
// margin_checks_quote); locked quote pays first.
void Exchange::settle(Order& order, std::int64_t qty_e8, std::int64_t price_e8, Liquidity liquidity,
                      Sink& sink) {
  AccountState& acct = state_.account;
  const bool spot = config_.account.mode == AccountMode::kSpot;
  const std::int64_t slip_rate = order.type == OrderType::kMarket
                                     ? config_.slippage.rate_ppm(qty_e8, state_.last_bar.volume_e8)
                                     : 0;
  const TradeCosts<std::int64_t> c = FixedPointAccounting::costs(
      order.side, qty_e8, price_e8, config_.fee.rate_ppm(liquidity), slip_rate);
  if (order.side == Side::kBuy) {
    const std::int64_t cost = FixedPointAccounting::buy_cost(c);
    const bool checked = spot || config_.account.margin_checks_quote;
    if (checked && cost > checked_add(acct.quote.free_e8, order.locked_quote_e8)) {
      close(order, OrderStatus::kExpired, sink, kInsufficientBalance);
      return;
    }
    const std::int64_t from_lock = std::min(cost, order.locked_quote_e8);
    order.locked_quote_e8 -= from_lock;
    acct.quote.locked_e8 = checked_sub(acct.quote.locked_e8, from_lock);
    acct.quote.free_e8 = checked_sub(acct.quote.free_e8, cost - from_lock);
    acct.base.free_e8 = checked_add(acct.base.free_e8, qty_e8);
  } else {
    Balance& base = acct.base;
    if (spot) {
      order.locked_base_e8 -= qty_e8;
      base.locked_e8 = checked_sub(base.locked_e8, qty_e8);
    } else {
      base.free_e8 = checked_sub(base.free_e8, qty_e8);
    }
    acct.quote.free_e8 = checked_add(acct.quote.free_e8, FixedPointAccounting::sell_proceeds(c));
  }
  acct.fees_paid_e8 = checked_add(acct.fees_paid_e8, c.fee);
  acct.slippage_paid_e8 = checked_add(acct.slippage_paid_e8, c.slippage);
  state_.bar_volume_used_e8 = checked_add(state_.bar_volume_used_e8, qty_e8);
  order.filled_qty_e8 += qty_e8;
  order.status = order.leaves_qty_e8() == 0 ? OrderStatus::kFilled : OrderStatus::kPartiallyFilled;
  sink.events.push_back(Fill{sink.ts_ns, order.order_id, order.client_order_id,
                             state_.next_trade_id++, order.side, liquidity, qty_e8, price_e8,
                             c.notional, c.fee, c.slippage, order.filled_qty_e8,
                             order.leaves_qty_e8()});
  if (order.status == OrderStatus::kFilled) close(order, OrderStatus::kFilled, sink, "");
}

// Ends an order: releases what it still locks and reports cancel/expiry (a fill already
// reported the filled case).
void Exchange::close(Order& order, OrderStatus status, Sink& sink, std::string_view reason) {
  order.status = status;
  release_lock(state_.account.quote, order.locked_quote_e8);
  release_lock(state_.account.base, order.locked_base_e8);
  if (status == OrderStatus::kCanceled) {
    sink.events.push_back(
        OrderCanceled{sink.ts_ns, order.order_id, order.client_order_id, order.filled_qty_e8});
  } else if (status == OrderStatus::kExpired) {
    sink.events.push_back(OrderExpired{sink.ts_ns, order.order_id, order.client_order_id,
                                       order.filled_qty_e8, std::string(reason)});
  }
}

std::vector<VenueEvent> Exchange::cancel(const CancelRequest& request, TimestampNs now_ns) {
  const TimestampNs arrival = arrival_for(now_ns);
  Order* order = nullptr;
  if (request.order_id > 0) {
    auto it = state_.orders.find(request.order_id);
    if (it != state_.orders.end() && (request.client_order_id.empty() ||
                                      it->second.client_order_id == request.client_order_id)) {
      order = &it->second;
    }
  } else {
    // The open order with this client id, else the most recent one (to say "already filled").
    for (auto& [id, o] : state_.orders) {
      if (o.client_order_id != request.client_order_id) continue;
      if (order == nullptr || !order->open()) order = &o;
    }
  }
  auto reject = [&](RejectCode code, std::string_view reason) {
    return std::vector<VenueEvent>{
        OrderRejected{arrival, RequestKind::kCancel, order ? order->order_id : request.order_id,
                      request.client_order_id, code, std::string(reason)}};
  };
  if (venue_down(config_.outages, arrival)) {
    return reject(RejectCode::kVenueDown, "Service unavailable: venue outage.");
  }
  if (request.order_id <= 0 && request.client_order_id.empty()) {
    return reject(RejectCode::kInvalidRequest,
                  "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
  }
  if (order == nullptr) return reject(RejectCode::kUnknownOrder, kUnknownOrder);
  if (order->status == OrderStatus::kFilled) {
    return reject(RejectCode::kOrderAlreadyFilled, "Order already filled.");
  }
  if (!order->open()) return reject(RejectCode::kUnknownOrder, kUnknownOrder);
  Sink sink{arrival, {}};
  close(*order, OrderStatus::kCanceled, sink, "");
  return std::move(sink.events);
}

std::vector<VenueEvent> Exchange::on_bar(const Bar& bar) {
  Q50_CHECK(!state_.has_bar || bar.ts_ns > state_.last_bar.ts_ns,
            "bar timestamps must strictly increase");
  Q50_CHECK(bar.low_e8 > 0 && bar.low_e8 <= std::min(bar.open_e8, bar.close_e8) &&
                bar.high_e8 >= std::max(bar.open_e8, bar.close_e8) && bar.volume_e8 >= 0,
            "bar needs 0 < low <= open, close <= high and volume >= 0");
  state_.has_bar = true;
  state_.last_bar = bar;
  state_.bar_volume_used_e8 = 0;
  Sink sink{bar.ts_ns, {}};
  if (venue_down(config_.outages, bar.ts_ns)) return {};
  const bool at_open = config_.fill.price == FillPrice::kNextBarOpen;
  for (auto& [id, order] : state_.orders) {
    if (!order.open() || order.arrival_ns >= bar.ts_ns) continue;  // closed, or in flight
    if (order.immediate_done) {
      match_resting(order, bar, sink);
      continue;
    }
    match_immediate(order, at_open ? bar.open_e8 : bar.close_e8, sink);
    // Under kNextBarOpen a limit that did not take at the open rests for the rest of the bar.
    if (at_open && order.open() && order.type == OrderType::kLimit) {
      match_resting(order, bar, sink);
    }
  }
  return std::move(sink.events);
}

const Order* Exchange::find_order(std::int64_t order_id) const {
  auto it = state_.orders.find(order_id);
  return it == state_.orders.end() ? nullptr : &it->second;
}

std::vector<Order> Exchange::open_orders() const {
  std::vector<Order> out;
  for (const auto& [id, order] : state_.orders) {
    if (order.open()) out.push_back(order);
  }
  return out;
}

std::size_t Exchange::forget_closed_orders() {
  return std::erase_if(state_.orders, [](const auto& entry) { return !entry.second.open(); });
}

namespace {

// Collects the first violated rule of a config as "field must ..., got value".
class ConfigCheck {
 public:
  void require(bool ok, std::string_view field, std::string_view rule, std::int64_t got) {
    if (ok || !error_.empty()) return;
    error_ = "exchange config: " + std::string(field) + " must " + std::string(rule) + ", got " +
             std::to_string(got);
  }
  absl::Status status() const {
    return error_.empty() ? absl::OkStatus() : absl::InvalidArgumentError(error_);
  }

 private:
  std::string error_;
};

void check_instrument(const Instrument& i, ConfigCheck& c) {
  c.require(!i.symbol.empty(), "instrument.symbol", "be non-empty", 0);
  c.require(i.tick_size_e8 >= 0, "instrument.tick_size_e8", "be >= 0", i.tick_size_e8);
  c.require(i.step_size_e8 >= 0, "instrument.step_size_e8", "be >= 0", i.step_size_e8);
  c.require(i.min_price_e8 >= 0, "instrument.min_price_e8", "be >= 0", i.min_price_e8);
  c.require(i.max_price_e8 == 0 || i.max_price_e8 >= i.min_price_e8, "instrument.max_price_e8",
            "be 0 or >= min_price_e8", i.max_price_e8);
  c.require(i.min_qty_e8 >= 0, "instrument.min_qty_e8", "be >= 0", i.min_qty_e8);
  c.require(i.max_qty_e8 == 0 || i.max_qty_e8 >= i.min_qty_e8, "instrument.max_qty_e8",
            "be 0 or >= min_qty_e8", i.max_qty_e8);
  c.require(i.min_notional_e8 >= 0, "instrument.min_notional_e8", "be >= 0", i.min_notional_e8);
}

void check_costs(const ExchangeConfig& cfg, ConfigCheck& c) {
  const FeeModel& f = cfg.fee;
  const SlippageModel& s = cfg.slippage;
  c.require(f.maker_ppm >= 0 && f.maker_ppm < kPpm, "fee.maker_ppm", "be in [0, 1000000)",
            f.maker_ppm);
  c.require(f.taker_ppm >= 0 && f.taker_ppm < kPpm, "fee.taker_ppm", "be in [0, 1000000)",
            f.taker_ppm);
  c.require(s.base_ppm >= 0, "slippage.base_ppm", "be >= 0", s.base_ppm);
  c.require(s.full_participation_ppm >= 0, "slippage.full_participation_ppm", "be >= 0",
            s.full_participation_ppm);
  c.require(s.kind != SlippageModel::Kind::kVolume || s.cap_ppm >= s.base_ppm, "slippage.cap_ppm",
            "be >= base_ppm", s.cap_ppm);
  // A taker sell must never cost more than it brings in.
  c.require(f.taker_ppm + s.max_rate_ppm() < kPpm, "fee.taker_ppm + slippage max rate",
            "be < 1000000", f.taker_ppm + s.max_rate_ppm());
}

void check_timing(const ExchangeConfig& cfg, ConfigCheck& c) {
  const LatencyModel& l = cfg.latency;
  c.require(l.min_ns >= 0, "latency.min_ns", "be >= 0", l.min_ns);
  c.require(l.max_ns >= l.min_ns, "latency.max_ns", "be >= latency.min_ns", l.max_ns);
  for (const LatencySpike& spike : l.spikes) {
    c.require(spike.end_ns > spike.start_ns, "latency.spikes[].end_ns", "be > start_ns",
              spike.end_ns);
    c.require(spike.extra_ns >= 0, "latency.spikes[].extra_ns", "be >= 0", spike.extra_ns);
  }
  const std::int64_t ppm = cfg.fill.max_participation_ppm;
  c.require(ppm >= 0 && ppm <= kPpm, "fill.max_participation_ppm", "be in [0, 1000000]", ppm);
  const RateLimit& r = cfg.rate_limit;
  if (r.kind != RateLimit::Kind::kNone) {
    c.require(r.max_orders > 0, "rate_limit.max_orders", "be > 0", r.max_orders);
    c.require(r.window_ns > 0, "rate_limit.window_ns", "be > 0", r.window_ns);
  }
  if (r.kind == RateLimit::Kind::kTokenBucket && r.max_orders > 0) {
    c.require(r.window_ns % r.max_orders == 0, "rate_limit.window_ns",
              "be a multiple of max_orders for a token bucket", r.window_ns);
  }
  for (const Outage& o : cfg.outages) {
    c.require(o.end_ns > o.start_ns, "outages[].end_ns", "be > start_ns", o.end_ns);
  }
}

}  // namespace

absl::Status validate_exchange_config(const ExchangeConfig& config) {
  ConfigCheck c;
  check_instrument(config.instrument, c);
  const AccountConfig& a = config.account;
  if (a.mode == AccountMode::kSpot) {
    c.require(a.initial_base_e8 >= 0, "account.initial_base_e8", "be >= 0 in spot mode",
              a.initial_base_e8);
    c.require(a.initial_quote_e8 >= 0, "account.initial_quote_e8", "be >= 0 in spot mode",
              a.initial_quote_e8);
  }
  check_costs(config, c);
  check_timing(config, c);
  return c.status();
}

void Exchange::set_outages(std::vector<Outage> outages) {
  for (const Outage& o : outages) Q50_CHECK(o.end_ns > o.start_ns, "an outage needs end > start");
  config_.outages = std::move(outages);
}

void Exchange::set_latency_spikes(std::vector<LatencySpike> spikes) {
  for (const LatencySpike& s : spikes) {
    Q50_CHECK(s.end_ns > s.start_ns && s.extra_ns >= 0, "a latency spike needs end > start");
  }
  config_.latency.spikes = std::move(spikes);
}

// The limiter's state restarts with the new limit: a fault's window counts its own orders.
void Exchange::set_rate_limit(const RateLimit& limit) {
  Q50_CHECK(limit.kind == RateLimit::Kind::kNone || (limit.max_orders > 0 && limit.window_ns > 0),
            "a rate limit needs max_orders > 0 and window_ns > 0");
  config_.rate_limit = limit;
  state_.rate = RateLimiterState{};
}

}  // namespace q50::sim
