#ifndef Q50SIM_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define Q50SIM_TESTS_FUZZ_FUZZ_SUPPORT_H_

// Helpers for the libFuzzer targets (tests/fuzz/*_fuzz.cc): the readers under test take paths,
// so an input's bytes become an in-memory file (memfd) named /proc/self/fd/N -- a regular,
// seekable file that leaves nothing on disk. Targets that need a directory layout (qlib, the
// command line) write into one private temporary directory per process (scratch_dir()).

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>

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

// The first byte as a small selector (0 when empty), and the rest.
inline std::pair<unsigned, std::string_view> take_selector(std::string_view text) {
  if (text.empty()) return {0, text};
  return {static_cast<unsigned char>(text[0]), text.substr(1)};
}

// A fresh directory under $TMPDIR (or /tmp) made once per process and removed at exit.
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "q50sim-fuzz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch_dir(), ec);
    });
    return std::filesystem::path(pattern);
  }();
  return dir;
}

inline void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace q50::fuzz

#endif  // Q50SIM_TESTS_FUZZ_FUZZ_SUPPORT_H_
