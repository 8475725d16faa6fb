#include "mockvenue/params.h"

#include <charconv>
#include <limits>
#include <system_error>
#include <vector>

#include "live/decimal.h"

namespace q50::mockvenue {
namespace {

constexpr std::string_view kDecimalRange = "^([0-9]{1,20})(\\.[0-9]{1,20})?$";
constexpr std::string_view kIntegerRange = "^[0-9]{1,19}$";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX escapes and '+' (a space in a form); nullopt for a truncated or non-hex escape.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c != '%') {
      out += c;
    } else {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
  }
  return out;
}

struct Part {
  std::map<std::string, std::string, std::less<>> values;
  bool has_signature = false;
  std::string signature;
  std::string unsigned_raw;  // the part's raw bytes without the signature pair
};

// One of the query string and the body.
std::variant<Part, ApiError> parse_part(std::string_view raw) {
  Part part;
  std::vector<std::string_view> kept;
  std::size_t pos = 0;
  while (pos <= raw.size() && !raw.empty()) {
    const std::size_t amp = raw.find('&', pos);
    const std::string_view pair =
        raw.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    pos = amp == std::string_view::npos ? raw.size() + 1 : amp + 1;
    const std::size_t eq = pair.find('=');
    const std::optional<std::string> key = percent_decode(pair.substr(0, eq));
    const std::optional<std::string> value =
        percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!key || !value) return errors::illegal_characters();
    if (*key == "signature") {
      if (part.has_signature) return errors::duplicate_parameter();
      part.has_signature = true;
      part.signature = std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
      continue;
    }
    kept.push_back(pair);
    if (pair.empty()) continue;
    if (!part.values.emplace(*key, *value).second) return errors::duplicate_parameter();
  }
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) part.unsigned_raw += '&';
    part.unsigned_raw += kept[i];
  }
  return part;
}

}  // namespace

std::optional<std::string> Params::get(std::string_view key) const {
  const auto it = values.find(key);
  if (it == values.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::variant<Params, ApiError> parse_params(std::string_view raw_query, std::string_view raw_body) {
  auto query = parse_part(raw_query);
  if (auto* e = std::get_if<ApiError>(&query)) return *e;
  auto body = parse_part(raw_body);
  if (auto* e = std::get_if<ApiError>(&body)) return *e;
  Part& q = std::get<Part>(query);
  Part& b = std::get<Part>(body);
  if (q.has_signature && b.has_signature) return errors::duplicate_parameter();
  Params p;
  p.values = std::move(b.values);
  for (auto& [k, v] : q.values) p.values[k] = std::move(v);  // the query string wins
  p.has_signature = q.has_signature || b.has_signature;
  p.signature = q.has_signature ? q.signature : b.signature;
  p.signed_payload = q.unsigned_raw + b.unsigned_raw;
  return p;
}

std::variant<std::int64_t, ApiError> read_decimal(const Params& params, std::string_view name,
                                                  std::string_view overflow_filter) {
  const std::optional<std::string> text = params.get(name);
  if (!text) return errors::mandatory_missing(name);
  const std::size_t dot = text->find('.');
  const std::string_view whole = std::string_view(*text).substr(0, dot);
  const std::string_view frac =
      dot == std::string::npos ? std::string_view() : std::string_view(*text).substr(dot + 1);
  const auto digits = [](std::string_view s) {
    return !s.empty() && s.size() <= 20 &&
           s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (!digits(whole) || (dot != std::string::npos && !digits(frac))) {
    return errors::illegal_parameter(name, kDecimalRange);
  }
  if (frac.size() > 8 && frac.substr(8).find_first_not_of('0') != std::string_view::npos) {
    return errors::bad_precision(name);
  }
  const absl::StatusOr<std::int64_t> e8 = live::parse_e8(*text);
  if (!e8.ok()) return errors::filter_failure(overflow_filter);
  return *e8;
}

std::variant<std::int64_t, ApiError> read_integer(const Params& params, std::string_view name) {
  const std::optional<std::string> text = params.get(name);
  if (!text) return errors::mandatory_missing(name);
  std::int64_t v = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, v);
  if (text->size() > 19 || (*text)[0] == '-' || ec != std::errc() || ptr != end) {
    return errors::illegal_parameter(name, kIntegerRange);
  }
  return v;
}

std::variant<std::int64_t, ApiError> read_recv_window_us(const Params& params) {
  constexpr std::int64_t kDefaultUs = 5'000'000;
  const std::optional<std::string> text = params.get("recvWindow");
  if (!text) return kDefaultUs;
  const std::size_t dot = text->find('.');
  const std::string whole = text->substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : text->substr(dot + 1);
  const auto digits = [](const std::string& s) {
    return !s.empty() && s.size() <= 9 && s.find_first_not_of("0123456789") == std::string::npos;
  };
  if (!digits(whole) || (dot != std::string::npos && (!digits(frac) || frac.size() > 3))) {
    return errors::illegal_parameter("recvWindow", "^[0-9]{1,9}(\\.[0-9]{1,3})?$");
  }
  frac.resize(3, '0');
  const std::int64_t us = std::stoll(whole) * 1000 + std::stoll(frac);
  if (us <= 0 || us > 60'000'000) return errors::bad_recv_window();
  return us;
}

}  // namespace q50::mockvenue
