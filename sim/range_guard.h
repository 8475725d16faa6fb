#ifndef Q50SIM_SIM_RANGE_GUARD_H_
#define Q50SIM_SIM_RANGE_GUARD_H_

// The simulator's domain checks (core/limits.h derives the bounds). A run whose market or
// account would leave the range the venue's int64 e8 arithmetic and the strategy's double
// mirror are exact in -- a synthetic market drifting or jumping past 1e9, a position grown
// past 4e6 units -- stops with the reason these give, before the operation that would
// overflow, instead of tripping an always-on check. Each returns nullopt when all is well,
// else one readable sentence naming the value and the bound it broke.

#include <cstdint>
#include <optional>
#include <string>

#include "core/strategy.h"
#include "sim/exchange.h"

namespace q50::sim {

// A market bar as the source produced it: finite prices in [kMinPrice, kMaxPrice] with
// low <= min(open, close) and high >= max(open, close), volume in [0, kMaxVolume].
std::optional<std::string> bar_out_of_range(const strategy::Bar& bar);

// The venue's account and open orders against the next bar (its high): balances, position,
// position value, open orders' notional and the cumulative fees within bounds.
std::optional<std::string> account_out_of_range(const Exchange& exchange, const Bar& next);

// A market order of qty_e8 (> 0) on `side` about to reach the venue: its notional at the
// venue's reference price (the last close; none before the first bar) and the position it
// would leave.
std::optional<std::string> order_out_of_range(const Exchange& exchange, bool buy,
                                              std::int64_t qty_e8);

}  // namespace q50::sim

#endif  // Q50SIM_SIM_RANGE_GUARD_H_
