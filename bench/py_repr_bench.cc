// Cost of rendering one float as Python's repr (write_py_repr: ~190k of them in the 10,000-bar
// replay's output files) and of its two parts: Dragonbox's shortest digits alone, and the rest
// (digits to text in Python's layout). The values are the replay's own columns: every float of
// the 10,000-bar hummingbot case's expected_bars.csv and expected_trades.csv (prices,
// probabilities, balances, positions, pnl, returns, drawdowns), so branches see real mixes.
// Thread CPU time per float, min and median of 9 passes.
//
//   py_repr_bench [CASE_DIR]   (default: <build>/reference/backtest_hb/d17245f_enhanced)
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/thread_cpu.h"
#include "core/number_format.h"
#include "fmt/format.h"

#ifndef Q50SIM_BENCH_REFERENCE_DIR
#define Q50SIM_BENCH_REFERENCE_DIR "reference"
#endif

namespace {

using q50::bench::thread_cpu_ns;

// Every field of a CSV file that parses completely as a number (the header and text skipped).
void read_floats(const std::string& path, std::vector<double>& out) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::size_t begin = 0;
    while (begin <= line.size()) {
      std::size_t end = line.find(',', begin);
      if (end == std::string::npos) end = line.size();
      double v = 0;
      const auto res = std::from_chars(line.data() + begin, line.data() + end, v);
      if (end > begin && res.ec == std::errc() && res.ptr == line.data() + end) out.push_back(v);
      begin = end + 1;
    }
  }
}

template <typename F>
void report(const char* name, const std::vector<double>& values, F per_value) {
  std::vector<double> ns;
  unsigned long sink = 0;
  for (int pass = 0; pass < 9; ++pass) {
    const double t0 = thread_cpu_ns();
    for (const double v : values) sink += per_value(v);
    ns.push_back((thread_cpu_ns() - t0) / static_cast<double>(values.size()));
  }
  std::sort(ns.begin(), ns.end());
  std::printf("  %-34s min %6.2f  median %6.2f ns/float   (sink %lu)\n", name, ns[0], ns[4], sink);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir =
      argc > 1 ? argv[1] : std::string(Q50SIM_BENCH_REFERENCE_DIR) + "/backtest_hb/d17245f_enhanced";
  std::vector<double> values;
  read_floats(dir + "/expected_bars.csv", values);
  read_floats(dir + "/expected_trades.csv", values);
  if (values.empty()) {
    std::fprintf(stderr, "py_repr_bench: no floats under %s (run ctest's golden_existing_unpack)\n",
                 dir.c_str());
    return 2;
  }
  std::printf("py_repr_bench: %zu floats from %s\n", values.size(), dir.c_str());
  char buf[q50::kPyReprMaxChars];
  report("write_py_repr (whole)", values,
         [&](double v) { return static_cast<unsigned long>(q50::write_py_repr(buf, v) - buf); });
  report("dragonbox::to_decimal (digits only)", values, [](double v) {
    if (v == 0 || !(v == v)) return 0UL;
    return static_cast<unsigned long>(fmt::detail::dragonbox::to_decimal(v < 0 ? -v : v).exponent);
  });
  report("std::to_chars shortest (for scale)", values, [&](double v) {
    return static_cast<unsigned long>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf);
  });
  return 0;
}
