#include "io/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "fmt/format.h"

namespace q50::io {

absl::Status write_file_atomic(const std::string& path, std::string_view content) {
  const std::string tmp = path + ".partial";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    return absl::UnavailableError(
        fmt::format("{}: cannot create output file: {}", path, std::strerror(errno)));
  }
  const bool wrote = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  const bool flushed = std::fflush(f) == 0;
  const int saved_errno = errno;
  const bool closed = std::fclose(f) == 0;
  if (!wrote || !flushed || !closed) {
    std::remove(tmp.c_str());
    return absl::UnavailableError(
        fmt::format("{}: write failed: {}", path, std::strerror(saved_errno)));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int rename_errno = errno;
    std::remove(tmp.c_str());
    return absl::UnavailableError(
        fmt::format("{}: cannot move output into place: {}", path, std::strerror(rename_errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int e = errno;
    if (e == ENOENT) return absl::NotFoundError(fmt::format("{}: no such file", path));
    return absl::UnavailableError(fmt::format("{}: cannot open: {}", path, std::strerror(e)));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return absl::UnavailableError(fmt::format("{}: read error", path));
  return std::move(ss).str();
}

}  // namespace q50::io
