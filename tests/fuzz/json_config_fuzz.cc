// The legacy backtesters' JSON configs (io/backtest_input.h parse_hb_config, parse_qb_config)
// over the same bytes; a config that parses then replays a short fixed input frame through the
// simulator (sim/legacy/replay.h), as `q50sim replay` does: a value that parses must never
// reach an invariant check.
#include <cstdint>
#include <string>

#include "io/backtest_input.h"
#include "io/csv.h"
#include "io/legacy_replay.h"
#include "sim/legacy/replay.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

// Eight hourly rows in the reference's input.csv layout (both profiles read it).
constexpr const char* kFrame =
    "timestamp,q10,q50,q90,side,signal_tier,signal_thresh_adaptive,truth,close\n"
    "2022-01-01 00:00:00,-0.01,0.004,0.02,1,3,0.001,0.002,47000\n"
    "2022-01-01 01:00:00,-0.02,-0.006,0.01,0,2,0.001,-0.003,46900\n"
    "2022-01-01 02:00:00,-0.01,0.005,0.02,1,1,0.001,0.004,47100\n"
    "2022-01-01 03:00:00,-0.01,0.000,0.01,-1,0,0.001,0.001,47150\n"
    "2022-01-01 04:00:00,-0.03,-0.010,0.01,0,3,0.001,-0.010,46700\n"
    "2022-01-01 05:00:00,-0.01,0.008,0.03,1,3,0.001,0.006,47000\n"
    "2022-01-01 06:00:00,-0.02,0.002,0.02,1,2,0.001,0.000,47000\n"
    "2022-01-01 07:00:00,-0.01,0.001,0.02,1,1,0.001,0.001,47050\n";

const q50::io::CsvTable& frame() {
  static const q50::io::CsvTable table = *q50::io::CsvTable::parse("input.csv", kFrame);
  return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = q50::fuzz::as_text(data, size);
  if (auto hb = q50::io::parse_hb_config("config.json", text); hb.ok()) {
    auto bars = q50::io::hb_bars_from_table(frame(), *hb, {});
    if (bars.ok()) (void)q50::sim::run_replay(*bars, q50::io::hb_replay_config(*hb));
  }
  if (auto qb = q50::io::parse_qb_config("config.json", text); qb.ok()) {
    auto bars = q50::io::qb_bars_from_table(frame(), *qb, {});
    if (bars.ok()) (void)q50::sim::run_replay(*bars, q50::io::qb_replay_config(*qb));
  }
  return 0;
}
