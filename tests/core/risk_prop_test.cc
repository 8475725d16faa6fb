// Properties of the pre-trade risk checks over random account states, limits and orders: an
// accepted order never breaks a cap, the kill switch never lets exposure grow, a clamped order
// is always accepted (and as large as the limits allow), NaN/inf is never accepted.
#include <rapidcheck/boost_test.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "core/risk.h"

namespace q50 {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

rc::Gen<double> grid(int lo, int hi, double step) {
  return rc::gen::map(rc::gen::inRange(lo, hi + 1),
                      [step](int k) { return static_cast<double>(k) * step; });
}

// Sizes are drawn as fractions of equity and converted to units (qty = f * scale / price), so
// that every check binds in a fair share of cases whatever the price level.
double unit_scale(const AccountState& a) { return std::fmax(a.equity, 1.0) / a.price; }

// Equity mostly positive, sometimes zero or negative; peaks around it so drawdowns vary.
AccountState any_account(bool tripped) {
  AccountState a{};
  a.equity = *rc::gen::weightedOneOf<double>(
      {{8, grid(1, 1000000, 1.0)}, {1, rc::gen::element(0.0, -100.0)}});
  a.price = *grid(1, 10000000, 1e-2);
  a.position_qty = *grid(-2000, 2000, 1e-3) * unit_scale(a);
  a.other_gross_notional =
      *rc::gen::oneOf(rc::gen::just(0.0), grid(0, 2000, 1e-3)) * std::fmax(a.equity, 1.0);
  const double peak = *rc::gen::oneOf(rc::gen::just(0.0), grid(0, 1200, 1e-3)) * a.equity;
  a.kill_switch = KillSwitch{std::fmax(peak, 0.0), tripped};
  return a;
}

// The latch is set in one case in five (a random drawdown also trips it in others).
bool sometimes_tripped() {
  return *rc::gen::weightedOneOf<bool>({{4, rc::gen::just(false)}, {1, rc::gen::just(true)}});
}

RiskLimits any_limits(const AccountState& a) {
  return {*grid(0, 200, 1e-2),
          *grid(0, 300, 1e-2),
          *grid(0, 500, 1e-2),
          *grid(0, 50, 1e-2),
          *grid(0, 100, 1e-4) * unit_scale(a),
          *grid(0, 100, 1e-4) * std::fmax(a.equity, 1.0)};
}

double any_size(const AccountState& a) { return *grid(-3000, 3000, 1e-3) * unit_scale(a); }

// An order: random, or exactly the clamp of a random one (to hit the boundaries), or the
// trade to flat, or a flip.
double any_order(const AccountState& a, const RiskLimits& l) {
  const double raw = any_size(a);
  switch (*rc::gen::inRange(0, 4)) {
    case 0:
      return raw;
    case 1:
      return clamp_order(a, raw, l).qty;
    case 2:
      return -a.position_qty;
    default:
      return -2 * a.position_qty;
  }
}

struct Caps {
  bool order;
  bool exposure;
  bool leverage;
};
// The caps evaluated from their definitions (units: quote currency).
Caps caps_hold(const AccountState& a, double q, const RiskLimits& l) {
  const double after = std::fabs(a.position_qty + q) * a.price;
  return {std::fabs(q) * a.price <= l.max_order_fraction * a.equity,
          after <= l.max_exposure_fraction * a.equity,
          a.other_gross_notional + after <= l.max_leverage * a.equity};
}

RC_BOOST_PROP(prop_risk_never_accepts_an_order_that_breaks_a_cap, ()) {
  const AccountState a = any_account(sometimes_tripped());
  const RiskLimits l = any_limits(a);
  const double q = any_order(a, l);
  const RiskDecision d = check_order(a, q, l);
  RC_CLASSIFY(d.accepted(), "accepted");
  if (!d.accepted()) return;
  RC_ASSERT(q != 0.0);
  RC_ASSERT(std::fabs(q) >= l.min_order_qty);
  RC_ASSERT(std::fabs(q) * a.price >= l.min_notional);
  // Exempt: toward zero without crossing it (defined here, not by the module under test).
  const double after = a.position_qty + q;
  if (std::fabs(after) <= std::fabs(a.position_qty) && after * a.position_qty >= 0) return;
  RC_ASSERT(!kill_switch_active(a, l));
  RC_ASSERT(a.equity > 0);
  const Caps c = caps_hold(a, q, l);
  RC_ASSERT(c.order);
  RC_ASSERT(c.exposure);
  RC_ASSERT(c.leverage);
}

RC_BOOST_PROP(prop_kill_switch_never_lets_exposure_grow, ()) {
  const AccountState a = any_account(true);
  const RiskLimits l = any_limits(a);
  const double q = any_order(a, l);
  if (!check_order(a, q, l).accepted()) return;
  const double after = a.position_qty + q;
  RC_ASSERT(std::fabs(after) <= std::fabs(a.position_qty));
  RC_ASSERT(after * a.position_qty >= 0);  // never through zero
}

RC_BOOST_PROP(prop_clamped_order_always_accepted, ()) {
  const AccountState a = any_account(sometimes_tripped());
  const RiskLimits l = any_limits(a);
  const double desired = any_size(a);
  const ClampedOrder c = clamp_order(a, desired, l);
  RC_CLASSIFY(c.qty == 0.0, "no acceptable order");
  if (c.qty == 0.0 && c.limited_by) RC_TAG(std::string(reject_reason_name(*c.limited_by)));
  RC_CLASSIFY(c.qty != 0.0 && c.qty != desired, "clamped");
  RC_ASSERT(std::fabs(c.qty) <= std::fabs(desired));
  RC_ASSERT(c.qty * desired >= 0);
  if (c.qty != 0.0) RC_ASSERT(check_order(a, c.qty, l).accepted());
  const bool accepted = check_order(a, desired, l).accepted();
  RC_ASSERT(accepted == (c.qty == desired && desired != 0.0));
  RC_ASSERT(accepted == !c.limited_by.has_value() || desired == 0.0);
}

// The clamp does not give away size: one part in 1e9 more would break the limit that bound it.
RC_BOOST_PROP(prop_clamp_is_as_large_as_the_limits_allow, ()) {
  const AccountState a = any_account(sometimes_tripped());
  const RiskLimits l = any_limits(a);
  // Half the time a flip of a few times the position, where the clamp binds most often.
  const double desired =
      *rc::gen::arbitrary<bool>() ? any_size(a) : -a.position_qty * *grid(1000, 5000, 1e-3);
  const ClampedOrder c = clamp_order(a, desired, l);
  RC_CLASSIFY(c.qty != 0.0 && c.qty != desired, "clamped");
  if (c.qty == 0.0 || c.qty == desired) return;
  // One part in 1e9 of the account's scale (the checks cannot resolve less than its ulps).
  const double scale = std::fabs(a.position_qty) + std::fabs(c.qty) +
                       (std::fabs(a.equity) + a.other_gross_notional) / a.price;
  const double more = c.qty + std::copysign(1e-9 * scale, c.qty);
  RC_ASSERT(!check_order(a, more, l).accepted());
}

// A clamp to nothing means nothing in that direction is acceptable, down to the minimum size.
RC_BOOST_PROP(prop_clamp_to_zero_means_no_order_of_minimum_size_fits, ()) {
  const AccountState a = any_account(sometimes_tripped());
  const RiskLimits l = any_limits(a);
  const double desired = any_size(a);
  RC_PRE(desired != 0.0);
  const ClampedOrder c = clamp_order(a, desired, l);
  RC_PRE(c.qty == 0.0);
  const double min_qty = std::fmax(l.min_order_qty, l.min_notional / a.price);
  const double smallest = std::copysign(std::fmax(min_qty, 1e-9), desired);
  RC_PRE(std::fabs(smallest) <= std::fabs(desired));
  RC_ASSERT(!check_order(a, smallest, l).accepted());
}

RC_BOOST_PROP(prop_non_finite_inputs_are_rejected_never_accepted, ()) {
  AccountState a = any_account(sometimes_tripped());
  RiskLimits l = any_limits(a);
  double q = any_size(a);
  const double bad = *rc::gen::element(kNaN, kInf, -kInf);
  double* const fields[] = {&q,
                            &a.equity,
                            &a.position_qty,
                            &a.price,
                            &a.other_gross_notional,
                            &a.kill_switch.peak_equity,
                            &l.max_order_fraction,
                            &l.max_exposure_fraction,
                            &l.max_leverage,
                            &l.max_drawdown_fraction,
                            &l.min_order_qty,
                            &l.min_notional};
  *fields[*rc::gen::inRange<std::size_t>(0, std::size(fields))] = bad;
  const RiskDecision d = check_order(a, q, l);
  RC_ASSERT(!d.accepted());
  RC_ASSERT(d.reason() == RejectReason::kInvalidInput);
  RC_ASSERT(clamp_order(a, q, l).qty == 0.0);
}

RC_BOOST_PROP(prop_kill_switch_latches_until_reset, ()) {
  const double limit = *grid(1, 99, 1e-2);
  const auto equities = *rc::gen::container<std::vector<double>>(
      rc::gen::weightedOneOf<double>({{20, grid(1, 100000, 1.0)}, {1, rc::gen::just(kNaN)}}));
  KillSwitch s{};
  bool should_trip = false;
  double peak = 0;
  for (double e : equities) {
    const KillSwitch next = observe_equity(s, e, limit);
    if (!std::isfinite(e)) {
      should_trip = true;
    } else {
      peak = std::fmax(peak, e);
      if ((peak - e) / peak > limit) should_trip = true;
    }
    RC_ASSERT(next.tripped == should_trip);
    RC_ASSERT(!s.tripped || next.tripped);  // never un-trips by itself
    s = next;
  }
  const KillSwitch r = reset_kill_switch(*grid(1, 100000, 1.0));
  RC_ASSERT(!r.tripped);
}

}  // namespace
}  // namespace q50
