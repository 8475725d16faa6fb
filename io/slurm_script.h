#ifndef Q50SIM_IO_SLURM_SCRIPT_H_
#define Q50SIM_IO_SLURM_SCRIPT_H_

// The sbatch script of a sweep as a Slurm job array (`q50sim sweep --emit-slurm FILE`): one
// array task per shard, the resources of the sweep file's [slurm] table, the store every task
// writes to, and retries of a failed shard inside its task. A shard is idempotent (it skips
// what its store holds), so a retried or requeued task (--requeue) adds no duplicate and loses
// no point.
//
// Stores: with a store URL (PostgreSQL, meant for many machines) every task writes to it;
// without one each task writes its own SQLite file OUT/shards/shard-I-of-N.sqlite (SQLite over
// a network file system is unsafe for writers on many machines), merged afterwards by the
// command the script's header shows.

#include <string>

#include "absl/status/status.h"
#include "io/sweep_file.h"

namespace q50::io {

struct SlurmScriptRequest {
  std::string q50sim;      // the binary every task runs (absolute)
  std::string sweep_file;  // absolute
  std::string out_dir;     // absolute
  std::string db_url;      // the store every task writes to, or empty: SQLite per shard
  std::string sweep_name;
  SlurmSpec slurm;
};

// The script's text: bash, the #SBATCH header, then the task's loop.
std::string render_slurm_script(const SlurmScriptRequest& request);

// The SQLite file of shard `index` of `count` under out_dir (what the script's tasks write).
std::string shard_store_path(const std::string& out_dir, std::int64_t index, std::int64_t count);

// Writes the script atomically, executable (0755), and creates out_dir/slurm (sbatch opens the
// tasks' logs there before a task runs) and out_dir/shards. Unavailable naming the path on
// failure.
absl::Status write_slurm_script(const std::string& path, const SlurmScriptRequest& request);

}  // namespace q50::io

#endif  // Q50SIM_IO_SLURM_SCRIPT_H_
