#include "io/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "fmt/format.h"

namespace q50::io {
namespace {

absl::Status too_large(const std::string& path, std::size_t max_bytes) {
  return absl::InvalidArgumentError(
      fmt::format("{}: file too large (more than {} bytes, the limit for this kind of input)",
                  path, max_bytes));
}

}  // namespace

absl::StatusOr<int> open_input(const std::string& path) {
  // O_NONBLOCK: opening a FIFO that has no writer must not block; cleared right after.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT) return absl::NotFoundError(fmt::format("{}: no such file", path));
    if (e == EISDIR) return absl::UnavailableError(fmt::format("{}: is a directory, not a file", path));
    return absl::UnavailableError(fmt::format("{}: cannot open: {}", path, std::strerror(e)));
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return absl::UnavailableError(fmt::format("{}: is a directory, not a file", path));
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

absl::StatusOr<std::string> read_input(const std::string& path, std::size_t max_bytes) {
  auto fd = open_input(path);
  if (!fd.ok()) return fd.status();
  struct stat st {};
  std::string content;
  // A regular file is read into one buffer of its size (one byte to spare, so the read that
  // meets the end needs no larger buffer); anything else grows as it comes.
  if (::fstat(*fd, &st) == 0 && S_ISREG(st.st_mode)) {
    if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
      ::close(*fd);
      return too_large(path, max_bytes);
    }
    content.resize(static_cast<std::size_t>(st.st_size) + 1);
  } else {
    content.resize(std::size_t{1} << 16);
  }
  std::size_t got = 0;
  while (true) {
    if (got == content.size()) {
      if (got > max_bytes) break;
      content.resize(std::min(2 * content.size(), max_bytes + 1));
    }
    const ssize_t n = ::read(*fd, content.data() + got, content.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(*fd);
      if (e == EISDIR) return absl::UnavailableError(fmt::format("{}: is a directory, not a file", path));
      return absl::UnavailableError(fmt::format("{}: read error: {}", path, std::strerror(e)));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(*fd);
  if (got > max_bytes) return too_large(path, max_bytes);
  content.resize(got);
  return content;
}

std::string_view strip_utf8_bom(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  return text;
}

absl::StatusOr<std::string> read_text_input(const std::string& path, std::size_t max_bytes) {
  auto content = read_input(path, max_bytes);
  if (!content.ok()) return content.status();
  if (strip_utf8_bom(*content).size() != content->size()) content->erase(0, 3);
  return content;
}

}  // namespace q50::io
