#include "io/api_keys.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "fmt/format.h"
#include "io/atomic_file.h"

namespace q50::io {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

absl::StatusOr<ApiKeys> from_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(fmt::format("{}: {}", path, std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) return absl::InvalidArgumentError(path + ": not a regular file");
  if ((st.st_mode & 077) != 0) {
    return absl::PermissionDeniedError(fmt::format(
        "{}: key file is readable by others (mode {:04o}); chmod 600 it", path, st.st_mode & 0777));
  }
  auto text = read_file(path);
  if (!text.ok()) return text.status();
  ApiKeys keys;
  std::string_view rest = *text;
  for (int line = 1; !rest.empty(); ++line) {
    const std::size_t nl = rest.find('\n');
    const std::string_view raw = trim(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (raw.empty() || raw.front() == '#') continue;
    const std::size_t eq = raw.find('=');
    const std::string_view name = trim(raw.substr(0, eq == std::string_view::npos ? 0 : eq));
    if (eq == std::string_view::npos || (name != "api_key" && name != "api_secret")) {
      return absl::InvalidArgumentError(fmt::format(
          "{}:{}: expected `api_key = ...` or `api_secret = ...`", path, line));
    }
    (name == "api_key" ? keys.api_key : keys.api_secret) = std::string(trim(raw.substr(eq + 1)));
  }
  if (keys.api_key.empty() || keys.api_secret.empty()) {
    return absl::InvalidArgumentError(path + ": needs both api_key and api_secret");
  }
  return keys;
}

}  // namespace

absl::StatusOr<ApiKeys> load_api_keys(const std::optional<std::string>& key_file,
                                      const EnvLookup& env) {
  if (key_file) return from_file(*key_file);
  const std::optional<std::string> key = env("BINANCE_API_KEY");
  const std::optional<std::string> secret = env("BINANCE_API_SECRET");
  if (!key || !secret) {
    return absl::NotFoundError(
        "no API keys: set BINANCE_API_KEY and BINANCE_API_SECRET, or pass --key-file FILE "
        "(mode 0600)");
  }
  return ApiKeys{*key, *secret};
}

}  // namespace q50::io
