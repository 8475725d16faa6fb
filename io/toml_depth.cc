#include "io/toml_depth.h"

#include <vector>

#include "fmt/format.h"

namespace q50::io {
namespace {

class DepthScanner {
 public:
  DepthScanner(std::string_view name, std::string_view text, std::size_t max_depth)
      : name_(name), text_(text), max_(max_depth) {}

  absl::Status scan() {
    while (pos_ < text_.size()) {
      if (auto st = key_position_ ? key_step() : value_step(); !st.ok()) return st;
    }
    return absl::OkStatus();
  }

 private:
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++pos_;
  }
  void skip_comment() {
    while (pos_ < text_.size() && peek() != '\n') advance();
  }
  absl::Status too_deep(std::size_t depth) const {
    return absl::InvalidArgumentError(fmt::format(
        "{}:{}:{}: nesting {} levels deep (tables, arrays, inline tables and dotted keys); at "
        "most {} are allowed",
        name_, line_, col_, depth, max_));
  }
  // A quoted string at pos_ (a key part or a value), multi-line forms included.
  void skip_string() {
    const char q = peek();
    const bool triple = peek(1) == q && peek(2) == q;
    const std::size_t n = triple ? 3 : 1;
    for (std::size_t i = 0; i < n; ++i) advance();
    while (pos_ < text_.size()) {
      if (q == '"' && peek() == '\\') {
        advance();
        if (pos_ < text_.size()) advance();
        continue;
      }
      if (!triple && peek() == '\n') return;  // toml++ reports the unterminated string
      if (peek() == q && (!triple || (peek(1) == q && peek(2) == q))) {
        for (std::size_t i = 0; i < n; ++i) advance();
        return;
      }
      advance();
    }
  }
  // The parts of a dotted key (or header) up to `stop`; pos_ is left on stop (or the end).
  std::size_t key_parts(char stop) {
    std::size_t parts = 1;
    while (pos_ < text_.size() && peek() != stop && peek() != '\n') {
      if (peek() == '"' || peek() == '\'') {
        skip_string();
        continue;
      }
      if (peek() == '.') ++parts;
      advance();
    }
    return parts;
  }
  absl::Status header() {
    const bool array = peek(1) == '[';
    advance();
    if (array) advance();
    const std::size_t parts = key_parts(']');
    header_depth_ = parts + (array ? 1 : 0);
    if (header_depth_ > max_) return too_deep(header_depth_);
    skip_comment();  // the rest of the header line (a comment at most)
    return absl::OkStatus();
  }
  absl::Status key_step() {
    const char c = peek();
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',') {
      advance();
      return absl::OkStatus();
    }
    if (c == '#') {
      skip_comment();
      return absl::OkStatus();
    }
    if (c == '[' && stack_.empty()) return header();
    if (c == '}') return close();
    base_ = stack_.empty() ? header_depth_ : base_;
    current_ = base_ + key_parts('=');
    if (current_ > max_) return too_deep(current_);
    if (peek() == '=') advance();
    key_position_ = false;
    return absl::OkStatus();
  }
  absl::Status close() {
    if (!stack_.empty()) {
      base_ = stack_.back().base;
      current_ = base_;
      stack_.pop_back();
    }
    advance();
    key_position_ = !stack_.empty() && stack_.back().table;
    return absl::OkStatus();
  }
  absl::Status open(bool table) {
    stack_.push_back({base_, table});
    base_ = current_ + 1;
    current_ = base_;
    if (base_ > max_) return too_deep(base_);
    advance();
    key_position_ = table;
    return absl::OkStatus();
  }
  absl::Status value_step() {
    const char c = peek();
    switch (c) {
      case '"':
      case '\'':
        skip_string();
        return absl::OkStatus();
      case '#':
        skip_comment();
        return absl::OkStatus();
      case '[':
        return open(false);
      case '{':
        return open(true);
      case ']':
      case '}':
        return close();
      case ',':
        advance();
        if (!stack_.empty() && stack_.back().table) key_position_ = true;
        return absl::OkStatus();
      case '\n':
        advance();
        if (stack_.empty()) key_position_ = true;
        return absl::OkStatus();
      default:
        advance();
        return absl::OkStatus();
    }
  }

  struct Open {
    std::size_t base;
    bool table;
  };

  std::string_view name_;
  std::string_view text_;
  std::size_t max_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t col_ = 1;
  bool key_position_ = true;
  std::size_t header_depth_ = 0;
  std::size_t base_ = 0;
  std::size_t current_ = 0;
  std::vector<Open> stack_;
};

}  // namespace

absl::Status check_toml_depth(std::string_view name, std::string_view text,
                              std::size_t max_depth) {
  return DepthScanner(name, text, max_depth).scan();
}

}  // namespace q50::io
