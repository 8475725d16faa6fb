#ifndef Q50SIM_CORE_RISK_H_
#define Q50SIM_CORE_RISK_H_

// Pure pre-trade risk checks (ours: the existing system has none beyond a per-trade cap in the
// HB backtester and a drawdown liquidation in QuantileBacktester, spec §2).
//
// Units, everywhere in this file:
//   equity, notional        quote currency (USDT), mark-to-market
//   price                   quote per base unit (the mark, or the expected fill)
//   qty, position           base units (BTC), signed: + long / buy, - short / sell
//   *_fraction, leverage    dimensionless, relative to equity
//
// An order "reduces exposure" when it moves the position toward zero without crossing it
// (|after| <= |before| and after has before's sign, or is zero). Reducing orders are exempt from
// the caps and the kill switch (they move the account toward compliance) but not from the
// minimum order size. Every other order -- opening, adding, or flipping through zero -- must
// satisfy every limit after the trade.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "core/check.h"

namespace q50 {

struct RiskLimits {
  double max_order_fraction;     // per trade: |qty| * price <= this * equity
  double max_exposure_fraction;  // |position after| * price <= this * equity
  double max_leverage;           // other_gross_notional + |position after| * price <= this * equity
  double max_drawdown_fraction;  // kill switch: trips when (peak - equity) / peak > this
  double min_order_qty;          // |qty| >= this (base units)
  double min_notional;           // |qty| * price >= this (quote)
};

// The drawdown kill switch. Latched: once tripped it stays tripped until reset_kill_switch.
struct KillSwitch {
  double peak_equity = 0;  // highest equity observed (quote); 0 = none yet
  bool tripped = false;
};
// Records a new equity observation: raises the peak, trips the latch when the drawdown from
// the peak exceeds max_drawdown_fraction (strictly). A non-finite equity trips it too: the
// drawdown is unknown, so we fail closed.
KillSwitch observe_equity(KillSwitch state, double equity, double max_drawdown_fraction);
// Clears the latch; the peak restarts at equity (0 if equity is not finite or negative).
KillSwitch reset_kill_switch(double equity);
// (peak - equity) / peak with peak = max(state.peak_equity, equity); 0 when that peak <= 0.
double drawdown_fraction(const KillSwitch& state, double equity);

struct AccountState {
  double equity;                // quote
  double position_qty;          // base units of this instrument, signed
  double price;                 // quote per base unit, > 0
  double other_gross_notional;  // quote, >= 0: sum of |notional| of the other instruments
  KillSwitch kill_switch;
};

enum class RejectReason : std::uint8_t {
  kInvalidInput,       // a NaN/inf field, price <= 0, a negative limit or notional
  kZeroQuantity,       // qty == 0: nothing to do
  kKillSwitch,         // drawdown kill switch active and the order does not reduce exposure
  kBelowMinQty,        // |qty| < min_order_qty
  kBelowMinNotional,   // |qty| * price < min_notional
  kNonPositiveEquity,  // equity <= 0 and the order does not reduce exposure
  kOrderCap,           // per-trade cap
  kExposureCap,        // total exposure cap
  kLeverageCap,        // gross leverage cap
};
std::string_view reject_reason_name(RejectReason reason);

// Accept | Reject{reason, message}. The message is for people: it names the check, the values
// and the limit, e.g. "exposure cap: |position after| * price = 3500 > 0.3 * equity 10000 = 3000".
class RiskDecision {
 public:
  struct Accept {};
  struct Reject {
    RejectReason reason;
    std::string message;
  };

  static RiskDecision accept() { return RiskDecision(Accept{}); }
  static RiskDecision reject(RejectReason reason, std::string message) {
    return RiskDecision(Reject{reason, std::move(message)});
  }

  bool accepted() const { return std::holds_alternative<Accept>(value_); }
  // nullptr when accepted.
  const Reject* rejection() const { return std::get_if<Reject>(&value_); }
  // The rejection's reason and message; a programmer error (abort) on an accepted decision.
  RejectReason reason() const { return rejected().reason; }
  const std::string& message() const { return rejected().message; }
  const std::variant<Accept, Reject>& value() const { return value_; }

 private:
  explicit RiskDecision(std::variant<Accept, Reject> v) : value_(std::move(v)) {}
  const Reject& rejected() const {
    Q50_CHECK(!accepted(), "reason()/message() of an accepted RiskDecision");
    return std::get<Reject>(value_);
  }
  std::variant<Accept, Reject> value_;
};

// True when position_before + order_qty lies in [0, position_before] (or [position_before, 0]):
// toward zero, not crossing it. A zero order_qty counts as reducing; a zero position cannot be
// reduced by a non-zero order.
bool reduces_exposure(double position_before, double order_qty);

// Kill switch active: latched, or the current equity is already beyond the drawdown limit.
bool kill_switch_active(const AccountState& account, const RiskLimits& limits);

// The pre-trade check of one order of order_qty base units (signed). Checks, in order: valid
// inputs; non-zero qty; kill switch (non-reducing orders); min qty; min notional; then, for
// non-reducing orders only: equity > 0, per-trade cap, exposure cap, leverage cap. Boundaries
// are inclusive: a value exactly at its cap is accepted. NaN/inf anywhere is rejected.
RiskDecision check_order(const AccountState& account, double order_qty, const RiskLimits& limits);

struct ClampedOrder {
  double qty;  // signed, same sign as desired and |qty| <= |desired|; 0 = no acceptable order
  std::optional<RejectReason> limited_by;  // why qty != desired (nullopt when equal)
};
// Instead of rejecting: the largest order in desired_qty's direction, no larger than it, that
// check_order accepts. The reducing part of a flip (down to flat) is always available unless
// below the minimum size. Invariant (property-tested): qty == 0 or check_order(account, qty)
// accepts, and clamp_order returns desired_qty itself when check_order accepts it.
ClampedOrder clamp_order(const AccountState& account, double desired_qty, const RiskLimits& limits);

}  // namespace q50

#endif  // Q50SIM_CORE_RISK_H_
