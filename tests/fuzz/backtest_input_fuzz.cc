// The legacy backtesters' input frames (io/backtest_input.h): the CSV table, then the
// hummingbot bars (simulated or real prices) and the quantile bars, whole or in a window.
#include <cstdint>
#include <string>

#include "io/backtest_input.h"
#include "io/csv.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [selector, text] = q50::fuzz::take_selector(q50::fuzz::as_text(data, size));
  auto table = q50::io::CsvTable::parse("input.csv", std::string(text));
  if (!table.ok()) return 0;
  q50::io::FrameWindow window;
  if (selector & 1u) {
    window.from_ns = q50::TimestampNs{1'640'995'200'000'000'000};  // 2022-01-01
    window.until_ns = q50::TimestampNs{1'672'531'200'000'000'000};  // 2023-01-01
  }
  q50::io::HbBacktestConfig hb;
  hb.real_prices = (selector & 2u) != 0;
  (void)q50::io::hb_bars_from_table(*table, hb, window);
  q50::io::QbBacktestConfig qb;
  (void)q50::io::qb_bars_from_table(*table, qb, window);
  return 0;
}
