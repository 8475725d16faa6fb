#include "live/redaction.h"

#include <utility>

namespace q50::live {

Redactor::Redactor(std::vector<std::string> secrets) {
  for (std::string& s : secrets) {
    if (s.size() >= kMinSecretBytes) secrets_.push_back(std::move(s));
  }
}

std::string Redactor::whole(std::string text) const {
  for (const std::string& secret : secrets_) {
    for (std::size_t at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + kMarker.size())) {
      text.replace(at, secret.size(), kMarker);
    }
  }
  return text;
}

std::string Redactor::pieces(std::string text) const {
  text = whole(std::move(text));
  for (const std::string& secret : secrets_) {
    const auto is_piece = [&](std::size_t from, std::size_t to) {
      return secret.find(std::string_view(text).substr(from, to - from)) != std::string::npos;
    };
    for (std::size_t i = 0; i + kMinSecretBytes <= text.size();) {
      std::size_t end = i + kMinSecretBytes;
      if (!is_piece(i, end)) {
        ++i;
        continue;
      }
      while (end < text.size() && is_piece(i, end + 1)) ++end;
      text.replace(i, end - i, kMarker);
      i += kMarker.size();
    }
  }
  return text;
}

}  // namespace q50::live
