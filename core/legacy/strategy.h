#ifndef Q50SIM_CORE_LEGACY_STRATEGY_H_
#define Q50SIM_CORE_LEGACY_STRATEGY_H_

// The Q50 strategy as one pure function: step(state, event, params) -> {state, commands}.
// No I/O, no clock, no allocation: events and commands are small value types, so the
// simulator (sim/replay.h), a golden replay and a live adapter all drive the same code.
//
// Two profiles reproduce the existing system's backtesters bar for bar (spec
// existing-backtest.md §2, reference README §5, §6, §8):
//  - kLegacyHummingbot: HummingbotQuantileBacktester.run_backtest. The strategy decides and
//    sends market orders; the venue (sim/legacy_venue.h) owns the cash ledger and answers
//    with a fill or a reject, which the strategy turns into trade/bar records.
//  - kLegacyQuantile: QuantileBacktester.run_backtest. It has no orders at all (positions are
//    fractions of capital, "priced" at 1.0), so its whole accounting lives here and every bar
//    produces one row record.
//
// The behaviours the roadmap wants to vary are named options (HbOptions); the legacy values
// are the defaults, every other value is ours and says so.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "core/check.h"
#include "core/position_policy.h"
#include "core/sizing.h"
#include "core/timestamp.h"

namespace q50::legacy {

enum class StrategyProfile : std::uint8_t { kLegacyHummingbot, kLegacyQuantile };
std::string_view profile_name(StrategyProfile p);

// How the per-bar diagnostic `pnl` column is computed (existing system: it depends on whether
// real prices were given).
enum class PnlFormula : std::uint8_t {
  kFromTruth,        // simulated prices: position * prev_price * truth (0 when truth is NaN)
  kFromPriceChange,  // real prices: position * prev_price * ((price - prev) / prev)
};

struct HbOptions {
  HoldPolicy hold = HoldPolicy::kLegacyMinConfidence;
  PositionRule rule = PositionRule::kLegacyPyramid;
  HbSizingMethod sizing = HbSizingMethod::kEnhanced;  // the sizing rule
};

struct HbSignalTable;

struct HbParams {
  double max_position_pct = 0.5;
  double min_confidence_hold = 1.0;
  PnlFormula pnl = PnlFormula::kFromTruth;
  HbOptions options;
  // Optional: the run's bar signals made beforehand (hb_signal_table, with these params'
  // sizing rule and max_position_pct: checked); null computes each bar's as it comes.
  const HbSignalTable* signals = nullptr;
};

struct QbParams {
  QbSizingConfig sizing;
  double initial_capital = 100000.0;
  double fee_rate = 0.001;
  double slippage_rate = 0.0005;
  double max_drawdown_limit = 0.2;
  // The row columns the recorded inputs lacked; the original's defaults.
  double tier_confidence = 5.0;
  double volatility = 0.02;
};

struct StrategyParams {
  StrategyProfile profile = StrategyProfile::kLegacyHummingbot;
  HbParams hb;
  QbParams qb;
};

// Events in
// One bar of the input frame. price is the market price the bar trades at (HB); the QB
// profile ignores it and earns `truth` instead.
struct MarketBar {
  TimestampNs ts_ns = 0;
  std::int64_t index = 0;  // 0-based position among the bars processed
  double price = 0;
  double q10 = 0;
  double q50 = 0;
  double q90 = 0;
  std::int64_t side = -1;  // 1 LONG, 0 SHORT, anything else HOLD
  std::int64_t signal_tier = 0;
  double signal_thresh = 0;  // signal_thresh_adaptive
  double truth = 0;
};

// The venue filled a market order completely. cash_after/position_after are the venue's
// ledger after the fill (the strategy mirrors them; the simulator checks the mirror).
struct OrderFilled {
  TimestampNs ts_ns = 0;
  double qty = 0;  // signed: + bought, - sold
  double price = 0;
  double fee = 0;
  double slippage = 0;
  double cash_after = 0;
  double position_after = 0;
};

// The venue refused the order (existing system: a buy costing more than the cash).
struct OrderRejected {
  TimestampNs ts_ns = 0;
  double qty = 0;
};

// No more bars: the existing HB backtester closes what is open (BACKTEST_END).
struct EndOfData {
  TimestampNs ts_ns = 0;
};

using Event = std::variant<MarketBar, OrderFilled, OrderRejected, EndOfData>;

// Commands out
enum class OrderPurpose : std::uint8_t { kDirectional, kNeutralClose, kBacktestEnd };

struct SubmitMarketOrder {
  double qty = 0;  // signed base units, |qty| >= 0.001
  OrderPurpose purpose = OrderPurpose::kDirectional;
};

enum class HbDirection : std::uint8_t { kLong, kShort, kHold };
std::string_view direction_name(HbDirection d);

enum class HoldReason : std::uint8_t {
  kNone,  // no hold recorded (a trade, or a silently rejected order)
  kHoldPosition,
  kHoldNoPosition,
  kLongHold,
  kShortHold,
  kLongNoPosition,
  kShortNoPosition,
};
std::string_view hold_reason_name(HoldReason r);

// generate_hummingbot_signal's output for one bar.
struct HbSignal {
  HbDirection direction = HbDirection::kHold;
  double target_pct = 0;
  double confidence = 0;
  double prob_up = 0;
  double prob_down_adj = 0;
  double prob_neutral = 0;
  double prob_up_adj = 0;
};

struct HbHoldRecord {
  TimestampNs ts_ns = 0;
  HoldReason reason = HoldReason::kNone;
  double position = 0;
  double price = 0;
  double portfolio_value = 0;
};

struct HbTradeRecord {
  TimestampNs ts_ns = 0;
  bool buy = true;
  OrderPurpose purpose = OrderPurpose::kDirectional;
  HbDirection signal = HbDirection::kLong;  // original_signal of a directional trade
  double quantity = 0;
  double price = 0;
  double fee_cost = 0;
  double slippage_cost = 0;
  double position_before = 0;
  double position_after = 0;
  double balance_after = 0;
  double pnl = 0;
  double entry_price = 0;
};

// One portfolio_history row (returns and drawdown are derived from the PV series later).
struct HbBarRecord {
  TimestampNs ts_ns = 0;
  double price = 0;
  HbSignal signal;
  bool traded = false;
  HoldReason hold_reason = HoldReason::kNone;
  double balance = 0;
  double position = 0;
  double portfolio_value = 0;
  double pnl = 0;
};

enum class QbSide : std::uint8_t { kBuy, kSell, kHold, kLiquidate };
std::string_view qb_side_name(QbSide s);

// One QuantileBacktester TradeRecord (one per bar).
struct QbRowRecord {
  TimestampNs ts_ns = 0;
  QbSide side = QbSide::kHold;
  double position_before = 0;
  double position_after = 0;
  double spread = 0;
  double prob_down = 0;
  double prob_neutral = 0;
  double prob_up = 0;
  std::int64_t tier = 0;
  double tier_confidence = 0;
  double pnl = 0;
  double cumulative_pnl = 0;
  double fee_cost = 0;
  double slippage_cost = 0;
  double portfolio_value = 0;
  double drawdown = 0;
};

using Command = std::variant<SubmitMarketOrder, HbHoldRecord, HbTradeRecord, HbBarRecord,
                             QbRowRecord>;

// At most kCapacity commands per step, held inline (no allocation on the hot path).
class Commands {
 public:
  static constexpr std::size_t kCapacity = 3;
  void push(const Command& c) {
    Q50_CHECK(size_ < kCapacity, "strategy step emitted too many commands");
    items_[size_++] = c;
  }
  std::size_t size() const { return size_; }
  void clear() { size_ = 0; }
  const Command* begin() const { return items_.data(); }
  const Command* end() const { return items_.data() + size_; }

 private:
  // Not value-initialised: only [0, size_) is read, and a step runs once per event.
  std::array<Command, kCapacity> items_;
  std::size_t size_ = 0;
};

// State
// The order in flight (HB): what the bar decided, kept until the venue answers.
struct HbPending {
  bool active = false;
  OrderPurpose purpose = OrderPurpose::kDirectional;
  HbSignal signal;
  MarketBar bar;  // the bar that sent it (BACKTEST_END: the end's time and the last price)
};

struct HbState {
  double cash = 0;      // mirror of the venue's ledger
  double position = 0;  // base units, negative when short
  double entry_price = 0;
  bool has_prev = false;  // a bar has been recorded
  double prev_price = 0;
  double last_price = 0;  // the last bar's price: BACKTEST_END closes there
  bool ended = false;
  HbPending pending;
};

struct QbState {
  double capital = 0;
  double position = 0;  // fraction of capital, signed
  double cumulative_pnl = 0;
  double peak = 0;
  std::int64_t bars = 0;
};

struct StrategyState {
  HbState hb;
  QbState qb;
};

// The state before the first event: cash = initial_balance (HB), capital = peak =
// qb.initial_capital (QB).
StrategyState initial_state(const StrategyParams& params, double initial_balance);

struct StepResult {
  StrategyState state;
  Commands commands;
};

// One event in, the next state and the commands out.
// HB contract: a MarketBar emits either {SubmitMarketOrder} (and waits: the next event must be
// the order's OrderFilled/OrderRejected, which emits the trade and bar records), or
// {HbHoldRecord, HbBarRecord}. EndOfData emits at most one order (BACKTEST_END); its fill emits
// only a trade record. QB contract: each MarketBar emits one QbRowRecord; other events are
// programmer errors.
StepResult step(const StrategyState& state, const Event& event, const StrategyParams& params);

// The same step on io.state in place (io.commands is cleared first): io after the call equals
// step(state before, event, params). What a driver calls once per event, without copying the
// state in and out.
void step_in_place(StepResult& io, const Event& event, const StrategyParams& params);

// generate_hummingbot_signal: inverted tier map, 3-way probabilities (spread_thresh absent),
// target_pct of the sizing rule, direction from `side` (the long/short thresholds are unused).
HbSignal hb_signal(const MarketBar& bar, const HbParams& params);

// hb_signal of every bar of a run, by bar index. A bar's signal depends only on the bar, the
// sizing rule and max_position_pct, so runs that share those three (most points of a sweep:
// runner/sweep_replay.cc) can share one table; the strategy then looks each bar's signal up
// (HbParams::signals) instead of computing it, about 40% of the replay loop's own work. The
// same values either way.
struct HbSignalTable {
  HbSizingMethod sizing = HbSizingMethod::kEnhanced;
  double max_position_pct = 0;
  std::vector<HbSignal> signals;  // signals[i] = hb_signal(bars[i], params)
};
HbSignalTable hb_signal_table(std::span<const MarketBar> bars, const HbParams& params);

}  // namespace q50::legacy

#endif  // Q50SIM_CORE_LEGACY_STRATEGY_H_
