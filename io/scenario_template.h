#ifndef Q50SIM_IO_SCENARIO_TEMPLATE_H_
#define Q50SIM_IO_SCENARIO_TEMPLATE_H_

// A scenario file parsed once and built many times with some of its keys set to other values:
// the scenario base of a sweep. Building a point costs a copy of the parsed document and the
// scenario parser's checks, never a file read or a TOML parse.
//
// A key is a dotted path into the document with optional array indices, as a sweep names it:
// "strategy.min_confidence", "exchange.latency.constant", "faults[1].probability",
// "market.synthetic.regimes[0].bars". Tables on the way are created when the file lacks them
// (e.g. [risk] for "risk.max_drawdown"); an array index must exist in the file.

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "absl/status/statusor.h"
#include "sim/scenario.h"

namespace q50::io {

struct ScenarioOverride {
  std::string_view key;
  const std::variant<bool, std::int64_t, double, std::string>* value = nullptr;
};

class ScenarioTemplate {
 public:
  // Reads and parses the scenario file (its syntax only; build() applies the checks).
  static absl::StatusOr<ScenarioTemplate> read(const std::string& path);
  // The same from text; path names it in messages and anchors relative paths.
  static absl::StatusOr<ScenarioTemplate> parse(const std::string& path, std::string_view text);

  // The scenario with the overrides applied, checked as parse_scenario checks a file. An
  // override the document cannot take (a path through a value, an index beyond an array) or a
  // value the scenario rejects is InvalidArgument; a message about an overridden value names
  // the overrides ("x.toml (strategy.min_confidence = 1.5): [strategy].min_confidence: expected
  // ...") instead of a line of the file, since the value is not in it.
  absl::StatusOr<sim::Scenario> build(std::span<const ScenarioOverride> overrides) const;

  // The scenario file of build(overrides) as TOML text, for `q50sim run` to run on its own
  // from any directory: relative file paths (market.csv.path, market.qlib.dir,
  // signals.file.path) made absolute against the base's directory. Comments and key order of
  // the base are not kept. The same errors as build for an override the document cannot take.
  absl::StatusOr<std::string> render(std::span<const ScenarioOverride> overrides) const;

  const std::string& path() const { return path_; }

 private:
  struct Document;
  ScenarioTemplate(std::string path, std::shared_ptr<const Document> doc)
      : path_(std::move(path)), doc_(std::move(doc)) {}

  std::string path_;
  std::shared_ptr<const Document> doc_;  // shared read-only by copies (and threads)
};

}  // namespace q50::io

#endif  // Q50SIM_IO_SCENARIO_TEMPLATE_H_
