#ifndef Q50SIM_SIM_EXCHANGE_H_
#define Q50SIM_SIM_EXCHANGE_H_

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "core/timestamp.h"
#include "core/venue_protocol.h"
#include "sim/exchange_models.h"
#include "core/fixed_point.h"
#include "core/instrument.h"

// The mock exchange of the deterministic simulator: one spot instrument, one account, bar-driven
// matching that feels like Binance spot (filters, order types, statuses, reject codes;
// spec/binance-testnet.md). It owns neither the clock nor the event queue: the simulator calls
// submit/cancel/on_bar with the current simulated time and schedules the returned events at
// their ts_ns (Priority::kVenueResponse).
//
// Timing contract.
//  - A request sent at now reaches the venue at arrival = now + latency, and arrivals never
//    overtake each other (one FIFO connection): arrival = max(now + latency, last arrival).
//  - The venue applies a request when it is sent, against the market it has seen so far (bars
//    delivered up to now), and stamps every response at arrival. This is exact whenever no bar
//    is published between now and arrival — the simulator's normal case, latency far below the
//    bar length; under a longer latency spike the reference price is the one seen at sending.
//  - An order matches only bars published after it arrived (arrival_ns < bar.ts_ns). Fills
//    from on_bar are stamped at bar.ts_ns.
//  - on_bar timestamps strictly increase; now never precedes the last bar (Q50_CHECK).
//
// Matching (FillModel).
//  - Each order gets one "immediate" match as a taker at a reference price P: with kBarClose,
//    at arrival against the latest bar's close (or at the first bar after arrival if none was
//    seen yet); with kNextBarOpen, at the open of the first bar after arrival. A market order
//    fills at P; a limit order fills at P if marketable (buy: limit >= P, sell: limit <= P).
//  - An IOC order's unfilled rest then expires. A GTC limit rests: on every later bar (and on
//    the rest of its first bar under kNextBarOpen) a buy fills when the bar trades through it
//    (low < limit; <= with limit_touch_fills), a sell when high > limit, at the limit price as
//    maker. A GTC market order that a participation cap left partly unfilled fills again at
//    the next bar's P.
//  - Participation: all our fills on one bar take at most max_participation_ppm of its volume,
//    in order-id order (time priority); fill quantities are rounded down to the step size.
//  - During an outage the venue rejects every request and matches nothing.
//
// Accounts (AccountConfig).
//  - Spot: a sell locks its base at acceptance (rejected if free base is short); a buy limit
//    locks notional at the limit + the larger fee rate; a market buy is checked against the
//    reference price when one is known, and at every fill (the remainder expires if the cash
//    is short). Balances never go negative.
//  - Margin (the existing backtesters): the base position may go negative; with
//    margin_checks_quote a buy whose cost exceeds free quote is rejected (existing system:
//    "if cost > balance: return None"), otherwise quote may go negative too.
//  - Fees and slippage are charged in quote (FixedPointAccounting), fees rounded up.

namespace q50::sim {

// The mock exchange speaks the venue protocol (core/venue_protocol.h); the simulator uses its
// names unqualified.
using venue::binance_error_code;
using venue::CancelRequest;
using venue::describe;
using venue::event_ts_ns;
using venue::Fill;
using venue::OrderAccepted;
using venue::OrderCanceled;
using venue::OrderExpired;
using venue::OrderRejected;
using venue::OrderRequest;
using venue::OrderStatus;
using venue::OrderType;
using venue::reject_code_name;
using venue::RejectCode;
using venue::RequestKind;
using venue::TimeInForce;
using venue::VenueEvent;
using venue::order_status_name;
using venue::order_type_name;
using venue::tif_name;

// One bar of market data; prices in 1e-8 quote, volume in 1e-8 base. ts_ns is the instant the
// bar is published (its end): its trading happened before ts_ns.
struct Bar {
  TimestampNs ts_ns = 0;
  std::int64_t open_e8 = 0;
  std::int64_t high_e8 = 0;
  std::int64_t low_e8 = 0;
  std::int64_t close_e8 = 0;
  std::int64_t volume_e8 = 0;
};

enum class AccountMode : std::uint8_t { kSpot, kMargin };

struct AccountConfig {
  AccountMode mode = AccountMode::kSpot;
  bool margin_checks_quote = true;  // margin only: refuse buys that cost more than free quote
  std::int64_t initial_base_e8 = 0;
  std::int64_t initial_quote_e8 = 0;
};

struct ExchangeConfig {
  Instrument instrument;
  AccountConfig account;
  FeeModel fee;
  SlippageModel slippage;
  LatencyModel latency;
  FillModel fill;
  RateLimit rate_limit;
  std::vector<Outage> outages;  // [start, end) windows, in any order
};

// OK, or InvalidArgument naming the first bad field and its value (for scenario loaders).
absl::Status validate_exchange_config(const ExchangeConfig& config);

// free may go negative for base in margin mode (a short) and for quote in margin mode without
// margin_checks_quote; locked is never negative.
struct Balance {
  std::int64_t free_e8 = 0;
  std::int64_t locked_e8 = 0;
  std::int64_t total_e8() const { return checked_add(free_e8, locked_e8); }
};

struct AccountState {
  Balance base;
  Balance quote;
  std::int64_t fees_paid_e8 = 0;      // cumulative, quote
  std::int64_t slippage_paid_e8 = 0;  // cumulative, quote
};

struct Order {
  std::int64_t order_id = 0;
  std::string client_order_id;
  Side side = Side::kBuy;
  OrderType type = OrderType::kMarket;
  TimeInForce tif = TimeInForce::kGtc;
  std::int64_t qty_e8 = 0;
  std::int64_t price_e8 = 0;
  std::int64_t filled_qty_e8 = 0;
  OrderStatus status = OrderStatus::kNew;
  TimestampNs arrival_ns = 0;
  bool immediate_done = false;       // the one taker match at the reference price has happened
  std::int64_t locked_base_e8 = 0;   // spot sells
  std::int64_t locked_quote_e8 = 0;  // spot buy limits

  bool open() const {
    return status == OrderStatus::kNew || status == OrderStatus::kPartiallyFilled;
  }
  std::int64_t leaves_qty_e8() const { return qty_e8 - filled_qty_e8; }
};

// Everything that changes while the venue runs: plain values and ordered containers only, so a
// checkpoint can copy or serialise it and a restored venue continues identically.
struct ExchangeState {
  AccountState account;
  std::map<std::int64_t, Order> orders;  // every accepted order (open and closed), by id
  std::int64_t next_order_id = 1;
  std::int64_t next_trade_id = 1;
  std::uint64_t requests_sent = 0;  // index of the next latency draw
  TimestampNs last_arrival_ns = std::numeric_limits<TimestampNs>::min();
  RateLimiterState rate;
  bool has_bar = false;
  Bar last_bar;                         // the latest bar seen (valid when has_bar)
  std::int64_t bar_volume_used_e8 = 0;  // our fills' share of last_bar's volume so far
};

class Exchange {
 public:
  // A fresh venue with the config's initial balances. The config must be valid
  // (validate_exchange_config; checked).
  explicit Exchange(ExchangeConfig config);
  // Resumes from a checkpointed state.
  Exchange(ExchangeConfig config, ExchangeState state);

  // A new order sent at now_ns. Returns OrderRejected, or OrderAccepted followed by any
  // immediate fills and expiry, all stamped at the arrival time.
  std::vector<VenueEvent> submit(const OrderRequest& request, TimestampNs now_ns);
  // A cancel sent at now_ns: OrderCanceled, or OrderRejected (kUnknownOrder,
  // kOrderAlreadyFilled, kVenueDown, kInvalidRequest), stamped at the arrival time.
  std::vector<VenueEvent> cancel(const CancelRequest& request, TimestampNs now_ns);
  // A new bar: matches every eligible open order in id order; events stamped bar.ts_ns.
  std::vector<VenueEvent> on_bar(const Bar& bar);

  const AccountState& balances() const { return state_.account; }
  // The account's base position (free + locked), negative for a margin short.
  std::int64_t position_e8() const { return state_.account.base.total_e8(); }
  const Order* find_order(std::int64_t order_id) const;
  std::vector<Order> open_orders() const;
  // Drops every closed order (filled, canceled, expired) from the state and returns how many.
  // A long run calls it after each order ends so memory and on_bar's scan stay flat in the
  // number of orders; a later cancel naming a dropped order gets kUnknownOrder instead of
  // kOrderAlreadyFilled.
  std::size_t forget_closed_orders();
  const ExchangeState& state() const { return state_; }
  const ExchangeConfig& config() const { return config_; }

  // Fault injection (sim/faults.h) changes these models mid-run, between requests: a window
  // whose end is a bar index is only known when that bar arrives. Outages and spikes must
  // have end > start (spikes extra >= 0); a rate limit of kind kNone or a valid one.
  void set_outages(std::vector<Outage> outages);
  void set_latency_spikes(std::vector<LatencySpike> spikes);
  void set_rate_limit(const RateLimit& limit);

 private:
  struct Sink;  // the events of one venue action, all stamped at one instant (exchange.cc)

  TimestampNs arrival_for(TimestampNs now_ns);
  std::vector<VenueEvent> accept(const OrderRequest& request, TimestampNs arrival_ns);
  bool reserve(Order& order);
  void match_immediate(Order& order, std::int64_t reference_price_e8, Sink& sink);
  void match_resting(Order& order, const Bar& bar, Sink& sink);
  void execute(Order& order, std::int64_t price_e8, Liquidity liquidity, Sink& sink);
  std::int64_t fill_capacity_e8(const Order& order) const;
  void settle(Order& order, std::int64_t qty_e8, std::int64_t price_e8, Liquidity liquidity,
              Sink& sink);
  void close(Order& order, OrderStatus status, Sink& sink, std::string_view reason);
  std::int64_t reference_price_e8() const;

  ExchangeConfig config_;
  ExchangeState state_;
};

}  // namespace q50::sim

#endif  // Q50SIM_SIM_EXCHANGE_H_
