// A scenario's CSV market (io/scenario_inputs.h): the file read, its OHLCV validated and cut to
// the run, then the run itself through the simulator (sim/scenario_run.h), as `q50sim run`
// does: values that parse must never reach an invariant check of the simulator.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "io/scenario_file.h"
#include "io/scenario_inputs.h"
#include "sim/scenario_run.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

std::string scenario_text(const std::string& csv_path, unsigned selector) {
  std::string columns = (selector & 1u)
      ? "ts = \"timestamp\"\nopen = \"\"\nhigh = \"\"\nlow = \"\"\nclose = \"close\"\nvolume = \"\"\n"
      : "ts = \"timestamp\"\nopen = \"open\"\nhigh = \"high\"\nlow = \"low\"\nclose = \"close\"\n"
        "volume = \"volume\"\n";
  return "[scenario]\nname = \"fuzz_market\"\nseed = 7\nbars = 64\n"
         "[market]\nsource = \"csv\"\n[market.csv]\npath = \"" + csv_path +
         "\"\n[market.csv.columns]\n" + columns + "[signals.synthetic]\nskill = 0.2\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [selector, text] = q50::fuzz::take_selector(q50::fuzz::as_text(data, size));
  const q50::fuzz::MemFile csv(text);
  auto scenario = q50::io::parse_scenario("/fuzz/market.toml", scenario_text(csv.path(), selector));
  if (!scenario.ok()) std::abort();  // the template itself must parse
  const q50::io::EnvLookup no_env = [](std::string_view) { return std::optional<std::string>(); };
  auto inputs = q50::io::load_scenario_inputs(*scenario, no_env);
  if (!inputs.ok()) return 0;
  (void)q50::sim::rerun_fingerprint(*scenario, *inputs);
  return 0;
}
