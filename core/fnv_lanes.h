#ifndef Q50SIM_CORE_FNV_LANES_H_
#define Q50SIM_CORE_FNV_LANES_H_

// Byte-wise FNV-1a of several texts at once: hashes[i] = fnv1a(texts[i], hashes[i]).
//
// One text's FNV-1a is a single chain of dependent xor-multiplies, about 4 cycles a byte
// whatever else the core has free. Several texts are independent chains, and hashing them in
// one loop, a byte of each per step, lets the core run them side by side: on the project's
// machine, on the 10,000-bar case's journal text, 1.11 ns a byte for one text and 0.25 per
// text for eight (bench/replay_loop_bench prints both).
// Where one thread fingerprints many journals (sim/legacy/replay.h run_replays, the sweeps'
// legacy replays) this is how the fixed byte-wise fingerprint stops costing its latency.

#include <cstdint>
#include <span>
#include <string_view>

namespace q50 {

// texts and hashes have the same length (checked); texts may differ in length (each lane
// leaves the loop when its text ends).
void fnv1a_lanes(std::span<const std::string_view> texts, std::span<std::uint64_t> hashes);

}  // namespace q50

#endif  // Q50SIM_CORE_FNV_LANES_H_
