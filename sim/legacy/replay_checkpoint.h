#ifndef Q50SIM_SIM_LEGACY_REPLAY_CHECKPOINT_H_
#define Q50SIM_SIM_LEGACY_REPLAY_CHECKPOINT_H_

// Checkpoints of the legacy replay simulator (sim/replay.h) as bytes: a run stopped after
// event K, written to a file, and resumed in a fresh process ends with the uninterrupted
// run's fingerprint and byte-identical outputs (tests/sim/replay_checkpoint_prop_test.cc).
//
// File layout: the checkpoint envelope (checkpoint/envelope.h: magic, versions, SHA-256
// of the body) around a cereal::PortableBinaryArchive of the header and the ReplayState.
// Doubles travel as their IEEE bits (bit-exact, NaN payloads included), in a fixed byte order,
// so a checkpoint moves between machines and compilers.
//
// The cereal serialize functions live in replay_checkpoint.cc, not in core/ (core stays free of
// cereal); cereal's exceptions are caught there and become absl::Status.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/legacy/strategy.h"
#include "sim/legacy/replay.h"

namespace q50::sim {

// The body's format version. Bump on any change to what is serialized; older files are
// refused with both versions named. 2: the input and config files pinned by SHA-256 (was
// FNV-1a 64, which anyone can collide).
inline constexpr std::uint32_t kCheckpointVersion = 2;

// What run a checkpoint belongs to. A resume refuses a checkpoint whose header differs from
// its own run's (other input, other config, other profile, other seed).
struct CheckpointHeader {
  legacy::StrategyProfile profile = legacy::StrategyProfile::kLegacyHummingbot;
  std::string input_sha256;   // 64 lowercase hex digits of the input file's SHA-256
  std::string config_sha256;  // the same of the config file
  std::uint64_t seed = 0;
};

struct ReplayCheckpoint {
  CheckpointHeader header;
  ReplayState state;
};

// The checkpoint file's bytes (layout above). Deterministic: equal checkpoints give equal bytes.
std::string encode_checkpoint(const ReplayCheckpoint& checkpoint);

// Parses bytes made by encode_checkpoint. `source` (the file's path) starts every error
// message. Too short, bad magic, another version, checksum mismatch (truncated or damaged),
// unparsable body or trailing bytes: InvalidArgumentError.
absl::StatusOr<ReplayCheckpoint> decode_checkpoint(std::string_view bytes,
                                                   const std::string& source);

// OkStatus when `checkpoint` (read from `source`) belongs to the run described by `run`;
// otherwise FailedPreconditionError naming what differs.
absl::Status check_same_run(const CheckpointHeader& checkpoint, const CheckpointHeader& run,
                            const std::string& source);

// The checksum catches damage, not intent: whoever can write the file can recompute it. So a
// resume believes no field of a checkpoint's state: the run is deterministic, and this
// replays (bars, config) to the checkpoint's event count (~5 ms per 10,000 bars) and compares
// every field -- strategy, venue ledger, event queue, journal, records -- with the state.
// InvalidArgumentError naming `source` and the first part that differs (or an event count
// the run does not have); the resumed run is then the uninterrupted one, bit for bit.
absl::Status verify_checkpoint_state(std::span<const legacy::MarketBar> bars,
                                     const ReplayConfig& config, const ReplayState& state,
                                     const std::string& source);

}  // namespace q50::sim

#endif  // Q50SIM_SIM_LEGACY_REPLAY_CHECKPOINT_H_
