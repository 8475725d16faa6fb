#include "io/signal_file_source.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "io/atomic_file.h"
#include "io/signal_file.h"

namespace q50::io {

SignalFileSource::SignalFileSource(std::string path, SignalLookupRule rule, std::string instrument)
    : path_(std::move(path)), rule_(rule), instrument_(std::move(instrument)) {
  check_rule(rule_);
}

void SignalFileSource::refresh() {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) {
    health_ = ports::SignalSourceHealth::kMissing;
    problem_ = path_ + ": " + std::strerror(errno);
    seen_size_ = -1;
    return;
  }
  const std::int64_t mtime_ns =
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * kNsPerSecond + st.st_mtim.tv_nsec;
  if (st.st_size == seen_size_ && mtime_ns == seen_mtime_ns_ && st.st_ino == seen_inode_ &&
      health_ != ports::SignalSourceHealth::kMissing) {
    return;
  }
  auto content = read_file(path_);
  if (!content.ok()) {
    health_ = ports::SignalSourceHealth::kMissing;
    problem_ = std::string(content.status().message());
    return;
  }
  ++reads_;
  seen_size_ = st.st_size;
  seen_mtime_ns_ = mtime_ns;
  seen_inode_ = st.st_ino;
  // A row still being written (no newline yet) waits for the next read.
  std::string text = std::move(*content);
  const std::size_t end = text.rfind('\n');
  text.resize(end == std::string::npos ? 0 : end + 1);
  if (text.find('\n') == text.size() - 1 || text.empty()) {
    // A header and no row yet: healthy, nothing to use.
    health_ = ports::SignalSourceHealth::kOk;
    problem_.clear();
    return;
  }
  SignalFileOptions options;
  options.instrument = instrument_;
  auto file = parse_signal_file(path_, std::move(text), options);
  if (!file.ok()) {
    health_ = ports::SignalSourceHealth::kCorrupt;
    problem_ = std::string(file.status().message());
    return;
  }
  ts_ns_ = std::move(file->ts_ns);
  q10_ = std::move(file->q10);
  q50_ = std::move(file->q50);
  q90_ = std::move(file->q90);
  health_ = ports::SignalSourceHealth::kOk;
  problem_.clear();
}

ports::SignalSample SignalFileSource::at(TimestampNs bar_ts_ns) {
  refresh();
  const SignalMatch m = lookup_signal(ts_ns_, bar_ts_ns, rule_);
  if (m.kind == SignalMatchKind::kNone || !m.index) return {};
  const std::size_t i = *m.index;
  return {m.kind, q10_[i], q50_[i], q90_[i]};
}

}  // namespace q50::io
