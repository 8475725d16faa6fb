#ifndef Q50SIM_IO_OUTPUT_SET_H_
#define Q50SIM_IO_OUTPUT_SET_H_

// The one safe output protocol of q50sim: every command writes its files through an OutputSet
// (io/atomic_file.h's write_file_atomic is a one-file set).
//
//  - Staging. Each file is written to a temporary file created exclusively (O_EXCL, so never
//    through a symlink planted there) under a unique name, NAME.q50sim-PID-N.partial, in the
//    target's own folder. Nothing the user sees changes until commit().
//  - All or none. commit() closes every staged file, checks every target, then renames the
//    staged files over their targets with signals blocked; if a rename fails the earlier files
//    are put back (hard-linked aside beforehand) and the staged ones removed. Files of an
//    earlier run that this set does not write are never touched. An OutputSet destroyed
//    without commit() removes its staged files.
//  - Targets. A target that is a symlink is followed (the file it names is replaced, the link
//    stays); a target that is not a regular file (a FIFO, a terminal, /dev/stdout, any path
//    under /dev/ or /proc/) is written directly and never replaced; a directory where a file
//    belongs is an error ("is a directory"). open_file("-") writes standard output.
//  - Durability. With OutputOptions::durable each file is fsync'ed before its rename and the
//    folders after (checkpoints, live state, stores); a run's outputs need atomicity only and
//    skip the fsyncs.
//  - One writer. open() takes a lock on the output (its folder for a set, the file's name for
//    open_file), held until the set is destroyed: a second command writing the same --out
//    fails at once ("is being written by another q50sim process").
//  - Inputs. A target that is the same file (device and inode) as one of OutputOptions::inputs
//    is refused before anything is written.
//  - Signals. SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE remove the staged files of every
//    open set (io/cleanup.h) before the process ends with the signal.
// Errors are Unavailable (exit 4) naming the path and the reason, except a target that is an
// input: InvalidArgument (exit 3; the CLI refuses it earlier with exit 2).

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace q50::io {

struct OutputOptions {
  bool durable = false;             // fsync before rename (see above)
  std::vector<std::string> inputs;  // paths the command reads; outputs may not be one of them
};

// One staged file: buffered writes, the first error kept for close() to report.
class StagedFile {
 public:
  // fd is owned. temp_path empty: the target is written directly (not replaced).
  StagedFile(std::string final_path, std::string temp_path, int fd, bool durable);
  ~StagedFile();
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  void write(std::string_view bytes);
  // Flushes, fsyncs when durable, closes; the first write or close error, naming the file.
  absl::Status close();
  const std::string& final_path() const { return final_path_; }
  // The temporary file ("" when written directly).
  const std::string& partial_path() const { return temp_path_; }
  bool direct() const { return temp_path_.empty(); }

 private:
  void flush();
  void write_all(std::string_view bytes);  // every byte, or error_ set

  std::string final_path_;
  std::string temp_path_;
  int fd_;
  bool durable_;
  int cleanup_slot_ = -1;
  int error_ = 0;  // errno of the first failure
  std::string buffer_;
};

class OutputSet {
 public:
  // A folder of files; created with its parents if needed. Unavailable naming dir when it
  // cannot be created, is not a folder, or another process is writing it.
  static absl::StatusOr<OutputSet> open(const std::string& dir, const OutputOptions& options = {});
  // A set of one file, `path` ("-": standard output). stage_file() gives it.
  static absl::StatusOr<OutputSet> open_file(const std::string& path,
                                             const OutputOptions& options = {});
  OutputSet(OutputSet&&) noexcept;
  OutputSet& operator=(OutputSet&&) noexcept;
  ~OutputSet();

  // Stages dir/name; the pointer stays valid until commit or destruction. A name staged twice
  // is a programmer error.
  absl::StatusOr<StagedFile*> stage(std::string_view name);
  // The one file of an open_file set.
  absl::StatusOr<StagedFile*> stage_file();
  // Stages dir/name with the whole content.
  absl::Status put(std::string_view name, std::string_view content);
  // Closes every staged file and moves them into place, all or none (see above).
  absl::Status commit();

  const std::string& dir() const;

 private:
  struct State;
  explicit OutputSet(std::unique_ptr<State> state);
  absl::StatusOr<StagedFile*> stage_path(const std::string& target);
  void discard();

  std::unique_ptr<State> state_;
};

// Writes content to path as a one-file set ("-": standard output).
absl::Status write_output_file(const std::string& path, std::string_view content,
                               const OutputOptions& options = {});

// InvalidArgument when an output path names the same existing file as an input path, or an
// output folder holds an input under one of `names` (the files it will write): the check a
// command makes before it runs, so nothing is read twice or written at all.
absl::Status check_outputs_not_inputs(const std::vector<std::string>& outputs,
                                      const std::vector<std::string>& inputs,
                                      const std::vector<std::string>& names = {});

}  // namespace q50::io

#endif  // Q50SIM_IO_OUTPUT_SET_H_
