#ifndef Q50SIM_CHECKPOINT_ENVELOPE_H_
#define Q50SIM_CHECKPOINT_ENVELOPE_H_

// The one envelope every q50sim checkpoint travels in (a legacy replay stopped mid-run, a
// strategy's state, a live node's runtime state), so that a file is recognised, versioned and
// checked the same way whatever it holds. All integers little-endian:
//   bytes  0..7   magic "Q50SIMCK"
//   bytes  8..11  envelope format version (kEnvelopeVersion)
//   bytes 12..15  kind (CheckpointKind)
//   bytes 16..19  the body's own format version (bumped by its codec on any change)
//   bytes 20..27  body length in bytes
//   bytes 28..59  SHA-256 of the body
//   bytes 60..    body
// A truncated, damaged, foreign or outdated file is refused with InvalidArgument naming the
// file and what is wrong, before anything in the body is believed. The checksum catches
// damage, not intent: whoever can write the file can recompute it, so the codecs still
// validate every field they read.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace q50::checkpoint {

inline constexpr std::uint32_t kEnvelopeVersion = 2;
inline constexpr std::size_t kEnvelopeHeaderSize = 60;

enum class CheckpointKind : std::uint32_t {
  kLegacyReplay = 1,   // sim/legacy/replay_checkpoint.h
  kStrategyState = 2,  // checkpoint/strategy_state.h
  kRuntimeState = 3,   // a live node's state file
};

std::string_view checkpoint_kind_name(CheckpointKind kind);

// The envelope around `body`.
std::string seal_checkpoint(CheckpointKind kind, std::uint32_t body_version, std::string_view body);

// The body of a sealed checkpoint of `kind` and `body_version`; a view into `bytes`. `source`
// (a path) starts every error message.
absl::StatusOr<std::string_view> open_checkpoint(std::string_view bytes, CheckpointKind kind,
                                                 std::uint32_t body_version,
                                                 const std::string& source);

// SHA-256 of bytes, 64 lowercase hex characters.
std::string sha256_hex(std::string_view bytes);

}  // namespace q50::checkpoint

#endif  // Q50SIM_CHECKPOINT_ENVELOPE_H_
