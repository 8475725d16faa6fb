#ifndef Q50SIM_SIM_JOURNAL_H_
#define Q50SIM_SIM_JOURNAL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/prng.h"

namespace q50::sim {

// The run's journal: one canonical text line per event, in processing order, and an FNV-1a
// fingerprint over every byte of it. Two runs agree iff their fingerprints agree, so the
// fingerprint is what determinism tests (same seed twice, gcc vs clang, checkpoint+resume)
// compare. Keeping the text is optional: long runs fingerprint without storing lines.
class Journal {
 public:
  explicit Journal(bool keep_text) : keep_text_(keep_text) {}

  // Appends one line (without its '\n'); the newline is part of the fingerprint.
  void append(std::string_view line) {
    hash_ = fnv1a(line, hash_);
    hash_ = fnv1a("\n", hash_);
    ++lines_;
    if (keep_text_) {
      text_ += line;
      text_ += '\n';
    }
  }

  std::uint64_t fingerprint() const { return hash_; }
  std::uint64_t lines() const { return lines_; }
  const std::string& text() const { return text_; }

  // Checkpoint support: a resumed journal continues the same hash and line count.
  void restore(std::uint64_t hash, std::uint64_t lines) {
    hash_ = hash;
    lines_ = lines;
  }

 private:
  bool keep_text_;
  std::uint64_t hash_ = kFnvOffset;
  std::uint64_t lines_ = 0;
  std::string text_;
};

}  // namespace q50::sim

#endif  // Q50SIM_SIM_JOURNAL_H_
