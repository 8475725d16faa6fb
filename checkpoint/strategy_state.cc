#include "checkpoint/strategy_state.h"

#include <cmath>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "checkpoint/cereal_guard.h"
#include "checkpoint/envelope.h"
#include "checkpoint/state_archive.h"
#include "core/limits.h"
#include "fmt/format.h"

namespace q50::checkpoint {
namespace {

bool finite_within(double v, double bound) { return std::isfinite(v) && std::fabs(v) <= bound; }

std::optional<std::string> in_flight_problem(const strategy::State& s) {
  const strategy::InFlight& f = s.in_flight;
  if (!f.active) {
    if (f.order_id != 0 || f.qty != 0.0 || f.filled != 0.0) return "an idle order slot with values";
    return std::nullopt;
  }
  if (f.order_id < 1 || f.order_id >= s.next_order_id) {
    return fmt::format("order in flight id {} outside [1, {})", f.order_id, s.next_order_id);
  }
  if (!finite_within(f.qty, limits::kMaxOrderQty) || f.qty == 0.0) {
    return fmt::format("order in flight quantity {}", f.qty);
  }
  if (!std::isfinite(f.filled) || f.filled * f.qty < 0 || std::fabs(f.filled) > std::fabs(f.qty)) {
    return fmt::format("order in flight filled {} of {}", f.filled, f.qty);
  }
  return std::nullopt;
}

// Why a decoded state cannot be one the strategy reached (nullopt: it can). A state outside
// these bounds would break the simulator's domain (core/limits.h) or the strategy's contract.
std::optional<std::string> strategy_state_problem(const strategy::State& s) {
  const FeatureStream::Snapshot f = s.features.snapshot();
  if (f.count > (std::size_t{1} << 62)) return fmt::format("feature count {}", f.count);
  if (!(std::isfinite(f.prev_close) && f.prev_close >= 0)) {
    return fmt::format("previous close {}", static_cast<double>(f.prev_close));
  }
  if (!finite_within(s.cash, 1e11)) return fmt::format("cash {} (|cash| <= 1e11)", s.cash);
  if (!finite_within(s.position, 1e7)) {
    return fmt::format("position {} (|position| <= 1e7)", s.position);
  }
  if (!(std::isfinite(s.last_close) && s.last_close >= 0 && s.last_close <= limits::kMaxPrice)) {
    return fmt::format("last close {} (in [0, {}])", s.last_close, limits::kMaxPrice);
  }
  if (std::isinf(s.kill_switch.peak_equity)) return "infinite peak equity";
  if (static_cast<int>(s.signal.update.match) > static_cast<int>(SignalMatchKind::kNone)) {
    return fmt::format("signal match kind {}", static_cast<int>(s.signal.update.match));
  }
  if (s.signal.present && !timestamp_in_range(s.signal.update.ts_ns)) {
    return fmt::format("signal time {} outside {}", s.signal.update.ts_ns, kTimestampRangeText);
  }
  if (s.next_order_id < 1 || s.next_order_id > (std::int64_t{1} << 62)) {
    return fmt::format("next order id {}", s.next_order_id);
  }
  if (auto why = in_flight_problem(s)) return why;
  const strategy::Counters& c = s.counters;
  for (const std::int64_t n : {c.bars, c.signals, c.stale_signals, c.signals_used, c.bars_waiting,
                               c.orders, c.fills, c.venue_rejects, c.orders_ended, c.below_lot,
                               c.below_rebalance}) {
    if (n < 0) return fmt::format("a negative counter ({})", n);
  }
  for (const auto* list : {&c.risk_rejects, &c.risk_clamps}) {
    for (const std::int64_t n : *list) {
      if (n < 0) return fmt::format("a negative risk counter ({})", n);
    }
  }
  return std::nullopt;
}

}  // namespace

std::string encode_strategy_state(const strategy::State& state) {
  return seal_checkpoint(CheckpointKind::kStrategyState, kStrategyStateVersion, write_body(state));
}

absl::StatusOr<strategy::State> decode_strategy_state(std::string_view bytes,
                                                      const std::string& source) {
  auto body = open_checkpoint(bytes, CheckpointKind::kStrategyState, kStrategyStateVersion, source);
  if (!body.ok()) return body.status();
  strategy::State state;
  if (const std::optional<BodyError> e = read_body(*body, state)) {
    return absl::InvalidArgumentError(
        e->trailing ? source + ": trailing bytes after the strategy checkpoint"
                    : source + ": unparsable strategy checkpoint: " + e->message);
  }
  if (auto why = strategy_state_problem(state)) {
    return absl::InvalidArgumentError(source + ": strategy checkpoint refused: " + *why);
  }
  return state;
}

}  // namespace q50::checkpoint
