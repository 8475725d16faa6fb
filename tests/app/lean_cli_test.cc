// The lean q50sim (cmake/Q50simLeanCli.cmake): `live` and `venue` run by exec'ing q50sim-net,
// found in the directory of the running executable (/proc/self/exe), never through argv[0],
// PATH or the current directory. Through q50sim they answer exactly as q50sim-net does; a
// q50sim without its sibling says which file is missing and exits 4 (a file could not be
// read); the lean executable loads neither cpp-httplib nor libssl. That signals reach the
// exec'd process (same pid) is checked by venue_cli_live_mock_test (SIGTERM, SIGINT) and
// live_month_live_mock_test (SIGKILL and restart), which start `q50sim live` and `venue`.
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/test_env.h"

namespace q50 {
namespace {

namespace fs = std::filesystem;
using testing::q50sim_bin;
using testing::run_process;

std::string net_bin() { return (fs::path(q50sim_bin()).parent_path() / "q50sim-net").string(); }

void require_same(const std::vector<std::string>& args) {
  std::vector<std::string> lean{q50sim_bin()};
  std::vector<std::string> net{net_bin()};
  lean.insert(lean.end(), args.begin(), args.end());
  net.insert(net.end(), args.begin(), args.end());
  const auto a = run_process(lean);
  const auto b = run_process(net);
  BOOST_TEST_CONTEXT("q50sim " << args[0] << " " << (args.size() > 1 ? args[1] : "")) {
    BOOST_TEST(a.exit_code == b.exit_code);
    BOOST_TEST(a.out == b.out);
    BOOST_TEST(a.err == b.err);
  }
}

BOOST_AUTO_TEST_CASE(network_commands_answer_as_q50sim_net_does) {
  BOOST_REQUIRE(testing::file_exists(net_bin()));
  require_same({"live", "--help"});
  require_same({"venue", "--help"});
  require_same({"live", "--no-such-option"});
  require_same({"venue"});
  require_same({"venue", "/nonexistent/scenario.toml", "--port", "0"});
  BOOST_TEST(run_process({q50sim_bin(), "live", "--help"}).exit_code == 0);
  BOOST_TEST(run_process({q50sim_bin(), "venue", "--no-such-option"}).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(a_q50sim_without_its_sibling_names_the_missing_file_and_exits_4) {
  const std::string dir = testing::make_temp_dir("alone");
  const std::string copy = dir + "/q50sim";
  fs::copy_file(q50sim_bin(), copy);
  for (const char* command : {"live", "venue"}) {
    const auto r = run_process({copy, command, "--help"});
    BOOST_TEST(r.exit_code == 4);
    BOOST_TEST(r.out.empty());
    BOOST_CHECK_MESSAGE(r.err.find(std::string("q50sim ") + command + ": cannot run " + dir +
                                   "/q50sim-net") != std::string::npos,
                        r.err);
  }
  // Every other command is in q50sim itself.
  BOOST_TEST(run_process({copy, "--help"}).exit_code == 0);
  BOOST_TEST(run_process({copy, "run", "--help"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(the_sibling_is_found_through_proc_self_exe_not_argv0) {
  // A symlink to q50sim in a folder that holds a decoy q50sim-net: following argv[0] would run
  // the decoy (exit 99); /proc/self/exe names the build's folder.
  const std::string dir = testing::make_temp_dir("symlink");
  fs::create_symlink(fs::absolute(q50sim_bin()), dir + "/q50sim");
  testing::write_text(dir + "/q50sim-net", "#!/bin/sh\nexit 99\n");
  ::chmod((dir + "/q50sim-net").c_str(), 0755);
  const auto via_link = run_process({dir + "/q50sim", "venue", "--help"});
  const auto direct = run_process({net_bin(), "venue", "--help"});
  BOOST_TEST(via_link.exit_code == 0);
  BOOST_TEST(via_link.out == direct.out);
}

BOOST_AUTO_TEST_CASE(the_lean_executable_loads_neither_httplib_nor_libssl) {
  // ld.so lists the shared libraries a program would load and exits (what ldd does).
  ::setenv("LD_TRACE_LOADED_OBJECTS", "1", 1);
  const auto lean = run_process({q50sim_bin()});
  const auto net = run_process({net_bin()});
  ::unsetenv("LD_TRACE_LOADED_OBJECTS");
  BOOST_TEST_MESSAGE("q50sim loads:\n" << lean.out);
  BOOST_REQUIRE(lean.out.find("libc.so") != std::string::npos);
  BOOST_CHECK_MESSAGE(lean.out.find("httplib") == std::string::npos, lean.out);
  BOOST_CHECK_MESSAGE(lean.out.find("libssl") == std::string::npos, lean.out);
  BOOST_CHECK_MESSAGE(net.out.find("httplib") != std::string::npos, net.out);
}

}  // namespace
}  // namespace q50
