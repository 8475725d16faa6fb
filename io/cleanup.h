#ifndef Q50SIM_IO_CLEANUP_H_
#define Q50SIM_IO_CLEANUP_H_

// Temporary files a signal must not leave behind. The output protocol (io/output_set.h)
// registers each staged file here; install_signal_cleanup() (called once by main) makes
// SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE unlink every registered path, then end the
// process with the same signal (so the shell still sees "killed by SIGINT"). The handler only
// calls async-signal-safe functions on fixed storage.
//
// A process that must do more before it dies (the suite, which stops its children and removes
// its work folder) installs its own handlers and calls remove_registered_files() itself.

#include <csignal>
#include <string_view>

namespace q50::io {

// Registers path; returns its slot, or -1 when every slot is taken or the path is too long
// (the file is then only removed by the code that staged it).
int cleanup_register(std::string_view path);
// Forgets a slot (the file was renamed into place or removed); -1 is ignored.
void cleanup_unregister(int slot);

void install_signal_cleanup();

// Unlinks every registered path (async-signal-safe).
void remove_registered_files();

// The signals the protocol handles, as a set (commit() blocks them while it renames).
sigset_t cleanup_signals();

}  // namespace q50::io

#endif  // Q50SIM_IO_CLEANUP_H_
