#include "io/scenario_runner.h"

#include <unistd.h>

#include <cstdio>
#include <utility>

#include "core/fixed_point.h"
#include "core/number_format.h"
#include "fmt/format.h"
#include "io/run_csv.h"
#include "io/output_set.h"
#include "io/run_report.h"
#include "io/series_spill.h"
#include "nlohmann/json.hpp"
#include "sim/scenario_run.h"

namespace q50::io {
namespace {

constexpr std::int64_t kProgressEveryBars = 100'000;

// Streams bars.csv and trades.csv (io/run_csv.h rows, handed to the files every 64 KiB) and
// hands every record on to the series collector.
class RunFilesSink final : public ports::Sink {
 public:
  RunFilesSink(StagedFile& bars, StagedFile& trades, sim::SeriesCollector& series, bool progress)
      : bars_file_(bars), trades_file_(trades), series_(series), progress_(progress) {
    bars_ = bars_csv_header();
    trades_ = trades_csv_header();
  }

  void on_bar(const strategy::BarRecord& r) override {
    append_bar_row(bars_, r);
    if (bars_.size() >= kFlushBytes) flush();
    if (progress_ && ++records_ % kProgressEveryBars == 0) {
      std::fprintf(stderr, "\rbars %lld", static_cast<long long>(records_));
    }
    series_.on_bar(r);
  }
  void on_fill(const ports::FillRecord& f) override {
    append_trade_row(trades_, f);
    series_.on_fill(f);
  }
  void on_order(const ports::OrderRecord& o) override { series_.on_order(o); }
  void flush() {
    bars_file_.write(bars_);
    trades_file_.write(trades_);
    bars_.clear();
    trades_.clear();
  }

 private:
  static constexpr std::size_t kFlushBytes = std::size_t{1} << 16;
  StagedFile& bars_file_;
  StagedFile& trades_file_;
  std::string bars_;
  std::string trades_;
  sim::SeriesCollector& series_;
  bool progress_;
  std::int64_t records_ = 0;
};

// The readable journal, line by line into its staged file (through the file's own buffer).
class JournalFile final : public sim::JournalTextSink {
 public:
  explicit JournalFile(StagedFile& file) : file_(file) { buf_.reserve(kFlushBytes + 256); }
  void line(std::string_view text) override {
    buf_ += text;
    buf_ += '\n';
    if (buf_.size() >= kFlushBytes) flush();
  }
  void flush() {
    file_.write(buf_);
    buf_.clear();
  }

 private:
  static constexpr std::size_t kFlushBytes = std::size_t{1} << 16;
  StagedFile& file_;
  std::string buf_;
};

std::string hex16(std::uint64_t v) { return fmt::format("{:016x}", v); }

nlohmann::json engine_json(const sim::EngineSummary& s) {
  nlohmann::json j;
  j["fingerprint"] = hex16(s.fingerprint);
  j["bars"] = s.bars;
  j["events"] = s.events;
  j["orders"] = s.orders;
  j["accepted"] = s.accepted;
  j["fills"] = s.fills;
  j["orders_ended"] = s.orders_ended;
  j["orders_closed"] = s.orders_closed;
  j["lot_rejects"] = s.lot_rejects;
  j["order_open_at_end"] = s.order_open_at_end;
  j["venue_rejects"] = nlohmann::json::object();
  for (const auto& [code, n] : s.venue_rejects) j["venue_rejects"][venue::reject_code_name(code)] = n;
  j["risk_rejects"] = nlohmann::json::object();
  j["risk_clamps"] = nlohmann::json::object();
  for (std::size_t i = 0; i < strategy::kRejectReasonCount; ++i) {
    const std::string name(reject_reason_name(static_cast<RejectReason>(i)));
    if (s.strategy.risk_rejects[i] != 0) j["risk_rejects"][name] = s.strategy.risk_rejects[i];
    if (s.strategy.risk_clamps[i] != 0) j["risk_clamps"][name] = s.strategy.risk_clamps[i];
  }
  j["strategy"] = {{"signals", s.strategy.signals},
                   {"stale_signals", s.strategy.stale_signals},
                   {"signals_used", s.strategy.signals_used},
                   {"bars_waiting", s.strategy.bars_waiting},
                   {"below_lot", s.strategy.below_lot},
                   {"below_rebalance", s.strategy.below_rebalance}};
  j["fees_e8"] = s.fees_e8;
  j["slippage_e8"] = s.slippage_e8;
  j["final_quote_e8"] = s.final_quote_e8;
  j["final_position_e8"] = s.final_position_e8;
  j["final_mark_e8"] = s.final_mark_e8;
  j["final_equity_e8"] = s.final_equity_e8;
  j["journal_lines"] = s.journal_lines;
  j["invariant_checks"] = s.invariant_checks;
  j["faults"] = nlohmann::json::object();
  for (const auto& [kind, f] : s.faults) {
    j["faults"][std::string(sim::fault_kind_name(kind))] = {
        {"windows", f.windows}, {"injected", f.injected}, {"recovered", f.recovered}};
  }
  return j;
}

void fill_result(const sim::Scenario& sc, const sim::EngineSummary& s, RunMetrics m,
                 ScenarioRunResult& r) {
  r.name = sc.name;
  r.seed = sc.seed;
  r.summary = s;
  r.initial_equity = m.initial_equity;
  r.final_equity = to_double(s.final_equity_e8);
  r.metrics = std::move(m);
  for (const auto& [kind, f] : s.faults) {
    r.fault_windows += f.windows;
    r.faults_recovered += f.recovered;
  }
}

}  // namespace

std::string scenario_metrics_json(const ScenarioRunResult& r) {
  nlohmann::json j = nlohmann::json::parse(render_metrics_json(r.metrics));
  j["engine"] = engine_json(r.summary);
  j["assertions"] = {{"passed", r.failures.empty()}, {"failures", r.failures}};
  return j.dump(2) + "\n";
}

absl::StatusOr<ScenarioRunResult> run_scenario(const sim::Scenario& sc, const std::string& out_dir,
                                               const ScenarioRunOptions& options) {
  sim::Scenario scenario = sc;
  if (options.seed) sim::apply_seed(scenario, *options.seed);
  auto inputs = load_scenario_inputs(scenario, options.env);
  if (!inputs.ok()) return inputs.status();
  OutputOptions output_options;
  output_options.inputs = scenario_input_paths(scenario, options.env);
  auto out = OutputSet::open(out_dir, output_options);
  if (!out.ok()) return out.status();
  StagedFile* files[3] = {};
  for (const auto& [name, slot] :
       {std::pair{"bars.csv", &files[0]}, {"trades.csv", &files[1]}, {"journal.txt", &files[2]}}) {
    auto f = out->stage(name);
    if (!f.ok()) return f.status();
    *slot = *f;
  }
  auto records = SeriesSpill::create();
  if (!records.ok()) return records.status();
  const bool progress = options.progress && isatty(STDERR_FILENO) != 0;
  sim::SeriesCollector series(scenario, **records);
  RunFilesSink sink(*files[0], *files[1], series, progress);
  JournalFile journal(*files[2]);
  const sim::ScenarioRun run = sim::simulate(scenario, *inputs, sink, true, &journal);
  sink.flush();
  journal.flush();
  if (progress) std::fputc('\n', stderr);
  if (!run.summary.stopped.empty()) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: scenario '{}' left the simulator's range and stopped {} (core/limits.h; nothing "
        "was written)",
        scenario.path, scenario.name, run.summary.stopped));
  }
  if (auto st = (*records)->finish_writing(); !st.ok()) return st;
  const RunEvents events = series.finish(run.summary, options.version);
  ScenarioRunResult result;
  fill_result(scenario, run.summary, compute_run_metrics(**records, events, MetricsOptions{}),
              result);
  result.failures = sim::failed_assertions(
      scenario.assertions, {result.summary, result.metrics, result.final_equity});
  if (scenario.assertions.deterministic || options.force_deterministic_check) {
    const std::uint64_t again = sim::rerun_fingerprint(scenario, *inputs);
    if (again != run.summary.fingerprint) {
      result.failures.push_back(fmt::format("deterministic: fingerprint {} then {}",
                                            hex16(run.summary.fingerprint), hex16(again)));
    }
  }
  if (auto st = out->put("metrics.json", scenario_metrics_json(result)); !st.ok()) return st;
  if (auto st = out->put("report.html", render_report_html(**records, events, result.metrics));
      !st.ok()) {
    return st;
  }
  if (auto st = out->commit(); !st.ok()) return st;
  return result;
}

}  // namespace q50::io
