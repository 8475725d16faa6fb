#ifndef Q50SIM_MOCKVENUE_SIGNAL_FEED_H_
#define Q50SIM_MOCKVENUE_SIGNAL_FEED_H_

// The signal file as the existing system's Python pipeline keeps it while the mock's market
// runs: the header "datetime,q10,q50,q90" once, then one row per bar appended as the bar closes
// ("YYYY-MM-DD HH:MM:SS" of the bar's close, the quantiles in Python's repr, which reads back
// to the same doubles), each row by a single append-mode write() of the whole line, so a reader
// polling the file only ever sees complete rows. io::read_signal_file reads it.
//
// Faults (what a reader sees):
//  - a late row is written at its due time; rows due after it wait for it (the file stays in
//    timestamp order);
//  - a missing row is never written;
//  - a corrupt row is written as a line the reader rejects (a malformed number); the next bar's
//    repair() replaces the file atomically (temp file + rename) with every good row so far, the
//    corrupt row's correct text included;
//  - set_missing(true) deletes the file (rows keep accumulating), set_missing(false) restores it
//    atomically; set_corrupt(true) appends a rejected line that stays until set_corrupt(false)
//    rewrites the file.
// The first I/O error is kept (status()); the feed then stops writing.

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/timestamp.h"
#include "mockvenue/market_tape.h"

namespace q50::mockvenue {

class SignalFeed {
 public:
  // Creates (or replaces, atomically) `path` with the header alone.
  static absl::StatusOr<SignalFeed> create(std::string path);

  // Queues a row, due at due_ns (venue time); corrupt rows are written as a rejected line.
  void publish(const SignalRow& row, TimestampNs due_ns, bool corrupt);
  // Writes every queued row due by now_ns, in order.
  void flush(TimestampNs now_ns);
  // Rewrites the file when a corrupt row is in it (and no corrupt window is open).
  void repair();
  void set_missing(bool missing);
  void set_corrupt(bool corrupt);

  const absl::Status& status() const { return status_; }
  std::int64_t rows_written() const { return static_cast<std::int64_t>(good_lines_.size()); }
  const std::string& path() const { return path_; }

  // The row's line (with '\n') and the rejected variant of it.
  static std::string row_line(const SignalRow& row);
  static std::string corrupt_line(const SignalRow& row);

 private:
  explicit SignalFeed(std::string path) : path_(std::move(path)) {}
  void append(const std::string& line);
  void rewrite();

  struct Pending {
    SignalRow row;
    TimestampNs due_ns;
    bool corrupt;
  };
  std::string path_;
  std::deque<Pending> pending_;
  std::vector<std::string> good_lines_;
  bool dirty_ = false;    // a corrupt row's line is in the file
  bool missing_ = false;  // the file is deleted (a window)
  bool corrupt_ = false;  // a corrupt window is open
  absl::Status status_;
};

}  // namespace q50::mockvenue

#endif  // Q50SIM_MOCKVENUE_SIGNAL_FEED_H_
