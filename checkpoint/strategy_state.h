#ifndef Q50SIM_CHECKPOINT_STRATEGY_STATE_H_
#define Q50SIM_CHECKPOINT_STRATEGY_STATE_H_

// The native strategy's state (core/q50_strategy.h strategy::State) as bytes, for the engine's
// process_crash fault (sim/faults.h): the engine encodes the state every
// checkpoint_every_bars bars and a restarted strategy decodes it — a real round trip through
// bytes, so a field the codec forgets shows up as a different run, not as a silent copy.
//
// Layout: the checkpoint envelope (checkpoint/envelope.h) around a cereal
// PortableBinaryArchive of every State member in declaration order (doubles by their IEEE
// bits, so the round trip is bit-exact, NaN payloads included).

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/strategy.h"

namespace q50::checkpoint {

// Bump on any change to what is serialised.
inline constexpr std::uint32_t kStrategyStateVersion = 1;

std::string encode_strategy_state(const strategy::State& state);

// Bytes made by encode_strategy_state. A refused envelope, an unparsable body, trailing bytes
// or a field no run can reach (a non-finite or out-of-range amount, an order id beyond the
// next one, an order in flight with values that do not add up, a negative counter, a flag
// that is not 0 or 1): InvalidArgumentError naming `source` and the field.
absl::StatusOr<strategy::State> decode_strategy_state(std::string_view bytes,
                                                    const std::string& source);

}  // namespace q50::checkpoint

#endif  // Q50SIM_CHECKPOINT_STRATEGY_STATE_H_
