#ifndef Q50SIM_RUNNER_SWEEP_BASES_H_
#define Q50SIM_RUNNER_SWEEP_BASES_H_

// The two kinds of sweep base (runner/sweep_base.h), for prepare_sweep_base.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runner/sweep_base.h"

namespace q50::runner {

absl::StatusOr<std::unique_ptr<SweepBase>> make_replay_base(const io::SweepSpec& spec,
                                                            const io::EnvLookup& env);
absl::StatusOr<std::unique_ptr<SweepBase>> make_scenario_base(const io::SweepSpec& spec,
                                                              const io::EnvLookup& env);

// Marks the record failed with the status's message.
void fail_record(store::RunRecord& record, const absl::Status& status);

}  // namespace q50::runner

#endif  // Q50SIM_RUNNER_SWEEP_BASES_H_
