#ifndef Q50SIM_LIVE_SIGNING_H_
#define Q50SIM_LIVE_SIGNING_H_

// HMAC-SHA256 request signing (Binance "HMAC keys"): the payload is the query string
// concatenated with the request body, no separator, exactly as sent; the signature is the
// HMAC rendered as 64 lowercase hex digits. OpenSSL 3 EVP_MAC only (no deprecated API).

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace q50::live {

// HMAC-SHA256(key, message) as lowercase hex. Fails (Internal) only if OpenSSL cannot provide
// HMAC/SHA256; the message then names the OpenSSL call, never the key or the message.
absl::StatusOr<std::string> hmac_sha256_hex(std::string_view key, std::string_view message);

// The signature Binance expects for a request: hmac_sha256_hex(secret, query + body), where
// query excludes the leading '?' and neither part contains the signature itself.
absl::StatusOr<std::string> sign_request(std::string_view secret, std::string_view query,
                                         std::string_view body);

// For the venue side (the loopback mock): true when `received_hex` is the same signature as
// `expected_hex`, ignoring hex letter case (HMAC signatures are case-insensitive at Binance).
// Constant time in the contents (CRYPTO_memcmp) for equal lengths; different lengths or a
// non-hex character are simply unequal.
bool signature_matches(std::string_view expected_hex, std::string_view received_hex);

}  // namespace q50::live

#endif  // Q50SIM_LIVE_SIGNING_H_
