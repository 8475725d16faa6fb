#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/process_memory.h"
#include "io/cleanup.h"

namespace {

#ifdef Q50SIM_NET_EXECUTABLE
// This is the lean q50sim (cmake/Q50simLeanCli.cmake): `live` and `venue` run in the
// executable Q50SIM_NET_EXECUTABLE beside this one, which links the HTTP library. exec keeps
// the process id, the open descriptors, the environment and the arguments (argv[0] included),
// so callers (and signals sent to them) see one process either way. "Beside" is the directory
// of /proc/self/exe, the file this process runs (symlinks resolved), never argv[0] or PATH.
char** g_argv = nullptr;

int exec_net_executable(const std::vector<std::string_view>&) {
  char self[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self);
  const int readlink_errno = errno;
  const std::string_view exe =
      n > 0 ? std::string_view(self, static_cast<std::size_t>(n)) : std::string_view();
  const std::size_t slash = exe.rfind('/');
  const char* unknown = nullptr;
  if (n < 0) {
    unknown = std::strerror(readlink_errno);
  } else if (static_cast<std::size_t>(n) >= sizeof self) {
    unknown = "longer than PATH_MAX";
  } else if (slash == std::string_view::npos) {
    unknown = "not an absolute path";
  }
  if (unknown != nullptr) {
    // Without the directory, exec'ing a bare name would run whatever the current directory
    // holds under that name: refuse instead.
    std::fprintf(stderr,
                 "q50sim %s: cannot find %s, which holds the network commands: the path of this "
                 "executable is unknown (/proc/self/exe: %s)\n",
                 g_argv[1], Q50SIM_NET_EXECUTABLE, unknown);
    return q50::app::kExitIo;
  }
  const std::string path = std::string(exe.substr(0, slash + 1)) + Q50SIM_NET_EXECUTABLE;
  std::fflush(nullptr);  // nothing is buffered yet; exec would drop what were
  ::execv(path.c_str(), g_argv);
  const int exec_errno = errno;
  std::fprintf(stderr,
               "q50sim %s: cannot run %s, which holds the network commands (the build puts it "
               "beside q50sim; keep the two together): %s\n",
               g_argv[1], path.c_str(), std::strerror(exec_errno));
  return q50::app::kExitIo;
}

constexpr auto kRunLive = exec_net_executable;
constexpr auto kRunVenue = exec_net_executable;
#else
constexpr auto kRunLive = q50::app::run_live;
constexpr auto kRunVenue = q50::app::run_venue;
#endif

constexpr std::array kCommands = {
    q50::app::Command{"demo",
                      "run the signal pipeline over the embedded synthetic series and summarise it",
                      q50::app::run_demo},
    q50::app::Command{"signals", "compute the Q50 signal columns from q10/q50/q90 + vol features",
                      q50::app::run_signals},
    q50::app::Command{"features",
                      "compute qlib features (log return, Std6, vol_risk, ...) from qlib bins",
                      q50::app::run_features},
    q50::app::Command{"compare", "per-column agreement report between two CSV files",
                      q50::app::run_compare},
    q50::app::Command{"replay",
                      "replay the existing system's backtesters bar for bar through the simulator",
                      q50::app::run_replay},
    q50::app::Command{"run", "run one scenario file through the simulator into an output directory",
                      q50::app::run_run},
    q50::app::Command{"suite",
                      "run every scenario of a directory and compare each with its golden folder",
                      q50::app::run_suite},
    q50::app::Command{"live", "trade the strategy on the Binance spot testnet (or a loopback mock)",
                      kRunLive},
    q50::app::Command{"venue",
                      "serve a loopback mock of Binance's spot REST API over a scenario's market",
                      kRunVenue},
    q50::app::Command{"sweep",
                      "run a sweep file's points (grids, samples, seeds) into a results store",
                      q50::app::run_sweep},
    q50::app::Command{"results", "list, export, report and merge results stores of sweeps",
                      q50::app::run_results},
};

void print_usage(std::FILE* out) {
  std::fprintf(out,
               "usage: q50sim <command> [options]\n"
               "\n"
               "commands:\n");
  for (const auto& c : kCommands) {
    std::fprintf(out, "  %-10.*s %.*s\n", static_cast<int>(c.name.size()), c.name.data(),
                 static_cast<int>(c.summary.size()), c.summary.data());
  }
  std::fprintf(out,
               "\n"
               "`q50sim <command> --help` describes a command's options.\n"
               "\n"
               "exit codes:\n"
               "  0  success\n"
               "  1  a check failed (e.g. agreement below the threshold)\n"
               "  2  bad command line\n"
               "  3  bad input data (the message names file, line, column and value)\n"
               "  4  a file could not be read or written\n");
}

}  // namespace

int main(int argc, char** argv) {
#ifdef Q50SIM_NET_EXECUTABLE
  g_argv = argv;
#endif
  q50::app::tune_process_memory();
  // SIGINT, SIGTERM, ... remove the temporary files of unfinished outputs (io/output_set.h).
  q50::io::install_signal_cleanup();
  if (argc < 2) {
    print_usage(stderr);
    return q50::app::kExitUsage;
  }
  const std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(stdout);
    return q50::app::kExitOk;
  }
  std::vector<std::string_view> args(argv + 2, argv + argc);
  for (const auto& c : kCommands) {
    if (c.name != name) continue;
    // The commands return statuses; what still arrives as an exception is memory running out
    // (or a bug): a message and an exit code, never an abort.
    try {
      return c.run(args);
    } catch (const std::bad_alloc&) {
      std::fprintf(stderr, "q50sim %s: out of memory\n", argv[1]);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "q50sim %s: internal error: %s (please report it)\n", argv[1],
                   e.what());
    }
    return q50::app::kExitIo;
  }
  std::fprintf(stderr, "q50sim: unknown command '%s'\n\n", argv[1]);
  print_usage(stderr);
  return q50::app::kExitUsage;
}
