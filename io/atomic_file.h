#ifndef Q50SIM_IO_ATOMIC_FILE_H_
#define Q50SIM_IO_ATOMIC_FILE_H_

// Whole-file shorthands over the output protocol (io/output_set.h) and the input reader
// (io/input_file.h).

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "io/input_file.h"
#include "io/output_set.h"

namespace q50::io {

// Writes content to path as a one-file output set: staged, renamed into place, nothing left on
// failure; "-" writes standard output.
absl::Status write_file_atomic(const std::string& path, std::string_view content);

// The same, fsync'ed before and after the rename (checkpoints), refusing to replace any of
// `inputs`.
absl::Status write_file_durable(const std::string& path, std::string_view content,
                                const std::vector<std::string>& inputs = {});

// Reads a whole file (read_input with the CSV limit, 4 GiB).
absl::StatusOr<std::string> read_file(const std::string& path);

}  // namespace q50::io

#endif  // Q50SIM_IO_ATOMIC_FILE_H_
