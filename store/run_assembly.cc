#include "store/run_assembly.h"

#include "fmt/format.h"
#include "store/batch.h"

namespace q50::store {

absl::Status RunAssembler::add_run(std::int64_t point_index, std::int64_t seed_bits,
                                   std::optional<std::string_view> fingerprint,
                                   std::string_view status, std::string_view error,
                                   std::string_view q50sim_version) {
  RunRecord run;
  run.point_index = point_index;
  run.seed = static_cast<std::uint64_t>(seed_bits);
  const std::optional<RunStatus> parsed_status = parse_run_status(status);
  if (!parsed_status.has_value()) {
    return absl::DataLossError(fmt::format("{}: runs row of point {} has status '{}'",
                                           display_url_, point_index, status));
  }
  run.status = *parsed_status;
  if (fingerprint.has_value()) {
    run.fingerprint = parse_fingerprint_hex(*fingerprint);
    if (!run.fingerprint.has_value()) {
      return absl::DataLossError(fmt::format("{}: runs row of point {} has fingerprint '{}'",
                                             display_url_, point_index, *fingerprint));
    }
  }
  run.error = std::string(error);
  run.q50sim_version = std::string(q50sim_version);
  runs_.push_back(std::move(run));
  return absl::OkStatus();
}

absl::StatusOr<RunRecord*> RunAssembler::run_at(std::int64_t point_index, std::size_t& cursor,
                                                std::string_view table) {
  while (cursor < runs_.size() && runs_[cursor].point_index < point_index) ++cursor;
  if (cursor == runs_.size() || runs_[cursor].point_index != point_index) {
    return absl::DataLossError(fmt::format("{}: {} has a row for point {}, which has no run",
                                           display_url_, table, point_index));
  }
  return &runs_[cursor];
}

absl::Status RunAssembler::add_parameter(std::int64_t point_index, std::string_view name,
                                         std::string_view text, std::optional<double> number) {
  absl::StatusOr<RunRecord*> run = run_at(point_index, parameter_cursor_, "run_parameters");
  if (!run.ok()) return run.status();
  (*run)->parameters.push_back({std::string(name), std::string(text), number});
  return absl::OkStatus();
}

absl::Status RunAssembler::add_metric(std::int64_t point_index, std::string_view name,
                                      std::optional<double> value) {
  absl::StatusOr<RunRecord*> run = run_at(point_index, metric_cursor_, "run_metrics");
  if (!run.ok()) return run.status();
  (*run)->metrics.push_back({std::string(name), loaded_double(value)});
  return absl::OkStatus();
}

absl::Status RunAssembler::add_breakdown(std::int64_t point_index, std::string_view kind,
                                         std::string_view key, std::string_view metric,
                                         std::optional<double> value) {
  absl::StatusOr<RunRecord*> run = run_at(point_index, breakdown_cursor_, "run_breakdowns");
  if (!run.ok()) return run.status();
  (*run)->breakdowns.push_back(
      {std::string(kind), std::string(key), std::string(metric), loaded_double(value)});
  return absl::OkStatus();
}

std::vector<RunRecord> RunAssembler::finish() {
  for (RunRecord& run : runs_) sort_run_values(run);
  return std::move(runs_);
}

}  // namespace q50::store
