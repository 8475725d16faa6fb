#include "live/base_url.h"

#include <fmt/format.h>

#include <charconv>

#include "live/text_quote.h"

namespace q50::live {
namespace {

bool host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.';
}

absl::Status bad_url(std::string_view url, std::string_view why) {
  return absl::InvalidArgumentError(fmt::format("base url {}: {}", quote_for_message(url), why));
}

}  // namespace

absl::StatusOr<BaseUrl> parse_base_url(std::string_view url) {
  BaseUrl out;
  std::string_view rest;
  if (url.substr(0, 8) == "https://") {
    rest = url.substr(8);
  } else if (url.substr(0, 7) == "http://") {
    out.https = false;
    out.port = 80;
    rest = url.substr(7);
  } else {
    return bad_url(url, "must start with https:// (or http:// for a loopback mock)");
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  std::string_view host = rest;
  if (const std::size_t colon = rest.rfind(':');
      colon != std::string_view::npos && rest != "[::1]") {
    host = rest.substr(0, colon);
    const std::string_view port = rest.substr(colon + 1);
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
    if (ec != std::errc() || end != port.data() + port.size() || out.port < 1 || out.port > 65535) {
      return bad_url(url, "port must be 1..65535");
    }
  }
  const bool ipv6_loopback = host == "[::1]";
  bool valid_host = !host.empty() || ipv6_loopback;
  for (char c : host) valid_host &= host_char(c) || ipv6_loopback;
  if (!valid_host) return bad_url(url, "expected scheme://host[:port] with no path");
  const bool loopback = host == "127.0.0.1" || host == "localhost" || ipv6_loopback;
  if (!out.https && !loopback) {
    return bad_url(url, "plain http is only allowed to a loopback address; use https");
  }
  out.host = std::string(host);
  return out;
}

}  // namespace q50::live
