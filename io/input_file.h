#ifndef Q50SIM_IO_INPUT_FILE_H_
#define Q50SIM_IO_INPUT_FILE_H_

// Reading an input file whole, the one way every reader does it. A path that is not a regular
// file is read too (a pipe from `<(zcat x.gz)`, /dev/stdin), up to the size limit; a FIFO
// nobody writes reads as empty instead of blocking. Errors name the path:
//   NotFound     "PATH: no such file"                              (exit 4)
//   Unavailable  "PATH: is a directory, not a file", unreadable    (exit 4)
//   InvalidArgument "PATH: file too large (more than N bytes ...)" (exit 3)

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace q50::io {

// Size limits of the inputs (README "Validation bounds"). CSV fields are indexed with 32-bit
// offsets, hence 4 GiB; the others are far above any real file of their kind and keep a
// mistaken path (a disk image, /dev/zero) from exhausting memory.
inline constexpr std::size_t kMaxCsvBytes = (std::size_t{1} << 32) - 1;
inline constexpr std::size_t kMaxConfigBytes = std::size_t{16} << 20;       // TOML, JSON
inline constexpr std::size_t kMaxCheckpointBytes = std::size_t{1} << 30;
inline constexpr std::size_t kMaxQlibBytes = std::size_t{2} << 30;

// The file's bytes, at most max_bytes of them.
absl::StatusOr<std::string> read_input(const std::string& path, std::size_t max_bytes);

// Opens an input for reading (the errors above; a FIFO without a writer does not block): the
// file descriptor, the caller's to close. Streaming readers (io/csv_reader.h) start here.
absl::StatusOr<int> open_input(const std::string& path);

// read_input, then a leading UTF-8 byte order mark (EF BB BF) removed: every text input
// accepts one (spreadsheet programs write it).
absl::StatusOr<std::string> read_text_input(const std::string& path, std::size_t max_bytes);

// text without a leading UTF-8 byte order mark.
std::string_view strip_utf8_bom(std::string_view text);

}  // namespace q50::io

#endif  // Q50SIM_IO_INPUT_FILE_H_
