#include "sim/exchange_models.h"

#include <algorithm>
#include <cmath>

#include "core/check.h"

namespace q50::sim {
namespace {

// floor(a / b) for b > 0, also for negative a (timestamps before the epoch).
TimestampNs floor_div(TimestampNs a, TimestampNs b) {
  const TimestampNs q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

}  // namespace

std::int64_t SlippageModel::rate_ppm(std::int64_t qty_e8, std::int64_t bar_volume_e8) const {
  switch (kind) {
    case Kind::kNone:
      return 0;
    case Kind::kFixed:
      return base_ppm;
    case Kind::kVolume: {
      if (bar_volume_e8 <= 0) return cap_ppm;
      // Compare before dividing: participation can be huge on a thin bar.
      const Int128 extra_scaled = static_cast<Int128>(full_participation_ppm) * qty_e8;
      if (extra_scaled >= static_cast<Int128>(cap_ppm - base_ppm) * bar_volume_e8) return cap_ppm;
      return base_ppm + div_round(extra_scaled, bar_volume_e8, Rounding::kUp);
    }
  }
  return 0;
}

std::int64_t SlippageModel::max_rate_ppm() const {
  switch (kind) {
    case Kind::kNone:
      return 0;
    case Kind::kFixed:
      return base_ppm;
    case Kind::kVolume:
      return cap_ppm;
  }
  return 0;
}

TimestampNs LatencyModel::latency_ns(TimestampNs send_ns, std::uint64_t request_index) const {
  Q50_CHECK(min_ns >= 0 && max_ns >= min_ns, "latency range must satisfy 0 <= min <= max");
  TimestampNs latency = min_ns;
  if (max_ns > min_ns) {
    Prng draw(stream_seed ^ (request_index * 0x9e3779b97f4a7c15ULL));
    const auto span = static_cast<std::uint64_t>(max_ns - min_ns) + 1;
    latency += static_cast<TimestampNs>(draw.below(span));
  }
  for (const LatencySpike& spike : spikes) {
    if (send_ns >= spike.start_ns && send_ns < spike.end_ns) latency += spike.extra_ns;
  }
  return latency;
}

bool rate_limit_admit(const RateLimit& limit, RateLimiterState& state, TimestampNs arrival_ns) {
  switch (limit.kind) {
    case RateLimit::Kind::kNone:
      return true;
    case RateLimit::Kind::kFixedWindow: {
      const TimestampNs start = floor_div(arrival_ns, limit.window_ns) * limit.window_ns;
      if (start != state.window_start_ns) {
        state.window_start_ns = start;
        state.count = 0;
      }
      if (state.count >= limit.max_orders) return false;
      ++state.count;
      return true;
    }
    case RateLimit::Kind::kTokenBucket: {
      // GCRA: emission interval T = window / max_orders, burst tolerance window - T. A request
      // conforms unless it comes earlier than tat - tolerance.
      const TimestampNs interval = limit.window_ns / limit.max_orders;
      const TimestampNs tolerance = limit.window_ns - interval;
      const TimestampNs tat = std::max(state.tat_ns, arrival_ns);
      if (tat - arrival_ns > tolerance) return false;
      state.tat_ns = tat + interval;
      return true;
    }
  }
  return true;
}

bool venue_down(const std::vector<Outage>& outages, TimestampNs ts_ns) {
  return std::any_of(outages.begin(), outages.end(),
                     [ts_ns](const Outage& o) { return ts_ns >= o.start_ns && ts_ns < o.end_ns; });
}

TradeCosts<std::int64_t> FixedPointAccounting::costs(Side side, Qty qty, Price price, Rate fee,
                                                     Rate slippage) {
  Q50_CHECK(qty > 0 && price > 0, "a trade needs a positive quantity and price");
  TradeCosts<Money> c{};
  c.notional = mul_scaled(price, qty, side == Side::kBuy ? Rounding::kUp : Rounding::kDown);
  c.fee = apply_ppm(c.notional, fee, Rounding::kUp);
  c.slippage = apply_ppm(c.notional, slippage, Rounding::kUp);
  if (side == Side::kSell) {
    c.fee = std::min(c.fee, c.notional);
    c.slippage = std::min(c.slippage, c.notional - c.fee);
  }
  return c;
}

std::int64_t FixedPointAccounting::buy_cost(const TradeCosts<Money>& c) {
  return checked_add(checked_add(c.notional, c.fee), c.slippage);
}

std::int64_t FixedPointAccounting::sell_proceeds(const TradeCosts<Money>& c) {
  return checked_sub(checked_sub(c.notional, c.fee), c.slippage);
}

TradeCosts<double> LegacyFloat64Accounting::costs(Side /*side*/, Qty qty, Price price, Rate fee,
                                                  Rate slippage) {
  TradeCosts<Money> c{};
  c.notional = std::fabs(qty) * price;
  c.fee = c.notional * fee;
  c.slippage = c.notional * slippage;
  return c;
}

double LegacyFloat64Accounting::buy_cost(const TradeCosts<Money>& c) {
  return c.notional + c.fee + c.slippage;
}

double LegacyFloat64Accounting::sell_proceeds(const TradeCosts<Money>& c) {
  return c.notional - c.fee - c.slippage;
}

}  // namespace q50::sim
