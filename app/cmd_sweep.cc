// q50sim sweep: the points of a sweep file run in process, stored, and reported
// (runner/sweep.h does the work; io/sweep_file.h describes the file).
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "app/args.h"
#include "app/command_output.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "fmt/format.h"
#include "io/slurm_script.h"
#include "runner/sweep.h"
#include "store/store_url.h"

namespace q50::app {
namespace {

constexpr std::string_view kHelp =
    "usage: q50sim sweep SWEEP.toml --out DIR [--jobs N] [--shard I/N] [--db URL]\n"
    "       q50sim sweep SWEEP.toml --out DIR --emit-slurm FILE [--db URL]\n"
    "       q50sim sweep SWEEP.toml --point K --out DIR\n"
    "       q50sim sweep SWEEP.toml --dry-run\n"
    "\n"
    "Runs every point of a sweep (scenarios/sweeps/README.md documents the file: a scenario or\n"
    "a legacy replay as the base, and dimensions of lists, grids, seeded random samples and\n"
    "seed ranges) in this process, stores each run's metrics, and writes DIR/sweep.html.\n"
    "\n"
    "  --out DIR          DIR/sweep.html, and the store DIR/results.sqlite unless --db\n"
    "  --jobs N           runs N points at a time on N threads (default 1); results, their\n"
    "                     order and the store do not depend on N\n"
    "  --shard I/N        runs the points i with i mod N == I (0 <= I < N); default from\n"
    "                     SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT when both are set\n"
    "  --db URL           the results store: an SQLite file (PATH or sqlite:PATH) or\n"
    "                     postgresql://user@host:port/db (the password may come from\n"
    "                     PGPASSWORD instead of the URL)\n"
    "  --emit-slurm FILE  writes an sbatch job-array script (one task per shard; [slurm] in the\n"
    "                     sweep file sets shards and resources) instead of running; each task\n"
    "                     stores into --db, or into DIR/shards/shard-I-of-N.sqlite to merge\n"
    "  --point K          runs point K alone and writes its full outputs to DIR, as q50sim\n"
    "                     run / replay would (a replay point also writes DIR/point/input.csv\n"
    "                     and config.json); prints the equivalent command and the fingerprint\n"
    "  --dry-run          prints the sweep's points and shard sizes; runs nothing\n"
    "\n"
    "A sweep is idempotent: points the store holds already are skipped, so a re-run or a\n"
    "retried shard adds no duplicate and loses no point. A point that fails (a bad value, an\n"
    "error, a failed assertion) is stored with its reason; the sweep goes on. Progress (points,\n"
    "rate, ETA) goes to stderr when it is a terminal.\n"
    "exit codes: 0 every point of the shard is stored (failed points included), 2 bad command\n"
    "line, 3 bad sweep file or base input (file:line:column), 4 a file or the store could not\n"
    "be read or written\n";

constexpr CommandOutput kCli("sweep", kHelp);

absl::StatusOr<runner::SweepOptions> parse_options(const Args& args) {
  runner::SweepOptions o;
  o.env = io::process_env();
  o.version = Q50SIM_VERSION;
  if (!args.has("dry-run")) {
    auto out = args.require("out");
    if (!out.ok()) return out.status();
    o.out_dir = *out;
  }
  o.db_url = args.get("db").value_or("");
  // A URL the store cannot take is a bad command line, refused before the sweep file is read.
  if (!o.db_url.empty()) {
    if (auto url = store::parse_store_url(o.db_url); !url.ok()) {
      return absl::InvalidArgumentError("--db: " + std::string(url.status().message()));
    }
  }
  auto jobs = args.get_int("jobs", 1);
  if (!jobs.ok()) return jobs.status();
  if (*jobs < 1 || *jobs > 256) {
    return absl::InvalidArgumentError(fmt::format("--jobs: expected 1..256 (got {})", *jobs));
  }
  o.jobs = static_cast<std::size_t>(*jobs);
  auto shard =
      args.has("shard") ? runner::parse_shard(*args.get("shard")) : runner::shard_from_slurm(o.env);
  if (!shard.ok()) return shard.status();
  o.shard = *shard;
  o.progress = isatty(STDERR_FILENO) != 0;
  return o;
}

std::string absolute(const std::string& path) {
  std::error_code ec;
  const auto p = std::filesystem::absolute(path, ec);
  return ec ? path : p.lexically_normal().string();
}

// Array tasks start in the submitting directory, maybe on another machine: an SQLite store's
// path is made absolute; a server URL stays as it is.
std::string absolute_store(const std::string& url) {
  if (url.empty() || url.find("://") != std::string::npos) return url;
  if (url.starts_with("sqlite:")) return "sqlite:" + absolute(url.substr(7));
  return absolute(url);
}

int emit_slurm(const io::SweepSpec& spec, const runner::SweepOptions& o, const std::string& file) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const io::SlurmScriptRequest request{ec ? std::string("q50sim") : self.string(),
                                       absolute(spec.path),
                                       absolute(o.out_dir),
                                       absolute_store(o.db_url),
                                       spec.name,
                                       spec.slurm};
  if (auto st = io::write_slurm_script(file, request); !st.ok()) return kCli.fail(st);
  std::printf("slurm: %s: %" PRId64 " array tasks, one per shard -> submit with: sbatch %s\n",
              file.c_str(), spec.slurm.shards, file.c_str());
  return kExitOk;
}

int dry_run(const io::SweepSpec& spec, const runner::Shard& shard) {
  const std::string text = runner::describe_points(spec, shard);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

int run_point(const io::SweepSpec& spec, const Args& args, const runner::SweepOptions& o) {
  auto point = args.get_int("point", 0);
  if (!point.ok()) return kCli.usage_error(point.status());
  auto files = runner::run_sweep_point(spec, *point, o.out_dir, o.env, o.version);
  if (!files.ok()) {
    if (absl::IsOutOfRange(files.status())) return kCli.usage_error(files.status());
    return kCli.fail(files.status());
  }
  const store::RunRecord& r = files->record;
  std::printf("point %" PRId64 ": %s%s%s -> %s\nsame run: %s\nfingerprint=%016" PRIx64 "\n",
              r.point_index, std::string(store::run_status_name(r.status)).c_str(),
              r.error.empty() ? "" : ": ", r.error.c_str(), o.out_dir.c_str(),
              files->command.c_str(), r.fingerprint.value_or(0));
  return r.status == store::RunStatus::kOk ? kExitOk : kExitCheckFailed;
}

void print_outcome(const io::SweepSpec& spec, const runner::SweepOptions& o,
                   const runner::SweepOutcome& r) {
  const double rate = r.run_seconds > 0 ? static_cast<double>(r.run) / r.run_seconds : 0.0;
  std::printf("sweep %s: shard %" PRId64 "/%" PRId64 " holds %" PRId64 " of %" PRId64
              " points; %" PRId64 " already stored, %" PRId64 " run with --jobs %zu\n",
              spec.name.c_str(), o.shard.index, o.shard.count, r.shard_points, r.points,
              r.already_stored, r.run, o.jobs);
  std::printf("runs: %" PRId64 " ok, %" PRId64 " failed, %" PRId64
              " assertion failed; %.2f s, %.1f points/s (prepare %.2f s, report %.2f s)\n",
              r.ok, r.failed, r.assertion_failed, r.run_seconds, rate, r.prepare_seconds,
              r.report_seconds);
  std::printf("store: %s\nreport: %s\n", r.store.c_str(), r.report.c_str());
}

}  // namespace

int run_sweep(const std::vector<std::string_view>& argv) {
  const Args::Spec spec{{"out", "jobs", "shard", "db", "emit-slurm", "point"}, {"dry-run"}, 1};
  auto args = Args::parse(argv, spec);
  if (!args.ok()) return kCli.usage_error(args.status());
  if (args->help()) return kCli.help();
  if (args->positional().size() != 1) {
    return kCli.usage_error(absl::InvalidArgumentError("missing SWEEP.toml"));
  }
  const int modes = args->has("emit-slurm") + args->has("point") + args->has("dry-run");
  if (modes > 1) {
    return kCli.usage_error(
        absl::InvalidArgumentError("--emit-slurm, --point and --dry-run exclude each other"));
  }
  auto options = parse_options(*args);
  if (!options.ok()) return kCli.usage_error(options.status());
  auto sweep = io::read_sweep(args->positional()[0]);
  if (!sweep.ok()) return kCli.fail(sweep.status());
  std::printf("seed=%" PRIu64 " scenario=%s version=%s\n", sweep->sample_seed, sweep->name.c_str(),
              Q50SIM_VERSION);
  std::fflush(stdout);
  if (args->has("dry-run")) return dry_run(*sweep, options->shard);
  if (auto file = args->get("emit-slurm")) return emit_slurm(*sweep, *options, *file);
  if (args->has("point")) return run_point(*sweep, *args, *options);
  auto outcome = runner::run_sweep(*sweep, *options);
  if (!outcome.ok()) return kCli.fail(outcome.status());
  print_outcome(*sweep, *options, *outcome);
  return kExitOk;
}

}  // namespace q50::app
