// `q50sim compare` (io/compare.h): two CSV files (the input split at a line "=====") compared
// by key, streamed when both are sorted, else in memory; also by row position.
#include <cstdint>
#include <string>

#include "io/compare.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [selector, text] = q50::fuzz::take_selector(q50::fuzz::as_text(data, size));
  const auto [expected_text, actual_text] = q50::fuzz::split_once(text, "=====\n");
  const q50::fuzz::MemFile expected(expected_text);
  const q50::fuzz::MemFile actual(actual_text);
  q50::io::CompareOptions options;
  if (selector & 1u) options.key = std::string(q50::io::kRowPositionKey);
  if (selector & 2u) options.rtol = 1e-9;
  auto report = q50::io::compare_files(expected.path(), actual.path(), options);
  if (report.ok()) (void)q50::io::format_report(*report);
  return 0;
}
