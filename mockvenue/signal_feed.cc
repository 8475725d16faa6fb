#include "mockvenue/signal_feed.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/number_format.h"
#include "fmt/format.h"
#include "io/atomic_file.h"

namespace q50::mockvenue {
namespace {

constexpr std::string_view kHeader = "datetime,q10,q50,q90\n";

}  // namespace

absl::StatusOr<SignalFeed> SignalFeed::create(std::string path) {
  SignalFeed feed(std::move(path));
  if (absl::Status s = io::write_file_atomic(feed.path_, kHeader); !s.ok()) return s;
  return feed;
}

std::string SignalFeed::row_line(const SignalRow& row) {
  std::string line = format_timestamp(row.ts_ns);
  for (const double q : {row.q10, row.q50, row.q90}) {
    line += ',';
    append_py_repr(line, q);
  }
  line += '\n';
  return line;
}

// The q50 field is not a number: io::read_signal_file rejects the line (and the file).
std::string SignalFeed::corrupt_line(const SignalRow& row) {
  std::string line = format_timestamp(row.ts_ns) + ",";
  append_py_repr(line, row.q10);
  line += ",0.0#corrupt,";
  append_py_repr(line, row.q90);
  line += '\n';
  return line;
}

void SignalFeed::publish(const SignalRow& row, TimestampNs due_ns, bool corrupt) {
  pending_.push_back({row, due_ns, corrupt});
}

void SignalFeed::flush(TimestampNs now_ns) {
  while (!pending_.empty() && pending_.front().due_ns <= now_ns) {
    const Pending p = pending_.front();
    pending_.pop_front();
    good_lines_.push_back(row_line(p.row));
    if (missing_) continue;
    if (p.corrupt) {
      append(corrupt_line(p.row));
      dirty_ = true;
    } else {
      append(good_lines_.back());
    }
  }
}

void SignalFeed::repair() {
  if (dirty_ && !corrupt_ && !missing_) rewrite();
}

void SignalFeed::set_missing(bool missing) {
  if (missing == missing_) return;
  missing_ = missing;
  if (missing) {
    if (status_.ok() && ::unlink(path_.c_str()) != 0 && errno != ENOENT) {
      status_ = absl::UnavailableError(
          fmt::format("{}: cannot delete: {}", path_, std::strerror(errno)));
    }
    return;
  }
  rewrite();
  if (corrupt_) append("corrupt,line\n");
}

void SignalFeed::set_corrupt(bool corrupt) {
  if (corrupt == corrupt_) return;
  corrupt_ = corrupt;
  if (missing_) return;
  if (corrupt) {
    append("corrupt,line\n");
  } else {
    rewrite();
  }
}

void SignalFeed::append(const std::string& line) {
  if (!status_.ok()) return;
  const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    status_ = absl::UnavailableError(fmt::format("{}: cannot open: {}", path_, std::strerror(errno)));
    return;
  }
  const ssize_t n = ::write(fd, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) {
    status_ = absl::UnavailableError(fmt::format("{}: short write", path_));
  }
  ::close(fd);
}

void SignalFeed::rewrite() {
  if (!status_.ok()) return;
  std::string text(kHeader);
  for (const std::string& line : good_lines_) text += line;
  status_ = io::write_file_atomic(path_, text);
  dirty_ = false;
}

}  // namespace q50::mockvenue
