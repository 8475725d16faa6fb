// The scenario base of a sweep: a scenario file parsed once, with the files its sources read.
#include <algorithm>
#include <filesystem>
#include <utility>
#include <vector>

#include "core/fixed_point.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "io/atomic_file.h"
#include "io/output_set.h"
#include "io/scenario_file.h"
#include "io/scenario_runner.h"
#include "io/scenario_template.h"
#include "runner/sweep_bases.h"
#include "runner/sweep_metrics.h"
#include "sim/scenario_run.h"
#include "store/digest.h"

namespace q50::runner {
namespace {

using sim::MarketSourceKind;
using sim::SignalSourceKind;

// Whether two scenarios read the same files (so that one read serves both).
bool same_sources(const sim::Scenario& a, const sim::Scenario& b) {
  const auto csv = [](const sim::Scenario& s) {
    return s.market.csv
               ? std::vector<std::string>{s.market.csv->path,         s.market.csv->ts_column,
                                          s.market.csv->open_column,  s.market.csv->high_column,
                                          s.market.csv->low_column,   s.market.csv->close_column,
                                          s.market.csv->volume_column}
               : std::vector<std::string>{};
  };
  const auto qlib = [](const sim::Scenario& s) {
    return s.market.qlib ? std::vector<std::string>{s.market.qlib->dir, s.market.qlib->instrument,
                                                    s.market.qlib->freq}
                         : std::vector<std::string>{};
  };
  const auto file = [](const sim::Scenario& s) {
    return s.signals.file ? s.signals.file->path : std::string();
  };
  return a.market.source == b.market.source && a.signals.source == b.signals.source &&
         (a.market.source != MarketSourceKind::kCsv || csv(a) == csv(b)) &&
         (a.market.source != MarketSourceKind::kQlib || qlib(a) == qlib(b)) &&
         (a.signals.source != SignalSourceKind::kFile || file(a) == file(b));
}

class ScenarioBase final : public SweepBase {
 public:
  ScenarioBase(io::ScenarioTemplate scenario_template, sim::Scenario base, io::EnvLookup env,
               const io::SweepSpec& spec)
      : template_(std::move(scenario_template)),
        base_(std::move(base)),
        env_(std::move(env)),
        check_determinism_(spec.check_determinism),
        name_(spec.base.scenario_as_written) {}

  absl::Status load(const std::string& text);
  std::string description() const override { return fmt::format("scenario {}", name_); }
  const std::vector<store::InputDigest>& inputs() const override { return inputs_; }
  store::RunRecord run_point(std::int64_t point, std::span<const Assignment> params,
                             const std::string& version) const override;
  absl::StatusOr<PointFiles> write_point(std::int64_t point, std::span<const Assignment> params,
                                         const std::string& out_dir,
                                         const std::string& version) const override;

 private:
  // The point's scenario: the base with its keys set and its seed applied.
  absl::StatusOr<sim::Scenario> scenario_of(std::span<const Assignment> params) const;
  absl::StatusOr<sim::ScenarioInputs> inputs_of(const sim::Scenario& scenario) const;

  io::ScenarioTemplate template_;
  sim::Scenario base_;
  io::EnvLookup env_;
  bool check_determinism_;
  std::string name_;  // the scenario's path as the sweep file writes it
  io::ScenarioSources sources_;
  std::vector<store::InputDigest> inputs_;
};

// The base's files: read once for every point, and digested for the store.
absl::Status ScenarioBase::load(const std::string& text) {
  if (auto missing = io::missing_reference_data(base_, env_)) {
    return absl::NotFoundError(fmt::format("{}: {}", base_.path, *missing));
  }
  auto sources = io::read_scenario_sources(base_, env_);
  if (!sources.ok()) return sources.status();
  sources_ = std::move(*sources);
  inputs_.push_back({name_, store::sha256_hex(text)});
  std::vector<std::string> files;
  if (base_.market.source == MarketSourceKind::kCsv) files.push_back(base_.market.csv->path);
  if (base_.signals.source == SignalSourceKind::kFile) files.push_back(base_.signals.file->path);
  for (const std::string& f : files) {
    auto path = io::expand_scenario_path(f, env_);
    if (!path.ok()) return path.status();
    auto bytes = io::read_file(*path);
    if (!bytes.ok()) return bytes.status();
    // Named relative to the scenario's directory: the same from any working directory.
    const std::string name = f.starts_with("${") || base_.dir.empty()
                                 ? f
                                 : std::filesystem::path(f).lexically_relative(base_.dir).string();
    inputs_.push_back({name, store::sha256_hex(*bytes)});
  }
  return absl::OkStatus();
}

std::vector<io::ScenarioOverride> overrides_of(std::span<const Assignment> params) {
  std::vector<io::ScenarioOverride> out;
  for (const Assignment& a : params) {
    if (*a.key != io::kSeedKey) out.push_back({*a.key, &a.value->value});
  }
  return out;
}

absl::StatusOr<sim::Scenario> ScenarioBase::scenario_of(std::span<const Assignment> params) const {
  const std::vector<io::ScenarioOverride> overrides = overrides_of(params);
  sim::Scenario scenario;
  if (overrides.empty()) {
    scenario = base_;
  } else {
    auto built = template_.build(overrides);
    if (!built.ok()) return built.status();
    scenario = std::move(*built);
  }
  const bool seeded = std::any_of(params.begin(), params.end(),
                                  [](const Assignment& a) { return *a.key == io::kSeedKey; });
  if (seeded) sim::apply_seed(scenario, point_seed(params, scenario.seed));
  return scenario;
}

// From the files read once, unless the point's keys changed which files its sources read.
absl::StatusOr<sim::ScenarioInputs> ScenarioBase::inputs_of(const sim::Scenario& scenario) const {
  if (same_sources(scenario, base_)) return io::scenario_inputs_from(scenario, sources_);
  return io::load_scenario_inputs(scenario, env_);
}

store::RunRecord ScenarioBase::run_point(std::int64_t point, std::span<const Assignment> params,
                                         const std::string& version) const {
  store::RunRecord record = point_record(point, params, point_seed(params, base_.seed), version);
  auto scenario = scenario_of(params);
  if (!scenario.ok()) {
    fail_record(record, scenario.status());
    return record;
  }
  record.seed = scenario->seed;
  auto inputs = inputs_of(*scenario);
  if (!inputs.ok()) {
    fail_record(record, inputs.status());
    return record;
  }
  // A point's records stay in memory: sweeps run many short runs at once, and `q50sim run`
  // (which spills them to a file) gives the same metrics bit for bit.
  RunSeries records;
  RunSeriesWriter writer(records, true);
  sim::SeriesCollector series(*scenario, writer);
  const sim::ScenarioRun run = sim::simulate(*scenario, *inputs, series, false);
  if (!run.summary.stopped.empty()) {
    fail_record(record, absl::InvalidArgumentError(fmt::format(
                            "the run left the simulator's range and stopped {} (core/limits.h)",
                            run.summary.stopped)));
    return record;
  }
  const RunEvents events = series.finish(run.summary, version);
  const RunMetrics metrics =
      compute_run_metrics(RunSeriesRecords(records), events, MetricsOptions{});
  record.fingerprint = run.summary.fingerprint;
  add_scenario_metrics(metrics, run.summary, record);
  std::vector<std::string> failures = sim::failed_assertions(
      scenario->assertions, {run.summary, metrics, to_double(run.summary.final_equity_e8)});
  if (check_determinism_ && scenario->assertions.deterministic) {
    const std::uint64_t again = sim::rerun_fingerprint(*scenario, *inputs);
    if (again != run.summary.fingerprint) {
      failures.push_back(fmt::format("deterministic: fingerprint {:016x} then {:016x}",
                                     run.summary.fingerprint, again));
    }
  }
  if (!failures.empty()) {
    record.status = store::RunStatus::kAssertionFailed;
    record.error = fmt::format("{}", fmt::join(failures, "; "));
  }
  return record;
}

absl::StatusOr<PointFiles> ScenarioBase::write_point(std::int64_t point,
                                                     std::span<const Assignment> params,
                                                     const std::string& out_dir,
                                                     const std::string& version) const {
  PointFiles files;
  files.record = run_point(point, params, version);
  auto scenario = scenario_of(params);
  if (!scenario.ok()) return scenario.status();
  const std::vector<io::ScenarioOverride> overrides = overrides_of(params);
  std::string scenario_path = base_.path;
  if (!overrides.empty()) {
    auto text = template_.render(overrides);
    if (!text.ok()) return text.status();
    auto set = io::OutputSet::open(out_dir + "/point");
    if (!set.ok()) return set.status();
    if (auto st = set->put("scenario.toml", *text); !st.ok()) return st;
    if (auto st = set->commit(); !st.ok()) return st;
    scenario_path = out_dir + "/point/scenario.toml";
  }
  io::ScenarioRunOptions options;
  options.env = env_;
  options.version = version;
  auto result = io::run_scenario(*scenario, out_dir, options);
  if (!result.ok()) return result.status();
  if (!files.record.fingerprint || result->summary.fingerprint != *files.record.fingerprint) {
    return absl::InternalError(
        fmt::format("point {}: the run gave fingerprint {:016x}, the sweep's run {:016x}", point,
                    result->summary.fingerprint, files.record.fingerprint.value_or(0)));
  }
  files.command =
      fmt::format("q50sim run {} --seed {} --out {}", scenario_path, scenario->seed, out_dir);
  return files;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SweepBase>> make_scenario_base(const io::SweepSpec& spec,
                                                              const io::EnvLookup& env) {
  auto path = io::expand_scenario_path(spec.base.scenario, env);
  if (!path.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: [base]: {}", spec.path, std::string(path.status().message())));
  }
  auto text = io::read_file(*path);
  if (!text.ok()) return text.status();
  auto scenario_template = io::ScenarioTemplate::parse(*path, *text);
  if (!scenario_template.ok()) return scenario_template.status();
  auto base = scenario_template->build({});
  if (!base.ok()) return base.status();
  auto prepared =
      std::make_unique<ScenarioBase>(std::move(*scenario_template), std::move(*base), env, spec);
  if (auto st = prepared->load(*text); !st.ok()) return st;
  return prepared;
}

}  // namespace q50::runner
