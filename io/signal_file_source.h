#ifndef Q50SIM_IO_SIGNAL_FILE_SOURCE_H_
#define Q50SIM_IO_SIGNAL_FILE_SOURCE_H_

// The existing system's signal file (io/signal_file.h) as a live signal source: the Python
// pipeline appends a row per bar, or replaces the file atomically; this source re-reads it
// whenever its size, modification time or inode changed, and answers every bar with the
// past-only lookup rule (core/signal_lookup.h: the latest row at or before the bar within the
// tolerance, or a stale row within max_staleness; never a row from after the bar).
//
// A last line without its newline is a row still being written: it is left for the next read.
// A file that is missing, or that does not parse, makes the source unhealthy (kMissing /
// kCorrupt, the error kept for the log); the rows of the last good read stay, so the driver's
// "cached" policy can keep trading on them, and the next good read heals it.

#include <cstdint>
#include <string>
#include <vector>

#include "core/ports/signal_source.h"
#include "core/signal_lookup.h"
#include "core/timestamp.h"

namespace q50::io {

class SignalFileSource final : public ports::SignalSource {
 public:
  SignalFileSource(std::string path, SignalLookupRule rule, std::string instrument = "");

  ports::SignalSample at(TimestampNs bar_ts_ns) override;
  ports::SignalSourceHealth health() const override { return health_; }

  // Why the last read failed ("" when healthy) and how often the file was (re)read.
  const std::string& problem() const { return problem_; }
  std::int64_t reads() const { return reads_; }
  std::size_t rows() const { return ts_ns_.size(); }

 private:
  void refresh();

  std::string path_;
  SignalLookupRule rule_;
  std::string instrument_;
  std::vector<TimestampNs> ts_ns_;
  std::vector<double> q10_, q50_, q90_;
  ports::SignalSourceHealth health_ = ports::SignalSourceHealth::kMissing;
  std::string problem_;
  std::int64_t reads_ = 0;
  // The file as last read: size, modification time (ns), inode.
  std::int64_t seen_size_ = -1;
  std::int64_t seen_mtime_ns_ = -1;
  std::uint64_t seen_inode_ = 0;
};

}  // namespace q50::io

#endif  // Q50SIM_IO_SIGNAL_FILE_SOURCE_H_
