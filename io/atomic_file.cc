#include "io/atomic_file.h"

namespace q50::io {

absl::Status write_file_atomic(const std::string& path, std::string_view content) {
  return write_output_file(path, content);
}

absl::Status write_file_durable(const std::string& path, std::string_view content,
                                const std::vector<std::string>& inputs) {
  OutputOptions options;
  options.durable = true;
  options.inputs = inputs;
  return write_output_file(path, content, options);
}

absl::StatusOr<std::string> read_file(const std::string& path) {
  return read_input(path, kMaxCsvBytes);
}

}  // namespace q50::io
