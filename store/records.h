#ifndef Q50SIM_STORE_RECORDS_H_
#define Q50SIM_STORE_RECORDS_H_

// The values a results store holds: one sweep (what was swept and from which inputs) and its
// runs (one per point: parameters, seed, fingerprint, outcome, metrics, breakdowns). Plain
// data; store/SCHEMA.md maps each field to its table and column.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace q50::store {

// A digest of one input the sweep read (a scenario file, a replay input, a config).
struct InputDigest {
  std::string name;    // what the input is, e.g. its path as given in the sweep file
  std::string digest;  // e.g. SHA-256 as 64 lower-case hex characters
  friend bool operator==(const InputDigest&, const InputDigest&) = default;
};

struct SweepRecord {
  std::string name;  // unique in a store; the sweep's identity
  std::string spec_text;
  // Identity of the spec: empty asks the store to fill in the SHA-256 of spec_text (64 lower-case
  // hex characters); callers that canonicalise the spec first may pass their own digest.
  std::string spec_digest;
  std::string base_description;  // e.g. "scenario scenarios/x.toml" or "replay hummingbot ..."
  std::string q50sim_version;
  std::vector<InputDigest> inputs;
  // Every parameter a run of this sweep may carry, in the sweep's order: the order of the
  // exported CSV's parameter columns. Runs may only use these names.
  std::vector<std::string> parameter_names;
  friend bool operator==(const SweepRecord&, const SweepRecord&) = default;
};

// A sweep as listed: its record without the spec text, its creation rank and its run counts.
struct SweepSummary {
  std::int64_t created_order = 0;  // increases with each sweep created in this store
  std::string name;
  std::string spec_digest;
  std::string base_description;
  std::string q50sim_version;
  std::int64_t runs_ok = 0;
  std::int64_t runs_failed = 0;
  std::int64_t runs_assertion_failed = 0;
  friend bool operator==(const SweepSummary&, const SweepSummary&) = default;
};

enum class RunStatus { kOk, kFailed, kAssertionFailed };

// "ok", "failed", "assertion_failed": the text stored in runs.status.
std::string_view run_status_name(RunStatus status);
// The inverse of run_status_name; nullopt for any other text.
std::optional<RunStatus> parse_run_status(std::string_view text);

struct ParameterValue {
  std::string name;
  std::string text;  // the value as the sweep wrote it, e.g. "0.6", "kelly", "true"
  // Filled by the store from text when text is a finite decimal number (see
  // numeric_parameter_value); whatever the caller puts here is ignored on write.
  std::optional<double> number;
  friend bool operator==(const ParameterValue&, const ParameterValue&) = default;
};

struct MetricValue {
  std::string name;
  double value = 0.0;  // NaN and ±inf are allowed
};

// One value of a per-regime / per-tier table, e.g. {"market_regime", "crash", "sharpe", -1.2}.
struct BreakdownValue {
  std::string kind;
  std::string key;
  std::string metric;
  double value = 0.0;  // NaN and ±inf are allowed
};

struct RunRecord {
  std::int64_t point_index = 0;  // >= 0; unique within a sweep
  std::vector<ParameterValue> parameters;
  std::uint64_t seed = 0;
  // FNV-1a fingerprint of the run's journal; nullopt when the run failed before it had one.
  std::optional<std::uint64_t> fingerprint;
  RunStatus status = RunStatus::kOk;
  std::string error;  // why it failed; empty when ok
  std::string q50sim_version;
  std::vector<MetricValue> metrics;        // read back sorted by name
  std::vector<BreakdownValue> breakdowns;  // read back sorted by (kind, key, metric)
};

// Equality that treats two NaNs as equal (a stored NaN reads back as NaN), so tests and merges
// can compare runs read from different stores. -0.0 equals 0.0 (stores keep no sign of zero).
bool same_value(double a, double b);
bool operator==(const MetricValue& a, const MetricValue& b);
bool operator==(const BreakdownValue& a, const BreakdownValue& b);
bool operator==(const RunRecord& a, const RunRecord& b);

}  // namespace q50::store

#endif  // Q50SIM_STORE_RECORDS_H_
