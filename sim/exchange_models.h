#ifndef Q50SIM_SIM_EXCHANGE_MODELS_H_
#define Q50SIM_SIM_EXCHANGE_MODELS_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "core/timestamp.h"
#include "core/fixed_point.h"
#include "core/instrument.h"
#include "core/venue_protocol.h"
#include "core/prng.h"

// The mock exchange's interchangeable models (hftbacktest style): small value types, no state
// of their own except where named (RateLimiterState), so a scenario swaps one without touching
// the matching code. Units: money/price/qty in 1e-8 (sim/fixed_point.h), rates in ppm, time
// in ns.

namespace q50::sim {

// The venue protocol's instrument and order vocabulary (core/instrument.h,
// core/venue_protocol.h), used unqualified throughout the simulator.
using venue::btcusdt_spot;
using venue::check_notional;
using venue::check_price;
using venue::check_qty;
using venue::Filter;
using venue::filter_name;
using venue::Instrument;
using venue::Liquidity;
using venue::liquidity_name;
using venue::round_price;
using venue::round_qty_down;
using venue::Side;
using venue::side_name;
using venue::validate_order;

// Fee rates by liquidity. The fee is charged in quote on the notional and rounded UP (the
// venue never undercharges); see FixedPointAccounting. Binance spot's default is 0.1% both
// ways, which is also the existing system's fee_rate = 0.001.
struct FeeModel {
  std::int64_t maker_ppm = 1000;
  std::int64_t taker_ppm = 1000;

  std::int64_t rate_ppm(Liquidity l) const {
    return l == Liquidity::kMaker ? maker_ppm : taker_ppm;
  }
  std::int64_t max_rate_ppm() const { return maker_ppm > taker_ppm ? maker_ppm : taker_ppm; }
};

// Slippage is an adverse cost in quote added to taker (market-order) fills, the existing
// system's way: it does not move the fill price, and the fee is computed on the unslipped
// notional (existing system: slippage = 0.0005 * notional, hard-coded). Limit orders never
// pay slippage: their price is the worst they can get.
struct SlippageModel {
  enum class Kind : std::uint8_t { kNone, kFixed, kVolume };
  Kind kind = Kind::kNone;
  // kFixed: the rate. kVolume: the rate at zero participation.
  std::int64_t base_ppm = 0;
  // kVolume: the rate grows linearly with participation = qty / bar volume, by this much at
  // 100% participation, and never exceeds cap_ppm (nor does it on a zero-volume bar).
  std::int64_t full_participation_ppm = 0;
  std::int64_t cap_ppm = 0;

  static SlippageModel none() { return {}; }
  static SlippageModel fixed(std::int64_t ppm) { return {Kind::kFixed, ppm, 0, 0}; }
  // The existing backtester's hard-coded 5 bp.
  static SlippageModel existing_system() { return fixed(500); }
  static SlippageModel volume(std::int64_t base_ppm, std::int64_t full_participation_ppm,
                              std::int64_t cap_ppm) {
    return {Kind::kVolume, base_ppm, full_participation_ppm, cap_ppm};
  }

  // The rate for a fill of qty_e8 on a bar that traded bar_volume_e8 (both >= 0); the volume
  // term is rounded up (adverse).
  std::int64_t rate_ppm(std::int64_t qty_e8, std::int64_t bar_volume_e8) const;
  // The largest rate this model can produce (used to bound locks and validate configs).
  std::int64_t max_rate_ppm() const;
};

// Requests sent in [start_ns, end_ns) take extra_ns longer to reach the venue.
struct LatencySpike {
  TimestampNs start_ns = 0;
  TimestampNs end_ns = 0;
  TimestampNs extra_ns = 0;
};

// One-way latency from the strategy to the venue: uniform on [min_ns, max_ns] (constant when
// they are equal), plus any spike covering the send time.
//
// The draw for request number i is a pure function of (stream_seed, i): a fresh Prng seeded
// with stream_seed ^ (i * golden ratio) (an odd multiplier, so distinct i give distinct seeds,
// which SplitMix64 then scatters). The exchange's whole latency state is therefore the request
// counter, which checkpoints as a plain integer.
struct LatencyModel {
  TimestampNs min_ns = 0;
  TimestampNs max_ns = 0;
  std::uint64_t stream_seed = 0;
  std::vector<LatencySpike> spikes;

  static LatencyModel constant(TimestampNs ns) { return {ns, ns, 0, {}}; }
  // `stream` is the run's PRNG fork for latency, e.g. Prng(seed).fork("latency").
  static LatencyModel uniform(TimestampNs min_ns, TimestampNs max_ns, const Prng& stream) {
    return {min_ns, max_ns, stream.seed(), {}};
  }

  TimestampNs latency_ns(TimestampNs send_ns, std::uint64_t request_index) const;
};

// Which price a taker match uses. kBarClose: the close of the latest bar the venue has seen
// when the order arrives (the existing backtester's execution: it trades at the signal bar's
// close). kNextBarOpen: the open of the first bar published after the order arrives (latency
// is assumed far below the bar length, so an order arriving just after a bar is published
// catches the next bar's open).
enum class FillPrice : std::uint8_t { kBarClose, kNextBarOpen };

struct FillModel {
  FillPrice price = FillPrice::kBarClose;
  // A resting buy limit fills when the bar trades through it (low < limit), a sell when
  // high > limit, at the limit price as maker. With limit_touch_fills, touching suffices
  // (low <= limit, high >= limit): optimistic about queue position.
  bool limit_touch_fills = false;
  // At most this share of a bar's volume (ppm; 0 = unlimited) fills across all our orders on
  // that bar; the rest of an order carries over to later bars (or expires if IOC).
  std::int64_t max_participation_ppm = 0;
};

// Orders per window of simulated time (Binance's ORDERS limit, -1015 TOO_MANY_ORDERS).
// kFixedWindow: windows [k*window_ns, (k+1)*window_ns) each admit max_orders (Binance's
// counters reset on the boundary). kTokenBucket: a bucket of max_orders tokens refilled
// continuously at max_orders per window_ns (GCRA, exact in integers; window_ns must be a
// multiple of max_orders). Rejected requests consume nothing.
struct RateLimit {
  enum class Kind : std::uint8_t { kNone, kFixedWindow, kTokenBucket };
  Kind kind = Kind::kNone;
  std::int64_t max_orders = 0;
  TimestampNs window_ns = 0;
};

struct RateLimiterState {
  TimestampNs window_start_ns = 0;  // kFixedWindow: start of the current window
  std::int64_t count = 0;           // kFixedWindow: orders admitted in it
  // kTokenBucket: GCRA's theoretical arrival time of the next conforming request.
  TimestampNs tat_ns = std::numeric_limits<TimestampNs>::min();
};

// Admits (and counts) a request arriving at arrival_ns, or returns false. Arrival times must
// not decrease (the venue sees requests in FIFO order).
bool rate_limit_admit(const RateLimit& limit, RateLimiterState& state, TimestampNs arrival_ns);

// The venue is unreachable and its matching engine halted during [start_ns, end_ns).
struct Outage {
  TimestampNs start_ns = 0;
  TimestampNs end_ns = 0;
};

bool venue_down(const std::vector<Outage>& outages, TimestampNs ts_ns);

// Accounting policies: the only place where notional, fee, slippage and the cash debit/credit
// of a trade are computed, so the same matching code can later run the existing system's
// float64 accounting. Both policies expose the same static interface.

template <typename Money>
struct TradeCosts {
  Money notional;
  Money fee;
  Money slippage;
};

// Fixed point, rounded in the venue's favour: the notional up for a buy (the buyer pays) and
// down for a sell (the seller receives), fee and slippage up. A sell's costs are capped at its
// notional (proceeds never negative; reachable only for notionals of a few 1e-8 units).
struct FixedPointAccounting {
  using Money = std::int64_t;  // 1e-8 quote
  using Qty = std::int64_t;    // 1e-8 base, > 0
  using Price = std::int64_t;  // 1e-8 quote per base
  using Rate = std::int64_t;   // ppm

  static TradeCosts<Money> costs(Side side, Qty qty, Price price, Rate fee, Rate slippage);
  // Cash a buy takes: notional + fee + slippage.
  static Money buy_cost(const TradeCosts<Money>& c);
  // Cash a sell gives: notional - fee - slippage.
  static Money sell_proceeds(const TradeCosts<Money>& c);
};

// The existing backtester's float64 accounting, operation for operation
// (HummingbotQuantileBacktester._execute_trade):
//   notional = abs(qty) * price; fee = notional * fee_rate; slippage = notional * 0.0005
//   buy:  cost = notional + fee + slippage      -> (notional + fee) + slippage
//         if cost > balance: rejected (silently, in the existing system); else balance -= cost
//   sell: balance += notional - fee - slippage  -> balance + ((notional - fee) - slippage)
struct LegacyFloat64Accounting {
  using Money = double;
  using Qty = double;
  using Price = double;
  using Rate = double;  // a fraction: 0.001 = 0.1%

  static TradeCosts<Money> costs(Side side, Qty qty, Price price, Rate fee, Rate slippage);
  static Money buy_cost(const TradeCosts<Money>& c);
  static Money sell_proceeds(const TradeCosts<Money>& c);
};

// The cash leg of one trade under any policy: the new cash, or nullopt when check_cash and a
// buy costs more than cash (strictly more, as in the existing system: cost == cash is allowed).
// Sells are never checked (the existing system has no margin check).
template <typename Policy>
std::optional<typename Policy::Money> settle_cash(Side side, typename Policy::Money cash,
                                                  const TradeCosts<typename Policy::Money>& c,
                                                  bool check_cash) {
  if (side == Side::kBuy) {
    const typename Policy::Money cost = Policy::buy_cost(c);
    if (check_cash && cost > cash) return std::nullopt;
    return cash - cost;
  }
  return cash + Policy::sell_proceeds(c);
}

}  // namespace q50::sim

#endif  // Q50SIM_SIM_EXCHANGE_MODELS_H_
