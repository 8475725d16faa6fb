#include "store/csv_export.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>

#include "fmt/format.h"
#include "store/batch.h"
#include "store/number_text.h"

namespace q50::store {
namespace {

constexpr std::string_view kFixedColumns[] = {"point_index", "seed", "status", "fingerprint",
                                              "error"};

void append_field(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(text);
    return;
  }
  out.push_back('"');
  for (const char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_number(std::string& out, double v) {
  if (!std::isnan(v)) append_repr(out, v);
}

// Column names: fixed, then parameters, then metrics; a name already taken gets a prefix.
std::vector<std::string> header(const SweepRecord& sweep, const std::vector<std::string>& metrics) {
  std::vector<std::string> names(std::begin(kFixedColumns), std::end(kFixedColumns));
  std::set<std::string, std::less<>> taken(names.begin(), names.end());
  const auto add = [&](const std::string& name, std::string_view prefix) {
    std::string column = taken.count(name) != 0 ? fmt::format("{}{}", prefix, name) : name;
    taken.insert(column);
    names.push_back(std::move(column));
  };
  for (const std::string& p : sweep.parameter_names) add(p, "param.");
  for (const std::string& m : metrics) add(m, "metric.");
  return names;
}

void append_run(std::string& out, const SweepRecord& sweep,
                const std::vector<std::string>& metric_names, const RunRecord& run) {
  fmt::format_to(std::back_inserter(out), "{},{},{},", run.point_index, run.seed,
                 run_status_name(run.status));
  if (run.fingerprint.has_value()) out.append(fingerprint_hex(*run.fingerprint));
  out.push_back(',');
  append_field(out, run.error);
  // Both value lists are sorted the way the columns are, so one pass each fills the row.
  auto param = run.parameters.begin();
  for (const std::string& name : sweep.parameter_names) {
    out.push_back(',');
    if (param != run.parameters.end() && param->name == name) {
      append_field(out, param->text);
      ++param;
    }
  }
  auto metric = run.metrics.begin();
  for (const std::string& name : metric_names) {
    out.push_back(',');
    if (metric != run.metrics.end() && metric->name == name) {
      append_number(out, metric->value);
      ++metric;
    }
  }
  out.push_back('\n');
}

absl::Status write_atomic(const std::string& path, std::string_view content) {
  const std::string tmp = path + ".partial";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    return absl::UnavailableError(
        fmt::format("{}: cannot create the CSV file: {}", path, std::strerror(errno)));
  }
  const bool wrote = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  const int write_errno = errno;
  const bool closed = std::fclose(f) == 0;
  if (!wrote || !closed || std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = wrote && closed ? errno : write_errno;
    std::remove(tmp.c_str());
    return absl::UnavailableError(
        fmt::format("{}: cannot write the CSV file: {}", path, std::strerror(e)));
  }
  return absl::OkStatus();
}

}  // namespace

std::string runs_to_csv(const SweepRecord& sweep, const std::vector<RunRecord>& runs) {
  std::set<std::string> metric_set;
  for (const RunRecord& run : runs) {
    for (const MetricValue& m : run.metrics) metric_set.insert(m.name);
  }
  const std::vector<std::string> metric_names(metric_set.begin(), metric_set.end());
  std::string out;
  const std::vector<std::string> columns = header(sweep, metric_names);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_field(out, columns[i]);
  }
  out.push_back('\n');
  for (const RunRecord& run : runs) append_run(out, sweep, metric_names, run);
  return out;
}

absl::StatusOr<std::string> export_csv(ResultStore& store, std::string_view sweep) {
  absl::StatusOr<SweepRecord> record = store.read_sweep(sweep);
  if (!record.ok()) return record.status();
  absl::StatusOr<std::vector<RunRecord>> runs = store.read_runs(sweep);
  if (!runs.ok()) return runs.status();
  return runs_to_csv(*record, *runs);
}

absl::Status export_csv_file(ResultStore& store, std::string_view sweep, const std::string& path) {
  absl::StatusOr<std::string> text = export_csv(store, sweep);
  if (!text.ok()) return text.status();
  return write_atomic(path, *text);
}

}  // namespace q50::store
