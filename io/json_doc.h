#ifndef Q50SIM_IO_JSON_DOC_H_
#define Q50SIM_IO_JSON_DOC_H_

// JSON inputs (the legacy replay's config.json files): read whole, a UTF-8 byte order mark
// accepted, at most kMaxConfigBytes, nesting at most kMaxJsonDepth, and every object's keys
// unique -- nlohmann::json would silently keep the last of two equal keys. Errors name the
// file, line and column: "config.json:3:5: duplicate key 'fee_rate' (first at 2:5)".

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace q50::io {

inline constexpr std::size_t kMaxJsonDepth = 64;

absl::StatusOr<nlohmann::json> read_json_document(const std::string& path);

// The same from text in memory; name stands in for the path in messages.
absl::StatusOr<nlohmann::json> parse_json_document(std::string_view name, std::string_view text);

}  // namespace q50::io

#endif  // Q50SIM_IO_JSON_DOC_H_
