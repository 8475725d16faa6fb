#ifndef Q50SIM_TESTS_SUPPORT_TEST_ENV_H_
#define Q50SIM_TESTS_SUPPORT_TEST_ENV_H_

#include <string>
#include <vector>

namespace q50::testing {

// The existing system's reference directory: $Q50SIM_REFERENCE_DIR if set, else the CMake cache
// variable Q50SIM_REFERENCE_DIR if set, else build/<preset>/reference, where the ctest fixture
// golden_existing_unpack unpacks golden/existing after checking it against its MANIFEST.tsv.
// Fails the calling test (BOOST_REQUIRE) when the directory does not exist (a missing directory
// is an error, never a skip), and under ctest when the test does not require that fixture.
std::string reference_dir();

// The exit code ctest reads as SKIPPED (every test has SKIP_RETURN_CODE 77).
inline constexpr int kSkipExitCode = 77;

// Where `program` is on PATH, or "" when it is not.
std::string find_on_path(const std::string& program);

// `program` on PATH. Without it the test cannot run: in CI (CI=true), where ci/install_deps.sh
// installs it, that fails the calling test; elsewhere the whole test executable exits
// kSkipExitCode after printing why, and ctest reports SKIPPED, never passed.
std::string program_or_skip(const std::string& program, const std::string& why);

// Path of the built q50sim binary ($Q50SIM_BIN, set by ctest).
std::string q50sim_bin();

// The source tree ($Q50SIM_SOURCE_DIR, set by ctest); fails the calling test when unset.
std::string source_dir();

// A fresh, empty directory under the build tree for one test's outputs.
std::string make_temp_dir(const std::string& name);

// Runs argv (argv[0] is the program) with stdout and stderr captured; returns the exit code.
struct RunResult {
  int exit_code;
  std::string out;
  std::string err;
};
RunResult run_process(const std::vector<std::string>& argv);

std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);
bool file_exists(const std::string& path);

}  // namespace q50::testing

#endif  // Q50SIM_TESTS_SUPPORT_TEST_ENV_H_
