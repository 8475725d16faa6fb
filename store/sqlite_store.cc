#include "store/sqlite_store.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <thread>
#include <utility>

#include "fmt/format.h"
#include "store/batch.h"
#include "store/queries.h"
#include "store/run_assembly.h"
#include "store/schema.h"
#include "store/sqlite_connection.h"
#include "store/sqlite_row_inserter.h"

namespace q50::store {
namespace {

// Steps stmt (already bound) to its end, calling on_row for each row; stops at the first error.
absl::Status for_each_row(SqliteStatement& stmt,
                          const std::function<absl::Status(const SqliteStatement&)>& on_row) {
  for (;;) {
    absl::StatusOr<bool> row = stmt.step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
    if (absl::Status s = on_row(stmt); !s.ok()) {
      stmt.reset();
      return s;
    }
  }
}

struct StoredSweep {
  std::int64_t sweep_id = 0;
  SweepRecord record;
};

// Every statement the store runs, prepared once when it opens.
struct Statements {
  SqliteStatement select_schema_version, insert_sweep, insert_sweep_input, insert_sweep_parameter,
      select_sweep, select_sweep_inputs, select_sweep_parameters, list_sweeps, select_completed,
      select_runs, select_run_parameters, select_run_metrics, select_run_breakdowns, insert_new_run, upsert_run,
      delete_run_parameters, delete_run_metrics, delete_run_breakdowns;
};

// The multi-row inserters of the per-run value tables.
struct ValueInserters {
  SqliteRowInserter parameters, metrics, breakdowns;
};

absl::StatusOr<ValueInserters> prepare_value_inserters(SqliteConnection& db) {
  constexpr std::string_view kParameterColumns[] = {"sweep_id", "point_index", "ordinal",
                                                    "name",     "value_text",  "value_number"};
  constexpr std::string_view kMetricColumns[] = {"sweep_id", "point_index", "name", "value"};
  constexpr std::string_view kBreakdownColumns[] = {"sweep_id", "point_index", "kind",
                                                    "key",      "metric",      "value"};
  absl::StatusOr<SqliteRowInserter> parameters =
      SqliteRowInserter::prepare(db, "run_parameters", kParameterColumns);
  if (!parameters.ok()) return parameters.status();
  absl::StatusOr<SqliteRowInserter> metrics =
      SqliteRowInserter::prepare(db, "run_metrics", kMetricColumns);
  if (!metrics.ok()) return metrics.status();
  absl::StatusOr<SqliteRowInserter> breakdowns =
      SqliteRowInserter::prepare(db, "run_breakdowns", kBreakdownColumns);
  if (!breakdowns.ok()) return breakdowns.status();
  return ValueInserters{*std::move(parameters), *std::move(metrics), *std::move(breakdowns)};
}

absl::StatusOr<Statements> prepare_statements(SqliteConnection& db) {
  Statements s;
  const std::pair<SqliteStatement Statements::*, std::string_view> texts[] = {
      {&Statements::select_schema_version, sql::kSelectSchemaVersion},
      {&Statements::insert_sweep, sql::kInsertSweep},
      {&Statements::insert_sweep_input, sql::kInsertSweepInput},
      {&Statements::insert_sweep_parameter, sql::kInsertSweepParameter},
      {&Statements::select_sweep, sql::kSelectSweep},
      {&Statements::select_sweep_inputs, sql::kSelectSweepInputs},
      {&Statements::select_sweep_parameters, sql::kSelectSweepParameters},
      {&Statements::list_sweeps, sql::kListSweeps},
      {&Statements::select_completed, sql::kSelectCompletedPoints},
      {&Statements::select_runs, sql::kSelectRuns},
      {&Statements::select_run_parameters, sql::kSelectRunParameters},
      {&Statements::select_run_metrics, sql::kSelectRunMetrics},
      {&Statements::select_run_breakdowns, sql::kSelectRunBreakdowns},
      {&Statements::insert_new_run, sql::kInsertNewRun},
      {&Statements::upsert_run, sql::kUpsertRun},
      {&Statements::delete_run_parameters, sql::kDeleteRunParameters},
      {&Statements::delete_run_metrics, sql::kDeleteRunMetrics},
      {&Statements::delete_run_breakdowns, sql::kDeleteRunBreakdowns},
  };
  for (const auto& [member, text] : texts) {
    absl::StatusOr<SqliteStatement> stmt = db.prepare(text);
    if (!stmt.ok()) return stmt.status();
    s.*member = *std::move(stmt);
  }
  return s;
}

// Creates the schema in a file that holds none of its tables; checks the version otherwise.
absl::Status ensure_schema(SqliteConnection& db) {
  absl::StatusOr<SqliteTransaction> txn = SqliteTransaction::begin(db);
  if (!txn.ok()) return txn.status();
  absl::StatusOr<SqliteStatement> tables =
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'");
  if (!tables.ok()) return tables.status();
  std::vector<std::string> present;
  if (absl::Status s = for_each_row(*tables, [&](const SqliteStatement& row) {
        const std::string name(row.column_text(0));
        const auto& ours = schema_table_names();
        if (std::find(ours.begin(), ours.end(), name) != ours.end()) present.push_back(name);
        return absl::OkStatus();
      });
      !s.ok()) {
    return s;
  }
  if (present.empty()) {
    for (const std::string& ddl : schema_ddl(Backend::kSqlite)) {
      if (absl::Status s = db.exec(ddl); !s.ok()) return s;
    }
    absl::StatusOr<SqliteStatement> insert = db.prepare(sql::kInsertSchemaVersion);
    if (!insert.ok()) return insert.status();
    insert->bind(1, std::int64_t{kSchemaVersion});
    if (absl::Status s = insert->run(); !s.ok()) return s;
    return txn->commit();
  }
  if (std::find(present.begin(), present.end(), "schema_version") == present.end()) {
    return absl::FailedPreconditionError(fmt::format(
        "{}: holds tables named like a results store's ({}) but no schema_version table: not "
        "a store this q50sim wrote; use another file",
        db.display_url(), fmt::join(present, ", ")));
  }
  absl::StatusOr<std::string> version = db.query_text(sql::kSelectSchemaVersion);
  if (!version.ok()) return version.status();
  if (*version != std::to_string(kSchemaVersion)) {
    return absl::FailedPreconditionError(fmt::format(
        "{}: holds results store schema version '{}'; this q50sim reads and writes version {} "
        "and knows no migration",
        db.display_url(), *version, kSchemaVersion));
  }
  return txn->commit();
}

class SqliteStore final : public ResultStore {
 public:
  SqliteStore(std::unique_ptr<SqliteConnection> db, Statements statements,
              ValueInserters inserters)
      : db_(std::move(db)), s_(std::move(statements)), values_(std::move(inserters)) {}

  Backend backend() const override { return Backend::kSqlite; }
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
  absl::StatusOr<std::int64_t> insert_sweep(const SweepRecord& sweep);
  absl::StatusOr<SweepKey> sweep_key(std::string_view name);
  absl::Status write_run(std::int64_t sweep_id, const PreparedRun& run);
  absl::Status write_values(std::int64_t sweep_id, const std::vector<PreparedRun>& runs);
  absl::Status read_run_values(std::int64_t sweep_id, PointRange range, RunAssembler& out);
  absl::Status not_found(std::string_view sweep) const {
    return absl::NotFoundError(fmt::format("{}: no sweep named '{}'", display_url(), sweep));
  }

  // Statements are finalized before the connection closes (members die in reverse order).
  std::unique_ptr<SqliteConnection> db_;
  Statements s_;
  ValueInserters values_;
  std::map<std::string, SweepKey, std::less<>> sweep_keys_;  // sweeps never change once made
};

absl::StatusOr<int> SqliteStore::schema_version() {
  absl::StatusOr<bool> row = s_.select_schema_version.step();
  if (!row.ok()) return row.status();
  if (!*row) {
    return absl::DataLossError(fmt::format("{}: schema_version is empty", display_url()));
  }
  const auto version = static_cast<int>(s_.select_schema_version.column_int64(0));
  s_.select_schema_version.reset();
  return version;
}

absl::StatusOr<std::optional<StoredSweep>> SqliteStore::find_sweep(std::string_view name) {
  s_.select_sweep.bind(1, name);
  absl::StatusOr<bool> row = s_.select_sweep.step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<StoredSweep>();
  StoredSweep found;
  found.sweep_id = s_.select_sweep.column_int64(0);
  SweepRecord& r = found.record;
  r.name = s_.select_sweep.column_text(1);
  r.spec_text = s_.select_sweep.column_text(2);
  r.spec_digest = s_.select_sweep.column_text(3);
  r.base_description = s_.select_sweep.column_text(4);
  r.q50sim_version = s_.select_sweep.column_text(5);
  s_.select_sweep.reset();
  s_.select_sweep_inputs.bind(1, found.sweep_id);
  if (absl::Status s = for_each_row(s_.select_sweep_inputs, [&](const SqliteStatement& q) {
        r.inputs.push_back({std::string(q.column_text(0)), std::string(q.column_text(1))});
        return absl::OkStatus();
      });
      !s.ok()) {
    return s;
  }
  s_.select_sweep_parameters.bind(1, found.sweep_id);
  if (absl::Status s = for_each_row(s_.select_sweep_parameters, [&](const SqliteStatement& q) {
        r.parameter_names.emplace_back(q.column_text(0));
        return absl::OkStatus();
      });
      !s.ok()) {
    return s;
  }
  return std::optional<StoredSweep>(std::move(found));
}

absl::StatusOr<std::int64_t> SqliteStore::insert_sweep(const SweepRecord& sweep) {
  SqliteStatement& insert = s_.insert_sweep;
  insert.bind(1, sweep.name);
  insert.bind(2, sweep.spec_text);
  insert.bind(3, sweep.spec_digest);
  insert.bind(4, sweep.base_description);
  insert.bind(5, sweep.q50sim_version);
  absl::StatusOr<bool> row = insert.step();
  if (!row.ok()) return row.status();
  if (!*row) {
    return absl::InternalError(fmt::format("{}: sweep '{}' appeared during its own creation",
                                           display_url(), sweep.name));
  }
  const std::int64_t sweep_id = insert.column_int64(0);
  if (absl::Status s = insert.run(); !s.ok()) return s;
  for (std::size_t i = 0; i < sweep.inputs.size(); ++i) {
    s_.insert_sweep_input.bind(1, sweep_id);
    s_.insert_sweep_input.bind(2, static_cast<std::int64_t>(i));
    s_.insert_sweep_input.bind(3, sweep.inputs[i].name);
    s_.insert_sweep_input.bind(4, sweep.inputs[i].digest);
    if (absl::Status s = s_.insert_sweep_input.run(); !s.ok()) return s;
  }
  for (std::size_t i = 0; i < sweep.parameter_names.size(); ++i) {
    s_.insert_sweep_parameter.bind(1, sweep_id);
    s_.insert_sweep_parameter.bind(2, static_cast<std::int64_t>(i));
    s_.insert_sweep_parameter.bind(3, sweep.parameter_names[i]);
    if (absl::Status s = s_.insert_sweep_parameter.run(); !s.ok()) return s;
  }
  return sweep_id;
}

absl::StatusOr<SweepRecord> SqliteStore::begin_sweep(const SweepRecord& sweep) {
  absl::StatusOr<SweepRecord> wanted = prepare_sweep(sweep, display_url());
  if (!wanted.ok()) return wanted.status();
  // The write lock makes find-then-insert atomic against other processes.
  absl::StatusOr<SqliteTransaction> txn = SqliteTransaction::begin(*db_);
  if (!txn.ok()) return txn.status();
  absl::StatusOr<std::optional<StoredSweep>> existing = find_sweep(wanted->name);
  if (!existing.ok()) return existing.status();
  StoredSweep stored;
  if (existing->has_value()) {
    stored = **std::move(existing);
    if (absl::Status s = check_same_sweep(stored.record, *wanted, display_url()); !s.ok()) {
      return s;
    }
  } else {
    absl::StatusOr<std::int64_t> id = insert_sweep(*wanted);
    if (!id.ok()) return id.status();
    stored = {*id, *wanted};
  }
  if (absl::Status s = txn->commit(); !s.ok()) return s;
  sweep_keys_[stored.record.name] =
      SweepKey{stored.sweep_id, stored.record.name, stored.record.parameter_names};
  return stored.record;
}

absl::StatusOr<SweepRecord> SqliteStore::read_sweep(std::string_view sweep) {
  absl::StatusOr<std::optional<StoredSweep>> found = find_sweep(sweep);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return not_found(sweep);
  return (*found)->record;
}

absl::StatusOr<SweepKey> SqliteStore::sweep_key(std::string_view name) {
  if (const auto it = sweep_keys_.find(name); it != sweep_keys_.end()) return it->second;
  absl::StatusOr<std::optional<StoredSweep>> found = find_sweep(name);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return not_found(name);
  SweepKey key{(*found)->sweep_id, (*found)->record.name, (*found)->record.parameter_names};
  sweep_keys_.emplace(key.name, key);
  return key;
}

absl::StatusOr<std::vector<SweepSummary>> SqliteStore::list_sweeps() {
  std::vector<SweepSummary> out;
  if (absl::Status s = for_each_row(s_.list_sweeps, [&](const SqliteStatement& q) {
        out.push_back({q.column_int64(0), std::string(q.column_text(1)),
                       std::string(q.column_text(2)), std::string(q.column_text(3)),
                       std::string(q.column_text(4)), q.column_int64(5), q.column_int64(6),
                       q.column_int64(7)});
        return absl::OkStatus();
      });
      !s.ok()) {
    return s;
  }
  return out;
}

absl::Status SqliteStore::write_run(std::int64_t sweep_id, const PreparedRun& run) {
  const auto bind_run = [&](SqliteStatement& q) {
    q.bind(1, sweep_id);
    q.bind(2, run.run->point_index);
    q.bind(3, run.seed_bits);
    if (run.fingerprint_hex.empty()) {
      q.bind_null(4);
    } else {
      q.bind(4, std::string_view(run.fingerprint_hex));
    }
    q.bind(5, run_status_name(run.run->status));
    q.bind(6, std::string_view(run.error));
    q.bind(7, std::string_view(run.run->q50sim_version));
    return q.run();
  };
  if (absl::Status s = bind_run(s_.insert_new_run); !s.ok()) return s;
  if (db_->changes() == 0) {
    // The point is stored already: replace all of it (a re-run may have fewer metrics).
    if (absl::Status s = bind_run(s_.upsert_run); !s.ok()) return s;
    for (SqliteStatement* del :
         {&s_.delete_run_parameters, &s_.delete_run_metrics, &s_.delete_run_breakdowns}) {
      del->bind(1, sweep_id);
      del->bind(2, run.run->point_index);
      if (absl::Status s = del->run(); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::Status SqliteStore::write_values(std::int64_t sweep_id,
                                       const std::vector<PreparedRun>& runs) {
  // The batch's value rows, flattened so that each table is filled 64 rows per statement.
  std::vector<std::pair<std::int64_t, const PreparedParameter*>> parameters;
  std::vector<std::pair<std::int64_t, const MetricValue*>> metrics;
  std::vector<std::pair<std::int64_t, const BreakdownValue*>> breakdowns;
  for (const PreparedRun& run : runs) {
    const std::int64_t point = run.run->point_index;
    for (const PreparedParameter& p : run.parameters) parameters.emplace_back(point, &p);
    for (const MetricValue& m : run.run->metrics) metrics.emplace_back(point, &m);
    for (const BreakdownValue& b : run.run->breakdowns) breakdowns.emplace_back(point, &b);
  }
  absl::Status status = values_.parameters.insert(
      parameters.size(), [&](SqliteStatement& q, std::size_t row, int i) {
        const auto& [point, p] = parameters[row];
        q.bind(i, sweep_id);
        q.bind(i + 1, point);
        q.bind(i + 2, p->ordinal);
        q.bind(i + 3, std::string_view(p->value->name));
        q.bind(i + 4, std::string_view(p->value->text));
        q.bind(i + 5, p->number);
      });
  if (!status.ok()) return status;
  status = values_.metrics.insert(metrics.size(), [&](SqliteStatement& q, std::size_t row, int i) {
    const auto& [point, m] = metrics[row];
    q.bind(i, sweep_id);
    q.bind(i + 1, point);
    q.bind(i + 2, std::string_view(m->name));
    q.bind(i + 3, stored_double(m->value));
  });
  if (!status.ok()) return status;
  return values_.breakdowns.insert(
      breakdowns.size(), [&](SqliteStatement& q, std::size_t row, int i) {
        const auto& [point, b] = breakdowns[row];
        q.bind(i, sweep_id);
        q.bind(i + 1, point);
        q.bind(i + 2, std::string_view(b->kind));
        q.bind(i + 3, std::string_view(b->key));
        q.bind(i + 4, std::string_view(b->metric));
        q.bind(i + 5, stored_double(b->value));
      });
}

absl::Status SqliteStore::write_batch(std::string_view sweep, std::span<const RunRecord> runs) {
  absl::StatusOr<SweepKey> key = sweep_key(sweep);
  if (!key.ok()) return key.status();
  absl::StatusOr<std::vector<PreparedRun>> prepared = prepare_batch(*key, runs, display_url());
  if (!prepared.ok()) return prepared.status();
  absl::StatusOr<SqliteTransaction> txn = SqliteTransaction::begin(*db_);
  if (!txn.ok()) return txn.status();
  // Every runs row first (with the old values of re-written points deleted), then the values.
  for (const PreparedRun& run : *prepared) {
    if (absl::Status s = write_run(key->sweep_id, run); !s.ok()) return s;
  }
  if (absl::Status s = write_values(key->sweep_id, *prepared); !s.ok()) return s;
  return txn->commit();
}

absl::StatusOr<std::vector<std::int64_t>> SqliteStore::completed_points(std::string_view sweep) {
  absl::StatusOr<SweepKey> key = sweep_key(sweep);
  if (!key.ok()) return key.status();
  std::vector<std::int64_t> points;
  s_.select_completed.bind(1, key->sweep_id);
  if (absl::Status s = for_each_row(s_.select_completed, [&](const SqliteStatement& q) {
        points.push_back(q.column_int64(0));
        return absl::OkStatus();
      });
      !s.ok()) {
    return s;
  }
  return points;
}

absl::Status SqliteStore::read_run_values(std::int64_t sweep_id, PointRange range,
                                          RunAssembler& out) {
  for (SqliteStatement* q : {&s_.select_run_parameters, &s_.select_run_metrics,
                             &s_.select_run_breakdowns}) {
    q->bind(1, sweep_id);
    q->bind(2, range.begin);
    q->bind(3, range.end);
  }
  if (absl::Status s = for_each_row(s_.select_run_parameters, [&](const SqliteStatement& q) {
        return out.add_parameter(q.column_int64(0), q.column_text(1), q.column_text(2),
                                 q.column_double(3));
      });
      !s.ok()) {
    return s;
  }
  if (absl::Status s = for_each_row(s_.select_run_metrics, [&](const SqliteStatement& q) {
        return out.add_metric(q.column_int64(0), q.column_text(1), q.column_double(2));
      });
      !s.ok()) {
    return s;
  }
  return for_each_row(s_.select_run_breakdowns, [&](const SqliteStatement& q) {
    return out.add_breakdown(q.column_int64(0), q.column_text(1), q.column_text(2),
                             q.column_text(3), q.column_double(4));
  });
}

absl::StatusOr<std::vector<RunRecord>> SqliteStore::read_runs(std::string_view sweep,
                                                              PointRange range) {
  absl::StatusOr<SweepKey> key = sweep_key(sweep);
  if (!key.ok()) return key.status();
  // One read transaction: the four reads see the same snapshot even while another process
  // writes (WAL readers never wait for the writer).
  if (absl::Status s = db_->exec("BEGIN"); !s.ok()) return s;
  RunAssembler assembler(display_url());
  s_.select_runs.bind(1, key->sweep_id);
  s_.select_runs.bind(2, range.begin);
  s_.select_runs.bind(3, range.end);
  absl::Status status = for_each_row(s_.select_runs, [&](const SqliteStatement& q) {
    return assembler.add_run(
        q.column_int64(0), q.column_int64(1),
        q.column_is_null(2) ? std::nullopt : std::optional<std::string_view>(q.column_text(2)),
        q.column_text(3), q.column_text(4), q.column_text(5));
  });
  if (status.ok()) status = read_run_values(key->sweep_id, range, assembler);
  if (absl::Status s = db_->exec("COMMIT"); !s.ok() && status.ok()) status = s;
  if (!status.ok()) return status;
  return assembler.finish();
}

// Switches the journal to WAL and creates the schema. Two processes opening one new file at
// once can get SQLITE_BUSY here without SQLite waiting (the busy handler is not called while
// the other recovers or converts the journal), so a busy answer is retried for as long as the
// busy timeout.
absl::Status prepare_sqlite_file(SqliteConnection& c, const StoreUrl& url) {
  constexpr int kRetryPauseMs = 10;
  absl::Status status;
  for (int waited_ms = 0;; waited_ms += kRetryPauseMs) {
    status = absl::OkStatus();
    absl::StatusOr<std::string> mode = c.query_text("PRAGMA journal_mode = WAL");
    if (!mode.ok()) {
      status = mode.status();
    } else if (*mode != "wal") {
      return absl::UnavailableError(fmt::format(
          "{}: SQLite cannot use its WAL journal here (journal_mode is '{}'); put the file on a "
          "local disk, or use PostgreSQL for stores shared between machines",
          url.display, *mode));
    } else {
      // Foreign keys stay unenforced (SQLite's default): the write path keeps the value tables
      // consistent with runs itself, and enforcing them costs a parent lookup per value row
      // (about a third of the write time). PostgreSQL enforces them.
      for (const std::string_view pragma :
           {"PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = OFF"}) {
        if (status = c.exec(pragma); !status.ok()) break;
      }
      if (status.ok()) status = ensure_schema(c);
    }
    if (status.ok() || !c.last_error_was_busy() || waited_ms >= kSqliteBusyTimeoutMs) {
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kRetryPauseMs));
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<ResultStore>> open_sqlite_store(const StoreUrl& url) {
  absl::StatusOr<std::unique_ptr<SqliteConnection>> db =
      SqliteConnection::open(url.target, url.display);
  if (!db.ok()) return db.status();
  SqliteConnection& c = **db;
  c.set_busy_timeout(kSqliteBusyTimeoutMs);
  if (absl::Status s = prepare_sqlite_file(c, url); !s.ok()) return s;
  absl::StatusOr<Statements> statements = prepare_statements(c);
  if (!statements.ok()) return statements.status();
  absl::StatusOr<ValueInserters> inserters = prepare_value_inserters(c);
  if (!inserters.ok()) return inserters.status();
  return std::make_unique<SqliteStore>(*std::move(db), *std::move(statements),
                                       *std::move(inserters));
}

}  // namespace q50::store
