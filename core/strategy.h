#ifndef Q50SIM_CORE_STRATEGY_H_
#define Q50SIM_CORE_STRATEGY_H_

// The native Q50 strategy: the one users run (ours, not a replay of a legacy backtester).
// One pure function, step(state, event, params) -> {state, commands}, with no I/O, clock, RNG
// or allocation, driven by the simulator (sim/engine.h), a golden replay or a live adapter.
//
// Per bar: the close feeds a FeatureStream (qlib float32 features: vol_risk,
// vol_raw_momentum); a signal that arrived since the previous bar runs through compute_signal
// with FROZEN variance percentiles (a stream cannot use the existing system's whole-sample
// look-ahead percentiles); a sizing rule turns the row into a size, the side and size into a
// target, the target into an order; the order is rounded toward zero to the lot size and
// checked (or clamped) by core/risk.h. At most one order is in flight: until its terminal
// venue event (full fill, reject, expiry or cancel) arrives, bars only record.
//
// Units: prices in quote per base unit, quantities in base units (signed: + buy / long),
// cash/equity/fees in quote. Doubles throughout; the simulator converts to the venue's fixed
// point at its boundary.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/check.h"
#include "core/qlib_features.h"
#include "core/regime.h"
#include "core/risk.h"
#include "core/signal.h"
#include "core/signal_lookup.h"
#include "core/sizing.h"
#include "core/position_policy.h"
#include "core/timestamp.h"

namespace q50::strategy {

// Events in
// One OHLCV bar, published at ts_ns (its end).
struct Bar {
  TimestampNs ts_ns = 0;
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  double volume = 0;  // base units
};

// A forecast row for the next bar (the lookup rule of core/signal_lookup.h picked it; match
// says how fresh it is). It is used by the first bar that follows it and then consumed.
struct SignalUpdate {
  TimestampNs ts_ns = 0;
  double q10 = 0;
  double q50 = 0;
  double q90 = 0;
  SignalMatchKind match = SignalMatchKind::kExact;
};

// The venue filled (part of) the order in flight. remaining == 0 ends the order.
struct Filled {
  TimestampNs ts_ns = 0;
  std::int64_t order_id = 0;  // the client_order_id of the SubmitOrder
  double qty = 0;             // signed: + bought, - sold
  double price = 0;
  double notional = 0;  // |qty| * price as the venue booked it (rounded in its favour)
  double fee = 0;       // quote
  double slippage = 0;  // quote
  double remaining = 0;  // base units still open
};

// The venue (or the engine's lot rounding) refused the order; nothing was filled.
struct Rejected {
  TimestampNs ts_ns = 0;
  std::int64_t order_id = 0;
  std::int32_t code = 0;  // the venue's error code (Binance's, e.g. -2010), opaque here
};

// The order ended without filling completely (IOC remainder, cash short, cancel).
struct Ended {
  TimestampNs ts_ns = 0;
  std::int64_t order_id = 0;
  double remaining = 0;
  bool canceled = false;  // false: expired
};

using Event = std::variant<Bar, SignalUpdate, Filled, Rejected, Ended>;

// Params
// Where a bar's size comes from.
enum class SizingRule : std::uint8_t {
  kKellyPositionSize,       // the signal row's kelly_position_size (validated Kelly, cap 0.5)
  kPositionSizeSuggestion,  // the signal row's position_size_suggestion (0 unless tradeable)
  kHb,                      // hb_calculate_target_pct(hb_method), tier confidence map included
};

enum class RiskMode : std::uint8_t {
  kCheck,  // check_order: a rejected order is not sent (the reason is counted)
  kClamp,  // clamp_order: the largest acceptable order in the same direction is sent
};

enum class NoSignalPolicy : std::uint8_t {
  kKeep,  // a bar without a fresh signal does nothing
  kFlat,  // a bar without a fresh signal closes the position
};

struct Params {
  // Frozen vol_risk percentiles (e.g. from a training window): the stream has no sample.
  VariancePercentiles percentiles{};
  SizingRule sizing = SizingRule::kKellyPositionSize;
  HbSizingMethod hb_method = HbSizingMethod::kEnhanced;  // for SizingRule::kHb
  double hb_max_position_pct = 0.5;                     // the HB methods' own cap
  // Same option names as core/strategy.h HbOptions. kLegacyMinConfidence closes on HOLD when
  // hb_tier_confidence(signal_tier) < min_confidence_hold; kLegacyPyramid adds the size as an
  // order every LONG/SHORT bar (but never beyond max_abs_fraction: ours).
  HoldPolicy hold = HoldPolicy::kKeep;
  double min_confidence_hold = 1.0;
  PositionRule rule = PositionRule::kTargetPosition;
  double max_abs_fraction = 0.5;  // |target exposure| <= this * equity
  bool allow_short = false;       // spot: a SHORT signal can only take the position to flat
  NoSignalPolicy no_signal = NoSignalPolicy::kKeep;
  bool use_stale = true;  // a kStale match counts as a signal (false: as no signal)
  // Ours: skip target-position rebalances smaller than this fraction of equity (0 = trade
  // every difference of at least one lot). Orders that close the position are never skipped.
  double rebalance_min_fraction = 0.0;
  double lot_size = 1e-5;  // base units; orders are rounded toward zero to a multiple (> 0)
  // The venue's smallest quantity unit (the simulator's 1e-8 fixed point). The position mirror
  // is snapped to a multiple after every fill so that binary noise (0.1 + 0.2 - 0.3) never
  // leaves a dust position: flat is exactly 0.
  double qty_quantum = 1e-8;
  RiskLimits limits{0.5, 1.0, 1.0, 1.0, 1e-5, 5.0};
  RiskMode risk_mode = RiskMode::kClamp;
  double initial_cash = 10000.0;
  double initial_position = 0.0;
};

// Commands out
enum class OrderKind : std::uint8_t { kMarket, kLimit };

struct SubmitOrder {
  std::int64_t client_order_id = 0;  // 1, 2, ... per run; the venue's events carry it back
  double qty = 0;                    // signed base units, a non-zero multiple of lot_size
  OrderKind kind = OrderKind::kMarket;
  double limit_price = 0;  // kLimit only
};

// What one bar did (one per Bar event).
struct BarRecord {
  TimestampNs ts_ns = 0;
  double close = 0;
  bool signal_used = false;  // a fresh signal was evaluated on this bar
  std::int8_t side = kSideHold;
  std::uint8_t tier = 0;
  // The bar's variance regime from its vol_risk and the frozen percentiles, signal or not
  // (what the threshold multiplier would use).
  VarianceRegime variance_regime = VarianceRegime::kUnknown;
  double size = 0;             // the sizing rule's result (0 without a signal)
  double target_qty = 0;       // base units the bar aimed at (= position when no decision)
  double order_qty = 0;        // submitted this bar (0 if none)
  bool waiting = false;        // an order was in flight: no decision
  bool risk_limited = false;   // risk rejected or clamped this bar's order
  RejectReason risk_reason = RejectReason::kInvalidInput;  // valid when risk_limited
  double position = 0;         // mirror, base units
  double cash = 0;             // mirror, quote
  double equity = 0;           // cash + position * close
};

using Command = std::variant<SubmitOrder, BarRecord>;

// At most two commands per step, held inline (no allocation on the hot path).
class Commands {
 public:
  static constexpr std::size_t kCapacity = 2;

  // Leaves both slots unconstructed (see items_).
  Commands() {}

  void push(const Command& c) {
    Q50_CHECK(size_ < kCapacity, "native strategy step emitted too many commands");
    std::construct_at(&items_[size_], c);
    ++size_;
  }
  // Appends a default T and returns it for the caller to fill in place: a BarRecord built
  // elsewhere and copied in cost a store-forwarding stall per bar (its byte-sized flags were
  // stored and then read back by 16-byte loads).
  template <class T>
  T& emplace() {
    Q50_CHECK(size_ < kCapacity, "native strategy step emitted too many commands");
    Command* slot = std::construct_at(&items_[size_], std::in_place_type<T>);
    ++size_;
    return *std::get_if<T>(slot);
  }
  void clear() { size_ = 0; }
  std::size_t size() const { return size_; }
  const Command* begin() const { return items_; }
  const Command* end() const { return items_ + size_; }

 private:
  // Storage only: a slot's Command is constructed by push/emplace, and only [0, size_) is
  // ever read. A plain array of variants would be value-initialised on every step (the
  // first alternative, SubmitOrder, is zeroed), a 184-byte clear per event that showed up in
  // the simulator's profile. Command is trivially copyable and destructible, so a slot is
  // reused without destroying what it held and copying Commands copies bytes.
  static_assert(std::is_trivially_copyable_v<Command> &&
                std::is_trivially_destructible_v<Command>);
  union {
    Command items_[kCapacity];
  };
  std::size_t size_ = 0;
};

// State
inline constexpr std::size_t kRejectReasonCount = 9;  // RejectReason's enumerators

struct Counters {
  std::int64_t bars = 0;
  std::int64_t signals = 0;        // SignalUpdate events received
  std::int64_t stale_signals = 0;  // of which kStale
  std::int64_t signals_used = 0;   // evaluated by a bar
  std::int64_t bars_waiting = 0;   // bars with an order in flight
  std::int64_t orders = 0;
  std::int64_t fills = 0;
  std::int64_t venue_rejects = 0;
  std::int64_t orders_ended = 0;  // expired or canceled
  std::int64_t below_lot = 0;     // wanted a trade smaller than one lot
  std::int64_t below_rebalance = 0;
  std::array<std::int64_t, kRejectReasonCount> risk_rejects{};  // by RejectReason
  std::array<std::int64_t, kRejectReasonCount> risk_clamps{};   // by limited_by
};

struct PendingSignal {
  bool present = false;
  SignalUpdate update;
};

struct InFlight {
  bool active = false;
  std::int64_t order_id = 0;
  double qty = 0;     // signed, as submitted
  double filled = 0;  // signed, so far
};

// A plain aggregate: copying it is a checkpoint.
struct State {
  FeatureStream features;
  PendingSignal signal;
  double cash = 0;
  double position = 0;
  double last_close = 0;  // 0 before the first bar
  KillSwitch kill_switch;
  InFlight in_flight;
  std::int64_t next_order_id = 1;
  Counters counters;
};

State initial_state(const Params& params);

struct StepResult {
  State state;
  Commands commands;
};

// Contract: Bar -> {BarRecord} or {SubmitOrder, BarRecord}; SignalUpdate/Filled/Rejected/
// Ended -> no command. A Filled/Rejected/Ended for anything but the order in flight is a
// programmer error (abort), as is a fill beyond the order's quantity.
StepResult step(const State& state, const Event& event, const Params& params);

// step() on the caller's state in place: state becomes result.state and commands (cleared
// first) result.commands. The simulator's hot loop uses it to skip two copies of State per
// event; step() is defined as a call of it on a copy, so both are the same function.
void advance(State& state, const Event& event, const Params& params, Commands& commands);

// A bar from before the run (a live node's history at start): its close feeds the features
// and becomes the last close; nothing is decided, counted or recorded. After N warm-up bars
// the strategy's features are those of a run that had processed them.
void warm_up(State& state, const Bar& bar);

// The account the risk check sees for `state` at price `close`.
AccountState risk_account(const State& state, double close);

}  // namespace q50::strategy

#endif  // Q50SIM_CORE_STRATEGY_H_
