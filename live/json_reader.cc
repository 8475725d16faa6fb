#include "live/json_reader.h"

#include <fmt/format.h>

#include <exception>
#include <limits>

#include "live/decimal.h"
#include "live/text_quote.h"

namespace q50::live {
namespace {

// Deepest [ / { nesting of a JSON text, counting only brackets outside strings. Invalid JSON
// may give any number here; the parser reports it afterwards.
int max_nesting(std::string_view body, int stop_above) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > stop_above) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

absl::StatusOr<nlohmann::json> parse_json_bounded(std::string_view body, const JsonLimits& limits) {
  if (body.size() > limits.max_body_bytes) {
    return absl::InvalidArgumentError(
        fmt::format("response body of {} bytes is larger than the {} bytes allowed", body.size(),
                    limits.max_body_bytes));
  }
  if (max_nesting(body, limits.max_depth) > limits.max_depth) {
    return absl::InvalidArgumentError(fmt::format(
        "response body nests deeper than {} levels of arrays/objects", limits.max_depth));
  }
  try {
    return nlohmann::json::parse(body.begin(), body.end());
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(fmt::format("response body is not JSON: {}", e.what()));
  }
}

std::string describe_json(const nlohmann::json& value) {
  try {
    return quote_for_message(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                             48);
  } catch (const std::exception&) {
    return "<unprintable>";
  }
}

std::optional<std::int64_t> json_int64(const nlohmann::json& value) {
  if (value.is_number_unsigned()) {
    const auto u = value.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(u);
  }
  if (value.is_number_integer()) return value.get<std::int64_t>();
  return std::nullopt;
}

absl::StatusOr<const nlohmann::json*> optional_array(const nlohmann::json& object,
                                                     std::string_view key, std::string_view where) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  if (!it->is_array()) {
    return absl::InvalidArgumentError(
        fmt::format("{}.{}: expected an array, got {}", where, key, describe_json(*it)));
  }
  return &*it;
}

FieldReader::FieldReader(const nlohmann::json& object, std::string where)
    : object_(object), where_(std::move(where)) {
  if (!object_.is_object()) {
    status_ = absl::InvalidArgumentError(
        fmt::format("{}: expected a JSON object, got {}", where_, describe_json(object_)));
  }
}

bool FieldReader::has(std::string_view key) const {
  if (!object_.is_object()) return false;
  const auto it = object_.find(key);
  return it != object_.end() && !it->is_null();
}

const nlohmann::json* FieldReader::field(std::string_view key, bool required) {
  if (!object_.is_object()) return nullptr;
  const auto it = object_.find(key);
  if (it == object_.end() || it->is_null()) {
    if (required && status_.ok()) {
      status_ = absl::InvalidArgumentError(
          fmt::format("{}.{}: required field is missing or null", where_, key));
    }
    return nullptr;
  }
  return &*it;
}

void FieldReader::fail(std::string_view key, std::string_view expected,
                       const nlohmann::json& value) {
  if (!status_.ok()) return;
  status_ = absl::InvalidArgumentError(
      fmt::format("{}.{}: expected {}, got {}", where_, key, expected, describe_json(value)));
}

std::int64_t FieldReader::int64(std::string_view key, std::int64_t fallback) {
  const nlohmann::json* v = field(key, false);
  if (v == nullptr) return fallback;
  if (const std::optional<std::int64_t> i = json_int64(*v)) return *i;
  fail(key, "an int64 integer", *v);
  return fallback;
}

std::int64_t FieldReader::required_int64(std::string_view key) {
  return field(key, true) == nullptr ? 0 : int64(key);
}

std::int64_t FieldReader::e8(std::string_view key, std::int64_t fallback) {
  const nlohmann::json* v = field(key, false);
  if (v == nullptr) return fallback;
  if (!v->is_string()) {
    fail(key, "a decimal string", *v);
    return fallback;
  }
  absl::StatusOr<std::int64_t> parsed = parse_e8(v->get_ref<const std::string&>());
  if (!parsed.ok()) {
    if (status_.ok()) {
      status_ = absl::InvalidArgumentError(
          fmt::format("{}.{}: {}", where_, key, message_of(parsed.status())));
    }
    return fallback;
  }
  return *parsed;
}

std::int64_t FieldReader::required_e8(std::string_view key) {
  return field(key, true) == nullptr ? 0 : e8(key);
}

std::optional<std::int64_t> FieldReader::e8_unless_negative(std::string_view key) {
  const nlohmann::json* v = field(key, false);
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    if (!s.empty() && s[0] == '-') {
      // Still validate the digits: "-garbage" is an error, "-1.00000000" means unavailable.
      if (absl::StatusOr<std::int64_t> p = parse_e8(std::string_view(s).substr(1)); !p.ok()) {
        fail(key, "a decimal string", *v);
      }
      return std::nullopt;
    }
  }
  return e8(key);
}

std::string FieldReader::string(std::string_view key, std::string fallback) {
  const nlohmann::json* v = field(key, false);
  if (v == nullptr) return fallback;
  if (!v->is_string()) {
    fail(key, "a string", *v);
    return fallback;
  }
  return v->get<std::string>();
}

std::string FieldReader::required_string(std::string_view key) {
  return field(key, true) == nullptr ? std::string() : string(key);
}

bool FieldReader::boolean(std::string_view key, bool fallback) {
  const nlohmann::json* v = field(key, false);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) {
    fail(key, "true or false", *v);
    return fallback;
  }
  return v->get<bool>();
}

}  // namespace q50::live
