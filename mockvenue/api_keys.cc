#include "mockvenue/api_keys.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "fmt/format.h"
#include "io/atomic_file.h"

namespace q50::mockvenue {
namespace {

std::string trim(std::string s) {
  const std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const std::size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

absl::Status bad_file(const std::string& name, std::string_view why) {
  return absl::InvalidArgumentError(
      fmt::format("{}: {} (expected api_key=... and api_secret=... lines, or two lines: the key, "
                  "then the secret)",
                  name, why));
}

}  // namespace

absl::StatusOr<ApiKeys> parse_key_file(const std::string& name, const std::string& text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    std::string line = trim(text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos));
    pos = nl == std::string::npos ? text.size() : nl + 1;
    if (!line.empty() && line[0] != '#') lines.push_back(std::move(line));
  }
  ApiKeys keys;
  bool any_assignment = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::size_t eq = lines[i].find('=');
    if (eq == std::string::npos) continue;
    any_assignment = true;
    const std::string key = trim(lines[i].substr(0, eq));
    std::string value = trim(lines[i].substr(eq + 1));
    if (key == "api_key" || key == "BINANCE_API_KEY") {
      keys.api_key = std::move(value);
    } else if (key == "api_secret" || key == "BINANCE_API_SECRET") {
      keys.api_secret = std::move(value);
    } else {
      return bad_file(name, fmt::format("line {} of the non-blank lines names no known key", i + 1));
    }
  }
  if (!any_assignment) {
    if (lines.size() != 2) return bad_file(name, fmt::format("{} non-blank lines", lines.size()));
    keys.api_key = lines[0];
    keys.api_secret = lines[1];
  }
  if (keys.api_key.empty() || keys.api_secret.empty()) {
    return bad_file(name, keys.api_key.empty() ? "no API key" : "no API secret");
  }
  return keys;
}

absl::StatusOr<ApiKeys> load_api_keys(const std::optional<std::string>& key_file,
                                      const io::EnvLookup& env) {
  if (key_file) {
    struct stat st {};
    if (::stat(key_file->c_str(), &st) != 0) {
      return absl::NotFoundError(
          fmt::format("{}: cannot read the key file: {}", *key_file, std::strerror(errno)));
    }
    if (!S_ISREG(st.st_mode)) {
      return absl::InvalidArgumentError(fmt::format("{}: the key file is not a regular file",
                                                    *key_file));
    }
    if ((st.st_mode & 077) != 0) {
      return absl::PermissionDeniedError(fmt::format(
          "{}: the key file is readable by others (mode {:04o}); chmod 600 it", *key_file,
          st.st_mode & 07777));
    }
    auto text = io::read_file(*key_file);
    if (!text.ok()) return text.status();
    return parse_key_file(*key_file, *text);
  }
  const std::optional<std::string> key = env("BINANCE_API_KEY");
  const std::optional<std::string> secret = env("BINANCE_API_SECRET");
  if (!key || !secret) {
    return absl::InvalidArgumentError(
        "no API keys: set BINANCE_API_KEY and BINANCE_API_SECRET, or pass --key-file FILE");
  }
  return ApiKeys{*key, *secret};
}

}  // namespace q50::mockvenue
