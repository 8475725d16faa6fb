#include "store/records.h"

#include <cmath>

namespace q50::store {

std::string_view run_status_name(RunStatus status) {
  switch (status) {
    case RunStatus::kOk:
      return "ok";
    case RunStatus::kFailed:
      return "failed";
    case RunStatus::kAssertionFailed:
      return "assertion_failed";
  }
  return "failed";
}

std::optional<RunStatus> parse_run_status(std::string_view text) {
  for (const RunStatus s : {RunStatus::kOk, RunStatus::kFailed, RunStatus::kAssertionFailed}) {
    if (text == run_status_name(s)) return s;
  }
  return std::nullopt;
}

bool same_value(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b;
}

bool operator==(const MetricValue& a, const MetricValue& b) {
  return a.name == b.name && same_value(a.value, b.value);
}

bool operator==(const BreakdownValue& a, const BreakdownValue& b) {
  return a.kind == b.kind && a.key == b.key && a.metric == b.metric &&
         same_value(a.value, b.value);
}

bool operator==(const RunRecord& a, const RunRecord& b) {
  return a.point_index == b.point_index && a.parameters == b.parameters && a.seed == b.seed &&
         a.fingerprint == b.fingerprint && a.status == b.status && a.error == b.error &&
         a.q50sim_version == b.q50sim_version && a.metrics == b.metrics &&
         a.breakdowns == b.breakdowns;
}

}  // namespace q50::store
