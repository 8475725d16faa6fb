#include "store/batch.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <tuple>

#include "fmt/format.h"
#include "store/digest.h"
#include "store/number_text.h"

namespace q50::store {
namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not one (overlong
// forms, surrogates and code points above U+10FFFF are invalid, as PostgreSQL has it).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return b0 == 0 ? 0 : 1;
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return len;
}

bool is_storable_text(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = utf8_sequence_length(text, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string repair_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = utf8_sequence_length(text, i);
    if (len == 0) {
      out.append("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

// Returns the error for the first text in `fields` that cannot be stored, else OK.
absl::Status check_texts(std::initializer_list<std::pair<std::string_view, std::string_view>> fields,
                         std::string_view where) {
  for (const auto& [field, text] : fields) {
    if (!is_storable_text(text)) {
      return absl::InvalidArgumentError(fmt::format(
          "{}: {} is not valid UTF-8 or holds a NUL byte, which a store cannot hold", where,
          field));
    }
  }
  return absl::OkStatus();
}

template <typename Key>
std::optional<Key> first_duplicate(std::vector<Key> keys) {
  std::sort(keys.begin(), keys.end());
  const auto dup = std::adjacent_find(keys.begin(), keys.end());
  if (dup == keys.end()) return std::nullopt;
  return *dup;
}

absl::Status check_run_names(const RunRecord& run, std::string_view where) {
  std::vector<std::string_view> metric_names;
  metric_names.reserve(run.metrics.size());
  for (const MetricValue& m : run.metrics) {
    metric_names.push_back(m.name);
    if (absl::Status s = check_texts({{"a metric name", m.name}}, where); !s.ok()) return s;
  }
  if (const auto dup = first_duplicate(std::move(metric_names)); dup.has_value()) {
    return absl::InvalidArgumentError(fmt::format("{}: metric '{}' is given twice", where, *dup));
  }
  using BreakdownKey = std::tuple<std::string_view, std::string_view, std::string_view>;
  std::vector<BreakdownKey> breakdown_keys;
  breakdown_keys.reserve(run.breakdowns.size());
  for (const BreakdownValue& b : run.breakdowns) {
    breakdown_keys.emplace_back(b.kind, b.key, b.metric);
    if (absl::Status s = check_texts({{"a breakdown kind", b.kind}, {"a breakdown key", b.key},
                                      {"a breakdown metric", b.metric}},
                                     where);
        !s.ok()) {
      return s;
    }
  }
  if (const auto dup = first_duplicate(std::move(breakdown_keys)); dup.has_value()) {
    return absl::InvalidArgumentError(fmt::format("{}: breakdown {}/{}/{} is given twice", where,
                                                  std::get<0>(*dup), std::get<1>(*dup),
                                                  std::get<2>(*dup)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<PreparedParameter>> prepare_parameters(const SweepKey& sweep,
                                                                  const RunRecord& run,
                                                                  std::string_view where) {
  std::vector<PreparedParameter> out;
  out.reserve(run.parameters.size());
  for (const ParameterValue& p : run.parameters) {
    const auto it = std::find(sweep.parameter_names.begin(), sweep.parameter_names.end(), p.name);
    if (it == sweep.parameter_names.end()) {
      return absl::InvalidArgumentError(fmt::format(
          "{}: parameter '{}' is not one of the sweep's parameters ({})", where, p.name,
          fmt::join(sweep.parameter_names, ", ")));
    }
    if (absl::Status s = check_texts({{"a parameter value", p.text}}, where); !s.ok()) return s;
    out.push_back({it - sweep.parameter_names.begin(), &p, numeric_parameter_value(p.text)});
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.ordinal < b.ordinal; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].ordinal == out[i - 1].ordinal) {
      return absl::InvalidArgumentError(
          fmt::format("{}: parameter '{}' is given twice", where, out[i].value->name));
    }
  }
  return out;
}

absl::StatusOr<PreparedRun> prepare_run(const SweepKey& sweep, const RunRecord& run,
                                        std::string_view display_url) {
  const std::string where =
      fmt::format("{}: sweep '{}' point {}", display_url, sweep.name, run.point_index);
  if (run.point_index < 0) {
    return absl::InvalidArgumentError(fmt::format("{}: point_index must be >= 0", where));
  }
  if (absl::Status s = check_texts({{"q50sim_version", run.q50sim_version}}, where); !s.ok()) {
    return s;
  }
  if (absl::Status s = check_run_names(run, where); !s.ok()) return s;
  absl::StatusOr<std::vector<PreparedParameter>> parameters =
      prepare_parameters(sweep, run, where);
  if (!parameters.ok()) return parameters.status();
  PreparedRun prepared;
  prepared.run = &run;
  prepared.seed_bits = static_cast<std::int64_t>(run.seed);
  if (run.fingerprint.has_value()) prepared.fingerprint_hex = fingerprint_hex(*run.fingerprint);
  prepared.error = repair_text(run.error);
  prepared.parameters = *std::move(parameters);
  return prepared;
}

}  // namespace

absl::StatusOr<std::vector<PreparedRun>> prepare_batch(const SweepKey& sweep,
                                                       std::span<const RunRecord> runs,
                                                       std::string_view display_url) {
  // Stable sort by point keeps the batch order within a point, so the last record wins.
  std::vector<const RunRecord*> order;
  order.reserve(runs.size());
  for (const RunRecord& run : runs) order.push_back(&run);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto* a, const auto* b) { return a->point_index < b->point_index; });
  std::vector<PreparedRun> prepared;
  prepared.reserve(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (i + 1 < order.size() && order[i + 1]->point_index == order[i]->point_index) continue;
    absl::StatusOr<PreparedRun> run = prepare_run(sweep, *order[i], display_url);
    if (!run.ok()) return run.status();
    prepared.push_back(*std::move(run));
  }
  return prepared;
}

absl::StatusOr<SweepRecord> prepare_sweep(SweepRecord sweep, std::string_view display_url) {
  const std::string where = fmt::format("{}: sweep '{}'", display_url, sweep.name);
  if (sweep.name.empty()) {
    return absl::InvalidArgumentError(fmt::format("{}: a sweep needs a name", display_url));
  }
  if (sweep.spec_digest.empty()) sweep.spec_digest = sha256_hex(sweep.spec_text);
  if (absl::Status s = check_texts({{"the name", sweep.name},
                                    {"the spec text", sweep.spec_text},
                                    {"the spec digest", sweep.spec_digest},
                                    {"the base description", sweep.base_description},
                                    {"q50sim_version", sweep.q50sim_version}},
                                   where);
      !s.ok()) {
    return s;
  }
  for (const InputDigest& input : sweep.inputs) {
    if (absl::Status s = check_texts({{"an input name", input.name}, {"an input digest", input.digest}}, where);
        !s.ok()) {
      return s;
    }
  }
  for (const std::string& name : sweep.parameter_names) {
    if (absl::Status s = check_texts({{"a parameter name", name}}, where); !s.ok()) return s;
  }
  std::vector<std::string_view> names(sweep.parameter_names.begin(), sweep.parameter_names.end());
  if (const auto dup = first_duplicate(std::move(names)); dup.has_value()) {
    return absl::InvalidArgumentError(fmt::format("{}: parameter '{}' is named twice", where, *dup));
  }
  return sweep;
}

absl::Status check_same_sweep(const SweepRecord& existing, const SweepRecord& wanted,
                              std::string_view display_url) {
  const auto refuse = [&](std::string_view what) {
    return absl::FailedPreconditionError(fmt::format(
        "{}: sweep '{}' already exists with {}; re-running a sweep needs the same spec and "
        "inputs (give the sweep another name, or write to another store)",
        display_url, existing.name, what));
  };
  if (existing.spec_digest != wanted.spec_digest) {
    return refuse(fmt::format("spec digest {} (this spec has digest {})", existing.spec_digest,
                              wanted.spec_digest));
  }
  if (existing.inputs != wanted.inputs) {
    return refuse("other input digests than this run's");
  }
  if (existing.parameter_names != wanted.parameter_names) {
    return refuse(fmt::format("parameters ({}) where this spec has ({})",
                              fmt::join(existing.parameter_names, ", "),
                              fmt::join(wanted.parameter_names, ", ")));
  }
  return absl::OkStatus();
}

std::optional<double> stored_double(double v) {
  if (std::isnan(v)) return std::nullopt;
  return v == 0.0 ? 0.0 : v;
}

double loaded_double(std::optional<double> v) { return v.value_or(std::nan("")); }

std::string fingerprint_hex(std::uint64_t fingerprint) { return fmt::format("{:016x}", fingerprint); }

std::optional<std::uint64_t> parse_fingerprint_hex(std::string_view text) {
  std::uint64_t v = 0;
  if (text.size() != 16) return std::nullopt;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v, 16);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

void sort_run_values(RunRecord& run) {
  std::sort(run.metrics.begin(), run.metrics.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  std::sort(run.breakdowns.begin(), run.breakdowns.end(), [](const auto& a, const auto& b) {
    return std::tie(a.kind, a.key, a.metric) < std::tie(b.kind, b.key, b.metric);
  });
}

}  // namespace q50::store
