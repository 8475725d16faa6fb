// Market data and small bodies: klines, server time, ping/test-order objects, error bodies.
#include <fmt/format.h>

#include "live/decimal.h"
#include "live/response_parse.h"
#include "live/text_quote.h"

namespace q50::live {
namespace {

using nlohmann::json;

constexpr std::size_t kKlineMinFields = 11;

// Element i of a kline array as an int64 (times, trade count).
absl::Status kline_int(const json& a, std::size_t i, const std::string& where, std::int64_t& out) {
  const json& v = a[i];
  if (const std::optional<std::int64_t> value = json_int64(v)) {
    out = *value;
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      fmt::format("{}[{}]: expected an int64 integer, got {}", where, i, describe_json(v)));
}

// Element i of a kline array as a decimal string (prices, volumes).
absl::Status kline_e8(const json& a, std::size_t i, const std::string& where, std::int64_t& out) {
  const json& v = a[i];
  if (!v.is_string()) {
    return absl::InvalidArgumentError(
        fmt::format("{}[{}]: expected a decimal string, got {}", where, i, describe_json(v)));
  }
  absl::StatusOr<std::int64_t> parsed = parse_e8(v.get_ref<const std::string&>());
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("{}[{}]: {}", where, i, message_of(parsed.status())));
  }
  out = *parsed;
  return absl::OkStatus();
}

absl::StatusOr<Kline> read_kline(const json& a, const std::string& where) {
  if (!a.is_array() || a.size() < kKlineMinFields) {
    return absl::InvalidArgumentError(
        fmt::format("{}: expected an array of 12 kline fields, got {}", where, describe_json(a)));
  }
  Kline k;
  absl::Status s = kline_int(a, 0, where, k.open_time_ms);
  if (s.ok()) s = kline_e8(a, 1, where, k.open_e8);
  if (s.ok()) s = kline_e8(a, 2, where, k.high_e8);
  if (s.ok()) s = kline_e8(a, 3, where, k.low_e8);
  if (s.ok()) s = kline_e8(a, 4, where, k.close_e8);
  if (s.ok()) s = kline_e8(a, 5, where, k.volume_e8);
  if (s.ok()) s = kline_int(a, 6, where, k.close_time_ms);
  if (s.ok()) s = kline_e8(a, 7, where, k.quote_volume_e8);
  if (s.ok()) s = kline_int(a, 8, where, k.trade_count);
  if (s.ok()) s = kline_e8(a, 9, where, k.taker_buy_base_volume_e8);
  if (s.ok()) s = kline_e8(a, 10, where, k.taker_buy_quote_volume_e8);
  if (!s.ok()) return s;
  return k;
}

absl::StatusOr<std::vector<Kline>> read_klines(const json& doc) {
  if (!doc.is_array()) {
    return absl::InvalidArgumentError(
        fmt::format("klines: expected a JSON array, got {}", describe_json(doc)));
  }
  std::vector<Kline> out;
  std::size_t i = 0;
  for (const json& element : doc) {
    absl::StatusOr<Kline> k = read_kline(element, fmt::format("klines[{}]", i++));
    if (!k.ok()) return k.status();
    out.push_back(*k);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<Kline>> parse_klines(std::string_view body, const JsonLimits& limits) {
  return without_exceptions("klines", [&]() -> absl::StatusOr<std::vector<Kline>> {
    absl::StatusOr<json> doc = parse_json_bounded(body, limits);
    if (!doc.ok()) return doc.status();
    return read_klines(*doc);
  });
}

std::vector<Kline> closed_klines(const std::vector<Kline>& klines, std::int64_t server_time_ms) {
  std::vector<Kline> out;
  for (const Kline& k : klines) {
    if (k.close_time_ms < server_time_ms) out.push_back(k);
  }
  return out;
}

absl::StatusOr<ServerTime> parse_server_time(std::string_view body, const JsonLimits& limits) {
  return without_exceptions("time", [&]() -> absl::StatusOr<ServerTime> {
    absl::StatusOr<json> doc = parse_json_bounded(body, limits);
    if (!doc.ok()) return doc.status();
    FieldReader r(*doc, "time");
    ServerTime t{r.required_int64("serverTime")};
    if (!r.status().ok()) return r.status();
    return t;
  });
}

absl::Status parse_json_object(std::string_view body, const JsonLimits& limits) {
  return without_exceptions("response", [&]() -> absl::Status {
    absl::StatusOr<json> doc = parse_json_bounded(body, limits);
    if (!doc.ok()) return doc.status();
    return FieldReader(*doc, "response").status();
  });
}

absl::StatusOr<ApiError> parse_api_error(std::string_view body, const JsonLimits& limits) {
  return without_exceptions("error", [&]() -> absl::StatusOr<ApiError> {
    absl::StatusOr<json> doc = parse_json_bounded(body, limits);
    if (!doc.ok()) return doc.status();
    FieldReader r(*doc, "error");
    ApiError e{r.required_int64("code"), r.required_string("msg")};
    if (!r.status().ok()) return r.status();
    return e;
  });
}

}  // namespace q50::live
