#ifndef Q50SIM_STORE_RUN_ASSEMBLY_H_
#define Q50SIM_STORE_RUN_ASSEMBLY_H_

// Builds RunRecords from the rows of the four reads of read_runs (runs, then their parameters,
// metrics and breakdowns, each ordered by point), the same way for both backends.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/records.h"

namespace q50::store {

class RunAssembler {
 public:
  explicit RunAssembler(std::string display_url) : display_url_(std::move(display_url)) {}

  // Adds a run row; rows must come in ascending point order. DataLoss for a status or
  // fingerprint the schema does not allow (a store edited by hand).
  absl::Status add_run(std::int64_t point_index, std::int64_t seed_bits,
                       std::optional<std::string_view> fingerprint, std::string_view status,
                       std::string_view error, std::string_view q50sim_version);

  // Add a value row of a run already added; rows of one kind must come in ascending point
  // order. DataLoss for a row whose run is missing.
  absl::Status add_parameter(std::int64_t point_index, std::string_view name,
                             std::string_view text, std::optional<double> number);
  absl::Status add_metric(std::int64_t point_index, std::string_view name,
                          std::optional<double> value);
  absl::Status add_breakdown(std::int64_t point_index, std::string_view kind,
                             std::string_view key, std::string_view metric,
                             std::optional<double> value);

  // Moves the runs out, their metrics and breakdowns sorted (sort_run_values).
  std::vector<RunRecord> finish();

 private:
  // The run of point_index, found from the cursor of the table being read.
  absl::StatusOr<RunRecord*> run_at(std::int64_t point_index, std::size_t& cursor,
                                    std::string_view table);

  std::string display_url_;
  std::vector<RunRecord> runs_;
  std::size_t parameter_cursor_ = 0;
  std::size_t metric_cursor_ = 0;
  std::size_t breakdown_cursor_ = 0;
};

}  // namespace q50::store

#endif  // Q50SIM_STORE_RUN_ASSEMBLY_H_
