#ifndef Q50SIM_SIM_LEGACY_VENUE_H_
#define Q50SIM_SIM_LEGACY_VENUE_H_

#include <cstdint>
#include <variant>

#include "core/timestamp.h"
#include "sim/exchange_models.h"

// The existing HummingbotQuantileBacktester's "venue": a margin account whose cash and
// position are float64 and whose arithmetic is the original's, operation for operation
// (LegacyFloat64Accounting, settle_cash). It is the sibling of sim::Exchange for the legacy
// replay profiles, with the same operation names (on_bar, submit, balances) and the same
// timing contract (a request sent at now is answered at now + latency, as kVenueResponse).
//
// Why a second implementation and not sim::Exchange in margin mode: Exchange holds every
// amount as int64 1e-8 units and rounds each fee in the venue's favour. The recorded runs'
// quantities (e.g. 13.745263809218958 units) and balances are arbitrary float64 values, so any
// fixed-point ledger would move balances by up to 1e-8 per trade and lose the bit-exact
// agreement (rtol 1e-12) the reference demands. The legacy account therefore keeps doubles.
//
// Rules (existing system, _execute_position_change): a market order fills completely at the
// latest bar's price; notional = |qty| * price, fee = notional * fee_rate, slippage = notional *
// 0.0005 (hard-coded 5 bp); a buy whose notional + fee + slippage exceeds the cash is rejected
// (the original returns None silently); sells are never checked, so shorts are unlimited.

namespace q50::sim {

struct LegacyVenueConfig {
  double initial_cash = 0;
  double fee_rate = 0.001;
  double slippage_rate = 0.0005;  // existing system: hard-coded, not configurable there
  TimestampNs latency_ns = 0;     // the existing backtester trades at the bar's own time
};

struct LegacyFill {
  TimestampNs ts_ns = 0;
  double qty = 0;  // signed: + bought, - sold; always the whole order
  double price = 0;
  double fee = 0;
  double slippage = 0;
  double cash_after = 0;
  double position_after = 0;
};

struct LegacyReject {
  TimestampNs ts_ns = 0;
  double qty = 0;
  double cost = 0;  // what the buy would have taken
  double cash = 0;  // what there was
};

using LegacyVenueEvent = std::variant<LegacyFill, LegacyReject>;

// The venue's mutable state, all of it: what a checkpoint saves and a resumed venue starts
// from (sim/checkpoint.h). The config is not part of it; it comes from the run's config file.
struct LegacyVenueLedger {
  double cash = 0;
  double position = 0;
  bool has_bar = false;
  TimestampNs bar_ts_ns = 0;
  double mark_price = 0;
};

class LegacyMarginVenue {
 public:
  explicit LegacyMarginVenue(const LegacyVenueConfig& config)
      : config_(config), ledger_{config.initial_cash, 0, false, 0, 0} {}
  // A venue resumed from a checkpoint's ledger.
  LegacyMarginVenue(const LegacyVenueConfig& config, const LegacyVenueLedger& ledger)
      : config_(config), ledger_(ledger) {}

  // A new bar: its price becomes the fill price of later orders.
  void on_bar(TimestampNs ts_ns, double price);
  // A market order of qty base units (signed, non-zero) sent at now_ns, after a bar. The
  // response is stamped now_ns + latency_ns.
  LegacyVenueEvent submit(double qty, TimestampNs now_ns);

  double cash() const { return ledger_.cash; }
  double position() const { return ledger_.position; }
  double mark_price() const { return ledger_.mark_price; }
  // Equity in the ledger's own arithmetic: cash + position * mark price.
  double equity() const { return ledger_.cash + ledger_.position * ledger_.mark_price; }
  const LegacyVenueLedger& ledger() const { return ledger_; }

 private:
  LegacyVenueConfig config_;
  LegacyVenueLedger ledger_;
};

}  // namespace q50::sim

#endif  // Q50SIM_SIM_LEGACY_VENUE_H_
