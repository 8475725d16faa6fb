#ifndef Q50SIM_SIM_PIPELINE_DEMO_H_
#define Q50SIM_SIM_PIPELINE_DEMO_H_

// The existing system's signal pipeline over a seeded synthetic series, batch style: a
// synthetic BTC-like market (quiet, normal, trending, volatile and crash spans) feeds the
// qlib-exact features, a forecaster with configurable skill issues q10/q50/q90, and the
// pipeline (sample percentiles, as the existing system's whole-sample mode) turns them into
// sides, tiers, thresholds and sizes. `q50sim demo --pipeline` prints its summary; its golden
// pins the batch generators (generate_market, forecast_quantiles) that the streams must equal.

#include <cstdint>
#include <string>
#include <vector>

#include "core/qlib_features.h"
#include "core/regime.h"
#include "core/signal.h"
#include "core/timestamp.h"

namespace q50::sim {

struct PipelineDemoConfig {
  std::uint64_t seed = 42;
  std::int64_t bars = 8760;  // hourly, >= 10
  double skill = 0.05;       // in [0, 1]
};

struct PipelineDemo {
  PipelineDemoConfig config;
  std::vector<TimestampNs> ts_ns;
  std::vector<FeatureRow> features;
  std::vector<SignalRow> rows;
  VariancePercentiles percentiles;
};

PipelineDemo run_pipeline_demo(const PipelineDemoConfig& config);

// The summary lines (regimes, sides, tiers, direction hit rate, mean Kelly size), without the
// "seed=" header line.
std::string pipeline_demo_summary(const PipelineDemo& demo);

}  // namespace q50::sim

#endif  // Q50SIM_SIM_PIPELINE_DEMO_H_
