#ifndef Q50SIM_APP_COMMAND_OUTPUT_H_
#define Q50SIM_APP_COMMAND_OUTPUT_H_

#include <string_view>

#include "absl/status/status.h"

namespace q50::app {

// How every subcommand reports to the terminal, so that all of them look alike: errors go to
// stderr prefixed "q50sim NAME: ", a command-line error is followed by the command's help, and
// the exit code follows app/exit_codes.h. `help` must outlive the object (it is a constant).
class CommandOutput {
 public:
  constexpr CommandOutput(std::string_view command, std::string_view help)
      : command_(command), help_(help) {}

  // "q50sim NAME: message" on stderr; the exit code for the status (exit_code_for).
  int fail(const absl::Status& status) const;
  // The message, a blank line and the help on stderr; kExitUsage.
  int usage_error(const absl::Status& status) const;
  // The help on stdout; kExitOk.
  int help() const;

 private:
  std::string_view command_;
  std::string_view help_;
};

}  // namespace q50::app

#endif  // Q50SIM_APP_COMMAND_OUTPUT_H_
