// A sweep as a Slurm job array on a real one-node cluster (ci/slurm.sh starts it on localhost):
// `q50sim sweep --emit-slurm` writes the script, `sbatch --wait` runs its 4 array tasks, one
// shard each, and the result equals a single-process sweep row for row (same fingerprints, the
// same CSV bytes): once with an SQLite file per shard merged afterwards, once with every task
// writing to the PostgreSQL server. Without Slurm (sbatch not on PATH, or not root to start the
// daemons) the test is SKIPPED, and fails in CI; the PostgreSQL case follows the store tests'
// rule (tests/store/store_test_support.h).
#define BOOST_TEST_NO_MAIN
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include "tests/app/sweep_test_support.h"
#include "tests/store/store_test_support.h"

namespace {

using q50::store::testing::TestBackend;
namespace t = q50::testing;
using q50::testing::source_dir;

// sbatch, with the cluster up; SKIPPED (exit 77) outside CI when Slurm cannot run here.
std::string slurm_or_skip() {
  const std::string sbatch = t::program_or_skip("sbatch", "the sweep's Slurm job array");
  if (geteuid() != 0) {
    BOOST_REQUIRE_MESSAGE(!q50::store::testing::in_ci(),
                          "the Slurm test starts slurmctld and slurmd: CI runs it as root");
    std::fprintf(stderr, "SKIPPED: starting a Slurm cluster needs root\n");
    std::fflush(nullptr);
    std::_Exit(t::kSkipExitCode);
  }
  const auto up = t::run_process({"/bin/bash", source_dir() + "/ci/slurm.sh", "start"});
  BOOST_REQUIRE_MESSAGE(up.exit_code == 0, "ci/slurm.sh start failed:\n" << up.out << up.err);
  return sbatch;
}

// 3 x 8 points of a small fault scenario: a few seconds of work in all.
void write_sweep(const std::string& dir) {
  t::write_text(dir + "/base.toml", t::small_fault_scenario(600));
  t::write_text(
      dir + "/s.toml",
      "[sweep]\nname = \"slurm_array\"\nbatch_points = 2\n[base]\nscenario = \"base.toml\"\n"
      "[[dimension]]\nkey = \"signals.synthetic.skill\"\nvalues = [0.05, 0.1, 0.2]\n"
      "[[dimension]]\nseeds = { from = 1, count = 8 }\n"
      "[slurm]\nshards = 4\ncpus_per_task = 1\nmem = \"256M\"\ntime = \"00:05:00\"\n");
}

// Submits the script and waits for every task (at most 5 minutes).
void submit_and_wait(const std::string& sbatch, const std::string& script) {
  const auto r = t::run_process({"/usr/bin/timeout", "300", sbatch, "--wait", script});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "sbatch --wait " << script << " exited " << r.exit_code
                                                           << ":\n"
                                                           << r.out << r.err);
}

std::string single_process_csv(const std::string& dir) {
  t::run_sweep({dir + "/s.toml", "--out", dir + "/single", "--jobs", "2"});
  return t::export_csv(dir + "/single/results.sqlite", dir + "/single.csv");
}

}  // namespace

Q50_STORE_CASE(a_four_shard_job_array_equals_the_single_process_sweep) {
  const std::string sbatch = slurm_or_skip();
  const std::string dir = t::make_temp_dir(fmt::format("slurm_{}", backend.name()));
  write_sweep(dir);
  const std::string expected = single_process_csv(dir);
  std::vector<std::string> emit{"sweep",        dir + "/s.toml", "--out",
                                dir + "/array", "--emit-slurm",  dir + "/job.sh"};
  const std::string url = backend.is_postgres() ? backend.fresh_url("slurm") : "";
  if (backend.is_postgres()) emit.insert(emit.end(), {"--db", url});
  const auto emitted = t::q50sim(emit);
  BOOST_REQUIRE_MESSAGE(emitted.exit_code == 0, emitted.out << emitted.err);
  submit_and_wait(sbatch, dir + "/job.sh");
  std::string db = url;
  if (!backend.is_postgres()) {
    db = dir + "/array/results.sqlite";
    std::vector<std::string> merge{"results", "merge", db};
    for (int i = 0; i < 4; ++i) {
      const std::string shard = fmt::format("{}/array/shards/shard-{}-of-4.sqlite", dir, i);
      BOOST_TEST(t::file_exists(shard), shard);
      merge.push_back(shard);
    }
    const auto merged = t::q50sim(merge);
    BOOST_REQUIRE_MESSAGE(merged.exit_code == 0, merged.out << merged.err);
  }
  const std::string actual = t::export_csv(db, dir + "/array.csv");
  BOOST_TEST((actual == expected), "the job array's results differ from the single process's");
  BOOST_TEST(t::parse_csv(actual).rows.size() == 24u);
  for (int i = 0; i < 4; ++i) {
    const std::string report = fmt::format("{}/array/shards/shard-{}/sweep.html", dir, i);
    BOOST_TEST(t::file_exists(report), report);
  }
}
