#ifndef Q50SIM_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define Q50SIM_TESTS_FUZZ_FUZZ_SUPPORT_H_

// Helpers for the libFuzzer targets (tests/fuzz/*_fuzz.cc): the readers under test take paths,
// so an input's bytes become an in-memory file (memfd) named /proc/self/fd/N -- a regular,
// seekable file that leaves nothing on disk.

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace q50::fuzz {

class MemFile {
 public:
  explicit MemFile(std::string_view bytes) {
    fd_ = ::memfd_create("q50sim-fuzz", MFD_CLOEXEC);
    std::size_t done = 0;
    while (fd_ >= 0 && done < bytes.size()) {
      const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    if (fd_ >= 0) ::lseek(fd_, 0, SEEK_SET);
  }
  ~MemFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_ = -1;
};

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits text at the first occurrence of `separator` (the rest is empty when it is absent).
inline std::pair<std::string_view, std::string_view> split_once(std::string_view text,
                                                                std::string_view separator) {
  const std::size_t at = text.find(separator);
  if (at == std::string_view::npos) return {text, {}};
  return {text.substr(0, at), text.substr(at + separator.size())};
}

}  // namespace q50::fuzz

#endif  // Q50SIM_TESTS_FUZZ_FUZZ_SUPPORT_H_
