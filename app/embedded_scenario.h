#ifndef Q50SIM_APP_EMBEDDED_SCENARIO_H_
#define Q50SIM_APP_EMBEDDED_SCENARIO_H_

// The scenario compiled into the binary for `q50sim demo`: scenarios/stability_year.toml, a
// simulated year of hourly bars through every regime with every fault kind twice (the suite
// runs the same file against its golden outputs).

#include <string_view>

namespace q50::app {

std::string_view embedded_scenario_text();
std::string_view embedded_scenario_name();  // the file name it was made from

}  // namespace q50::app

#endif  // Q50SIM_APP_EMBEDDED_SCENARIO_H_
