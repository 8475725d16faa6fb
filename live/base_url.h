#ifndef Q50SIM_LIVE_BASE_URL_H_
#define Q50SIM_LIVE_BASE_URL_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace q50::live {

struct BaseUrl {
  bool https = true;
  std::string host;
  int port = 443;
};

// Parses "https://host[:port]" or "http://host:port" (no path, query or user info; a trailing
// '/' is allowed). Plain http is accepted only for loopback hosts (127.0.0.1, localhost, [::1]):
// signed requests must not cross a network in clear text. InvalidArgument otherwise.
absl::StatusOr<BaseUrl> parse_base_url(std::string_view url);

}  // namespace q50::live

#endif  // Q50SIM_LIVE_BASE_URL_H_
