#ifndef Q50SIM_IO_SCENARIO_FILE_H_
#define Q50SIM_IO_SCENARIO_FILE_H_

// Scenario files (TOML, scenarios/example.toml documents every key): what a simulated run
// trades on, how it sizes and limits, the venue it meets, the faults injected into it, and what
// the run must satisfy. The result is plain data built from the simulator's own config types
// (no TOML types leak out of io/scenario_file.cc), so a runner can consume it directly.
//
// Strictness: every unknown key, at any depth, and every bad value is an error
//   "<path>:<line>:<column>: unknown key 'x' in [table] (known: a, b, c)"
//   "<path>:<line>:<column>: [table].key: expected ..., got ..."
// and TOML syntax errors (duplicate keys included) come back as "<path>:<line>:<column>: ...".
// The first error found is reported: within a table, unknown keys (the earliest in the file)
// before values.
//
// Units in the file: durations are strings with a unit ("250ms", "1h", "-2s"; ns, us, ms, s,
// m, h, d); times are "YYYY-MM-DD HH:MM:SS" strings or TOML local date-times (UTC); prices,
// quantities and balances are decimals (a string "0.00001" is exact, a TOML integer or float
// is converted to 1e-8 units, and must be exact there); fee and slippage rates are integer ppm
// (1000 ppm = 0.1%).
//
// Paths: a relative path is resolved against the scenario file's directory. A path starting
// with a placeholder "${NAME}" (e.g. "${Q50SIM_REFERENCE_DIR}/btc.csv") is kept verbatim; the
// runner expands it with expand_scenario_path (core/ and sim/ may not read the environment).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/scenario.h"

namespace q50::io {

// The scenario's types live in sim/scenario.h (the simulator consumes them).
using sim::ScenarioPoint;
using sim::MarketSourceKind;
using sim::PriceJump;
using sim::CsvMarket;
using sim::QlibMarket;
using sim::MarketConfig;
using sim::SignalSourceKind;
using sim::SignalFileSource;
using sim::SignalConfig;
using sim::FaultKind;
using sim::SignalFailurePolicy;
using sim::Fault;
using sim::Assertions;
using sim::Scenario;
using sim::fault_kind_name;

// Parses scenario text; `path` names it in errors and anchors relative paths (its directory).
absl::StatusOr<Scenario> parse_scenario(const std::string& path, std::string_view text);

// Reads and parses the file at path (NotFound/Internal for I/O errors).
absl::StatusOr<Scenario> read_scenario(const std::string& path);

// Every key the parser accepts, as dotted paths in the order of the documentation:
// "scenario.seed", "market.synthetic.regimes.bars" (arrays of tables add no index),
// "faults.kind", "assertions.expect_rejects" (a table whose keys are reject codes).
std::span<const std::string_view> scenario_known_keys();

// The dotted key paths that occur in a scenario text (same spelling as scenario_known_keys;
// the keys inside expect_rejects / expect_risk_rejects are not listed). Syntax errors only.
absl::StatusOr<std::vector<std::string>> scenario_key_paths(const std::string& path,
                                                            std::string_view text);

// Expands the placeholders "${NAME}" in a scenario path with lookup(NAME). InvalidArgument for
// an unterminated "${", an empty name, or a name lookup does not know.
absl::StatusOr<std::string> expand_scenario_path(
    std::string_view path,
    const std::function<std::optional<std::string>(std::string_view)>& lookup);

}  // namespace q50::io

#endif  // Q50SIM_IO_SCENARIO_FILE_H_
