// The other TOML inputs: sweep files (io/sweep_file.h, parsed from memory) and the live node's
// config (io/live_config.h, read from a file) over the same bytes.
#include <cstdint>

#include "io/live_config.h"
#include "io/sweep_file.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = q50::fuzz::as_text(data, size);
  if (auto spec = q50::io::parse_sweep("/fuzz/sweep.toml", text); spec.ok()) {
    (void)q50::io::sweep_parameter_names(*spec);
  }
  const q50::fuzz::MemFile file(text);
  (void)q50::io::read_live_config(file.path());
  return 0;
}
