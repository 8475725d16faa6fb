#include "io/output_set.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>
#include <system_error>
#include <utility>

#include "core/check.h"
#include "fmt/format.h"
#include "io/cleanup.h"

namespace q50::io {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kBufferBytes = std::size_t{1} << 16;

std::atomic<std::uint64_t> g_temp_counter{0};

absl::Status unavailable(const std::string& path, std::string_view what, int err = 0) {
  if (err == 0) return absl::UnavailableError(fmt::format("{}: {}", path, what));
  return absl::UnavailableError(fmt::format("{}: {}: {}", path, what, std::strerror(err)));
}

struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator<(const FileId& o) const { return dev != o.dev ? dev < o.dev : ino < o.ino; }
  bool operator==(const FileId& o) const { return dev == o.dev && ino == o.ino; }
};

std::optional<FileId> file_id(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileId{st.st_dev, st.st_ino};
}

// Paths under /dev/ and /proc/ name streams of this process or devices (/dev/stdout,
// /proc/self/fd/1): they are written, never replaced, whatever they resolve to.
bool is_stream_path(std::string_view path) {
  return path == "-" || path.starts_with("/dev/") || path.starts_with("/proc/");
}

// A lock held while the set lives: an abstract unix socket bound to a name derived from the
// output's folder (device, inode) and file name. The kernel releases it when the process dies,
// and it leaves no file behind.
class OutputLock {
 public:
  OutputLock() = default;
  OutputLock(OutputLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  OutputLock& operator=(OutputLock&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  ~OutputLock() {
    if (fd_ >= 0) ::close(fd_);
  }

  static absl::StatusOr<OutputLock> take(const std::string& folder, std::string_view name,
                                         const std::string& shown) {
    struct stat st {};
    if (::stat(folder.c_str(), &st) != 0) return unavailable(folder, "cannot open", errno);
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a of the name: the address is short
    for (const char c : name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    const std::string key = fmt::format("q50sim-output/{:x}/{:x}/{:016x}",
                                        static_cast<unsigned long long>(st.st_dev),
                                        static_cast<unsigned long long>(st.st_ino), h);
    OutputLock lock;
    lock.fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lock.fd_ < 0) return unavailable(shown, "cannot take the output lock", errno);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path + 1, key.data(), key.size());  // sun_path[0] = 0: abstract
    const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + key.size());
    if (::bind(lock.fd_, reinterpret_cast<const sockaddr*>(&addr), len) != 0) {
      if (errno == EADDRINUSE) {
        return unavailable(shown, "is being written by another q50sim process (try again "
                                  "when it has finished)");
      }
      return unavailable(shown, "cannot take the output lock", errno);
    }
    return lock;
  }

 private:
  int fd_ = -1;
};

// Opens a target that is not replaced (FIFO, terminal, device, stdout) for writing. A FIFO
// without a reader fails at once (ENXIO) instead of blocking.
absl::StatusOr<int> open_direct(const std::string& path) {
  if (path == "-") {
    const int fd = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) return unavailable("standard output", "cannot write", errno);
    return fd;
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENXIO) return unavailable(path, "a FIFO that nobody reads");
    return unavailable(path, "cannot open for writing", errno);
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

// A fresh temporary file beside target: O_EXCL, so an existing file or symlink of that name
// is never opened; a clash picks the next name.
absl::StatusOr<std::pair<std::string, int>> create_temp(const std::string& target) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string temp = fmt::format("{}.q50sim-{}-{}.partial", target,
                                         static_cast<long long>(::getpid()), g_temp_counter++);
    const int fd =
        ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0) return std::pair{temp, fd};
    if (errno != EEXIST) return unavailable(target, "cannot create output file", errno);
  }
  return unavailable(target, "cannot create a temporary file beside it");
}

// Where the bytes for `path` go: the path a rename replaces (a symlink resolved), or the
// path written directly (direct = true).
struct Target {
  std::string path;
  bool direct = false;
};

// The file a symlink chain ends at, as an absolute path, whether or not it exists (its folder
// must): `out.csv -> results/out.csv` writes results/out.csv.
absl::StatusOr<std::string> follow_links(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::absolute(path, ec);
  if (ec) return unavailable(path, "cannot resolve the path", ec.value());
  for (int hops = 0; hops < 40; ++hops) {
    char buf[PATH_MAX];
    const ssize_t n = ::readlink(p.c_str(), buf, sizeof buf - 1);
    if (n < 0) {
      if (errno == EINVAL || errno == ENOENT) return p.lexically_normal().string();
      return unavailable(path, "cannot read the symlink", errno);
    }
    const fs::path link(std::string(buf, static_cast<std::size_t>(n)));
    p = link.is_absolute() ? link : p.parent_path() / link;
  }
  return unavailable(path, "too many levels of symlinks");
}

absl::StatusOr<Target> resolve_target(const std::string& path) {
  if (is_stream_path(path)) return Target{path, true};
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Target{path, false};
    return unavailable(path, "cannot inspect the output", errno);
  }
  std::string resolved = path;
  if (S_ISLNK(st.st_mode)) {
    auto followed = follow_links(path);
    if (!followed.ok()) return followed.status();
    resolved = *followed;
    if (is_stream_path(resolved)) return Target{resolved, true};
    if (::stat(resolved.c_str(), &st) != 0) {
      const std::string folder = fs::path(resolved).parent_path().string();
      struct stat dir {};
      if (errno == ENOENT && ::stat(folder.c_str(), &dir) == 0 && S_ISDIR(dir.st_mode)) {
        return Target{resolved, false};  // the link names a file still to be made
      }
      return unavailable(path, fmt::format("a symlink to {}, which cannot be written", resolved));
    }
  }
  if (S_ISDIR(st.st_mode)) return unavailable(path, "is a directory, not an output file");
  if (S_ISREG(st.st_mode)) return Target{resolved, false};
  if (S_ISSOCK(st.st_mode)) return unavailable(path, "is a socket, not an output file");
  return Target{resolved, true};  // FIFO, character or block device
}

void fsync_folder(const std::string& file) {
  const std::string folder = fs::path(file).parent_path().string();
  const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Blocks the cleanup signals for a scope: a rename sequence is never cut in half by them.
class SignalBlock {
 public:
  SignalBlock() {
    const sigset_t set = cleanup_signals();
    ::pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~SignalBlock() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  SignalBlock(const SignalBlock&) = delete;
  SignalBlock& operator=(const SignalBlock&) = delete;

 private:
  sigset_t old_;
};

}  // namespace

StagedFile::StagedFile(std::string final_path, std::string temp_path, int fd, bool durable)
    : final_path_(std::move(final_path)), temp_path_(std::move(temp_path)), fd_(fd),
      durable_(durable) {
  if (!temp_path_.empty()) cleanup_slot_ = cleanup_register(temp_path_);
  buffer_.reserve(kBufferBytes);
}

StagedFile::~StagedFile() {
  if (fd_ >= 0) ::close(fd_);
  cleanup_unregister(cleanup_slot_);
}

void StagedFile::write_all(std::string_view bytes) {
  std::size_t done = 0;
  while (error_ == 0 && done < bytes.size()) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = n < 0 ? errno : EIO;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
}

void StagedFile::flush() {
  write_all(buffer_);
  buffer_.clear();
}

void StagedFile::write(std::string_view bytes) {
  if (error_ != 0 || fd_ < 0 || bytes.empty()) return;
  if (buffer_.size() + bytes.size() > kBufferBytes) flush();
  // A large write goes straight from the caller's bytes: copying a rendered multi-megabyte
  // file into the buffer first touched as many fresh pages again (a tenth of q50sim replay).
  if (bytes.size() >= kBufferBytes) {
    write_all(bytes);
    return;
  }
  buffer_.append(bytes.data(), bytes.size());
}

absl::Status StagedFile::close() {
  if (fd_ >= 0) {
    flush();
    if (durable_ && error_ == 0 && !direct() && ::fsync(fd_) != 0) error_ = errno;
    if (::close(fd_) != 0 && error_ == 0) error_ = errno;
    fd_ = -1;
  }
  if (error_ == 0) return absl::OkStatus();
  return unavailable(final_path_, "write failed", error_);
}

struct OutputSet::State {
  std::string dir;
  bool single = false;          // open_file: one file, `dir` is its path
  OutputOptions options;
  std::set<FileId> inputs;
  OutputLock lock;
  std::vector<std::unique_ptr<StagedFile>> files;
};

OutputSet::OutputSet(std::unique_ptr<State> state) : state_(std::move(state)) {}
OutputSet::OutputSet(OutputSet&&) noexcept = default;
OutputSet& OutputSet::operator=(OutputSet&& o) noexcept {
  if (this != &o) {
    discard();
    state_ = std::move(o.state_);
  }
  return *this;
}
OutputSet::~OutputSet() { discard(); }

const std::string& OutputSet::dir() const { return state_->dir; }

absl::StatusOr<OutputSet> OutputSet::open(const std::string& dir, const OutputOptions& options) {
  if (dir.empty() || dir == "-") {
    return absl::InvalidArgumentError(fmt::format(
        "'{}': an output folder is needed here ('-', standard output, takes one file)", dir));
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    return unavailable(dir, "cannot create the output directory",
                       ec ? ec.value() : errno);
  }
  if (!S_ISDIR(st.st_mode)) return unavailable(dir, "is not a directory (the output folder)");
  auto state = std::make_unique<State>();
  state->dir = dir;
  state->options = options;
  for (const std::string& in : options.inputs) {
    if (auto id = file_id(in)) state->inputs.insert(*id);
  }
  auto lock = OutputLock::take(dir, "", dir);
  if (!lock.ok()) return lock.status();
  state->lock = *std::move(lock);
  return OutputSet(std::move(state));
}

absl::StatusOr<OutputSet> OutputSet::open_file(const std::string& path,
                                               const OutputOptions& options) {
  if (path.empty()) return absl::InvalidArgumentError("empty output path");
  auto state = std::make_unique<State>();
  state->dir = path;
  state->single = true;
  state->options = options;
  for (const std::string& in : options.inputs) {
    if (auto id = file_id(in)) state->inputs.insert(*id);
  }
  if (!is_stream_path(path)) {
    const fs::path p(path);
    const std::string folder = p.has_parent_path() ? p.parent_path().string() : ".";
    auto lock = OutputLock::take(folder, p.filename().string(), path);
    if (!lock.ok()) return lock.status();
    state->lock = *std::move(lock);
  }
  return OutputSet(std::move(state));
}

absl::StatusOr<StagedFile*> OutputSet::stage_path(const std::string& path) {
  for (const auto& f : state_->files) {
    Q50_CHECK(f->final_path() != path, "an output file was staged twice");
  }
  auto target = resolve_target(path);
  if (!target.ok()) return target.status();
  if (auto id = file_id(target->path); id && state_->inputs.contains(*id)) {
    return absl::InvalidArgumentError(
        fmt::format("{}: is also an input of this command; refusing to overwrite it", path));
  }
  if (target->direct) {
    auto fd = open_direct(target->path);
    if (!fd.ok()) return fd.status();
    state_->files.push_back(std::make_unique<StagedFile>(path, "", *fd, false));
    return state_->files.back().get();
  }
  auto temp = create_temp(target->path);
  if (!temp.ok()) return temp.status();
  state_->files.push_back(std::make_unique<StagedFile>(target->path, temp->first, temp->second,
                                                       state_->options.durable));
  return state_->files.back().get();
}

absl::StatusOr<StagedFile*> OutputSet::stage(std::string_view name) {
  Q50_CHECK(!state_->single, "stage(name) on a one-file output set");
  return stage_path((fs::path(state_->dir) / name).string());
}

absl::StatusOr<StagedFile*> OutputSet::stage_file() {
  Q50_CHECK(state_->single && state_->files.empty(), "stage_file() on a folder set or twice");
  return stage_path(state_->dir);
}

absl::Status OutputSet::put(std::string_view name, std::string_view content) {
  auto file = state_->single ? stage_file() : stage(name);
  if (!file.ok()) return file.status();
  (*file)->write(content);
  return absl::OkStatus();
}

void OutputSet::discard() {
  if (state_ == nullptr) return;
  for (const auto& f : state_->files) {
    (void)f->close();
    if (!f->direct()) ::unlink(f->partial_path().c_str());
  }
  state_->files.clear();
}

namespace {

// One target's earlier file, hard-linked aside so a failed commit can put it back.
struct Aside {
  std::string target;
  std::string backup;  // "" when the target did not exist
};

}  // namespace

absl::Status OutputSet::commit() {
  for (const auto& f : state_->files) {
    if (auto st = f->close(); !st.ok()) {
      discard();
      return st;
    }
  }
  // Every target must still be replaceable before the first rename.
  for (const auto& f : state_->files) {
    if (f->direct()) continue;
    struct stat st {};
    if (::lstat(f->final_path().c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      discard();
      return unavailable(f->final_path(), "is a directory, not an output file");
    }
  }
  const SignalBlock no_signals;
  std::vector<Aside> aside;
  std::vector<std::string> placed;
  const auto roll_back = [&] {
    for (const Aside& a : aside) {
      if (std::find(placed.begin(), placed.end(), a.target) == placed.end()) {
        if (!a.backup.empty()) ::unlink(a.backup.c_str());
        continue;
      }
      if (a.backup.empty()) {
        ::unlink(a.target.c_str());
      } else {
        ::rename(a.backup.c_str(), a.target.c_str());
      }
    }
    discard();
  };
  for (const auto& f : state_->files) {
    if (f->direct()) continue;
    Aside a{f->final_path(), ""};
    if (::access(f->final_path().c_str(), F_OK) == 0) {
      const std::string backup = f->partial_path() + ".previous";
      if (::link(f->final_path().c_str(), backup.c_str()) == 0) a.backup = backup;
    }
    aside.push_back(std::move(a));
  }
  for (const auto& f : state_->files) {
    if (f->direct()) continue;
    if (::rename(f->partial_path().c_str(), f->final_path().c_str()) != 0) {
      const int e = errno;
      roll_back();
      return unavailable(f->final_path(), "cannot rename into place", e);
    }
    placed.push_back(f->final_path());
  }
  for (const Aside& a : aside) {
    if (!a.backup.empty()) ::unlink(a.backup.c_str());
  }
  if (state_->options.durable) {
    for (const std::string& p : placed) fsync_folder(p);
  }
  state_->files.clear();
  return absl::OkStatus();
}

absl::Status write_output_file(const std::string& path, std::string_view content,
                               const OutputOptions& options) {
  auto set = OutputSet::open_file(path, options);
  if (!set.ok()) return set.status();
  if (auto st = set->put("", content); !st.ok()) return st;
  return set->commit();
}

absl::Status check_outputs_not_inputs(const std::vector<std::string>& outputs,
                                      const std::vector<std::string>& inputs,
                                      const std::vector<std::string>& names) {
  for (const std::string& in : inputs) {
    const auto in_id = file_id(in);
    if (!in_id) continue;
    for (const std::string& out : outputs) {
      if (out == "-" || out.empty()) continue;
      std::vector<std::string> candidates{out};
      for (const std::string& n : names) candidates.push_back((fs::path(out) / n).string());
      for (const std::string& c : candidates) {
        if (file_id(c) == in_id) {
          return absl::InvalidArgumentError(fmt::format(
              "output {} is the input {}; refusing to overwrite an input", c, in));
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace q50::io
