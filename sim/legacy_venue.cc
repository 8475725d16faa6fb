#include "sim/legacy_venue.h"

#include "core/check.h"

namespace q50::sim {

void LegacyMarginVenue::on_bar(TimestampNs ts_ns, double price) {
  Q50_CHECK(!has_bar_ || ts_ns > bar_ts_ns_, "legacy venue: bar timestamps must increase");
  has_bar_ = true;
  bar_ts_ns_ = ts_ns;
  mark_price_ = price;
}

LegacyVenueEvent LegacyMarginVenue::submit(double qty, TimestampNs now_ns) {
  Q50_CHECK(has_bar_ && now_ns >= bar_ts_ns_, "legacy venue: an order before any bar");
  Q50_CHECK(qty != 0.0, "legacy venue: an order of zero quantity");
  const Side side = qty > 0 ? Side::kBuy : Side::kSell;
  const TimestampNs ts_ns = now_ns + config_.latency_ns;
  const TradeCosts<double> c = LegacyFloat64Accounting::costs(
      side, qty, mark_price_, config_.fee_rate, config_.slippage_rate);
  const auto cash_after = settle_cash<LegacyFloat64Accounting>(side, cash_, c, true);
  if (!cash_after.has_value()) {
    return LegacyReject{ts_ns, qty, LegacyFloat64Accounting::buy_cost(c), cash_};
  }
  cash_ = *cash_after;
  position_ += qty;
  return LegacyFill{ts_ns, qty, mark_price_, c.fee, c.slippage, cash_, position_};
}

}  // namespace q50::sim
