#include <array>
#include <cstdio>
#include <string_view>
#include <vector>

#include "app/commands.h"
#include "app/exit_codes.h"

namespace {

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
    if (c.name == name) return c.run(args);
  }
  std::fprintf(stderr, "q50sim: unknown command '%s'\n\n", argv[1]);
  print_usage(stderr);
  return q50::app::kExitUsage;
}
