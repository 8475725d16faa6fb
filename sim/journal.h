#ifndef Q50SIM_SIM_JOURNAL_H_
#define Q50SIM_SIM_JOURNAL_H_

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/check.h"

#include "core/prng.h"

namespace q50::sim {

// Where a journal's text goes line by line instead of into memory (io/ streams it to a file,
// so a run's journal costs no memory however long the run).
class JournalTextSink {
 public:
  virtual ~JournalTextSink() = default;
  virtual void line(std::string_view text) = 0;  // one line, without its '\n'
};

// The run's journal: one canonical text line per event, in processing order, and an FNV-1a
// fingerprint over every byte of it. Two runs agree iff their fingerprints agree, so the
// fingerprint is what determinism tests (same seed twice, gcc vs clang, checkpoint+resume)
// compare. Keeping the text is optional: long runs fingerprint without storing lines, or hand
// them to a sink.
class Journal {
 public:
  explicit Journal(bool keep_text, JournalTextSink* sink = nullptr)
      : keep_text_(keep_text && sink == nullptr), sink_(sink) {}

  // Appends one line (without its '\n'); the newline is part of the fingerprint.
  void append(std::string_view line) {
    hash_ = fnv1a(line, hash_);
    hash_ = fnv1a("\n", hash_);
    ++lines_;
    if (sink_ != nullptr) sink_->line(line);
    if (keep_text_) {
      text_ += line;
      text_ += '\n';
    }
  }

  // Whether lines must be given as text (kept or sent to a sink); otherwise a caller may hash
  // its line itself and append_hashed() it.
  bool wants_text() const { return keep_text_ || sink_ != nullptr; }
  // A line the caller hashed itself: hash_after = fnv1a(line + "\n", fingerprint()) (e.g. by
  // core/fnv_literal.h, without building the text). Only when !wants_text() (checked).
  void append_hashed(std::uint64_t hash_after) {
    Q50_CHECK(!wants_text(), "journal: a hashed line where text is wanted");
    hash_ = hash_after;
    ++lines_;
  }

  // A line whose bytes the caller keeps and hashes later (sim/legacy/replay.h run_replays):
  // counted now; the caller sets the hash of all of them with restore() once it has it. Only
  // when !wants_text() (checked).
  void append_deferred() {
    Q50_CHECK(!wants_text(), "journal: a deferred line where text is wanted");
    ++lines_;
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
  JournalTextSink* sink_;
  std::uint64_t hash_ = kFnvOffset;
  std::uint64_t lines_ = 0;
  std::string text_;
};


// One canonical binary journal line: a tag byte, then fixed-width little-endian fields
// written byte by byte (the same bytes on any host), doubles by their IEEE bit pattern, so
// hashing costs no text formatting.
class BinaryLine {
 public:
  explicit BinaryLine(char tag) { buf_[n_++] = tag; }
  BinaryLine& u8(std::uint8_t v) {
    Q50_CHECK(n_ < buf_.size(), "journal line overflow");
    buf_[n_++] = static_cast<char>(v);
    return *this;
  }
  BinaryLine& i64(std::int64_t v) {
    Q50_CHECK(n_ + 8 <= buf_.size(), "journal line overflow");
    const auto u = static_cast<std::uint64_t>(v);
    for (int i = 0; i < 8; ++i) buf_[n_++] = static_cast<char>((u >> (8 * i)) & 0xffU);
    return *this;
  }
  BinaryLine& f64(double v) { return i64(std::bit_cast<std::int64_t>(v)); }
  std::string_view view() const { return {buf_.data(), n_}; }

 private:
  // Not value-initialised: only [0, n_) is ever written or read, and clearing 128 bytes per
  // journal line (a rep stos) was a measurable share of the per-bar cost.
  std::array<char, 128> buf_;
  std::size_t n_ = 0;
};

// The fingerprint scheme of simulated runs (q50sim run, demo, suite, venue, sweeps over
// scenarios, the stream bench): a version stated in the README where fingerprints are
// documented and printed by stream_bench, so that a fingerprint is only compared with one of
// the same scheme (the synthetic goldens pin scheme 2). The legacy replay keeps byte-wise FNV-1a of its text journal (scheme 1, the
// fingerprints pinned in golden/replay/fingerprints.txt).
//   1: FNV-1a over every byte of every binary line and its '\n' (one xor-multiply per byte).
//   2: per binary line, its length and then its bytes as little-endian 64-bit words (the last
//      one zero-padded), each folded in by mix_word: one xor, multiply and xor-shift per 8
//      bytes instead of per byte.
inline constexpr int kFingerprintScheme = 2;
// Words are read from the line's bytes in host order: the scheme is defined little-endian.
static_assert(std::endian::native == std::endian::little, "fingerprint scheme 2 reads words little-endian");

// One step of scheme 2: xor the word in, multiply by the 64-bit golden ratio (odd), fold the
// high half down so that the next multiply spreads it.
inline std::uint64_t mix_word(std::uint64_t hash, std::uint64_t word) {
  hash = (hash ^ word) * 0x9e3779b97f4a7c15ULL;
  return hash ^ (hash >> 32);
}

// Scheme 2's hash of one line continuing from `hash`.
inline std::uint64_t hash_line_words(std::string_view line, std::uint64_t hash) {
  hash = mix_word(hash, line.size());
  std::size_t i = 0;
  for (; i + 8 <= line.size(); i += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, line.data() + i, 8);
    hash = mix_word(hash, w);
  }
  if (i < line.size()) {
    std::uint64_t w = 0;
    std::memcpy(&w, line.data() + i, line.size() - i);
    hash = mix_word(hash, w);
  }
  return hash;
}

// A simulated run's journal: the binary line of every event, whose scheme-2 hash is the run's
// fingerprint, and optionally a readable line per event (whose own hash is not).
class RunJournal {
 public:
  explicit RunJournal(Journal& text, bool keep_text) : text_(text), keep_text_(keep_text) {}
  void append(const BinaryLine& line) {
    hash_ = hash_line_words(line.view(), hash_);
    ++lines_;
  }
  bool keeps_text() const { return keep_text_; }
  void append_text(std::string_view line) {
    if (keep_text_) text_.append(line);
  }
  std::uint64_t fingerprint() const { return hash_; }
  std::uint64_t lines() const { return lines_; }

 private:
  std::uint64_t hash_ = kFnvOffset;
  std::uint64_t lines_ = 0;
  Journal& text_;
  bool keep_text_;
};

}  // namespace q50::sim

#endif  // Q50SIM_SIM_JOURNAL_H_
