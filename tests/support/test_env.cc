#include "tests/support/test_env.h"

#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace q50::testing {
namespace fs = std::filesystem;

std::string reference_dir() {
  // Under ctest every test has Q50SIM_READS_REFERENCE; 0 means the test does not wait for the
  // fixture that checks golden/existing, so it could read data nobody has verified.
  const char* reads = std::getenv("Q50SIM_READS_REFERENCE");
  BOOST_REQUIRE_MESSAGE(reads == nullptr || std::string(reads) != "0",
                        "this test reads reference data but does not require the ctest fixture "
                        "reference_data: add it to Q50SIM_TESTS_READING_REFERENCE in "
                        "tests/CMakeLists.txt");
  std::string dir;
  std::string origin;
  if (const char* env = std::getenv("Q50SIM_REFERENCE_DIR"); env != nullptr && *env != '\0') {
    dir = env;
    origin = "from $Q50SIM_REFERENCE_DIR";
  } else if (*Q50SIM_CONFIGURED_REFERENCE_DIR != '\0') {
    dir = Q50SIM_CONFIGURED_REFERENCE_DIR;
    origin = "from the CMake cache variable Q50SIM_REFERENCE_DIR";
  } else {
    dir = Q50SIM_UNPACKED_REFERENCE_DIR;
    origin =
        "golden/existing as unpacked by the ctest fixture golden_existing_unpack; run the "
        "tests through ctest, or `ctest --preset release -R golden_existing_unpack` first";
  }
  BOOST_REQUIRE_MESSAGE(fs::is_directory(dir), "reference directory "
                                                   << dir << " (" << origin
                                                   << ") is missing: agreement tests need the "
                                                      "existing system's reference data");
  return dir;
}

std::string find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  const std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const fs::path candidate = fs::path(dirs.substr(start, end - start)) / program;
    std::error_code ec;
    if (end > start && fs::is_regular_file(candidate, ec)) return candidate.string();
    start = end + 1;
  }
  return "";
}

std::string program_or_skip(const std::string& program, const std::string& why) {
  const std::string found = find_on_path(program);
  if (!found.empty()) return found;
  const char* ci = std::getenv("CI");
  BOOST_REQUIRE_MESSAGE(ci == nullptr || std::string(ci) != "true",
                        program << " is not on PATH (" << why
                                << "): CI must install it (ci/install_deps.sh)");
  std::fprintf(stderr, "SKIPPED: %s is not on PATH (%s); install it to run this test\n",
               program.c_str(), why.c_str());
  std::fflush(nullptr);
  std::_Exit(kSkipExitCode);
}

std::string q50sim_bin() {
  const char* env = std::getenv("Q50SIM_BIN");
  BOOST_REQUIRE_MESSAGE(env != nullptr, "Q50SIM_BIN is not set (run the tests through ctest)");
  return env;
}

std::string source_dir() {
  const char* env = std::getenv("Q50SIM_SOURCE_DIR");
  BOOST_REQUIRE_MESSAGE(env != nullptr, "Q50SIM_SOURCE_DIR is not set (run the tests through ctest)");
  return env;
}

std::string make_temp_dir(const std::string& name) {
  // Under the ctest entry's own name: two entries running one executable at once (a property
  // and its fresh-seed run) never share a directory.
  const char* test = std::getenv("Q50SIM_TEST_NAME");
  const fs::path dir = fs::current_path() / "test_tmp" /
                       (test != nullptr && *test != '\0' ? test : "manual") / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

RunResult run_process(const std::vector<std::string>& argv) {
  // Outputs go through temp files so a chatty child can never dead-lock on a full pipe.
  const std::string base = make_temp_dir("proc_" + std::to_string(getpid()));
  const std::string out_path = base + "/stdout";
  const std::string err_path = base + "/stderr";
  const pid_t pid = fork();
  BOOST_REQUIRE_MESSAGE(pid >= 0, "fork failed");
  if (pid == 0) {
    std::FILE* o = std::freopen(out_path.c_str(), "w", stdout);
    std::FILE* e = std::freopen(err_path.c_str(), "w", stderr);
    if (o == nullptr || e == nullptr) _exit(127);
    std::vector<char*> cargv;
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_text(out_path);
  r.err = read_text(err_path);
  return r;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

bool file_exists(const std::string& path) { return fs::exists(path); }

}  // namespace q50::testing
