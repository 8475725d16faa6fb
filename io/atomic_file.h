#ifndef Q50SIM_IO_ATOMIC_FILE_H_
#define Q50SIM_IO_ATOMIC_FILE_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace q50::io {

// Writes content to path atomically: to "path.partial" in the same directory, flushed, then
// renamed over path. On any failure the partial file is removed and path is untouched.
absl::Status write_file_atomic(const std::string& path, std::string_view content);

// Reads a whole file; NotFound / Unavailable name the path and the OS reason.
absl::StatusOr<std::string> read_file(const std::string& path);

}  // namespace q50::io

#endif  // Q50SIM_IO_ATOMIC_FILE_H_
