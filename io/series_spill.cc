#include "io/series_spill.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <type_traits>
#include <vector>

#include "fmt/format.h"

namespace q50::io {
namespace {

constexpr std::size_t kBufferBytes = std::size_t{1} << 16;

static_assert(std::is_trivially_copyable_v<SeriesBar> && std::is_trivially_copyable_v<TradeEvent>);

std::string temp_folder() {
  std::error_code ec;
  const auto dir = std::filesystem::temp_directory_path(ec);
  return ec ? std::string("/tmp") : dir.string();
}

// An unnamed file in the temporary folder: O_TMPFILE where the file system has it, else a
// unique name removed right after it is created.
absl::StatusOr<int> unnamed_file(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  std::string name = folder + "/q50sim-series-XXXXXX";
  const int named = ::mkostemp(name.data(), O_CLOEXEC);
  if (named < 0) {
    return absl::UnavailableError(fmt::format(
        "{}: cannot create a temporary file for the run's records: {}", folder,
        std::strerror(errno)));
  }
  ::unlink(name.c_str());
  return named;
}

}  // namespace

// One append-only file of fixed-size records.
struct SeriesSpill::File {
  int fd = -1;
  std::string folder;
  std::string buffer;
  int error = 0;

  ~File() {
    if (fd >= 0) ::close(fd);
  }
  void append(const void* record, std::size_t size) {
    buffer.append(static_cast<const char*>(record), size);
    if (buffer.size() >= kBufferBytes) flush();
  }
  void flush() {
    std::size_t done = 0;
    while (error == 0 && done < buffer.size()) {
      const ssize_t n = ::write(fd, buffer.data() + done, buffer.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) error = n < 0 ? errno : EIO;
      if (n > 0) done += static_cast<std::size_t>(n);
    }
    buffer.clear();
  }
};

namespace {

// Reads records of type T from offset 0 with pread, a block at a time.
template <class T>
class FileCursor final : public Cursor<T> {
 public:
  explicit FileCursor(int fd) : fd_(fd) {}
  bool next(T& out) override {
    if (pos_ == block_.size()) {
      block_.resize(kBufferBytes / sizeof(T) * sizeof(T));
      const ssize_t n = ::pread(fd_, block_.data(), block_.size(), offset_);
      if (n <= 0) return false;
      block_.resize(static_cast<std::size_t>(n) / sizeof(T) * sizeof(T));
      offset_ += static_cast<off_t>(block_.size());
      pos_ = 0;
      if (block_.empty()) return false;
    }
    std::memcpy(&out, block_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }

 private:
  int fd_;
  off_t offset_ = 0;
  std::string block_;
  std::size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SeriesSpill>> SeriesSpill::create() {
  const std::string folder = temp_folder();
  auto files = std::vector<std::unique_ptr<File>>();
  for (int i = 0; i < 2; ++i) {
    auto fd = unnamed_file(folder);
    if (!fd.ok()) return fd.status();
    auto f = std::make_unique<File>();
    f->fd = *fd;
    f->folder = folder;
    f->buffer.reserve(kBufferBytes + sizeof(SeriesBar));
    files.push_back(std::move(f));
  }
  return std::unique_ptr<SeriesSpill>(new SeriesSpill(std::move(files[0]), std::move(files[1])));
}

SeriesSpill::SeriesSpill(std::unique_ptr<File> bars, std::unique_ptr<File> trades)
    : bar_file_(std::move(bars)), trade_file_(std::move(trades)) {}

SeriesSpill::~SeriesSpill() = default;

void SeriesSpill::add_bar(const SeriesBar& bar) {
  bar_file_->append(&bar, sizeof bar);
  ++bars_;
}

void SeriesSpill::add_trade(const TradeEvent& trade) { trade_file_->append(&trade, sizeof trade); }

absl::Status SeriesSpill::finish_writing() {
  for (File* f : {bar_file_.get(), trade_file_.get()}) {
    f->flush();
    if (f->error != 0) {
      return absl::UnavailableError(fmt::format("{}: cannot write the run's records: {}",
                                                f->folder, std::strerror(f->error)));
    }
  }
  return absl::OkStatus();
}

std::unique_ptr<Cursor<SeriesBar>> SeriesSpill::bars() const {
  return std::make_unique<FileCursor<SeriesBar>>(bar_file_->fd);
}

std::unique_ptr<Cursor<TradeEvent>> SeriesSpill::trades() const {
  return std::make_unique<FileCursor<TradeEvent>>(trade_file_->fd);
}

}  // namespace q50::io
