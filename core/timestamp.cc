#include "core/timestamp.h"

#include <array>
#include <charconv>
#include <system_error>
#include <utility>

#include "fmt/format.h"

namespace q50 {
namespace {

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's civil algorithm).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

constexpr Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

constexpr bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr unsigned days_in_month(std::int64_t y, unsigned m) {
  constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads n decimal digits at text[pos]; nullopt if any is not a digit.
std::optional<unsigned> digits(std::string_view text, std::size_t pos, std::size_t n) {
  unsigned v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  return v;
}

// The date and time of a well-formed key, in seconds since 1970 (any year 0000..9999: no
// overflow in 64 bits); nullopt when the text is not "YYYY-MM-DD HH:MM:SS" or a field is out
// of range.
std::optional<std::int64_t> parse_seconds(std::string_view text) {
  if (text.size() != 19 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  const auto y = digits(text, 0, 4);
  const auto mo = digits(text, 5, 2);
  const auto d = digits(text, 8, 2);
  const auto h = digits(text, 11, 2);
  const auto mi = digits(text, 14, 2);
  const auto s = digits(text, 17, 2);
  if (!y || !mo || !d || !h || !mi || !s) return std::nullopt;
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > days_in_month(*y, *mo) || *h > 23 || *mi > 59 ||
      *s > 59) {
    return std::nullopt;
  }
  const std::int64_t days = days_from_civil(*y, *mo, *d);
  return days * 86400 + *h * 3600 + *mi * 60 + *s;
}

}  // namespace

std::optional<TimestampNs> parse_timestamp(std::string_view text) {
  const std::optional<std::int64_t> secs = parse_seconds(text);
  if (!secs || *secs < kMinTimestampNs / kNsPerSecond || *secs > kMaxTimestampNs / kNsPerSecond) {
    return std::nullopt;
  }
  return *secs * kNsPerSecond;
}

std::string timestamp_problem(std::string_view text) {
  if (!parse_seconds(text)) return "expected 'YYYY-MM-DD HH:MM:SS'";
  return "outside the supported range " + std::string(kTimestampRangeText);
}

void append_timestamp(std::string& out, TimestampNs ts_ns) {
  std::int64_t secs = ts_ns / kNsPerSecond;
  if (ts_ns % kNsPerSecond < 0) --secs;
  std::int64_t days = secs / 86400;
  std::int64_t sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  const Civil c = civil_from_days(days);
  char buf[20];
  const auto put = [&buf](int pos, std::int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      buf[pos + i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  };
  put(0, c.year, 4);
  buf[4] = '-';
  put(5, c.month, 2);
  buf[7] = '-';
  put(8, c.day, 2);
  buf[10] = ' ';
  put(11, sod / 3600, 2);
  buf[13] = ':';
  put(14, sod / 60 % 60, 2);
  buf[16] = ':';
  put(17, sod % 60, 2);
  out.append(buf, 19);
}

std::string format_timestamp(TimestampNs ts_ns) {
  std::string out;
  append_timestamp(out, ts_ns);
  return out;
}

// "250ms", "-2s", "1h": an optional '-', digits, one unit. nullopt on anything else/overflow.
std::optional<TimestampNs> parse_duration(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  static constexpr std::pair<std::string_view, std::int64_t> kUnits[] = {
      {"ns", 1},           {"us", 1'000},     {"ms", 1'000'000},     {"s", kNsPerSecond},
      {"m", kNsPerMinute}, {"h", kNsPerHour}, {"d", 24 * kNsPerHour}};
  for (const auto& [name, scale] : kUnits) {
    std::int64_t ns = 0;
    if (unit == name && !__builtin_mul_overflow(n, scale, &ns)) return negative ? -ns : ns;
  }
  return std::nullopt;
}

std::string format_duration(TimestampNs ns) {
  static constexpr std::pair<std::string_view, std::int64_t> kUnits[] = {
      {"d", 24 * kNsPerHour}, {"h", kNsPerHour}, {"m", kNsPerMinute},
      {"s", kNsPerSecond},    {"ms", 1'000'000}, {"us", 1'000}};
  for (const auto& [name, scale] : kUnits) {
    if (ns != 0 && ns % scale == 0) return fmt::format("{}{}", ns / scale, name);
  }
  return fmt::format("{}ns", ns);
}

}  // namespace q50
