#include "store/schema.h"

#include <string_view>
#include <utility>

namespace q50::store {
namespace {

// Written once for both dialects; the placeholders are the only differences:
//   {identity}      a row id that increases with each insert
//   {double}        an IEEE double column
//   {without_rowid} SQLite stores the table in its primary key's B-tree (no hidden rowid),
//                   which halves the index work of the per-run value tables
// A double column holds NULL for NaN (SQLite cannot store NaN); see stored_double.
// The status CHECK is a chain of ORs, not IN (...): SQLite evaluates an IN list through a
// temporary table it opens and frees on every insert or update of a run, which made re-writing
// points ten times slower.
constexpr std::pair<std::string_view, std::string_view> kTables[] = {
    {"schema_version", R"(CREATE TABLE schema_version (
  version INTEGER NOT NULL
))"},
    {"sweeps", R"(CREATE TABLE sweeps (
  sweep_id {identity},
  name TEXT NOT NULL UNIQUE,
  spec_text TEXT NOT NULL,
  spec_digest TEXT NOT NULL,
  base_description TEXT NOT NULL,
  q50sim_version TEXT NOT NULL
))"},
    {"sweep_inputs", R"(CREATE TABLE sweep_inputs (
  sweep_id BIGINT NOT NULL REFERENCES sweeps (sweep_id),
  ordinal INTEGER NOT NULL,
  name TEXT NOT NULL,
  digest TEXT NOT NULL,
  PRIMARY KEY (sweep_id, ordinal)
){without_rowid})"},
    {"sweep_parameters", R"(CREATE TABLE sweep_parameters (
  sweep_id BIGINT NOT NULL REFERENCES sweeps (sweep_id),
  ordinal INTEGER NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (sweep_id, ordinal),
  UNIQUE (sweep_id, name)
){without_rowid})"},
    {"runs", R"(CREATE TABLE runs (
  sweep_id BIGINT NOT NULL REFERENCES sweeps (sweep_id),
  point_index BIGINT NOT NULL CHECK (point_index >= 0),
  seed BIGINT NOT NULL,
  fingerprint TEXT CHECK (fingerprint IS NULL OR length(fingerprint) = 16),
  status TEXT NOT NULL
    CHECK (status = 'ok' OR status = 'failed' OR status = 'assertion_failed'),
  error TEXT NOT NULL,
  q50sim_version TEXT NOT NULL,
  PRIMARY KEY (sweep_id, point_index)
){without_rowid})"},
    {"run_parameters", R"(CREATE TABLE run_parameters (
  sweep_id BIGINT NOT NULL,
  point_index BIGINT NOT NULL,
  ordinal INTEGER NOT NULL,
  name TEXT NOT NULL,
  value_text TEXT NOT NULL,
  value_number {double},
  PRIMARY KEY (sweep_id, point_index, ordinal),
  FOREIGN KEY (sweep_id, point_index) REFERENCES runs (sweep_id, point_index) ON DELETE CASCADE
){without_rowid})"},
    {"run_metrics", R"(CREATE TABLE run_metrics (
  sweep_id BIGINT NOT NULL,
  point_index BIGINT NOT NULL,
  name TEXT NOT NULL,
  value {double},
  PRIMARY KEY (sweep_id, point_index, name),
  FOREIGN KEY (sweep_id, point_index) REFERENCES runs (sweep_id, point_index) ON DELETE CASCADE
){without_rowid})"},
    {"run_breakdowns", R"(CREATE TABLE run_breakdowns (
  sweep_id BIGINT NOT NULL,
  point_index BIGINT NOT NULL,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  metric TEXT NOT NULL,
  value {double},
  PRIMARY KEY (sweep_id, point_index, kind, key, metric),
  FOREIGN KEY (sweep_id, point_index) REFERENCES runs (sweep_id, point_index) ON DELETE CASCADE
){without_rowid})"},
};

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
}

}  // namespace

const std::vector<std::string>& schema_table_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, ddl] : kTables) out.emplace_back(name);
    return out;
  }();
  return names;
}

std::vector<std::string> schema_ddl(Backend backend) {
  const bool sqlite = backend == Backend::kSqlite;
  std::vector<std::string> out;
  for (const auto& [name, ddl] : kTables) {
    std::string text(ddl);
    // SQLite: INTEGER PRIMARY KEY is the rowid, assigned max(rowid) + 1; nothing is ever
    // deleted from sweeps, so the id increases with each sweep created.
    replace_all(text, "{identity}",
                sqlite ? "INTEGER PRIMARY KEY" : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY");
    replace_all(text, "{double}", sqlite ? "REAL" : "DOUBLE PRECISION");
    replace_all(text, "{without_rowid}", sqlite ? " WITHOUT ROWID" : "");
    out.push_back(std::move(text));
  }
  return out;
}

std::vector<std::string> postgres_staging_ddl() {
  return {
      "CREATE TEMP TABLE IF NOT EXISTS q50_stage_runs (sweep_id BIGINT, point_index BIGINT, "
      "seed BIGINT, fingerprint TEXT, status TEXT, error TEXT, q50sim_version TEXT) "
      "ON COMMIT DELETE ROWS",
      "CREATE TEMP TABLE IF NOT EXISTS q50_stage_parameters (sweep_id BIGINT, point_index BIGINT, "
      "ordinal INTEGER, name TEXT, value_text TEXT, value_number DOUBLE PRECISION) "
      "ON COMMIT DELETE ROWS",
      "CREATE TEMP TABLE IF NOT EXISTS q50_stage_metrics (sweep_id BIGINT, point_index BIGINT, "
      "name TEXT, value DOUBLE PRECISION) ON COMMIT DELETE ROWS",
      "CREATE TEMP TABLE IF NOT EXISTS q50_stage_breakdowns (sweep_id BIGINT, point_index BIGINT, "
      "kind TEXT, key TEXT, metric TEXT, value DOUBLE PRECISION) ON COMMIT DELETE ROWS",
  };
}

}  // namespace q50::store
