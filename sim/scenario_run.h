#ifndef Q50SIM_SIM_SCENARIO_RUN_H_
#define Q50SIM_SIM_SCENARIO_RUN_H_

// A scenario (sim/scenario.h) run through the engine: its sources, its engine configuration,
// the series a report is drawn from, its assertions and the twice-run determinism check. No
// file is read or written here: io/scenario_inputs.h loads what a csv/qlib market or a signal
// file needs into ScenarioInputs, and io/scenario_runner.h writes a run's output directory.
//
// Scenario -> engine: the scenario's strategy::Params ([strategy], [signals.percentiles] and
// [risk]) with the instrument's step size as the lot size; [exchange] as is; [[faults]] and
// checkpoint_every_bars to the engine, which maps bar indices to times.
//
// Sources: the synthetic market streams (with [market].jumps applied as price gaps); a csv or
// qlib market is replayed from memory. Signals: the synthetic forecaster; over a csv/qlib
// market the batch forecaster over the real closes, every bar labelled "normal" (real data has
// no regime label); or signal file rows looked up with [signals.file]'s rule.

#include <cstdint>
#include <string>
#include <vector>

#include "core/ports/sink.h"
#include "core/run_metrics.h"
#include "core/strategy.h"
#include "core/timestamp.h"
#include "sim/engine.h"
#include "sim/scenario.h"

namespace q50::sim {

// What a scenario reads before it runs (nothing for a synthetic market with synthetic
// signals). Shared, read-only, by every run of the scenario (a determinism check runs twice).
struct ScenarioInputs {
  std::vector<strategy::Bar> bars;  // csv/qlib market, already cut to the run's range
  std::vector<TimestampNs> signal_ts_ns;
  std::vector<double> q10;
  std::vector<double> q50;
  std::vector<double> q90;
  bool has_signal_rows = false;
};

// The seed override: [scenario] seed and the synthetic market's and forecaster's seeds.
void apply_seed(Scenario& scenario, std::uint64_t seed);

// The engine configuration the scenario maps to (see above).
EngineConfig engine_config(const Scenario& scenario);

// Keeps the bars inside [start, end) and, of those, the first `bars`.
void cut_to_run(const Scenario& scenario, std::vector<strategy::Bar>& bars);

// The synthetic forecaster over a real market (inputs.bars, loaded): one signal row per bar,
// LABEL0 truth from the closes, every bar's volatility that of the "normal" regime.
void forecast_real_market(const Scenario& scenario, ScenarioInputs& inputs);

struct ScenarioRun {
  EngineSummary summary;
  std::string journal_text;  // empty unless keep_journal_text without a journal_sink
};

// One run of the scenario through the engine into `sink`. `inputs` must hold what the
// scenario's sources need (io/scenario_inputs.h loads it).
ScenarioRun simulate(const Scenario& scenario, const ScenarioInputs& inputs, ports::Sink& sink,
                     bool keep_journal_text, JournalTextSink* journal_sink = nullptr);

// A second run with a counting sink: its fingerprint, to compare with the first run's.
std::uint64_t rerun_fingerprint(const Scenario& scenario, const ScenarioInputs& inputs);

// Collects what metrics.json and report.html are computed from, as the run streams: one
// record per bar time into `records` (a bar fault can deliver a time twice; it is kept once,
// in order) with every fill; and kept here, every reject counted by its origin (risk:, venue:,
// lot:) and the signal-to-order latency of every accepted order (8 bytes per order). The
// market regime per bar is the synthetic schedule's, or "unlabelled" for a csv/qlib market.
class SeriesCollector final : public ports::Sink {
 public:
  SeriesCollector(const Scenario& scenario, SeriesWriter& records);
  void on_bar(const strategy::BarRecord& record) override;
  void on_fill(const ports::FillRecord& fill) override;
  void on_order(const ports::OrderRecord& order) override;
  // The run's events with its fault windows and identity; call once, after the run.
  RunEvents finish(const EngineSummary& summary, std::string version);

 private:
  std::int64_t regime_of(TimestampNs ts_ns) const;

  const Scenario& scenario_;
  SeriesWriter& records_;
  RunEvents events_;
  bool has_bar_ = false;
  TimestampNs last_ts_ns_ = 0;
};

// What a finished run is judged on.
struct ScenarioVerdict {
  const EngineSummary& summary;
  const RunMetrics& metrics;
  double final_equity = 0;  // quote, the venue's mark-to-market
};

// Every [assertions] entry the run breaks, one readable line each ("name: what, bound"); the
// determinism assertion is the caller's (it needs a second run).
std::vector<std::string> failed_assertions(const Assertions& assertions,
                                           const ScenarioVerdict& verdict);

}  // namespace q50::sim

#endif  // Q50SIM_SIM_SCENARIO_RUN_H_
