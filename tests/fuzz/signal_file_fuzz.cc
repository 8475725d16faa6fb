// The existing system's signal file (io/signal_file.h, parsed in memory) with the column sets
// the scenario and the live node require, and the signal pipeline's input (io/signal_input.h,
// `q50sim signals --input`, read row by row from a file) over the same bytes.
#include <cstdint>
#include <string>

#include "io/signal_file.h"
#include "io/signal_input.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [selector, text] = q50::fuzz::take_selector(q50::fuzz::as_text(data, size));
  q50::io::SignalFileOptions options;
  if (selector & 1u) options.required = {"q10", "q50", "q90", "vol_risk", "side", "signal_tier"};
  if (selector & 2u) options.nan_allowed = {"vol_raw_momentum"};
  if (selector & 4u) options.extra = {"prob_up"};
  if (selector & 8u) options.instrument = "btcusdt";
  (void)q50::io::parse_signal_file("fuzz.csv", std::string(text), options);
  const q50::fuzz::MemFile file(text);
  (void)q50::io::read_signal_input(file.path());
  return 0;
}
