// Legacy replay checkpoints (sim/legacy/replay_checkpoint.h). Selector bit 0 clear: the input
// is the whole file (envelope and body). Set: the input is the body, sealed here with a valid
// envelope and SHA-256, as someone who edits a checkpoint and recomputes its checksum would;
// a body that decodes is then checked against a short replay's state (verify_checkpoint_state)
// and resumed only when it passes, as `q50sim replay --resume` does.
#include <cstdint>
#include <string>

#include "checkpoint/envelope.h"
#include "io/backtest_input.h"
#include "io/csv.h"
#include "io/legacy_replay.h"
#include "sim/legacy/replay.h"
#include "sim/legacy/replay_checkpoint.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

constexpr const char* kFrame =
    "timestamp,q10,q50,q90,side,signal_tier,signal_thresh_adaptive,truth\n"
    "2022-01-01 00:00:00,-0.01,0.004,0.02,1,3,0.001,0.002\n"
    "2022-01-01 01:00:00,-0.02,-0.006,0.01,0,2,0.001,-0.003\n"
    "2022-01-01 02:00:00,-0.01,0.005,0.02,1,1,0.001,0.004\n"
    "2022-01-01 03:00:00,-0.03,-0.010,0.01,0,3,0.001,-0.010\n";

struct Run {
  std::vector<q50::legacy::MarketBar> bars;
  q50::sim::ReplayConfig config;
};

const Run& run() {
  static const Run r = [] {
    const q50::io::HbBacktestConfig hb;
    auto table = q50::io::CsvTable::parse("input.csv", kFrame);
    return Run{*q50::io::hb_bars_from_table(*table, hb, {}), q50::io::hb_replay_config(hb)};
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [selector, body] = q50::fuzz::take_selector(q50::fuzz::as_text(data, size));
  const std::string bytes = (selector & 1u)
      ? q50::checkpoint::seal_checkpoint(q50::checkpoint::CheckpointKind::kLegacyReplay,
                                         q50::sim::kCheckpointVersion, body)
      : std::string(body);
  auto checkpoint = q50::sim::decode_checkpoint(bytes, "fuzz.ckpt");
  if (!checkpoint.ok()) return 0;
  (void)q50::sim::encode_checkpoint(*checkpoint);
  if (!q50::sim::verify_checkpoint_state(run().bars, run().config, checkpoint->state, "fuzz.ckpt")
           .ok()) {
    return 0;
  }
  (void)q50::sim::resume_replay(run().bars, run().config, checkpoint->state);
  return 0;
}
