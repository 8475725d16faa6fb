#include "store/store_url.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "fmt/format.h"

namespace q50::store {
namespace {

constexpr std::string_view kRedacted = "***";

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
}

std::optional<std::string_view> postgres_rest(std::string_view url) {
  for (const std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (starts_with_ci(url, scheme)) return url.substr(scheme.size());
  }
  return std::nullopt;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int high = i + 2 < text.size() && text[i] == '%' ? hex_digit(text[i + 1]) : -1;
    const int low = high >= 0 ? hex_digit(text[i + 2]) : -1;
    if (low >= 0) {
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// The parts of "user:password@host/db?a=b&password=x" that are passwords, as [begin, end)
// offsets into rest, in order.
std::vector<std::pair<std::size_t, std::size_t>> password_spans(std::string_view rest) {
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  const std::size_t authority_end = std::min(rest.find('/'), rest.find('?'));
  const std::string_view authority = rest.substr(0, authority_end);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    if (const std::size_t colon = authority.substr(0, at).find(':');
        colon != std::string_view::npos) {
      spans.emplace_back(colon + 1, at);
    }
  }
  if (const std::size_t query = rest.find('?'); query != std::string_view::npos) {
    std::size_t pos = query + 1;
    while (pos <= rest.size()) {
      const std::size_t end = std::min(rest.find('&', pos), rest.size());
      const std::string_view param = rest.substr(pos, end - pos);
      if (starts_with_ci(param, "password=")) {
        spans.emplace_back(pos + 9, end);
      }
      pos = end + 1;
    }
  }
  return spans;
}

// What follows "scheme://" in any URL (a store URL of an unknown scheme is echoed in its error and
// may carry a password too), or nullopt for a path.
std::optional<std::string_view> any_scheme_rest(std::string_view url) {
  const std::size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  const std::string_view scheme = url.substr(0, sep);
  const bool scheme_chars = std::all_of(scheme.begin(), scheme.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.';
  });
  if (!scheme_chars) return std::nullopt;
  return url.substr(sep + 3);
}

}  // namespace

std::string redact_url(std::string_view url) {
  const std::optional<std::string_view> rest = any_scheme_rest(url);
  if (!rest.has_value()) return std::string(url);
  const std::size_t offset = url.size() - rest->size();
  std::string out;
  std::size_t copied = 0;
  for (const auto& [begin, end] : password_spans(*rest)) {
    out.append(url.substr(copied, offset + begin - copied));
    out.append(kRedacted);
    copied = offset + end;
  }
  out.append(url.substr(copied));
  return out;
}

std::string scrub_secrets(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (std::size_t pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, pos + kRedacted.size())) {
      text.replace(pos, secret.size(), kRedacted);
    }
  }
  return text;
}

absl::StatusOr<StoreUrl> parse_store_url(std::string_view url) {
  StoreUrl parsed;
  parsed.display = redact_url(url);
  if (url.empty()) return absl::InvalidArgumentError("store URL is empty");
  if (const std::optional<std::string_view> rest = postgres_rest(url); rest.has_value()) {
    parsed.backend = Backend::kPostgresql;
    parsed.target = std::string(url);
    for (const auto& [begin, end] : password_spans(*rest)) {
      const std::string_view secret = rest->substr(begin, end - begin);
      parsed.secrets.emplace_back(secret);
      parsed.secrets.push_back(percent_decode(secret));
    }
    return parsed;
  }
  parsed.backend = Backend::kSqlite;
  parsed.target = std::string(starts_with_ci(url, "sqlite:") ? url.substr(7) : url);
  if (parsed.target.empty()) {
    return absl::InvalidArgumentError(fmt::format("store URL {}: the SQLite path is empty", url));
  }
  if (const std::size_t scheme = parsed.target.find("://"); scheme != std::string::npos &&
      parsed.target.find('/') == scheme + 1) {
    return absl::InvalidArgumentError(fmt::format(
        "store URL {}: unknown scheme (expected a path, sqlite:PATH or postgresql://...)",
        parsed.display));
  }
  return parsed;
}

}  // namespace q50::store
