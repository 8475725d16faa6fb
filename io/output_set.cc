#include "io/output_set.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "core/check.h"
#include "fmt/format.h"

namespace q50::io {
namespace fs = std::filesystem;

StagedFile::StagedFile(std::string final_path, std::string partial_path, std::FILE* file)
    : final_path_(std::move(final_path)), partial_path_(std::move(partial_path)), file_(file) {}

StagedFile::~StagedFile() {
  if (file_ != nullptr) std::fclose(file_);
}

void StagedFile::write(std::string_view bytes) {
  if (error_ != 0 || file_ == nullptr || bytes.empty()) return;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) error_ = errno ? errno : EIO;
}

absl::Status StagedFile::close() {
  if (file_ != nullptr) {
    if (std::fclose(file_) != 0 && error_ == 0) error_ = errno ? errno : EIO;
    file_ = nullptr;
  }
  if (error_ == 0) return absl::OkStatus();
  return absl::UnavailableError(
      fmt::format("{}: write failed: {}", final_path_, std::strerror(error_)));
}

absl::StatusOr<OutputSet> OutputSet::open(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return absl::UnavailableError(
        fmt::format("{}: cannot create the output directory: {}", dir, ec.message()));
  }
  return OutputSet(dir);
}

OutputSet::~OutputSet() { discard(); }

void OutputSet::discard() {
  for (const auto& f : files_) {
    (void)f->close();
    std::error_code ec;
    fs::remove(f->partial_path(), ec);
  }
  files_.clear();
}

absl::StatusOr<StagedFile*> OutputSet::stage(std::string_view name) {
  const std::string final_path = (fs::path(dir_) / name).string();
  for (const auto& f : files_) {
    Q50_CHECK(f->final_path() != final_path, "an output file was staged twice");
  }
  std::error_code ec;
  if (fs::is_directory(fs::symlink_status(final_path, ec))) {
    return absl::UnavailableError(fmt::format("{}: is a directory, not an output file", final_path));
  }
  const std::string partial = final_path + ".partial";
  // O_EXCL: a partial file left by a killed run (or a symlink planted there) is replaced by a
  // fresh file of ours, never written through.
  fs::remove(partial, ec);
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  std::FILE* file = fd < 0 ? nullptr : ::fdopen(fd, "wb");
  if (file == nullptr) {
    const int e = errno;
    if (fd >= 0) ::close(fd);
    return absl::UnavailableError(
        fmt::format("{}: cannot create output file: {}", final_path, std::strerror(e)));
  }
  files_.push_back(std::make_unique<StagedFile>(final_path, partial, file));
  return files_.back().get();
}

absl::Status OutputSet::put(std::string_view name, std::string_view content) {
  auto file = stage(name);
  if (!file.ok()) return file.status();
  (*file)->write(content);
  return absl::OkStatus();
}

absl::Status OutputSet::commit() {
  for (const auto& f : files_) {
    if (auto st = f->close(); !st.ok()) {
      discard();
      return st;
    }
  }
  // Earlier files of the same names move aside first, so a failure can put them back.
  std::vector<std::pair<std::string, std::string>> aside;  // final, backup
  std::vector<std::string> placed;
  const auto roll_back = [&] {
    std::error_code ec;
    for (const std::string& p : placed) fs::remove(p, ec);
    for (const auto& [final_path, backup] : aside) fs::rename(backup, final_path, ec);
    discard();
  };
  for (const auto& f : files_) {
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(f->final_path(), ec))) continue;
    const std::string backup = f->final_path() + ".previous";
    fs::rename(f->final_path(), backup, ec);
    if (ec) {
      roll_back();
      return absl::UnavailableError(fmt::format("{}: cannot replace the earlier file: {}",
                                                f->final_path(), ec.message()));
    }
    aside.emplace_back(f->final_path(), backup);
  }
  for (const auto& f : files_) {
    std::error_code ec;
    fs::rename(f->partial_path(), f->final_path(), ec);
    if (ec) {
      roll_back();
      return absl::UnavailableError(
          fmt::format("{}: cannot rename into place: {}", f->final_path(), ec.message()));
    }
    placed.push_back(f->final_path());
  }
  for (const auto& [final_path, backup] : aside) {
    std::error_code ec;
    fs::remove(backup, ec);
  }
  files_.clear();
  return absl::OkStatus();
}

}  // namespace q50::io
