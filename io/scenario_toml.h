#ifndef Q50SIM_IO_SCENARIO_TOML_H_
#define Q50SIM_IO_SCENARIO_TOML_H_

// The scenario parser's two halves, for io/ code that parses a scenario file once and builds
// it many times with keys changed in between (io/scenario_template.h). Internal to io/: it
// includes toml++, whose types must not leak out of this layer (io/scenario_file.cc says why).

#include <toml++/toml.h>

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "sim/scenario.h"

namespace q50::io {

// TOML text to a document; syntax errors as "<path>:<line>:<column>: ..." (parse_scenario's).
absl::StatusOr<toml::table> parse_scenario_toml(const std::string& path, std::string_view text);

// A parsed document to a scenario, with parse_scenario's checks and messages; path names the
// file in messages and anchors relative paths.
absl::StatusOr<sim::Scenario> scenario_from_toml(const std::string& path, const toml::table& doc);

}  // namespace q50::io

#endif  // Q50SIM_IO_SCENARIO_TOML_H_
