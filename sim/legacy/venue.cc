#include "sim/legacy/venue.h"

#include "core/check.h"

namespace q50::sim {

void LegacyMarginVenue::on_bar(TimestampNs ts_ns, double price) {
  Q50_CHECK(!ledger_.has_bar || ts_ns > ledger_.bar_ts_ns,
            "legacy venue: bar timestamps must increase");
  ledger_.has_bar = true;
  ledger_.bar_ts_ns = ts_ns;
  ledger_.mark_price = price;
}

LegacyVenueEvent LegacyMarginVenue::submit(double qty, TimestampNs now_ns) {
  Q50_CHECK(ledger_.has_bar && now_ns >= ledger_.bar_ts_ns,
            "legacy venue: an order before any bar");
  Q50_CHECK(qty != 0.0, "legacy venue: an order of zero quantity");
  const Side side = qty > 0 ? Side::kBuy : Side::kSell;
  const TimestampNs ts_ns = now_ns + config_.latency_ns;
  const TradeCosts<double> c = LegacyFloat64Accounting::costs(
      side, qty, ledger_.mark_price, config_.fee_rate, config_.slippage_rate);
  const auto cash_after = settle_cash<LegacyFloat64Accounting>(side, ledger_.cash, c, true);
  if (!cash_after.has_value()) {
    return LegacyReject{ts_ns, qty, LegacyFloat64Accounting::buy_cost(c), ledger_.cash};
  }
  ledger_.cash = *cash_after;
  ledger_.position += qty;
  return LegacyFill{ts_ns, qty, ledger_.mark_price, c.fee, c.slippage, ledger_.cash,
                    ledger_.position};
}

}  // namespace q50::sim
