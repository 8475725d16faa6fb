#ifndef Q50SIM_IO_GZIP_FILE_H_
#define Q50SIM_IO_GZIP_FILE_H_

#include <string>

#include "absl/status/statusor.h"

namespace q50::io {

// A file's bytes, decompressed when they are gzip data (they start with 1f 8b), so that a sweep
// reads the reference data as the repository stores it (golden/existing keeps large files
// gzipped) without a build step. NotFound / Unavailable for I/O; DataLoss naming the path for
// damaged or truncated gzip data or data that decompresses to 4 GiB or more.
absl::StatusOr<std::string> read_file_gunzipped(const std::string& path);

}  // namespace q50::io

#endif  // Q50SIM_IO_GZIP_FILE_H_
