#include "core/risk.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include "core/check.h"

namespace q50 {

namespace {

// Shortest round-trip text of a double, for messages (core has no formatting library).
std::string num(double v) {
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  Q50_CHECK(res.ec == std::errc(), "to_chars(double) cannot fail with 32 bytes");
  return std::string(buf, res.ptr);
}

bool finite_nonneg(double v) { return std::isfinite(v) && v >= 0; }

// The first invalid field, named, or nullopt when every input is usable.
std::optional<std::string> invalid_input(const AccountState& a, double order_qty,
                                         const RiskLimits& l) {
  struct Field {
    const char* name;
    double value;
    bool ok;
  };
  const Field fields[] = {
      {"order qty", order_qty, std::isfinite(order_qty)},
      {"equity", a.equity, std::isfinite(a.equity)},
      {"position qty", a.position_qty, std::isfinite(a.position_qty)},
      {"price", a.price, std::isfinite(a.price) && a.price > 0},
      {"other gross notional", a.other_gross_notional, finite_nonneg(a.other_gross_notional)},
      {"kill switch peak equity", a.kill_switch.peak_equity,
       finite_nonneg(a.kill_switch.peak_equity)},
      {"max_order_fraction", l.max_order_fraction, finite_nonneg(l.max_order_fraction)},
      {"max_exposure_fraction", l.max_exposure_fraction, finite_nonneg(l.max_exposure_fraction)},
      {"max_leverage", l.max_leverage, finite_nonneg(l.max_leverage)},
      {"max_drawdown_fraction", l.max_drawdown_fraction, finite_nonneg(l.max_drawdown_fraction)},
      {"min_order_qty", l.min_order_qty, finite_nonneg(l.min_order_qty)},
      {"min_notional", l.min_notional, finite_nonneg(l.min_notional)},
  };
  for (const Field& f : fields) {
    if (!f.ok) {
      return std::string("invalid input: ") + f.name + " = " + num(f.value) +
             (f.name == std::string_view("price") ? " (must be finite and > 0)"
                                                  : " (must be finite and in range)");
    }
  }
  return std::nullopt;
}

// The caps that apply to an order that does not reduce exposure; equity > 0 is given.
RiskDecision check_caps(const AccountState& a, double order_qty, const RiskLimits& l) {
  const double order_notional = std::fabs(order_qty) * a.price;
  const double order_cap = l.max_order_fraction * a.equity;
  if (order_notional > order_cap) {
    return RiskDecision::reject(RejectReason::kOrderCap,
                                "per-trade cap: |qty| * price = " + num(order_notional) + " > " +
                                    num(l.max_order_fraction) + " * equity " + num(a.equity) +
                                    " = " + num(order_cap));
  }
  const double exposure = std::fabs(a.position_qty + order_qty) * a.price;
  const double exposure_cap = l.max_exposure_fraction * a.equity;
  if (exposure > exposure_cap) {
    return RiskDecision::reject(RejectReason::kExposureCap,
                                "exposure cap: |position after| * price = " + num(exposure) +
                                    " > " + num(l.max_exposure_fraction) + " * equity " +
                                    num(a.equity) + " = " + num(exposure_cap));
  }
  const double gross = a.other_gross_notional + exposure;
  const double gross_cap = l.max_leverage * a.equity;
  if (gross > gross_cap) {
    return RiskDecision::reject(RejectReason::kLeverageCap,
                                "leverage cap: gross notional after = " + num(gross) + " > " +
                                    num(l.max_leverage) + " * equity " + num(a.equity) + " = " +
                                    num(gross_cap));
  }
  return RiskDecision::accept();
}

}  // namespace

std::string_view reject_reason_name(RejectReason reason) {
  switch (reason) {
    case RejectReason::kInvalidInput:
      return "invalid_input";
    case RejectReason::kZeroQuantity:
      return "zero_quantity";
    case RejectReason::kKillSwitch:
      return "kill_switch";
    case RejectReason::kBelowMinQty:
      return "below_min_qty";
    case RejectReason::kBelowMinNotional:
      return "below_min_notional";
    case RejectReason::kNonPositiveEquity:
      return "non_positive_equity";
    case RejectReason::kOrderCap:
      return "order_cap";
    case RejectReason::kExposureCap:
      return "exposure_cap";
    case RejectReason::kLeverageCap:
      return "leverage_cap";
  }
  Q50_CHECK(false, "unknown RejectReason");
  return {};
}

double drawdown_fraction(const KillSwitch& state, double equity) {
  const double peak = equity > state.peak_equity ? equity : state.peak_equity;
  if (!(peak > 0)) return 0.0;
  return (peak - equity) / peak;
}

KillSwitch observe_equity(KillSwitch state, double equity, double max_drawdown_fraction) {
  if (!std::isfinite(equity)) {
    state.tripped = true;
    return state;
  }
  if (drawdown_fraction(state, equity) > max_drawdown_fraction) state.tripped = true;
  if (equity > state.peak_equity) state.peak_equity = equity;
  return state;
}

KillSwitch reset_kill_switch(double equity) {
  return KillSwitch{std::isfinite(equity) && equity > 0 ? equity : 0.0, false};
}

bool reduces_exposure(double position_before, double order_qty) {
  const double after = position_before + order_qty;
  if (position_before > 0) return after >= 0 && after <= position_before;
  if (position_before < 0) return after <= 0 && after >= position_before;
  return order_qty == 0;
}

bool kill_switch_active(const AccountState& account, const RiskLimits& limits) {
  return account.kill_switch.tripped ||
         drawdown_fraction(account.kill_switch, account.equity) > limits.max_drawdown_fraction;
}

RiskDecision check_order(const AccountState& a, double order_qty, const RiskLimits& l) {
  if (auto why = invalid_input(a, order_qty, l)) {
    return RiskDecision::reject(RejectReason::kInvalidInput, *std::move(why));
  }
  if (order_qty == 0) return RiskDecision::reject(RejectReason::kZeroQuantity, "order qty is 0");
  const bool reducing = reduces_exposure(a.position_qty, order_qty);
  if (!reducing && kill_switch_active(a, l)) {
    return RiskDecision::reject(
        RejectReason::kKillSwitch,
        "kill switch: drawdown " + num(drawdown_fraction(a.kill_switch, a.equity)) +
            (a.kill_switch.tripped ? " (latched)" : "") + " beyond limit " +
            num(l.max_drawdown_fraction) + "; only orders reducing exposure are allowed");
  }
  const double qty = std::fabs(order_qty);
  if (qty < l.min_order_qty) {
    return RiskDecision::reject(RejectReason::kBelowMinQty, "min order size: |qty| = " + num(qty) +
                                                                " < " + num(l.min_order_qty));
  }
  const double notional = qty * a.price;
  if (notional < l.min_notional) {
    return RiskDecision::reject(
        RejectReason::kBelowMinNotional,
        "min notional: |qty| * price = " + num(notional) + " < " + num(l.min_notional));
  }
  if (reducing) return RiskDecision::accept();
  if (!(a.equity > 0)) {
    return RiskDecision::reject(
        RejectReason::kNonPositiveEquity,
        "equity " + num(a.equity) + " <= 0: only orders reducing exposure are allowed");
  }
  return check_caps(a, order_qty, l);
}

namespace {

struct Bound {
  double qty;           // the largest |qty| allowed, before rounding is settled
  RejectReason reason;  // the limit that sets it
};

// The largest |qty| in direction sign (+1/-1) the limits allow, in real arithmetic.
Bound clamp_bound(const AccountState& a, double sign, const RiskLimits& l) {
  const double before = std::fabs(a.position_qty);
  // The part of an opposite-direction order that only reduces the position (down to flat).
  const double reducible = a.position_qty * sign < 0 ? before : 0.0;
  if (kill_switch_active(a, l)) return {reducible, RejectReason::kKillSwitch};
  if (!(a.equity > 0)) return {reducible, RejectReason::kNonPositiveEquity};
  Bound b{l.max_order_fraction * a.equity / a.price, RejectReason::kOrderCap};
  // New exposure allowed on the order's side: |after| = qty - reducible, or before + qty.
  const double base = reducible > 0 ? -reducible : before;
  const double by_exposure = l.max_exposure_fraction * a.equity / a.price - base;
  const double by_leverage = (l.max_leverage * a.equity - a.other_gross_notional) / a.price - base;
  if (by_exposure < b.qty) b = {by_exposure, RejectReason::kExposureCap};
  if (by_leverage < b.qty) b = {by_leverage, RejectReason::kLeverageCap};
  // A clamp at or below `reducible` only reduces, which the caps never forbid.
  if (b.qty < reducible) b.qty = reducible;
  return b;
}

// The smallest |qty| that passes both minimum-size checks (0 when there is no minimum).
double min_order_size(const AccountState& a, const RiskLimits& l) {
  double m = std::fmax(l.min_order_qty, l.min_notional / a.price);
  for (int i = 0; i < 8 && (m < l.min_order_qty || m * a.price < l.min_notional); ++i) {
    m = std::nextafter(m, std::numeric_limits<double>::infinity());
  }
  return m;
}

}  // namespace

ClampedOrder clamp_order(const AccountState& account, double desired_qty,
                         const RiskLimits& limits) {
  const RiskDecision first = check_order(account, desired_qty, limits);
  if (first.accepted()) return {desired_qty, std::nullopt};
  RejectReason reason = first.reason();
  if (reason == RejectReason::kInvalidInput || reason == RejectReason::kZeroQuantity) {
    return {0.0, reason};
  }
  const double sign = desired_qty > 0 ? 1.0 : -1.0;
  double qty = std::fabs(desired_qty);
  const Bound bound = clamp_bound(account, sign, limits);
  if (bound.qty < qty) {
    qty = bound.qty > 0 ? bound.qty : 0.0;
    reason = bound.reason;
  }
  // The bound is exact in real arithmetic; the checks round (position + qty, fraction * equity),
  // so settle the boundary by stepping down, from a few ulps of the account's scale and
  // doubling -- a handful of iterations at most -- but never below the minimum order size,
  // which is tried last (it may coincide with a cap).
  const double floor_qty = min_order_size(account, limits);
  // A bound a few ulps under the minimum may be rounding: the minimum itself is still tried.
  if (qty < floor_qty && floor_qty <= std::fabs(desired_qty)) qty = floor_qty;
  const double scale = std::fabs(account.position_qty) + qty +
                       (std::fabs(account.equity) + account.other_gross_notional) / account.price;
  double step = scale * std::numeric_limits<double>::epsilon();
  for (int i = 0; i < 64 && qty > 0; ++i) {
    const RiskDecision d = check_order(account, sign * qty, limits);
    if (d.accepted()) return {sign * qty, reason};
    reason = d.reason();
    if (reason == RejectReason::kBelowMinQty || reason == RejectReason::kBelowMinNotional) break;
    if (qty <= floor_qty) break;
    qty = std::fmax(qty - step, floor_qty);
    step *= 2;
  }
  return {0.0, reason};
}

}  // namespace q50
