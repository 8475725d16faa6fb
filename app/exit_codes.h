#ifndef Q50SIM_APP_EXIT_CODES_H_
#define Q50SIM_APP_EXIT_CODES_H_

#include "absl/status/status.h"

namespace q50::app {

// Documented in README.md and in `q50sim --help`. Scripts depend on them: never renumber.
enum ExitCode : int {
  kExitOk = 0,
  kExitCheckFailed = 1,  // the run worked but a check failed (agreement below threshold, ...)
  kExitUsage = 2,        // bad command line
  kExitBadInput = 3,     // input file malformed: missing column, bad number, unsorted keys ...
  kExitIo = 4,           // a file could not be read or written
};

// Maps a Status from the io/ and core/ layers to an exit code: InvalidArgument and
// FailedPrecondition are bad input, NotFound/Unavailable/PermissionDenied are I/O.
int exit_code_for(const absl::Status& status);

}  // namespace q50::app

#endif  // Q50SIM_APP_EXIT_CODES_H_
