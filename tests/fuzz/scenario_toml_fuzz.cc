// Scenario files (io/scenario_file.h) parsed from memory; a synthetic scenario short enough to
// run in a few milliseconds is then run through the simulator, as `q50sim run` would.
#include <cstdint>
#include <optional>
#include <string>

#include "io/scenario_file.h"
#include "io/scenario_inputs.h"
#include "sim/scenario_run.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = q50::fuzz::as_text(data, size);
  auto scenario = q50::io::parse_scenario("/fuzz/scenario.toml", text);
  if (!scenario.ok()) return 0;
  (void)q50::io::scenario_known_keys();
  if (scenario->market.source != q50::sim::MarketSourceKind::kSynthetic) return 0;
  if (scenario->signals.source != q50::sim::SignalSourceKind::kSynthetic) return 0;
  if (!scenario->bars || *scenario->bars > 256 || scenario->faults.size() > 8) return 0;
  for (const auto& fault : scenario->faults) {
    if (fault.copies > 8 || fault.delay_items > 8 || fault.count.value_or(1) > 64) return 0;
  }
  const q50::io::EnvLookup no_env = [](std::string_view) { return std::optional<std::string>(); };
  auto inputs = q50::io::load_scenario_inputs(*scenario, no_env);
  if (!inputs.ok()) return 0;
  (void)q50::sim::rerun_fingerprint(*scenario, *inputs);
  return 0;
}
