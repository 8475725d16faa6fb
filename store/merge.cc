#include "store/merge.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "fmt/format.h"

namespace q50::store {
namespace {

absl::StatusOr<std::int64_t> copy_sweep(ResultStore& shard, ResultStore& dest,
                                        const std::string& sweep, std::int64_t batch_points) {
  absl::StatusOr<SweepRecord> record = shard.read_sweep(sweep);
  if (!record.ok()) return record.status();
  if (absl::StatusOr<SweepRecord> begun = dest.begin_sweep(*record); !begun.ok()) {
    return begun.status();
  }
  absl::StatusOr<std::vector<std::int64_t>> points = shard.completed_points(sweep);
  if (!points.ok()) return points.status();
  const auto chunk = static_cast<std::size_t>(std::max<std::int64_t>(batch_points, 1));
  for (std::size_t first = 0; first < points->size(); first += chunk) {
    const std::size_t last = std::min(first + chunk, points->size()) - 1;
    absl::StatusOr<std::vector<RunRecord>> runs =
        shard.read_runs(sweep, PointRange{(*points)[first], (*points)[last] + 1});
    if (!runs.ok()) return runs.status();
    if (absl::Status s = dest.write_batch(sweep, *runs); !s.ok()) return s;
  }
  return static_cast<std::int64_t>(points->size());
}

}  // namespace

absl::StatusOr<MergeReport> merge_sqlite(ResultStore& dest, std::span<const std::string> shard_paths,
                                         std::int64_t batch_points) {
  MergeReport report;
  for (const std::string& path : shard_paths) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      return absl::NotFoundError(fmt::format("shard file {} does not exist", path));
    }
    absl::StatusOr<std::unique_ptr<ResultStore>> shard = open_store("sqlite:" + path);
    if (!shard.ok()) return shard.status();
    absl::StatusOr<std::vector<SweepSummary>> sweeps = (*shard)->list_sweeps();
    if (!sweeps.ok()) return sweeps.status();
    for (const SweepSummary& sweep : *sweeps) {
      absl::StatusOr<std::int64_t> runs = copy_sweep(**shard, dest, sweep.name, batch_points);
      if (!runs.ok()) return runs.status();
      report.runs += *runs;
      ++report.sweeps;
    }
    ++report.shards;
  }
  return report;
}

}  // namespace q50::store
