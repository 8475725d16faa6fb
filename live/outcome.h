#ifndef Q50SIM_LIVE_OUTCOME_H_
#define Q50SIM_LIVE_OUTCOME_H_

// What a REST response means for the caller, decided from the HTTP status, the Binance error
// code and the headers (pure; the transport feeds it). The distinction that matters most:
// `kRejected` is definite (the venue did nothing), `kUnknownOutcome` is not (a timeout, a 5xx or
// -1007: the order may have executed; query it by client order id before resubmitting).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "live/reports.h"

namespace q50::live {

enum class OutcomeKind : std::uint8_t {
  kOk,              // 2xx
  kRejected,        // definite refusal: 4xx with an error code (filters, balance, bad params)
  kRetryAfter,      // 429: back off retry_after_s seconds (weight or order-rate limit)
  kBanned,          // 418: IP banned; wait retry_after_s (and/or until banned_until_ms)
  kUnknownOutcome,  // timeout, transport error, 5xx, 408, -1006, -1007: state unknown
  kClockSkew,       // -1021: timestamp outside recvWindow or ahead; resync time, then retry
  kNotFound,        // -2013 (query order), -2011 "Unknown order sent." (cancel)
  kAuthFatal,       // -2014, -2015, -1022, HTTP 401, TLS verification failure: stop
};
std::string_view outcome_kind_name(OutcomeKind kind);

// Used when a 429/418 carries no usable Retry-After: a whole weight window (1 minute).
inline constexpr std::int64_t kDefaultRetryAfterS = 60;

// A response header as received (name case is not significant).
using Header = std::pair<std::string, std::string>;

// The input of map_outcome. transport_error is true when no HTTP response arrived at all
// (connect failure, timeout, reset, TLS failure, body over the size limit).
struct ResponseFacts {
  bool transport_error = false;
  // The venue's TLS certificate did not verify: not a network hiccup but a wrong or hostile
  // endpoint (or a broken CA store); retrying cannot help, so it maps to kAuthFatal.
  bool tls_verification_failed = false;
  int http_status = 0;
  std::optional<ApiError> error;  // the parsed error body, when there was one
  std::vector<Header> headers;
};

struct Outcome {
  OutcomeKind kind = OutcomeKind::kUnknownOutcome;
  int http_status = 0;               // 0 when no response arrived
  std::int64_t error_code = 0;       // Binance code, 0 when none
  std::string error_msg;             // Binance msg, "" when none
  std::int64_t retry_after_s = 0;    // kRetryAfter / kBanned only
  std::int64_t banned_until_ms = 0;  // kBanned: from "IP banned until <ms>" when present
};

// The mapping, first match wins: TLS verification failure -> auth fatal; transport error ->
// unknown; 418 -> banned; 429, or codes
// -1003 (too much weight), -1015 (too many orders), -1008 (server busy) -> retry after;
// -1021 -> clock skew; -2014/-2015/-1022 or HTTP 401 -> auth fatal; -1006/-1007, 5xx or
// 408 -> unknown; -2013, or -2011 with msg "Unknown order sent." -> not found; any other
// 4xx/error code -> rejected; 2xx -> ok; anything else (1xx, 3xx) -> unknown.
Outcome map_outcome(const ResponseFacts& facts);

// The value of header `name` (case-insensitive), or nullptr.
const std::string* find_header(const std::vector<Header>& headers, std::string_view name);

// One X-MBX-USED-WEIGHT-<n><unit> / X-MBX-ORDER-COUNT-<n><unit> header.
struct IntervalCount {
  std::int64_t interval_num = 0;  // the <n>
  char interval_unit = 'M';       // 'S', 'M', 'H' or 'D'
  std::int64_t count = 0;
};

// What the venue says we used: request weight per IP, orders per account. Sorted by interval
// length (unit, then n) so the result does not depend on header order.
struct RateUsage {
  std::vector<IntervalCount> used_weight;
  std::vector<IntervalCount> order_count;
  // The count for e.g. (1, 'M'), or nullopt when that header was absent.
  static std::optional<std::int64_t> find(const std::vector<IntervalCount>& counts,
                                          std::int64_t interval_num, char interval_unit);
};

// Reads every X-MBX-USED-WEIGHT-* and X-MBX-ORDER-COUNT-* header; malformed ones (bad unit,
// non-numeric value) are skipped, they are advisory.
RateUsage parse_rate_usage(const std::vector<Header>& headers);

}  // namespace q50::live

#endif  // Q50SIM_LIVE_OUTCOME_H_
