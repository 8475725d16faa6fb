// qlib's binary layout (io/qlib_reader.h): the input is split at "\n====\n" into the calendar,
// instruments/all.txt and the close .bin, written into a private folder; then the field is
// mapped onto the calendar and the instrument's spans restrict it, as `q50sim features` and a
// qlib market do.
#include <cstdint>
#include <string>

#include "io/qlib_reader.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = q50::fuzz::as_text(data, size);
  const auto [calendar, rest] = q50::fuzz::split_once(text, "\n====\n");
  const auto [instruments, bin] = q50::fuzz::split_once(rest, "\n====\n");
  const auto dir = q50::fuzz::scratch_dir() / "qlib";
  q50::fuzz::write_file(dir / "calendars" / "60min.txt", calendar);
  q50::fuzz::write_file(dir / "instruments" / "all.txt", instruments);
  q50::fuzz::write_file(dir / "features" / "btcusdt" / "close.60min.bin", bin);
  auto instrument = q50::io::read_qlib_instrument((dir / "instruments" / "all.txt").string(),
                                                  "btcusdt");
  auto series = q50::io::load_qlib_field({dir.string(), "btcusdt", "close", "60min"});
  if (instrument.ok() && series.ok()) (void)q50::io::instrument_rows(series->labels, *instrument);
  return 0;
}
