#include "store/postgres_store.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "fmt/format.h"
#include "store/batch.h"
#include "store/pg_connection.h"
#include "store/pg_copy_text.h"
#include "store/queries.h"
#include "store/run_assembly.h"
#include "store/schema.h"

namespace q50::store {
namespace {

// Serialises schema creation between processes opening the same new database.
constexpr std::string_view kLockSchema = "SELECT pg_advisory_xact_lock(5132230467110912050)";
constexpr std::string_view kSelectTables =
    "SELECT c.relname FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')";

// The write path of a batch: COPY into the staging tables, then these statements.
constexpr std::string_view kCopyRuns =
    "COPY pg_temp.q50_stage_runs (sweep_id, point_index, seed, fingerprint, status, error, "
    "q50sim_version) FROM STDIN";
constexpr std::string_view kCopyParameters =
    "COPY pg_temp.q50_stage_parameters (sweep_id, point_index, ordinal, name, value_text, "
    "value_number) FROM STDIN";
constexpr std::string_view kCopyMetrics =
    "COPY pg_temp.q50_stage_metrics (sweep_id, point_index, name, value) FROM STDIN";
constexpr std::string_view kCopyBreakdowns =
    "COPY pg_temp.q50_stage_breakdowns (sweep_id, point_index, kind, key, metric, value) "
    "FROM STDIN";
// Rows are upserted in point order so that two writers of overlapping batches lock in the same
// order (a deadlock is still retried). The upsert locks every runs row of the batch, so no
// other writer can add values for these points before the deletes below run.
constexpr std::string_view kUpsertStagedRuns =
    "INSERT INTO runs (sweep_id, point_index, seed, fingerprint, status, error, q50sim_version) "
    "SELECT sweep_id, point_index, seed, fingerprint, status, error, q50sim_version "
    "FROM pg_temp.q50_stage_runs ORDER BY point_index "
    "ON CONFLICT (sweep_id, point_index) DO UPDATE SET seed = excluded.seed, "
    "fingerprint = excluded.fingerprint, status = excluded.status, error = excluded.error, "
    "q50sim_version = excluded.q50sim_version";
// The batch's points as a bound array ($2): index probes, whatever the planner thinks of the
// staging tables (which have no statistics).
constexpr std::string_view kDeleteValues[] = {
    "DELETE FROM run_parameters WHERE sweep_id = $1 AND point_index = ANY ($2::BIGINT[])",
    "DELETE FROM run_metrics WHERE sweep_id = $1 AND point_index = ANY ($2::BIGINT[])",
    "DELETE FROM run_breakdowns WHERE sweep_id = $1 AND point_index = ANY ($2::BIGINT[])",
};
constexpr std::string_view kInsertStagedValues[] = {
    "INSERT INTO run_parameters (sweep_id, point_index, ordinal, name, value_text, value_number) "
    "SELECT sweep_id, point_index, ordinal, name, value_text, value_number "
    "FROM pg_temp.q50_stage_parameters",
    "INSERT INTO run_metrics (sweep_id, point_index, name, value) "
    "SELECT sweep_id, point_index, name, value FROM pg_temp.q50_stage_metrics",
    "INSERT INTO run_breakdowns (sweep_id, point_index, kind, key, metric, value) "
    "SELECT sweep_id, point_index, kind, key, metric, value FROM pg_temp.q50_stage_breakdowns",
};

constexpr int kBatchAttempts = 3;  // a batch that loses a deadlock is retried this often

std::string pg(std::string_view sqlite_text) { return sql::to_postgres_parameters(sqlite_text); }

// Runs body inside BEGIN ... COMMIT; rolls back when body or COMMIT fails.
template <typename Body>
absl::Status in_transaction(PgConnection& db, std::string_view begin, Body&& body) {
  if (absl::Status s = db.exec(begin); !s.ok()) return s;
  absl::Status status = body();
  if (status.ok()) status = db.exec("COMMIT");
  if (!status.ok()) db.exec("ROLLBACK").IgnoreError();
  return status;
}

absl::Status check_schema_version(PgConnection& db, const std::vector<std::string>& present) {
  if (std::find(present.begin(), present.end(), "schema_version") == present.end()) {
    return absl::FailedPreconditionError(fmt::format(
        "{}: holds tables named like a results store's ({}) but no schema_version table: not "
        "a store this q50sim wrote; use another database or schema",
        db.display_url(), fmt::join(present, ", ")));
  }
  absl::StatusOr<PgResult> version = db.run(sql::kSelectSchemaVersion);
  if (!version.ok()) return version.status();
  const std::string text = version->rows() == 1 ? std::string(version->text(0, 0)) : "none";
  if (text != std::to_string(kSchemaVersion)) {
    return absl::FailedPreconditionError(fmt::format(
        "{}: holds results store schema version '{}'; this q50sim reads and writes version {} "
        "and knows no migration",
        db.display_url(), text, kSchemaVersion));
  }
  return absl::OkStatus();
}

absl::Status ensure_schema(PgConnection& db) {
  return in_transaction(db, "BEGIN", [&]() -> absl::Status {
    if (absl::Status s = db.exec(kLockSchema); !s.ok()) return s;
    absl::StatusOr<PgResult> tables = db.run(kSelectTables);
    if (!tables.ok()) return tables.status();
    std::vector<std::string> present;
    const auto& ours = schema_table_names();
    for (int r = 0; r < tables->rows(); ++r) {
      const std::string name(tables->text(r, 0));
      if (std::find(ours.begin(), ours.end(), name) != ours.end()) present.push_back(name);
    }
    if (!present.empty()) return check_schema_version(db, present);
    for (const std::string& ddl : schema_ddl(Backend::kPostgresql)) {
      if (absl::Status s = db.exec(ddl); !s.ok()) return s;
    }
    absl::StatusOr<PgResult> inserted =
        db.run(pg(sql::kInsertSchemaVersion), {pg_param(std::int64_t{kSchemaVersion})});
    return inserted.status();
  });
}

struct StoredSweep {
  std::int64_t sweep_id = 0;
  SweepRecord record;
};

// The staging tables' contents for one batch, and its points as an array literal ("{1,2}").
struct StagedBatch {
  CopyText runs, parameters, metrics, breakdowns;
  std::string points;
};

StagedBatch stage(std::int64_t sweep_id, const std::vector<PreparedRun>& batch) {
  StagedBatch staged;
  staged.points = "{";
  for (const PreparedRun& p : batch) {
    const RunRecord& run = *p.run;
    if (staged.points.size() > 1) staged.points.push_back(',');
    staged.points.append(std::to_string(run.point_index));
    staged.runs.add(sweep_id);
    staged.runs.add(run.point_index);
    staged.runs.add(p.seed_bits);
    if (p.fingerprint_hex.empty()) {
      staged.runs.add_null();
    } else {
      staged.runs.add(std::string_view(p.fingerprint_hex));
    }
    staged.runs.add(run_status_name(run.status));
    staged.runs.add(std::string_view(p.error));
    staged.runs.add(std::string_view(run.q50sim_version));
    staged.runs.end_row();
    for (const PreparedParameter& param : p.parameters) {
      CopyText& t = staged.parameters;
      t.add(sweep_id);
      t.add(run.point_index);
      t.add(param.ordinal);
      t.add(std::string_view(param.value->name));
      t.add(std::string_view(param.value->text));
      t.add(param.number);
      t.end_row();
    }
    for (const MetricValue& m : run.metrics) {
      CopyText& t = staged.metrics;
      t.add(sweep_id);
      t.add(run.point_index);
      t.add(std::string_view(m.name));
      t.add(stored_double(m.value));
      t.end_row();
    }
    for (const BreakdownValue& b : run.breakdowns) {
      CopyText& t = staged.breakdowns;
      t.add(sweep_id);
      t.add(run.point_index);
      t.add(std::string_view(b.kind));
      t.add(std::string_view(b.key));
      t.add(std::string_view(b.metric));
      t.add(stored_double(b.value));
      t.end_row();
    }
  }
  staged.points.push_back('}');
  return staged;
}

class PostgresStore final : public ResultStore {
 public:
  explicit PostgresStore(std::unique_ptr<PgConnection> db) : db_(std::move(db)) {}

  Backend backend() const override { return Backend::kPostgresql; }
  const std::string& display_url() const override { return db_->display_url(); }
  absl::StatusOr<int> schema_version() override;
  absl::StatusOr<SweepRecord> begin_sweep(const SweepRecord& sweep) override;
  absl::StatusOr<SweepRecord> read_sweep(std::string_view sweep) override;
  absl::StatusOr<std::vector<SweepSummary>> list_sweeps() override;
  absl::Status write_batch(std::string_view sweep, std::span<const RunRecord> runs) override;
  absl::StatusOr<std::vector<std::int64_t>> completed_points(std::string_view sweep) override;
  using ResultStore::read_runs;
  absl::StatusOr<std::vector<RunRecord>> read_runs(std::string_view sweep,
                                                   PointRange range) override;

 private:
  absl::StatusOr<std::optional<StoredSweep>> find_sweep(std::string_view name);
  absl::Status insert_sweep_children(std::int64_t sweep_id, const SweepRecord& sweep);
  absl::StatusOr<SweepKey> sweep_key(std::string_view name);
  absl::Status write_staged(std::int64_t sweep_id, const StagedBatch& staged);
  absl::Status read_run_rows(std::int64_t sweep_id, PointRange range, RunAssembler& out);
  absl::Status read_run_values(std::int64_t sweep_id, PointRange range, RunAssembler& out);
  absl::Status not_found(std::string_view sweep) const {
    return absl::NotFoundError(fmt::format("{}: no sweep named '{}'", display_url(), sweep));
  }

  std::unique_ptr<PgConnection> db_;
  std::map<std::string, SweepKey, std::less<>> sweep_keys_;  // sweeps never change once made
};

absl::StatusOr<int> PostgresStore::schema_version() {
  absl::StatusOr<PgResult> r = db_->run(sql::kSelectSchemaVersion);
  if (!r.ok()) return r.status();
  if (r->rows() != 1) {
    return absl::DataLossError(
        fmt::format("{}: schema_version holds {} rows, not 1", display_url(), r->rows()));
  }
  return static_cast<int>(r->int64(0, 0));
}

absl::StatusOr<std::optional<StoredSweep>> PostgresStore::find_sweep(std::string_view name) {
  absl::StatusOr<PgResult> r = db_->run(pg(sql::kSelectSweep), {pg_param(name)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<StoredSweep>();
  StoredSweep found;
  found.sweep_id = r->int64(0, 0);
  found.record = {std::string(r->text(0, 1)), std::string(r->text(0, 2)),
                  std::string(r->text(0, 3)), std::string(r->text(0, 4)),
                  std::string(r->text(0, 5)), {}, {}};
  const std::vector<PgParam> id = {pg_param(found.sweep_id)};
  absl::StatusOr<PgResult> inputs = db_->run(pg(sql::kSelectSweepInputs), id);
  if (!inputs.ok()) return inputs.status();
  for (int i = 0; i < inputs->rows(); ++i) {
    found.record.inputs.push_back(
        {std::string(inputs->text(i, 0)), std::string(inputs->text(i, 1))});
  }
  absl::StatusOr<PgResult> params = db_->run(pg(sql::kSelectSweepParameters), id);
  if (!params.ok()) return params.status();
  for (int i = 0; i < params->rows(); ++i) {
    found.record.parameter_names.emplace_back(params->text(i, 0));
  }
  return std::optional<StoredSweep>(std::move(found));
}

absl::Status PostgresStore::insert_sweep_children(std::int64_t sweep_id,
                                                  const SweepRecord& sweep) {
  for (std::size_t i = 0; i < sweep.inputs.size(); ++i) {
    absl::StatusOr<PgResult> r = db_->run(
        pg(sql::kInsertSweepInput),
        {pg_param(sweep_id), pg_param(static_cast<std::int64_t>(i)),
         pg_param(sweep.inputs[i].name), pg_param(sweep.inputs[i].digest)});
    if (!r.ok()) return r.status();
  }
  for (std::size_t i = 0; i < sweep.parameter_names.size(); ++i) {
    absl::StatusOr<PgResult> r =
        db_->run(pg(sql::kInsertSweepParameter),
                 {pg_param(sweep_id), pg_param(static_cast<std::int64_t>(i)),
                  pg_param(sweep.parameter_names[i])});
    if (!r.ok()) return r.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<SweepRecord> PostgresStore::begin_sweep(const SweepRecord& sweep) {
  absl::StatusOr<SweepRecord> wanted = prepare_sweep(sweep, display_url());
  if (!wanted.ok()) return wanted.status();
  // A concurrent creator of the same name makes this INSERT wait for its commit, then do
  // nothing; the read below then sees the committed sweep.
  std::optional<std::int64_t> created;
  absl::Status status = in_transaction(*db_, "BEGIN", [&]() -> absl::Status {
    absl::StatusOr<PgResult> r = db_->run(
        pg(sql::kInsertSweep),
        {pg_param(wanted->name), pg_param(wanted->spec_text), pg_param(wanted->spec_digest),
         pg_param(wanted->base_description), pg_param(wanted->q50sim_version)});
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return absl::OkStatus();
    created = r->int64(0, 0);
    return insert_sweep_children(*created, *wanted);
  });
  if (!status.ok()) return status;
  StoredSweep stored{created.value_or(0), *wanted};
  if (!created.has_value()) {
    absl::StatusOr<std::optional<StoredSweep>> existing = find_sweep(wanted->name);
    if (!existing.ok()) return existing.status();
    if (!existing->has_value()) return not_found(wanted->name);
    stored = **std::move(existing);
    if (absl::Status s = check_same_sweep(stored.record, *wanted, display_url()); !s.ok()) {
      return s;
    }
  }
  sweep_keys_[stored.record.name] =
      SweepKey{stored.sweep_id, stored.record.name, stored.record.parameter_names};
  return stored.record;
}

absl::StatusOr<SweepRecord> PostgresStore::read_sweep(std::string_view sweep) {
  absl::StatusOr<std::optional<StoredSweep>> found = find_sweep(sweep);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return not_found(sweep);
  return (*found)->record;
}

absl::StatusOr<SweepKey> PostgresStore::sweep_key(std::string_view name) {
  if (const auto it = sweep_keys_.find(name); it != sweep_keys_.end()) return it->second;
  absl::StatusOr<std::optional<StoredSweep>> found = find_sweep(name);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return not_found(name);
  SweepKey key{(*found)->sweep_id, (*found)->record.name, (*found)->record.parameter_names};
  sweep_keys_.emplace(key.name, key);
  return key;
}

absl::StatusOr<std::vector<SweepSummary>> PostgresStore::list_sweeps() {
  absl::StatusOr<PgResult> r = db_->run(sql::kListSweeps);
  if (!r.ok()) return r.status();
  std::vector<SweepSummary> out;
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back({r->int64(i, 0), std::string(r->text(i, 1)), std::string(r->text(i, 2)),
                   std::string(r->text(i, 3)), std::string(r->text(i, 4)), r->int64(i, 5),
                   r->int64(i, 6), r->int64(i, 7)});
  }
  return out;
}

absl::Status PostgresStore::write_staged(std::int64_t sweep_id, const StagedBatch& staged) {
  const std::pair<std::string_view, const CopyText*> copies[] = {
      {kCopyRuns, &staged.runs},
      {kCopyParameters, &staged.parameters},
      {kCopyMetrics, &staged.metrics},
      {kCopyBreakdowns, &staged.breakdowns},
  };
  for (const auto& [copy_sql, text] : copies) {
    if (text->empty()) continue;
    if (absl::Status s = db_->copy_in(copy_sql, text->data()); !s.ok()) return s;
  }
  if (absl::StatusOr<PgResult> r = db_->run(kUpsertStagedRuns); !r.ok()) return r.status();
  const std::vector<PgParam> points = {pg_param(sweep_id), pg_param(staged.points)};
  for (const std::string_view statement : kDeleteValues) {
    if (absl::StatusOr<PgResult> r = db_->run(statement, points); !r.ok()) return r.status();
  }
  for (const std::string_view statement : kInsertStagedValues) {
    if (absl::StatusOr<PgResult> r = db_->run(statement); !r.ok()) return r.status();
  }
  return absl::OkStatus();
}

absl::Status PostgresStore::write_batch(std::string_view sweep, std::span<const RunRecord> runs) {
  absl::StatusOr<SweepKey> key = sweep_key(sweep);
  if (!key.ok()) return key.status();
  absl::StatusOr<std::vector<PreparedRun>> prepared = prepare_batch(*key, runs, display_url());
  if (!prepared.ok()) return prepared.status();
  if (prepared->empty()) return absl::OkStatus();
  const StagedBatch staged = stage(key->sweep_id, *prepared);
  absl::Status status;
  for (int attempt = 0; attempt < kBatchAttempts; ++attempt) {
    status = in_transaction(*db_, "BEGIN", [&] { return write_staged(key->sweep_id, staged); });
    if (!absl::IsAborted(status)) return status;
  }
  return status;
}

absl::StatusOr<std::vector<std::int64_t>> PostgresStore::completed_points(
    std::string_view sweep) {
  absl::StatusOr<SweepKey> key = sweep_key(sweep);
  if (!key.ok()) return key.status();
  absl::StatusOr<PgResult> r =
      db_->run(pg(sql::kSelectCompletedPoints), {pg_param(key->sweep_id)});
  if (!r.ok()) return r.status();
  std::vector<std::int64_t> points;
  points.reserve(static_cast<std::size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) points.push_back(r->int64(i, 0));
  return points;
}

absl::Status PostgresStore::read_run_rows(std::int64_t sweep_id, PointRange range,
                                          RunAssembler& out) {
  const std::vector<PgParam> args = {pg_param(sweep_id), pg_param(range.begin),
                                     pg_param(range.end)};
  absl::StatusOr<PgResult> r = db_->run(pg(sql::kSelectRuns), args);
  if (!r.ok()) return r.status();
  for (int i = 0; i < r->rows(); ++i) {
    const std::optional<std::string_view> fingerprint =
        r->is_null(i, 2) ? std::nullopt : std::optional<std::string_view>(r->text(i, 2));
    if (absl::Status s = out.add_run(r->int64(i, 0), r->int64(i, 1), fingerprint, r->text(i, 3),
                                     r->text(i, 4), r->text(i, 5));
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status PostgresStore::read_run_values(std::int64_t sweep_id, PointRange range,
                                            RunAssembler& out) {
  const std::vector<PgParam> args = {pg_param(sweep_id), pg_param(range.begin),
                                     pg_param(range.end)};
  absl::StatusOr<PgResult> p = db_->run(pg(sql::kSelectRunParameters), args);
  if (!p.ok()) return p.status();
  for (int i = 0; i < p->rows(); ++i) {
    absl::Status s = out.add_parameter(p->int64(i, 0), p->text(i, 1), p->text(i, 2),
                                       p->float8(i, 3));
    if (!s.ok()) return s;
  }
  absl::StatusOr<PgResult> m = db_->run(pg(sql::kSelectRunMetrics), args);
  if (!m.ok()) return m.status();
  for (int i = 0; i < m->rows(); ++i) {
    absl::Status s = out.add_metric(m->int64(i, 0), m->text(i, 1), m->float8(i, 2));
    if (!s.ok()) return s;
  }
  absl::StatusOr<PgResult> b = db_->run(pg(sql::kSelectRunBreakdowns), args);
  if (!b.ok()) return b.status();
  for (int i = 0; i < b->rows(); ++i) {
    absl::Status s = out.add_breakdown(b->int64(i, 0), b->text(i, 1), b->text(i, 2),
                                       b->text(i, 3), b->float8(i, 4));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<RunRecord>> PostgresStore::read_runs(std::string_view sweep,
                                                                PointRange range) {
  absl::StatusOr<SweepKey> key = sweep_key(sweep);
  if (!key.ok()) return key.status();
  RunAssembler assembler(display_url());
  // One snapshot for the four reads, whatever other writers commit meanwhile.
  absl::Status status = in_transaction(
      *db_, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", [&]() -> absl::Status {
        if (absl::Status s = read_run_rows(key->sweep_id, range, assembler); !s.ok()) return s;
        return read_run_values(key->sweep_id, range, assembler);
      });
  if (!status.ok()) return status;
  return assembler.finish();
}

}  // namespace

absl::StatusOr<std::unique_ptr<ResultStore>> open_postgres_store(const StoreUrl& url) {
  absl::StatusOr<std::unique_ptr<PgConnection>> db = PgConnection::connect(url);
  if (!db.ok()) return db.status();
  if (absl::Status s = ensure_schema(**db); !s.ok()) return s;
  for (const std::string& ddl : postgres_staging_ddl()) {
    if (absl::Status s = (*db)->exec(ddl); !s.ok()) return s;
  }
  return std::make_unique<PostgresStore>(*std::move(db));
}

}  // namespace q50::store
