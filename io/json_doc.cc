#include "io/json_doc.h"

#include <map>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "io/input_file.h"

namespace q50::io {
namespace {

struct Position {
  std::size_t line = 1;
  std::size_t col = 1;
};

// One pass over the text that follows only containers, strings and separators: the depth and
// the keys of every open object. nlohmann::json parses (and reports syntax errors) afterwards.
class KeyScanner {
 public:
  KeyScanner(std::string_view name, std::string_view text) : name_(name), text_(text) {}

  absl::Status scan() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '{' || c == '[') {
        if (stack_.size() >= kMaxJsonDepth) {
          return error(here_, fmt::format("nesting deeper than {} levels", kMaxJsonDepth));
        }
        stack_.push_back({c == '{', {}});
        expect_key_ = c == '{';
        advance();
      } else if (c == '}' || c == ']') {
        if (!stack_.empty()) stack_.pop_back();
        expect_key_ = false;
        advance();
      } else if (c == ',') {
        expect_key_ = !stack_.empty() && stack_.back().object;
        advance();
      } else if (c == '"') {
        const Position start = here_;
        const bool key = expect_key_;
        std::string text = string();
        if (key) {
          auto& keys = stack_.back().keys;
          if (const auto it = keys.find(text); it != keys.end()) {
            return error(start, fmt::format("duplicate key '{}' (first at {}:{}); each key may "
                                            "appear once per object",
                                            text, it->second.line, it->second.col));
          }
          keys.emplace(std::move(text), start);
          expect_key_ = false;
        }
      } else {
        advance();
      }
    }
    return absl::OkStatus();
  }

 private:
  struct Level {
    bool object;
    std::map<std::string, Position> keys;
  };

  void advance() {
    if (text_[pos_] == '\n') {
      ++here_.line;
      here_.col = 1;
    } else {
      ++here_.col;
    }
    ++pos_;
  }
  absl::Status error(Position at, std::string_view what) const {
    return absl::InvalidArgumentError(fmt::format("{}:{}:{}: {}", name_, at.line, at.col, what));
  }
  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  // Four hex digits at pos_ (consumed); 0xFFFFFFFF when they are not.
  unsigned hex4() {
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      if (pos_ >= text_.size()) return 0xFFFFFFFFU;
      const char h = text_[pos_];
      unsigned d = 0;
      if (h >= '0' && h <= '9') {
        d = static_cast<unsigned>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        d = static_cast<unsigned>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        d = static_cast<unsigned>(h - 'A' + 10);
      } else {
        return 0xFFFFFFFFU;
      }
      v = v * 16 + d;
      advance();
    }
    return v;
  }
  // The decoded string at pos_ (the opening quote), so that "a\u0062" and "ab" are one key.
  std::string string() {
    std::string out;
    advance();
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] != '\\') {
        out += text_[pos_];
        advance();
        continue;
      }
      advance();
      if (pos_ >= text_.size()) break;
      const char e = text_[pos_];
      advance();
      switch (e) {
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && pos_ + 1 < text_.size() && text_[pos_] == '\\' &&
              text_[pos_ + 1] == 'u') {
            advance();
            advance();
            const unsigned low = hex4();
            if (low >= 0xDC00 && low < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          if (cp <= 0x10FFFF) append_utf8(out, cp);
          break;
        }
        default: out += e;
      }
    }
    if (pos_ < text_.size()) advance();  // the closing quote
    return out;
  }

  std::string_view name_;
  std::string_view text_;
  std::size_t pos_ = 0;
  Position here_;
  bool expect_key_ = false;
  std::vector<Level> stack_;
};

}  // namespace

absl::StatusOr<nlohmann::json> parse_json_document(std::string_view name, std::string_view text) {
  text = strip_utf8_bom(text);
  if (text.size() > kMaxConfigBytes) {
    return absl::InvalidArgumentError(fmt::format("{}: file too large ({} bytes; at most {})",
                                                  name, text.size(), kMaxConfigBytes));
  }
  if (auto st = KeyScanner(name, text).scan(); !st.ok()) return st;
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(fmt::format("{}: not valid JSON: {}", name, e.what()));
  }
}

absl::StatusOr<nlohmann::json> read_json_document(const std::string& path) {
  auto text = read_text_input(path, kMaxConfigBytes);
  if (!text.ok()) return text.status();
  return parse_json_document(path, *text);
}

}  // namespace q50::io
