#include "io/live_files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "fmt/format.h"
#include "io/atomic_file.h"
#include "io/run_csv.h"

namespace q50::io {
namespace {

namespace fs = std::filesystem;

absl::Status os_error(const std::string& path, std::string_view what) {
  return absl::UnavailableError(fmt::format("{}: {}: {}", path, what, std::strerror(errno)));
}

// Opens path for appending, writing `header` first when the file is new or empty.
std::FILE* open_appender(const std::string& path, std::string_view header) {
  std::FILE* f = std::fopen(path.c_str(), "ab");
  if (f == nullptr) return nullptr;
  if (std::ftell(f) == 0 && !header.empty()) {
    std::fwrite(header.data(), 1, header.size(), f);
    std::fflush(f);
  }
  return f;
}

}  // namespace

absl::StatusOr<std::unique_ptr<LiveFiles>> LiveFiles::open(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return absl::UnavailableError(fmt::format("{}: cannot create the state directory: {}", dir,
                                              ec.message()));
  }
  const std::string lock_path = dir + "/.lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return os_error(lock_path, "cannot open the lock file");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return absl::FailedPreconditionError(
        fmt::format("{}: another live node uses this state directory", dir));
  }
  std::unique_ptr<LiveFiles> files(new LiveFiles(dir, fd));
  if (auto st = files->open_appenders(); !st.ok()) return st;
  return files;
}

absl::Status LiveFiles::open_appenders() {
  journal_ = open_appender(dir_ + "/journal.log", "");
  bars_ = open_appender(dir_ + "/bars.csv", bars_csv_header());
  trades_ = open_appender(dir_ + "/trades.csv", trades_csv_header());
  if (journal_ == nullptr || bars_ == nullptr || trades_ == nullptr) {
    return os_error(dir_, "cannot open the journal or the CSV files");
  }
  return absl::OkStatus();
}

LiveFiles::~LiveFiles() {
  for (std::FILE* f : {journal_, bars_, trades_}) {
    if (f != nullptr) std::fclose(f);
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the lock
}

absl::StatusOr<std::optional<std::string>> LiveFiles::load_state() {
  const std::string path = dir_ + "/state.bin";
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::optional<std::string>();
  auto bytes = read_file(path);
  if (!bytes.ok()) return bytes.status();
  return std::optional<std::string>(std::move(*bytes));
}

absl::Status LiveFiles::save_state(std::string_view bytes) {
  return write_file_durable(dir_ + "/state.bin", bytes);
}

void LiveFiles::journal(std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), journal_);
  std::fputc('\n', journal_);
  std::fflush(journal_);
}

absl::Status LiveFiles::save_metrics(std::string_view json) {
  return write_file_atomic(dir_ + "/live_metrics.json", json);
}

void LiveFiles::on_bar(const strategy::BarRecord& record) {
  row_.clear();
  append_bar_row(row_, record);
  std::fwrite(row_.data(), 1, row_.size(), bars_);
  std::fflush(bars_);
}

void LiveFiles::on_fill(const ports::FillRecord& fill) {
  row_.clear();
  append_trade_row(row_, fill);
  std::fwrite(row_.data(), 1, row_.size(), trades_);
  std::fflush(trades_);
}

}  // namespace q50::io
