#include "io/slurm_script.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <system_error>

#include "fmt/format.h"
#include "io/atomic_file.h"

namespace q50::io {
namespace {

// A word for bash: single-quoted, a quote inside written as '\''.
std::string shell_word(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string header(const SlurmScriptRequest& r) {
  const SlurmSpec& s = r.slurm;
  const bool sqlite = r.db_url.empty();
  std::string out = fmt::format(
      "#!/bin/bash\n"
      "# q50sim sweep {0} as a Slurm job array: {1} tasks, one per shard (written by q50sim sweep "
      "--emit-slurm).\n"
      "# Submit with `sbatch FILE` (`sbatch --wait FILE` returns when every task has ended).\n"
      "# Each task runs its shard with --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT; a "
      "shard\n"
      "# skips the points its store holds, so a retried or requeued task adds no duplicate and\n"
      "# loses no point. A task retries its shard up to {2} times (not after exit 2 or 3: a bad\n"
      "# command line or bad input fails the same way again).\n",
      r.sweep_name, s.shards, s.retries);
  if (sqlite) {
    fmt::format_to(std::back_inserter(out),
                   "# Store: one SQLite file per shard, {0}/shards/shard-I-of-{1}.sqlite; when "
                   "every task is done:\n"
                   "#   {2} results merge {0}/results.sqlite {0}/shards/shard-*-of-{1}.sqlite\n",
                   r.out_dir, s.shards, r.q50sim);
  } else {
    out += "# Store: every task writes to the store of --db.\n";
  }
  const std::string cap = s.max_parallel > 0 ? fmt::format("%{}", s.max_parallel) : "";
  fmt::format_to(std::back_inserter(out),
                 "#SBATCH --job-name=q50sweep-{}\n#SBATCH --array=0-{}{}\n"
                 "#SBATCH --cpus-per-task={}\n#SBATCH --mem={}\n#SBATCH --time={}\n",
                 r.sweep_name, s.shards - 1, cap, s.cpus_per_task, s.mem, s.time);
  if (!s.partition.empty())
    fmt::format_to(std::back_inserter(out), "#SBATCH --partition={}\n", s.partition);
  fmt::format_to(std::back_inserter(out),
                 "#SBATCH --output={}/slurm/%x-%A_%a.out\n#SBATCH --requeue\n", r.out_dir);
  return out;
}

}  // namespace

std::string shard_store_path(const std::string& out_dir, std::int64_t index, std::int64_t count) {
  return fmt::format("{}/shards/shard-{}-of-{}.sqlite", out_dir, index, count);
}

std::string render_slurm_script(const SlurmScriptRequest& r) {
  std::string out = header(r);
  fmt::format_to(std::back_inserter(out),
                 "set -u\n"
                 "q50sim={}\nsweep={}\nout={}\n"
                 "task=\"${{SLURM_ARRAY_TASK_ID:?submit this script with sbatch: it is a job "
                 "array}}\"\n"
                 "count=\"${{SLURM_ARRAY_TASK_COUNT:-{}}}\"\n",
                 shell_word(r.q50sim), shell_word(r.sweep_file), shell_word(r.out_dir),
                 r.slurm.shards);
  if (r.db_url.empty()) {
    out += "db=\"$out/shards/shard-$task-of-$count.sqlite\"\n";
  } else {
    fmt::format_to(std::back_inserter(out), "db={}\n", shell_word(r.db_url));
  }
  fmt::format_to(std::back_inserter(out),
                 "mkdir -p \"$out/shards\" \"$out/slurm\"\n"
                 "attempt=0\n"
                 "while :; do\n"
                 "  \"$q50sim\" sweep \"$sweep\" --out \"$out/shards/shard-$task\" --shard "
                 "\"$task/$count\" --db \"$db\" --jobs \"${{SLURM_CPUS_PER_TASK:-1}}\"\n"
                 "  rc=$?\n"
                 "  [ \"$rc\" -eq 0 ] && exit 0\n"
                 "  if [ \"$rc\" -eq 2 ] || [ \"$rc\" -eq 3 ] || [ \"$attempt\" -ge {0} ]; then "
                 "exit \"$rc\"; fi\n"
                 "  attempt=$((attempt + 1))\n"
                 "  echo \"q50sim sweep: shard $task/$count exited $rc; retry $attempt of {0} in "
                 "$((attempt * 10)) s\" >&2\n"
                 "  sleep $((attempt * 10))\n"
                 "done\n",
                 r.slurm.retries);
  return out;
}

absl::Status write_slurm_script(const std::string& path, const SlurmScriptRequest& request) {
  for (const char* sub : {"slurm", "shards"}) {
    std::error_code ec;
    const std::string dir = fmt::format("{}/{}", request.out_dir, sub);
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return absl::UnavailableError(fmt::format("{}: cannot create: {}", dir, ec.message()));
    }
  }
  if (auto st = write_file_atomic(path, render_slurm_script(request)); !st.ok()) return st;
  if (::chmod(path.c_str(), 0755) != 0) {
    return absl::UnavailableError(
        fmt::format("{}: cannot make it executable: {}", path, std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace q50::io
