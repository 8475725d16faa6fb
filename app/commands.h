#ifndef Q50SIM_APP_COMMANDS_H_
#define Q50SIM_APP_COMMANDS_H_

#include <string_view>
#include <vector>

namespace q50::app {

// Every subcommand takes its own arguments (argv after the command name), prints its own
// --help, and returns an exit code from app/exit_codes.h. Errors go to stderr.
using CommandFn = int (*)(const std::vector<std::string_view>& args);

struct Command {
  std::string_view name;
  std::string_view summary;  // one line for `q50sim --help`
  CommandFn run;
};

int run_demo(const std::vector<std::string_view>& args);      // app/cmd_demo.cc
int run_signals(const std::vector<std::string_view>& args);   // app/cmd_signals.cc
int run_features(const std::vector<std::string_view>& args);  // app/cmd_features.cc
int run_compare(const std::vector<std::string_view>& args);   // app/cmd_compare.cc
int run_replay(const std::vector<std::string_view>& args);    // app/cmd_replay.cc
int run_run(const std::vector<std::string_view>& args);       // app/cmd_run.cc
int run_suite(const std::vector<std::string_view>& args);     // app/cmd_suite.cc
int run_live(const std::vector<std::string_view>& args);      // app/cmd_live.cc
int run_venue(const std::vector<std::string_view>& args);     // app/cmd_venue.cc
int run_sweep(const std::vector<std::string_view>& args);     // app/cmd_sweep.cc
int run_results(const std::vector<std::string_view>& args);   // app/cmd_results.cc

}  // namespace q50::app

#endif  // Q50SIM_APP_COMMANDS_H_
