#include "live/outcome.h"

#include <algorithm>
#include <charconv>

namespace q50::live {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

// A non-negative decimal integer of at most 18 digits (no sign, no spaces), or nullopt.
std::optional<std::int64_t> parse_count(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

std::int64_t retry_after_s(const std::vector<Header>& headers) {
  const std::string* value = find_header(headers, "Retry-After");
  if (value == nullptr) return kDefaultRetryAfterS;
  return parse_count(*value).value_or(kDefaultRetryAfterS);
}

// "... IP banned until 1700000000000. ..." -> 1700000000000; 0 when the text has no such time.
std::int64_t banned_until_ms(std::string_view msg) {
  constexpr std::string_view kMarker = "banned until ";
  const std::size_t at = msg.find(kMarker);
  if (at == std::string_view::npos) return 0;
  const std::string_view rest = msg.substr(at + kMarker.size());
  const std::size_t digits = std::min(rest.find_first_not_of("0123456789"), rest.size());
  return parse_count(rest.substr(0, digits)).value_or(0);
}

OutcomeKind kind_of(const ResponseFacts& f, std::int64_t code, std::string_view msg) {
  const int status = f.http_status;
  if (f.tls_verification_failed) return OutcomeKind::kAuthFatal;
  if (f.transport_error) return OutcomeKind::kUnknownOutcome;
  if (status == 418) return OutcomeKind::kBanned;
  if (status == 429 || code == -1003 || code == -1015 || code == -1008) {
    return OutcomeKind::kRetryAfter;
  }
  if (code == -1021) return OutcomeKind::kClockSkew;
  if (code == -2014 || code == -2015 || code == -1022 || status == 401) {
    return OutcomeKind::kAuthFatal;
  }
  if (code == -1006 || code == -1007 || status >= 500 || status == 408) {
    return OutcomeKind::kUnknownOutcome;
  }
  if (code == -2013 || (code == -2011 && msg == "Unknown order sent.")) {
    return OutcomeKind::kNotFound;
  }
  if ((status >= 400 && status < 500) || code != 0) return OutcomeKind::kRejected;
  if (status >= 200 && status < 300) return OutcomeKind::kOk;
  return OutcomeKind::kUnknownOutcome;
}

// "X-MBX-USED-WEIGHT-1M" after the prefix: "1M" -> {1, 'M', count}.
std::optional<IntervalCount> parse_interval(std::string_view suffix, const std::string& value) {
  if (suffix.size() < 2) return std::nullopt;
  const char last = suffix.back();
  const char unit = last >= 'a' && last <= 'z' ? static_cast<char>(last - 'a' + 'A') : last;
  if (unit != 'S' && unit != 'M' && unit != 'H' && unit != 'D') return std::nullopt;
  const std::optional<std::int64_t> num = parse_count(suffix.substr(0, suffix.size() - 1));
  const std::optional<std::int64_t> count = parse_count(value);
  if (!num || !count || *num == 0) return std::nullopt;
  return IntervalCount{*num, unit, *count};
}

int unit_rank(char unit) {
  switch (unit) {
    case 'S':
      return 0;
    case 'M':
      return 1;
    case 'H':
      return 2;
    default:
      return 3;
  }
}

void sort_counts(std::vector<IntervalCount>& counts) {
  std::sort(counts.begin(), counts.end(), [](const IntervalCount& a, const IntervalCount& b) {
    if (unit_rank(a.interval_unit) != unit_rank(b.interval_unit)) {
      return unit_rank(a.interval_unit) < unit_rank(b.interval_unit);
    }
    if (a.interval_num != b.interval_num) return a.interval_num < b.interval_num;
    return a.count < b.count;
  });
}

}  // namespace

std::string_view outcome_kind_name(OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::kOk:
      return "ok";
    case OutcomeKind::kRejected:
      return "rejected";
    case OutcomeKind::kRetryAfter:
      return "retry_after";
    case OutcomeKind::kBanned:
      return "banned";
    case OutcomeKind::kUnknownOutcome:
      return "unknown_outcome";
    case OutcomeKind::kClockSkew:
      return "clock_skew";
    case OutcomeKind::kNotFound:
      return "not_found";
    case OutcomeKind::kAuthFatal:
      return "auth_fatal";
  }
  return "invalid";
}

Outcome map_outcome(const ResponseFacts& facts) {
  Outcome out;
  const bool no_response = facts.transport_error || facts.tls_verification_failed;
  out.http_status = no_response ? 0 : facts.http_status;
  if (facts.error) {
    out.error_code = facts.error->code;
    out.error_msg = facts.error->msg;
  }
  out.kind = kind_of(facts, out.error_code, out.error_msg);
  if (out.kind == OutcomeKind::kRetryAfter || out.kind == OutcomeKind::kBanned) {
    out.retry_after_s = retry_after_s(facts.headers);
  }
  if (out.kind == OutcomeKind::kBanned) out.banned_until_ms = banned_until_ms(out.error_msg);
  return out;
}

const std::string* find_header(const std::vector<Header>& headers, std::string_view name) {
  for (const Header& h : headers) {
    if (iequals(h.first, name)) return &h.second;
  }
  return nullptr;
}

std::optional<std::int64_t> RateUsage::find(const std::vector<IntervalCount>& counts,
                                            std::int64_t interval_num, char interval_unit) {
  for (const IntervalCount& c : counts) {
    if (c.interval_num == interval_num && c.interval_unit == interval_unit) return c.count;
  }
  return std::nullopt;
}

RateUsage parse_rate_usage(const std::vector<Header>& headers) {
  constexpr std::string_view kWeight = "X-MBX-USED-WEIGHT-";
  constexpr std::string_view kOrders = "X-MBX-ORDER-COUNT-";
  RateUsage usage;
  for (const auto& [name, value] : headers) {
    const std::string_view n = name;
    if (istarts_with(n, kWeight)) {
      if (auto c = parse_interval(n.substr(kWeight.size()), value)) usage.used_weight.push_back(*c);
    } else if (istarts_with(n, kOrders)) {
      if (auto c = parse_interval(n.substr(kOrders.size()), value)) usage.order_count.push_back(*c);
    }
  }
  sort_counts(usage.used_weight);
  sort_counts(usage.order_count);
  return usage;
}

}  // namespace q50::live
