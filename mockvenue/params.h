#ifndef Q50SIM_MOCKVENUE_PARAMS_H_
#define Q50SIM_MOCKVENUE_PARAMS_H_

// A request's parameters as Binance reads them (spec/binance-testnet.md §1.2, §1.3):
//  - from the raw query string and the raw form body, "k=v" pairs joined by '&', each key and
//    value percent-decoded ('+' is a space, as in a form); the query string wins on a key both
//    carry; a key repeated within one of them is -1101;
//  - the signature is the value of the `signature` pair, and the signed payload is the RAW
//    bytes received without that pair: the query string without it, then the body without it
//    (no separator). Nothing is decoded or re-encoded before the HMAC, so a client that signs
//    one byte sequence and sends another fails -1022.
// Value checks: decimals (Binance's grammar and 8-decimal precision), integers, enumerations.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "mockvenue/api_error.h"

namespace q50::mockvenue {

struct Params {
  std::map<std::string, std::string, std::less<>> values;  // decoded; the signature excluded
  bool has_signature = false;
  std::string signature;       // raw, as received
  std::string signed_payload;  // raw query without the signature pair, then the raw body without it

  bool has(std::string_view key) const { return values.find(key) != values.end(); }
  // The value, or nullopt when absent or empty (Binance treats both as "not sent").
  std::optional<std::string> get(std::string_view key) const;
};

// Reads the parameters of one request. Errors: -1100 for a malformed %XX escape, -1101 for a key
// repeated within the query string or within the body (or two signatures).
std::variant<Params, ApiError> parse_params(std::string_view raw_query, std::string_view raw_body);

// Binance's decimal grammar ^([0-9]{1,20})(\.[0-9]{1,20})?$ (-1100 naming the parameter), at
// most 8 significant decimals (-1111), as e8; a value beyond int64 e8 is `overflow_filter`'s
// filter failure (-1013), which is what Binance's bounds would say about it.
std::variant<std::int64_t, ApiError> read_decimal(const Params& params, std::string_view name,
                                                  std::string_view overflow_filter);

// A non-negative integer of at most 19 digits (ids, times, limits): -1100 otherwise.
std::variant<std::int64_t, ApiError> read_integer(const Params& params, std::string_view name);

// recvWindow: a decimal of at most 3 decimals in (0, 60000] ms, as microseconds (5000 -> 5000000);
// 5000 ms when absent. -1100 for bad text, -1131 outside the range.
std::variant<std::int64_t, ApiError> read_recv_window_us(const Params& params);

}  // namespace q50::mockvenue

#endif  // Q50SIM_MOCKVENUE_PARAMS_H_
