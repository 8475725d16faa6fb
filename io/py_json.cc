#include "io/py_json.h"

#include <cmath>
#include <cstdint>

#include "core/number_format.h"
#include "fmt/format.h"

namespace q50::io {
namespace {

// The code point of the UTF-8 sequence at s[i], advancing i; a byte that does not start a
// valid sequence stands for itself.
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = 1;
  std::uint32_t cp = b0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0Fu;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07u;
  }
  if (len == 1 || i + len > s.size()) {
    ++i;
    return b0;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0u) != 0x80u) {
      ++i;
      return b0;
    }
    cp = (cp << 6) | (b & 0x3Fu);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return b0;
  }
  i += len;
  return cp;
}

void append_escape(std::string& out, std::uint32_t cp) {
  if (cp < 0x10000) {
    out += fmt::format("\\u{:04x}", cp);
    return;
  }
  const std::uint32_t v = cp - 0x10000;
  out += fmt::format("\\u{:04x}\\u{:04x}", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
}

}  // namespace

std::string py_json_float(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v < 0 ? "-Infinity" : "Infinity";
  return py_repr(v);
}

std::string py_json_string(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default: {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7F) {
          out += c;
          break;
        }
        append_escape(out, next_code_point(s, i));
        continue;
      }
    }
    ++i;
  }
  return out + "\"";
}

std::string py_json_object(const std::vector<std::pair<std::string, std::string>>& members,
                           int depth) {
  if (members.empty()) return "{}";
  const std::string pad(static_cast<std::size_t>(2 * (depth + 1)), ' ');
  std::string out = "{\n";
  for (std::size_t i = 0; i < members.size(); ++i) {
    out += pad + py_json_string(members[i].first) + ": " + members[i].second;
    out += i + 1 < members.size() ? ",\n" : "\n";
  }
  return out + std::string(static_cast<std::size_t>(2 * depth), ' ') + "}";
}

}  // namespace q50::io
