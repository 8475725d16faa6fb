// Each pre-trade check at its boundary (inclusive: exactly at a cap is accepted, one ulp over
// is rejected), the kill switch latch, reducing-order exemptions, invalid inputs and clamping.
#include "core/risk.h"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <set>
#include <string>

namespace q50 {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

double up(double x) { return std::nextafter(x, kInf); }
double down(double x) { return std::nextafter(x, -kInf); }

// Equity 10,000 USDT, price 100 USDT/BTC, flat.
AccountState account() { return {10000.0, 0.0, 100.0, 0.0, KillSwitch{10000.0, false}}; }
// Only the limit under test binds; the others are out of the way.
RiskLimits loose() { return {100.0, 100.0, 100.0, 1.0, 0.0, 0.0}; }

RejectReason reason_of(const RiskDecision& d) {
  BOOST_REQUIRE(!d.accepted());
  return d.reason();
}

BOOST_AUTO_TEST_CASE(per_trade_cap_boundary) {
  RiskLimits l = loose();
  l.max_order_fraction = 0.3;  // 3,000 USDT = 30 BTC
  BOOST_TEST(check_order(account(), 30.0, l).accepted());
  BOOST_TEST(check_order(account(), -30.0, l).accepted());
  BOOST_TEST((reason_of(check_order(account(), up(30.0), l)) == RejectReason::kOrderCap));
  BOOST_TEST((reason_of(check_order(account(), -up(30.0), l)) == RejectReason::kOrderCap));
}

BOOST_AUTO_TEST_CASE(exposure_cap_boundary) {
  RiskLimits l = loose();
  l.max_exposure_fraction = 0.5;  // |position after| <= 50 BTC
  BOOST_TEST(check_order(account(), 50.0, l).accepted());
  const RiskDecision d = check_order(account(), up(50.0), l);
  BOOST_TEST((reason_of(d) == RejectReason::kExposureCap));
  AccountState a = account();
  a.position_qty = 20.0;
  BOOST_TEST(check_order(a, 30.0, l).accepted());
  BOOST_TEST((reason_of(check_order(a, 30.0001, l)) == RejectReason::kExposureCap));
  BOOST_TEST(d.message().find("exposure cap") != std::string::npos, d.message());
  // Flipping through zero counts the new side's exposure: 20 -> -50 is at the cap.
  BOOST_TEST(check_order(a, -70.0, l).accepted());
  BOOST_TEST((reason_of(check_order(a, -up(70.0), l)) == RejectReason::kExposureCap));
}

BOOST_AUTO_TEST_CASE(leverage_cap_boundary) {
  RiskLimits l = loose();
  l.max_leverage = 0.5;  // gross notional <= 5,000
  BOOST_TEST(check_order(account(), 50.0, l).accepted());
  BOOST_TEST((reason_of(check_order(account(), up(50.0), l)) == RejectReason::kLeverageCap));
  BOOST_TEST((reason_of(check_order(account(), -up(50.0), l)) == RejectReason::kLeverageCap));
  // The other instruments' gross notional counts against the same cap.
  l.max_leverage = 2.0;  // 20,000
  AccountState a = account();
  a.other_gross_notional = 15000.0;
  BOOST_TEST(check_order(a, 50.0, l).accepted());
  BOOST_TEST(check_order(a, -50.0, l).accepted());
  BOOST_TEST((reason_of(check_order(a, 50.0001, l)) == RejectReason::kLeverageCap));
}

BOOST_AUTO_TEST_CASE(minimum_order_size_and_notional) {
  RiskLimits l = loose();
  l.min_order_qty = 0.01;
  BOOST_TEST(check_order(account(), 0.01, l).accepted());
  BOOST_TEST((reason_of(check_order(account(), down(0.01), l)) == RejectReason::kBelowMinQty));
  l = loose();
  l.min_notional = 12.5;  // 0.125 BTC at 100
  BOOST_TEST(check_order(account(), 0.125, l).accepted());
  BOOST_TEST(
      (reason_of(check_order(account(), down(0.125), l)) == RejectReason::kBelowMinNotional));
  BOOST_TEST((reason_of(check_order(account(), 0.0, l)) == RejectReason::kZeroQuantity));
  // The minimum applies to reducing orders too (an exchange would refuse them as well).
  AccountState a = account();
  a.position_qty = 1.0;
  BOOST_TEST((reason_of(check_order(a, -0.05, l)) == RejectReason::kBelowMinNotional));
}

BOOST_AUTO_TEST_CASE(drawdown_kill_switch_boundary_and_latch) {
  const RiskLimits l = loose();  // max drawdown 1.0 here; use 0.2 below
  RiskLimits k = l;
  k.max_drawdown_fraction = 0.2;
  AccountState a = account();
  a.position_qty = 10.0;
  a.equity = 8000.0;  // drawdown exactly 0.2: not beyond the limit
  BOOST_TEST(!kill_switch_active(a, k));
  BOOST_TEST(check_order(a, 1.0, k).accepted());
  a.equity = down(8000.0);
  BOOST_TEST(kill_switch_active(a, k));
  BOOST_TEST((reason_of(check_order(a, 1.0, k)) == RejectReason::kKillSwitch));
  BOOST_TEST(check_order(a, -5.0, k).accepted());                                  // reducing
  BOOST_TEST(check_order(a, -10.0, k).accepted());                                 // to flat
  BOOST_TEST((reason_of(check_order(a, -15.0, k)) == RejectReason::kKillSwitch));  // flip
  // Latched: the equity recovers, the switch stays on until reset.
  KillSwitch s{10000.0, false};
  s = observe_equity(s, 7999.0, 0.2);
  BOOST_TEST(s.tripped);
  s = observe_equity(s, 9500.0, 0.2);
  BOOST_TEST(s.tripped);
  BOOST_TEST(s.peak_equity == 10000.0);
  a.equity = 9500.0;
  a.kill_switch = s;
  const RiskDecision d = check_order(a, 1.0, k);
  BOOST_TEST((reason_of(d) == RejectReason::kKillSwitch));
  BOOST_TEST(d.message().find("latched") != std::string::npos, d.message());
  a.kill_switch = reset_kill_switch(9500.0);
  BOOST_TEST(!a.kill_switch.tripped);
  BOOST_TEST(a.kill_switch.peak_equity == 9500.0);
  BOOST_TEST(check_order(a, 1.0, k).accepted());
  // A non-finite equity observation trips the switch (fail closed).
  BOOST_TEST(observe_equity(KillSwitch{100.0, false}, kNaN, 0.5).tripped);
  BOOST_TEST(drawdown_fraction(KillSwitch{0.0, false}, 0.0) == 0.0);
  BOOST_TEST(drawdown_fraction(KillSwitch{200.0, false}, 150.0) == 0.25);
}

BOOST_AUTO_TEST_CASE(reducing_orders_are_exempt_from_caps) {
  RiskLimits l = loose();
  l.max_exposure_fraction = 0.5;
  l.max_order_fraction = 0.1;
  AccountState a = account();
  a.position_qty = 60.0;                            // 6,000 > the 5,000 cap after a price move
  BOOST_TEST(check_order(a, -5.0, l).accepted());   // still above the cap, but reducing
  BOOST_TEST(check_order(a, -60.0, l).accepted());  // a 6,000 close despite the 1,000 order cap
  BOOST_TEST((reason_of(check_order(a, 1.0, l)) == RejectReason::kExposureCap));
  BOOST_TEST(reduces_exposure(60.0, -60.0));
  BOOST_TEST(!reduces_exposure(60.0, -60.5));
  BOOST_TEST(reduces_exposure(-3.0, 1.0));
  BOOST_TEST(!reduces_exposure(-3.0, -1.0));
  BOOST_TEST(!reduces_exposure(0.0, 1.0));
}

BOOST_AUTO_TEST_CASE(non_positive_equity_allows_only_reducing_orders) {
  AccountState a = account();
  a.equity = 0.0;
  a.position_qty = -2.0;
  BOOST_TEST((reason_of(check_order(a, -1.0, loose())) == RejectReason::kNonPositiveEquity));
  BOOST_TEST(check_order(a, 2.0, loose()).accepted());
  a.equity = -50.0;
  a.kill_switch.peak_equity = 0.0;  // otherwise the 100.5% drawdown trips the kill switch first
  BOOST_TEST((reason_of(check_order(a, 3.0, loose())) == RejectReason::kNonPositiveEquity));
}

BOOST_AUTO_TEST_CASE(non_finite_inputs_are_rejected_never_accepted) {
  using Mutator = std::function<void(AccountState&, double&, RiskLimits&, double)>;
  const Mutator fields[] = {
      [](AccountState&, double& q, RiskLimits&, double v) { q = v; },
      [](AccountState& a, double&, RiskLimits&, double v) { a.equity = v; },
      [](AccountState& a, double&, RiskLimits&, double v) { a.position_qty = v; },
      [](AccountState& a, double&, RiskLimits&, double v) { a.price = v; },
      [](AccountState& a, double&, RiskLimits&, double v) { a.other_gross_notional = v; },
      [](AccountState& a, double&, RiskLimits&, double v) { a.kill_switch.peak_equity = v; },
      [](AccountState&, double&, RiskLimits& l, double v) { l.max_order_fraction = v; },
      [](AccountState&, double&, RiskLimits& l, double v) { l.max_exposure_fraction = v; },
      [](AccountState&, double&, RiskLimits& l, double v) { l.max_leverage = v; },
      [](AccountState&, double&, RiskLimits& l, double v) { l.max_drawdown_fraction = v; },
      [](AccountState&, double&, RiskLimits& l, double v) { l.min_order_qty = v; },
      [](AccountState&, double&, RiskLimits& l, double v) { l.min_notional = v; },
  };
  for (const auto& set : fields) {
    for (double v : {kNaN, kInf, -kInf}) {
      AccountState a = account();
      double qty = 1.0;
      RiskLimits l = loose();
      set(a, qty, l, v);
      const RiskDecision d = check_order(a, qty, l);
      BOOST_TEST((reason_of(d) == RejectReason::kInvalidInput), d.message());
      BOOST_TEST(d.message().find("invalid input") != std::string::npos);
      const ClampedOrder c = clamp_order(a, qty, l);
      BOOST_TEST(c.qty == 0.0);
    }
  }
  AccountState a = account();
  a.price = 0.0;
  BOOST_TEST((reason_of(check_order(a, 1.0, loose())) == RejectReason::kInvalidInput));
  RiskLimits l = loose();
  l.max_leverage = -1.0;
  BOOST_TEST((reason_of(check_order(account(), 1.0, l)) == RejectReason::kInvalidInput));
}

BOOST_AUTO_TEST_CASE(clamp_examples) {
  RiskLimits l = loose();
  l.max_order_fraction = 0.3;     // 30 BTC per trade
  l.max_exposure_fraction = 0.5;  // 50 BTC
  AccountState a = account();
  ClampedOrder c = clamp_order(a, 100.0, l);
  BOOST_TEST(c.qty == 30.0);
  BOOST_TEST((c.limited_by == RejectReason::kOrderCap));
  a.position_qty = 40.0;
  c = clamp_order(a, 100.0, l);
  BOOST_TEST(c.qty == 10.0);
  BOOST_TEST(
      (c.limited_by == RejectReason::kOrderCap || c.limited_by == RejectReason::kExposureCap));
  BOOST_TEST(check_order(a, c.qty, l).accepted());
  // Flip from +20: the order cap (30) binds, leaving -10.
  a.position_qty = 20.0;
  c = clamp_order(a, -100.0, l);
  BOOST_TEST(c.qty == -30.0);
  // Already accepted: returned unchanged.
  c = clamp_order(a, -7.5, l);
  BOOST_TEST(c.qty == -7.5);
  BOOST_TEST(!c.limited_by.has_value());
  // Kill switch: a flip is cut to the close, a buy to nothing.
  a.kill_switch.tripped = true;
  c = clamp_order(a, -100.0, l);
  BOOST_TEST(c.qty == -20.0);
  BOOST_TEST((c.limited_by == RejectReason::kKillSwitch));
  c = clamp_order(a, 5.0, l);
  BOOST_TEST(c.qty == 0.0);
  BOOST_TEST((c.limited_by == RejectReason::kKillSwitch));
  // Below the minimum there is nothing to clamp to.
  l.min_notional = 10.0;
  c = clamp_order(account(), 0.05, l);
  BOOST_TEST(c.qty == 0.0);
  BOOST_TEST((c.limited_by == RejectReason::kBelowMinNotional));
}

BOOST_AUTO_TEST_CASE(reason_names_are_distinct) {
  std::set<std::string_view> names;
  for (auto r : {RejectReason::kInvalidInput, RejectReason::kZeroQuantity,
                 RejectReason::kKillSwitch, RejectReason::kBelowMinQty,
                 RejectReason::kBelowMinNotional, RejectReason::kNonPositiveEquity,
                 RejectReason::kOrderCap, RejectReason::kExposureCap, RejectReason::kLeverageCap}) {
    names.insert(reject_reason_name(r));
  }
  BOOST_TEST(names.size() == 9u);
}

}  // namespace
}  // namespace q50
