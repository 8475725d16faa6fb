#ifndef Q50SIM_LIVE_QUERY_STRING_H_
#define Q50SIM_LIVE_QUERY_STRING_H_

// Request parameters as Binance signs them: percent-encoded k=v pairs joined with '&' in the
// caller's order. The string built here is the exact byte sequence that is signed and sent
// (the HTTP client is told not to re-encode), so signature and wire cannot disagree.

#include <string>
#include <string_view>
#include <vector>

namespace q50::live {

struct QueryParam {
  std::string key;
  std::string value;
};

// RFC 3986 unreserved characters A-Z a-z 0-9 - _ . ~ pass through; every other byte (UTF-8
// bytes of non-ASCII text included) becomes %XX with uppercase hex. "１" -> "%EF%BC%91".
std::string percent_encode(std::string_view text);

// "k1=v1&k2=v2" with keys and values percent-encoded, in the order given; "" for no params.
std::string build_query(const std::vector<QueryParam>& params);

}  // namespace q50::live

#endif  // Q50SIM_LIVE_QUERY_STRING_H_
