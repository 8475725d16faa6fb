#include "sim/range_guard.h"

#include <cmath>

#include "core/limits.h"
#include "fmt/format.h"

namespace q50::sim {
namespace {

Int128 abs128(Int128 v) { return v < 0 ? -v : v; }

// |a * b| / 1e8 without overflow (the value of a quantity at a price, in e8).
Int128 value_e8(std::int64_t qty_e8, std::int64_t price_e8) {
  return abs128(static_cast<Int128>(qty_e8)) * price_e8 / kFixedScale;
}

std::string quote(Int128 v_e8) {
  return fmt::format("{:.8g}", static_cast<double>(v_e8) / static_cast<double>(kFixedScale));
}

}  // namespace

std::optional<std::string> bar_out_of_range(const strategy::Bar& b) {
  const double prices[] = {b.open, b.high, b.low, b.close};
  const char* names[] = {"open", "high", "low", "close"};
  for (int i = 0; i < 4; ++i) {
    if (!(prices[i] >= limits::kMinPrice && prices[i] <= limits::kMaxPrice)) {
      return fmt::format("the bar's {} {} is outside the price range [{}, {}]", names[i],
                         prices[i], limits::kMinPrice, limits::kMaxPrice);
    }
  }
  if (!(b.low <= std::fmin(b.open, b.close) && b.high >= std::fmax(b.open, b.close))) {
    return fmt::format("the bar needs low <= open, close <= high (open {}, high {}, low {}, close {})",
                       b.open, b.high, b.low, b.close);
  }
  if (!(b.volume >= 0 && b.volume <= limits::kMaxVolume)) {
    return fmt::format("the bar's volume {} is outside [0, {}]", b.volume, limits::kMaxVolume);
  }
  return std::nullopt;
}

std::optional<std::string> account_out_of_range(const Exchange& x, const Bar& next) {
  const AccountState& a = x.balances();
  const Int128 quote_total = static_cast<Int128>(a.quote.free_e8) + a.quote.locked_e8;
  const Int128 base_total = static_cast<Int128>(a.base.free_e8) + a.base.locked_e8;
  if (abs128(quote_total) > limits::kMaxBalanceE8) {
    return fmt::format("the quote balance {} is beyond +-{}", quote(quote_total),
                       quote(limits::kMaxBalanceE8));
  }
  if (abs128(base_total) > limits::kMaxPositionE8) {
    return fmt::format("the position {} base units is beyond +-{}", quote(base_total),
                       quote(limits::kMaxPositionE8));
  }
  // floor(x / 1e8) > M <=> x >= (M + 1) * 1e8 for x >= 0: no 128-bit division per bar.
  constexpr Int128 kValueBound = (static_cast<Int128>(limits::kMaxBalanceE8) + 1) * kFixedScale;
  if (const Int128 scaled = abs128(base_total) * next.high_e8; scaled >= kValueBound) {
    return fmt::format("the position's value {} quote at the bar's high {} is beyond {}",
                       quote(scaled / kFixedScale), quote(next.high_e8),
                       quote(limits::kMaxBalanceE8));
  }
  for (const auto& [id, order] : x.state().orders) {
    if (!order.open()) continue;
    const Int128 v = value_e8(order.leaves_qty_e8(), next.high_e8);
    if (v > limits::kMaxNotionalE8) {
      return fmt::format("open order {} would trade {} quote at the bar's high {}, beyond {}", id,
                         quote(v), quote(next.high_e8), quote(limits::kMaxNotionalE8));
    }
  }
  if (a.fees_paid_e8 > limits::kMaxCumulativeE8 || a.slippage_paid_e8 > limits::kMaxCumulativeE8) {
    return fmt::format("the run's fees {} and slippage {} quote reached the bound {}",
                       quote(a.fees_paid_e8), quote(a.slippage_paid_e8),
                       quote(limits::kMaxCumulativeE8));
  }
  return std::nullopt;
}

std::optional<std::string> order_out_of_range(const Exchange& x, bool buy, std::int64_t qty_e8) {
  const AccountState& a = x.balances();
  const Int128 base_after = static_cast<Int128>(a.base.free_e8) + a.base.locked_e8 +
                            (buy ? qty_e8 : -static_cast<Int128>(qty_e8));
  if (abs128(base_after) > limits::kMaxPositionE8) {
    return fmt::format("an order of {} base units would take the position to {}, beyond +-{}",
                       quote(qty_e8), quote(base_after), quote(limits::kMaxPositionE8));
  }
  if (!x.state().has_bar) return std::nullopt;
  const std::int64_t price = x.state().last_bar.close_e8;
  if (const Int128 v = value_e8(qty_e8, price); v > limits::kMaxNotionalE8) {
    return fmt::format("an order of {} base units at {} is a notional of {} quote, beyond {}",
                       quote(qty_e8), quote(price), quote(v), quote(limits::kMaxNotionalE8));
  }
  if (const Int128 v = abs128(base_after) * price / kFixedScale; v > limits::kMaxBalanceE8) {
    return fmt::format("an order would leave a position worth {} quote, beyond {}", quote(v),
                       quote(limits::kMaxBalanceE8));
  }
  return std::nullopt;
}

}  // namespace q50::sim
