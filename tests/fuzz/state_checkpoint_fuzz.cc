// The strategy's checkpoint (checkpoint/strategy_state.h: what a simulated crash restarts
// from) and a live node's state file (live/node_state.h). Selector bit 0 clear: the input is
// the whole file; set: the input is the body, sealed here with a valid envelope and SHA-256
// (a tampered file whose checksum was recomputed). Bit 1 picks the node state.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "checkpoint/envelope.h"
#include "checkpoint/strategy_state.h"
#include "live/node_state.h"
#include "tests/fuzz/fuzz_support.h"

// With Q50SIM_FUZZ_WRITE_SEEDS=DIR, writes the seeds of corpus/state_checkpoint/ into DIR
// (a fresh run's strategy state and node state, whole and as bodies) and exits.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  const char* dir = std::getenv("Q50SIM_FUZZ_WRITE_SEEDS");
  if (dir == nullptr) return 0;
  const std::filesystem::path out(dir);
  const std::string strategy = q50::checkpoint::encode_strategy_state(q50::strategy::State{});
  q50::live::NodeState node_state;
  node_state.client_id_prefix = "q50fuzz";
  const std::string node = q50::live::encode_node_state(node_state);
  const std::size_t header = q50::checkpoint::kEnvelopeHeaderSize;
  // The target's first byte picks the decoder; the rest is its input.
  const auto tagged = [](char tag, std::string_view body) {
    std::string bytes;
    bytes.reserve(body.size() + 1);
    bytes.push_back(tag);
    bytes.append(body);
    return bytes;
  };
  const std::string_view strategy_view(strategy);
  const std::string_view node_view(node);
  q50::fuzz::write_file(out / "strategy_file", tagged('\0', strategy_view));
  q50::fuzz::write_file(out / "strategy_body", tagged('\1', strategy_view.substr(header)));
  q50::fuzz::write_file(out / "node_file", tagged('\2', node_view));
  q50::fuzz::write_file(out / "node_body", tagged('\3', node_view.substr(header)));
  std::exit(0);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [selector, body] = q50::fuzz::take_selector(q50::fuzz::as_text(data, size));
  const bool node = (selector & 2u) != 0;
  const bool sealed = (selector & 1u) != 0;
  if (node) {
    const std::string bytes =
        sealed ? q50::checkpoint::seal_checkpoint(q50::checkpoint::CheckpointKind::kRuntimeState,
                                                  q50::live::kNodeStateVersion, body)
               : std::string(body);
    auto state = q50::live::decode_node_state(bytes, "state.bin");
    if (state.ok()) (void)q50::live::encode_node_state(*state);
    return 0;
  }
  const std::string bytes =
      sealed ? q50::checkpoint::seal_checkpoint(q50::checkpoint::CheckpointKind::kStrategyState,
                                                q50::checkpoint::kStrategyStateVersion, body)
             : std::string(body);
  auto state = q50::checkpoint::decode_strategy_state(bytes, "strategy.ckpt");
  if (state.ok()) (void)q50::checkpoint::encode_strategy_state(*state);
  return 0;
}
