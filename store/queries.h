#ifndef Q50SIM_STORE_QUERIES_H_
#define Q50SIM_STORE_QUERIES_H_

// The statements both backends run, written once. Values are always bound, never spliced in:
// parameters are numbered ?1, ?2, ... (SQLite's form; the PostgreSQL backend turns each "?"
// into "$", the only "?" in these texts). Column lists are spelled out so that adding a column
// to the schema cannot silently shift what a reader decodes.

#include <string>
#include <string_view>

namespace q50::store::sql {

inline constexpr std::string_view kSelectSchemaVersion = "SELECT version FROM schema_version";
inline constexpr std::string_view kInsertSchemaVersion =
    "INSERT INTO schema_version (version) VALUES (?1)";

// Inserts a sweep unless its name exists; RETURNING gives its id only when it was inserted.
inline constexpr std::string_view kInsertSweep =
    "INSERT INTO sweeps (name, spec_text, spec_digest, base_description, q50sim_version) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO NOTHING RETURNING sweep_id";
inline constexpr std::string_view kInsertSweepInput =
    "INSERT INTO sweep_inputs (sweep_id, ordinal, name, digest) VALUES (?1, ?2, ?3, ?4)";
inline constexpr std::string_view kInsertSweepParameter =
    "INSERT INTO sweep_parameters (sweep_id, ordinal, name) VALUES (?1, ?2, ?3)";

inline constexpr std::string_view kSelectSweep =
    "SELECT sweep_id, name, spec_text, spec_digest, base_description, q50sim_version "
    "FROM sweeps WHERE name = ?1";
inline constexpr std::string_view kSelectSweepInputs =
    "SELECT name, digest FROM sweep_inputs WHERE sweep_id = ?1 ORDER BY ordinal";
inline constexpr std::string_view kSelectSweepParameters =
    "SELECT name FROM sweep_parameters WHERE sweep_id = ?1 ORDER BY ordinal";

inline constexpr std::string_view kListSweeps =
    "SELECT s.sweep_id, s.name, s.spec_digest, s.base_description, s.q50sim_version, "
    "COALESCE(SUM(CASE WHEN r.status = 'ok' THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN r.status = 'failed' THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN r.status = 'assertion_failed' THEN 1 ELSE 0 END), 0) "
    "FROM sweeps s LEFT JOIN runs r ON r.sweep_id = s.sweep_id "
    "GROUP BY s.sweep_id, s.name, s.spec_digest, s.base_description, s.q50sim_version "
    "ORDER BY s.sweep_id";

inline constexpr std::string_view kSelectCompletedPoints =
    "SELECT point_index FROM runs WHERE sweep_id = ?1 ORDER BY point_index";

// The reads of read_runs: sweep_id ?1, points [?2, ?3), each ordered by point.
inline constexpr std::string_view kSelectRuns =
    "SELECT point_index, seed, fingerprint, status, error, q50sim_version FROM runs "
    "WHERE sweep_id = ?1 AND point_index >= ?2 AND point_index < ?3 ORDER BY point_index";
inline constexpr std::string_view kSelectRunParameters =
    "SELECT point_index, name, value_text, value_number FROM run_parameters "
    "WHERE sweep_id = ?1 AND point_index >= ?2 AND point_index < ?3 "
    "ORDER BY point_index, ordinal";
inline constexpr std::string_view kSelectRunMetrics =
    "SELECT point_index, name, value FROM run_metrics "
    "WHERE sweep_id = ?1 AND point_index >= ?2 AND point_index < ?3 ORDER BY point_index";
inline constexpr std::string_view kSelectRunBreakdowns =
    "SELECT point_index, kind, key, metric, value FROM run_breakdowns "
    "WHERE sweep_id = ?1 AND point_index >= ?2 AND point_index < ?3 ORDER BY point_index";

// The write path of one run (SQLite; PostgreSQL runs the same upsert from a staging table).
// A new point is inserted and needs no delete; a point already stored is updated and its
// values deleted before the new ones go in (by multi-row inserts: sqlite_row_inserter.h).
inline constexpr std::string_view kInsertNewRun =
    "INSERT INTO runs (sweep_id, point_index, seed, fingerprint, status, error, q50sim_version) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (sweep_id, point_index) DO NOTHING";
inline constexpr std::string_view kUpsertRun =
    "INSERT INTO runs (sweep_id, point_index, seed, fingerprint, status, error, q50sim_version) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (sweep_id, point_index) DO UPDATE SET "
    "seed = excluded.seed, fingerprint = excluded.fingerprint, status = excluded.status, "
    "error = excluded.error, q50sim_version = excluded.q50sim_version";
inline constexpr std::string_view kDeleteRunParameters =
    "DELETE FROM run_parameters WHERE sweep_id = ?1 AND point_index = ?2";
inline constexpr std::string_view kDeleteRunMetrics =
    "DELETE FROM run_metrics WHERE sweep_id = ?1 AND point_index = ?2";
inline constexpr std::string_view kDeleteRunBreakdowns =
    "DELETE FROM run_breakdowns WHERE sweep_id = ?1 AND point_index = ?2";
// text with SQLite's "?N" parameters written as PostgreSQL's "$N".
inline std::string to_postgres_parameters(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '?') c = '$';
  }
  return out;
}

}  // namespace q50::store::sql

#endif  // Q50SIM_STORE_QUERIES_H_
