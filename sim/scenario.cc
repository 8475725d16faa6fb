#include "sim/scenario.h"

namespace q50::sim {

strategy::Params scenario_strategy_defaults() {
  strategy::Params p;
  p.percentiles = kScenarioPercentiles;
  return p;
}

std::string_view fault_kind_name(FaultKind kind) {
  for (const Named<FaultKind>& k : kFaultKinds) {
    if (k.value == kind) return k.name;
  }
  return "unknown";
}

}  // namespace q50::sim
