#ifndef Q50SIM_LIVE_JSON_READER_H_
#define Q50SIM_LIVE_JSON_READER_H_

// Reading untrusted JSON response bodies: a bounded parse (size and nesting depth are checked
// on the raw bytes before nlohmann sees them) and a field reader that never throws and keeps
// the first error with the field's path and the offending value.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace q50::live {

struct JsonLimits {
  std::size_t max_body_bytes = 8u << 20;  // a one-symbol exchangeInfo is ~5 KiB
  int max_depth = 32;                     // Binance bodies nest 4 levels at most
};

// Parses `body` as one JSON document. Errors (InvalidArgument, never an exception): body larger
// than limits.max_body_bytes, nesting deeper than limits.max_depth (checked by a linear scan, so
// a depth-100000 document costs one pass and no recursion), or invalid JSON with nlohmann's
// line/column message.
absl::StatusOr<nlohmann::json> parse_json_bounded(std::string_view body,
                                                  const JsonLimits& limits = {});

// Reads typed fields of one JSON object. A missing or null optional field gives the fallback;
// a present field of the wrong type, an integer out of int64 range or a malformed decimal
// string records an error "<where>.<key>: expected ..., got <value>" and returns the fallback.
// Only the first error is kept; check status() once after reading every field.
class FieldReader {
 public:
  // `where` names the object in messages, e.g. "order" or "fills[2]". If `object` is not a JSON
  // object, status() is already an error.
  FieldReader(const nlohmann::json& object, std::string where);

  std::int64_t int64(std::string_view key, std::int64_t fallback = 0);
  std::int64_t required_int64(std::string_view key);
  // A Binance decimal string (decimal.h) as value * 1e8.
  std::int64_t e8(std::string_view key, std::int64_t fallback = 0);
  std::int64_t required_e8(std::string_view key);
  // Like e8, but a string with a leading '-' (Binance's "not available", e.g. historical
  // cummulativeQuoteQty) or a missing field gives nullopt instead of an error.
  std::optional<std::int64_t> e8_unless_negative(std::string_view key);
  std::string string(std::string_view key, std::string fallback = {});
  std::string required_string(std::string_view key);
  bool boolean(std::string_view key, bool fallback = false);
  bool has(std::string_view key) const;

  const absl::Status& status() const { return status_; }

 private:
  // The field, or nullptr when missing or null (recording an error if required).
  const nlohmann::json* field(std::string_view key, bool required);
  void fail(std::string_view key, std::string_view expected, const nlohmann::json& value);

  const nlohmann::json& object_;
  std::string where_;
  absl::Status status_;
};

// A JSON integer that fits int64 (nlohmann keeps non-negative integers as uint64), or nullopt
// for anything else: floats, strings, integers above INT64_MAX.
std::optional<std::int64_t> json_int64(const nlohmann::json& value);

// The array `object[key]`: nullptr when `object` is not an object or the field is missing or
// null, an error naming "<where>.<key>" when it is present but not an array.
absl::StatusOr<const nlohmann::json*> optional_array(const nlohmann::json& object,
                                                     std::string_view key, std::string_view where);

// The JSON value as short, safe message text (truncated, control characters escaped).
std::string describe_json(const nlohmann::json& value);

// Runs parse() and turns any exception escaping it (bad_alloc, a library surprise) into an
// Internal status, so that no exception leaves a parser of this module.
template <class Parse>
auto without_exceptions(std::string_view what, Parse&& parse) -> decltype(parse()) {
  try {
    return parse();
  } catch (const std::exception& e) {
    return absl::InternalError(std::string(what) + ": " + e.what());
  }
}

}  // namespace q50::live

#endif  // Q50SIM_LIVE_JSON_READER_H_
