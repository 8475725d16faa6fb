#include "checkpoint/strategy_state.h"

#include <exception>
#include <istream>
#include <sstream>
#include <streambuf>
#include <string>

#include <cereal/archives/portable_binary.hpp>

#include "absl/status/status.h"
#include "checkpoint/envelope.h"
#include "checkpoint/state_archive.h"

namespace q50::checkpoint {
namespace {

// Reads the body in place (no copy of the bytes into a stringstream).
class ViewBuf : public std::streambuf {
 public:
  explicit ViewBuf(std::string_view bytes) {
    char* p = const_cast<char*>(bytes.data());  // NOLINT: read-only get area
    setg(p, p, p + bytes.size());
  }
};

}  // namespace

std::string encode_strategy_state(const strategy::State& state) {
  std::ostringstream body(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive ar(body);
    ar(state);
  }
  return seal_checkpoint(CheckpointKind::kStrategyState, kStrategyStateVersion,
                         std::move(body).str());
}

absl::StatusOr<strategy::State> decode_strategy_state(std::string_view bytes,
                                                      const std::string& source) {
  auto body = open_checkpoint(bytes, CheckpointKind::kStrategyState, kStrategyStateVersion, source);
  if (!body.ok()) return body.status();
  ViewBuf buffer(*body);
  std::istream in(&buffer);
  strategy::State state;
  try {
    cereal::PortableBinaryInputArchive ar(in);
    ar(state);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(source + ": unparsable strategy checkpoint: " + e.what());
  }
  if (in.peek() != std::char_traits<char>::eof()) {
    return absl::InvalidArgumentError(source + ": trailing bytes after the strategy checkpoint");
  }
  return state;
}

}  // namespace q50::checkpoint
