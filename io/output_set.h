#ifndef Q50SIM_IO_OUTPUT_SET_H_
#define Q50SIM_IO_OUTPUT_SET_H_

// The files one command writes into one directory, committed all together or not at all.
//
// Each file is staged as DIR/NAME.partial (created exclusively, so two writers never share a
// partial file) and written while the command runs. commit() moves every earlier file of the
// same name aside, renames the staged files into place, then deletes what it moved aside; a
// failure at any step puts the earlier files back and removes the staged ones. So DIR holds
// either the whole new output or exactly what it held before, never a mix. An OutputSet
// destroyed without commit() removes its staged files.

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace q50::io {

// One staged file: buffered writes, the first error kept for commit() to report.
class StagedFile {
 public:
  StagedFile(std::string final_path, std::string partial_path, std::FILE* file);
  ~StagedFile();
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  void write(std::string_view bytes);
  // Flushes and closes; the first write or close error, naming the file.
  absl::Status close();
  const std::string& final_path() const { return final_path_; }
  const std::string& partial_path() const { return partial_path_; }

 private:
  std::string final_path_;
  std::string partial_path_;
  std::FILE* file_;
  int error_ = 0;  // errno of the first failure
};

class OutputSet {
 public:
  // Creates dir (and its parents) if needed. Unavailable naming dir if it cannot.
  static absl::StatusOr<OutputSet> open(const std::string& dir);
  OutputSet(OutputSet&&) noexcept = default;
  OutputSet& operator=(OutputSet&&) noexcept = default;
  ~OutputSet();

  // Stages dir/name; the pointer stays valid until commit or destruction. A name staged twice
  // is a programmer error.
  absl::StatusOr<StagedFile*> stage(std::string_view name);
  // Stages dir/name with the whole content.
  absl::Status put(std::string_view name, std::string_view content);
  // Closes every staged file and moves them into place, all or none (see above).
  absl::Status commit();

  const std::string& dir() const { return dir_; }

 private:
  explicit OutputSet(std::string dir) : dir_(std::move(dir)) {}
  void discard();

  std::string dir_;
  std::vector<std::unique_ptr<StagedFile>> files_;
};

}  // namespace q50::io

#endif  // Q50SIM_IO_OUTPUT_SET_H_
