#include "runner/sweep_base.h"

#include <variant>

#include "runner/sweep_bases.h"

namespace q50::runner {

absl::StatusOr<std::unique_ptr<SweepBase>> prepare_sweep_base(const io::SweepSpec& spec,
                                                              const io::EnvLookup& env) {
  if (spec.base.kind == io::SweepBaseKind::kReplay) return make_replay_base(spec, env);
  return make_scenario_base(spec, env);
}

void fail_record(store::RunRecord& record, const absl::Status& status) {
  record.status = store::RunStatus::kFailed;
  record.error = std::string(status.message());
}

std::uint64_t point_seed(std::span<const Assignment> params, std::uint64_t fallback) {
  for (const Assignment& a : params) {
    if (*a.key == io::kSeedKey) {
      return static_cast<std::uint64_t>(std::get<std::int64_t>(a.value->value));
    }
  }
  return fallback;
}

std::vector<store::RunRecord> SweepBase::run_batch(std::span<const PointToRun> points,
                                                   const std::string& version) const {
  std::vector<store::RunRecord> records;
  records.reserve(points.size());
  for (const PointToRun& p : points) records.push_back(run_point(p.point, p.params, version));
  return records;
}

store::RunRecord point_record(std::int64_t point, std::span<const Assignment> params,
                              std::uint64_t seed, const std::string& version) {
  store::RunRecord r;
  r.point_index = point;
  r.parameters.reserve(params.size());
  for (const Assignment& a : params) r.parameters.push_back({*a.key, a.value->text, std::nullopt});
  r.seed = seed;
  r.q50sim_version = version;
  return r;
}

}  // namespace q50::runner
