#ifndef Q50SIM_TESTS_STORE_SAMPLE_RUNS_H_
#define Q50SIM_TESTS_STORE_SAMPLE_RUNS_H_

// Deterministic sweeps and runs shaped like a real sweep's: three parameters (text, decimal,
// integer), ~20 metrics with the awkward doubles (NaN, ±inf, -0.0, tiny and huge values),
// breakdowns per regime and tier, failed points with messages that need CSV quoting.

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <tuple>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "store/records.h"

namespace q50::store::testing {

inline SweepRecord sample_sweep(const std::string& name = "grid",
                                const std::string& spec = "[sweep]\nbase = \"hb\"\n") {
  SweepRecord s;
  s.name = name;
  s.spec_text = spec;
  s.base_description = "replay hummingbot golden/existing/backtest_hb/case";
  s.q50sim_version = "0.1.0-test";
  s.inputs = {{"input.csv", std::string(64, 'a')}, {"config.json", std::string(64, 'b')}};
  s.parameter_names = {"sizing_method", "min_confidence", "fee_bps"};
  return s;
}

inline std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// Run of point p; salt changes every value (a re-run with other results).
inline RunRecord sample_run(std::int64_t p, int metric_count = 20, int salt = 0) {
  static const char* const kMethods[] = {"kelly", "fixed", "vol_scaled"};
  const auto u = static_cast<std::uint64_t>(p);
  RunRecord r;
  r.point_index = p;
  r.parameters = {{"sizing_method", kMethods[u % 3], std::nullopt},
                  {"min_confidence", fmt::format("{}", 0.5 + 0.05 * static_cast<double>(u % 5)),
                   std::nullopt},
                  {"fee_bps", fmt::format("{}", 5 + 5 * (u % 4)), std::nullopt}};
  // Seeds past 2^63 must survive the signed BIGINT column.
  r.seed = p % 5 == 4 ? std::numeric_limits<std::uint64_t>::max() - u : 1000 + u;
  r.fingerprint = mix64(u + static_cast<std::uint64_t>(salt));
  r.q50sim_version = "0.1.0-test";
  if (p % 7 == 3) {
    r.status = RunStatus::kFailed;
    r.fingerprint = std::nullopt;
    r.error = fmt::format("scenario.toml:3:7: bad value \"{}\", expected a number\nsecond line", p);
    return r;
  }
  if (p % 11 == 5) {
    r.status = RunStatus::kAssertionFailed;
    r.error = "assertion max_drawdown <= 0.2 failed: 0.31, by 0.11";
  }
  for (int m = 0; m < metric_count; ++m) {
    const double base = std::ldexp(static_cast<double>(mix64(u * 131 + static_cast<std::uint64_t>(m + salt)) >> 11), -53);
    double v = (base - 0.5) * std::pow(10.0, (m % 9) - 4);
    if (m == 1 && p % 6 == 0) v = std::nan("");
    if (m == 2 && p % 13 == 1) v = std::numeric_limits<double>::infinity();
    if (m == 3 && p % 17 == 2) v = -std::numeric_limits<double>::infinity();
    if (m == 4 && p % 19 == 3) v = 1e300;
    if (m == 5 && p % 23 == 4) v = 5e-324;
    r.metrics.push_back({fmt::format("m{:02}", m), v});
  }
  for (const char* regime : {"crash", "quiet", "trending"}) {
    for (const char* metric : {"return", "sharpe"}) {
      const double v = std::ldexp(static_cast<double>(mix64(u ^ static_cast<std::uint64_t>(salt * 7 + regime[0] + metric[0])) >> 11), -53);
      r.breakdowns.push_back({"market_regime", regime, metric, v});
    }
  }
  r.breakdowns.push_back({"tier", "A", "trades", static_cast<double>(p % 9)});
  return r;
}

inline std::vector<RunRecord> sample_runs(std::int64_t first, std::int64_t count,
                                          int metric_count = 20, int salt = 0) {
  std::vector<RunRecord> runs;
  runs.reserve(static_cast<std::size_t>(count));
  for (std::int64_t p = first; p < first + count; ++p) runs.push_back(sample_run(p, metric_count, salt));
  return runs;
}

inline std::string fmt_fingerprint(const RunRecord& r) {
  return r.fingerprint.has_value() ? fmt::format("{:016x}", *r.fingerprint) : "";
}

// What a store gives back for runs written from `written`: parameters carry the numeric value
// the store derives, metrics and breakdowns come sorted.
inline RunRecord as_read_back(RunRecord r) {
  for (ParameterValue& p : r.parameters) {
    char* end = nullptr;
    const double v = std::strtod(p.text.c_str(), &end);
    p.number = !p.text.empty() && *end == '\0' && std::isfinite(v) ? std::optional<double>(v)
                                                                   : std::nullopt;
  }
  std::sort(r.metrics.begin(), r.metrics.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  std::sort(r.breakdowns.begin(), r.breakdowns.end(), [](const auto& a, const auto& b) {
    return std::tie(a.kind, a.key, a.metric) < std::tie(b.kind, b.key, b.metric);
  });
  return r;
}

}  // namespace q50::store::testing

#endif  // Q50SIM_TESTS_STORE_SAMPLE_RUNS_H_
