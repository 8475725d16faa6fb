// q50sim results: what a results store holds (store/result_store.h): list, export, report,
// merge.
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/args.h"
#include "app/command_output.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "io/atomic_file.h"
#include "io/sweep_file.h"
#include "io/sweep_report.h"
#include "store/csv_export.h"
#include "store/merge.h"
#include "store/result_store.h"

namespace q50::app {
namespace {

constexpr std::string_view kHelp =
    "usage: q50sim results DB [--sweep NAME] [--csv OUT.csv] [--html OUT.html]\n"
    "       q50sim results merge DEST SHARD.sqlite...\n"
    "\n"
    "DB and DEST are results stores: an SQLite file (PATH or sqlite:PATH) or a PostgreSQL URL\n"
    "(postgresql://user@host:port/db).\n"
    "\n"
    "  (no option)      lists the store's sweeps: runs ok / failed / assertion failed, base,\n"
    "                   the q50sim version that created each\n"
    "  --sweep NAME     one sweep: its base, parameters, input digests and run counts\n"
    "  --csv OUT.csv    exports the sweep (--sweep, or the store's only sweep) as one CSV: a\n"
    "                   row per run, a column per parameter and per metric (pandas.read_csv\n"
    "                   reads it as is; store/SCHEMA.md)\n"
    "  --html OUT.html  renders the sweep's report from the store, e.g. after a merge (the\n"
    "                   report's settings come from the sweep file the store keeps)\n"
    "  merge DEST SHARD.sqlite...\n"
    "                   copies every sweep and run of the shard files into DEST (created when\n"
    "                   missing); idempotent: merging a shard again changes nothing\n"
    "\n"
    "exit codes: 0 ok, 2 bad command line, 3 a store of shards whose sweeps differ (merge), 4 a\n"
    "store or file could not be read or written, or holds no such sweep\n";

constexpr CommandOutput kCli("results", kHelp);

int merge(std::span<const std::string> args) {
  if (args.size() < 2) {
    return kCli.usage_error(absl::InvalidArgumentError("merge needs DEST and at least one SHARD"));
  }
  const std::vector<std::string> shards(args.begin() + 1, args.end());
  // Every shard must open as a store before DEST is opened: a missing DEST is created, and a
  // merge that fails on its first shard must not leave a new empty store behind.
  for (const std::string& shard : shards) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(shard, ec)) {
      return kCli.fail(absl::NotFoundError(fmt::format("shard file {} does not exist", shard)));
    }
    if (auto opened = store::open_store("sqlite:" + shard); !opened.ok()) {
      return kCli.fail(opened.status());
    }
  }
  auto dest = store::open_store(args[0]);
  if (!dest.ok()) return kCli.fail(dest.status());
  auto report = store::merge_sqlite(**dest, shards);
  if (!report.ok()) return kCli.fail(report.status());
  std::printf("merge: %" PRId64 " runs from %" PRId64 " shards -> %s\n", report->runs,
              report->shards, (*dest)->display_url().c_str());
  return kExitOk;
}

int list(store::ResultStore& db) {
  auto sweeps = db.list_sweeps();
  if (!sweeps.ok()) return kCli.fail(sweeps.status());
  std::printf("%-24s %8s %8s %8s  %-10s %s\n", "sweep", "ok", "failed", "assert", "version",
              "base");
  for (const store::SweepSummary& s : *sweeps) {
    std::printf("%-24s %8" PRId64 " %8" PRId64 " %8" PRId64 "  %-10s %s\n", s.name.c_str(),
                s.runs_ok, s.runs_failed, s.runs_assertion_failed, s.q50sim_version.c_str(),
                s.base_description.c_str());
  }
  std::printf("%zu sweeps in %s\n", sweeps->size(), db.display_url().c_str());
  return kExitOk;
}

int describe(store::ResultStore& db, const store::SweepRecord& s) {
  auto sweeps = db.list_sweeps();
  if (!sweeps.ok()) return kCli.fail(sweeps.status());
  std::printf(
      "sweep %s\n  base        %s\n  parameters  %s\n  spec        sha256 %s\n"
      "  version     %s\n",
      s.name.c_str(), s.base_description.c_str(),
      fmt::format("{}", fmt::join(s.parameter_names, ", ")).c_str(), s.spec_digest.c_str(),
      s.q50sim_version.c_str());
  for (const store::InputDigest& in : s.inputs) {
    std::printf("  input       %s sha256 %s\n", in.name.c_str(), in.digest.c_str());
  }
  for (const store::SweepSummary& sum : *sweeps) {
    if (sum.name != s.name) continue;
    std::printf("  runs        %" PRId64 " ok, %" PRId64 " failed, %" PRId64 " assertion failed\n",
                sum.runs_ok, sum.runs_failed, sum.runs_assertion_failed);
  }
  return kExitOk;
}

// The sweep --sweep names, or the store's only one.
absl::StatusOr<store::SweepRecord> chosen_sweep(store::ResultStore& db, const Args& args) {
  if (auto name = args.get("sweep")) return db.read_sweep(*name);
  auto sweeps = db.list_sweeps();
  if (!sweeps.ok()) return sweeps.status();
  if (sweeps->size() != 1) {
    return absl::InvalidArgumentError(fmt::format("{} holds {} sweeps: name one with --sweep NAME",
                                                  db.display_url(), sweeps->size()));
  }
  return db.read_sweep(sweeps->front().name);
}

// The report from the store: the sweep file it keeps gives the report's settings.
absl::Status write_html(store::ResultStore& db, const store::SweepRecord& s,
                        const std::string& path) {
  auto spec = io::parse_sweep(s.name + ".toml", s.spec_text);
  if (!spec.ok()) return spec.status();
  auto runs = db.read_runs(s.name);
  if (!runs.ok()) return runs.status();
  return io::write_file_atomic(path, io::render_sweep_report(*spec, s, *runs));
}

}  // namespace

int run_results(const std::vector<std::string_view>& argv) {
  const Args::Spec spec{{"sweep", "csv", "html"}, {}, 1024};
  auto args = Args::parse(argv, spec);
  if (!args.ok()) return kCli.usage_error(args.status());
  if (args->help()) return kCli.help();
  const std::vector<std::string>& pos = args->positional();
  if (!pos.empty() && pos[0] == "merge") {
    if (args->has("sweep") || args->has("csv") || args->has("html")) {
      return kCli.usage_error(absl::InvalidArgumentError("merge takes no option"));
    }
    return merge(std::span<const std::string>(pos).subspan(1));
  }
  if (pos.size() != 1) return kCli.usage_error(absl::InvalidArgumentError("expected one DB"));
  // Reading a store must not create one: an SQLite path that does not exist is a typo.
  auto url = store::parse_store_url(pos[0]);
  if (!url.ok()) return kCli.usage_error(url.status());
  std::error_code ec;
  if (url->backend == store::Backend::kSqlite && !std::filesystem::exists(url->target, ec)) {
    return kCli.fail(absl::NotFoundError(fmt::format("{}: no such store", url->display)));
  }
  auto db = store::open_store(pos[0]);
  if (!db.ok()) return kCli.fail(db.status());
  if (!args->has("sweep") && !args->has("csv") && !args->has("html")) return list(**db);
  auto sweep = chosen_sweep(**db, *args);
  if (!sweep.ok()) return kCli.fail(sweep.status());
  if (auto csv = args->get("csv")) {
    if (auto st = store::export_csv_file(**db, sweep->name, *csv); !st.ok()) return kCli.fail(st);
    std::printf("csv: sweep %s -> %s\n", sweep->name.c_str(), csv->c_str());
  }
  if (auto html = args->get("html")) {
    if (auto st = write_html(**db, *sweep, *html); !st.ok()) return kCli.fail(st);
    std::printf("html: sweep %s -> %s\n", sweep->name.c_str(), html->c_str());
  }
  if (!args->has("csv") && !args->has("html")) return describe(**db, *sweep);
  return kExitOk;
}

}  // namespace q50::app
