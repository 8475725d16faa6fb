#ifndef Q50SIM_IO_LIVE_FILES_H_
#define Q50SIM_IO_LIVE_FILES_H_

// What a live node keeps in its state directory (`q50sim live --state DIR`):
//   state.bin          the node's state (live/node_state.h), replaced atomically and durably
//                      (written to a fresh temporary file, fsync'd, renamed, the directory
//                      fsync'd) after every step, so a killed process finds the last one whole;
//   journal.log        one line per decision, order, venue answer and reconciliation, appended;
//   bars.csv           one row per bar the strategy decided on, trades.csv one per fill
//                      (io/run_csv.h: the columns of `q50sim run`), appended across restarts;
//   live_metrics.json  the node's counters, replaced atomically after every step.
// A lock file (DIR/.lock, flock) keeps a second node off the same directory.

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/ports/sink.h"
#include "live/node.h"

namespace q50::io {

class LiveFiles final : public live::NodeFiles, public ports::Sink {
 public:
  // Creates DIR if needed and takes its lock. FailedPrecondition when another process holds
  // it; Unavailable when DIR cannot be created or a file cannot be opened.
  static absl::StatusOr<std::unique_ptr<LiveFiles>> open(const std::string& dir);
  ~LiveFiles() override;
  LiveFiles(const LiveFiles&) = delete;
  LiveFiles& operator=(const LiveFiles&) = delete;

  absl::StatusOr<std::optional<std::string>> load_state() override;
  absl::Status save_state(std::string_view bytes) override;
  void journal(std::string_view line) override;
  absl::Status save_metrics(std::string_view json) override;

  void on_bar(const strategy::BarRecord& record) override;
  void on_fill(const ports::FillRecord& fill) override;

  const std::string& dir() const { return dir_; }

 private:
  LiveFiles(std::string dir, int lock_fd) : dir_(std::move(dir)), lock_fd_(lock_fd) {}
  absl::Status open_appenders();

  std::string dir_;
  int lock_fd_ = -1;
  std::FILE* journal_ = nullptr;
  std::FILE* bars_ = nullptr;
  std::FILE* trades_ = nullptr;
  std::string row_;
};


}  // namespace q50::io

#endif  // Q50SIM_IO_LIVE_FILES_H_
