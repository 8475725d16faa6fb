#include "live/decimal.h"

#include <fmt/format.h>

#include <limits>

#include "absl/status/status.h"
#include "core/check.h"
#include "live/text_quote.h"

namespace q50::live {
namespace {

__extension__ typedef unsigned __int128 u128;

constexpr int kMaxDigits = 20;  // per side of the point, Binance's own limit

constexpr std::int64_t pow10_i64(int n) {
  std::int64_t p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

absl::Status bad_decimal(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(fmt::format("decimal {}: {}", quote_for_message(text), why));
}

// Splits text into integer and fraction digits; checks the grammar only.
absl::Status split_decimal(std::string_view text, std::string_view& int_digits,
                           std::string_view& frac_digits) {
  const std::size_t dot = text.find('.');
  int_digits = text.substr(0, dot);
  frac_digits = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  const auto all_digits = [](std::string_view s) {
    for (char c : s) {
      if (!is_digit(c)) return false;
    }
    return true;
  };
  if (int_digits.empty() || int_digits.size() > kMaxDigits || !all_digits(int_digits) ||
      (dot != std::string_view::npos &&
       (frac_digits.empty() || frac_digits.size() > kMaxDigits || !all_digits(frac_digits)))) {
    return bad_decimal(text,
                       "expected digits with an optional fraction, like 123.45 "
                       "(^[0-9]{1,20}(\\.[0-9]{1,20})?$)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::int64_t> parse_e8(std::string_view text) {
  std::string_view int_digits;
  std::string_view frac_digits;
  if (absl::Status s = split_decimal(text, int_digits, frac_digits); !s.ok()) return s;
  for (std::size_t i = kMaxDecimalsE8; i < frac_digits.size(); ++i) {
    if (frac_digits[i] != '0') return bad_decimal(text, "more than 8 significant decimals");
  }
  // 20 integer digits times 1e8 fit easily in 128 bits.
  u128 value = 0;
  for (char c : int_digits) value = value * 10 + static_cast<unsigned>(c - '0');
  std::int64_t frac_e8 = 0;
  for (int i = 0; i < kMaxDecimalsE8; ++i) {
    const auto k = static_cast<std::size_t>(i);
    frac_e8 = frac_e8 * 10 + (k < frac_digits.size() ? frac_digits[k] - '0' : 0);
  }
  value = value * static_cast<unsigned>(kE8) + static_cast<u128>(frac_e8);
  if (value > static_cast<u128>(std::numeric_limits<std::int64_t>::max())) {
    return bad_decimal(text, "out of range (more than 92233720368.54775807)");
  }
  return static_cast<std::int64_t>(value);
}

std::string format_e8(std::int64_t value_e8, int decimals) {
  Q50_CHECK(decimals >= 0 && decimals <= kMaxDecimalsE8, "format_e8: decimals must be 0..8");
  const std::int64_t cut = pow10_i64(kMaxDecimalsE8 - decimals);
  Q50_CHECK(value_e8 % cut == 0, "format_e8: value has more decimals than asked; round first");
  // The magnitude as unsigned so that INT64_MIN formats too.
  const std::uint64_t magnitude = value_e8 < 0 ? 0 - static_cast<std::uint64_t>(value_e8)
                                               : static_cast<std::uint64_t>(value_e8);
  const std::uint64_t whole = magnitude / static_cast<std::uint64_t>(kE8);
  const std::uint64_t frac =
      (magnitude % static_cast<std::uint64_t>(kE8)) / static_cast<std::uint64_t>(cut);
  const char* sign = value_e8 < 0 ? "-" : "";
  if (decimals == 0) return fmt::format("{}{}", sign, whole);
  return fmt::format("{}{}.{:0{}}", sign, whole, frac, decimals);
}

absl::StatusOr<int> decimals_of(std::string_view step_text) {
  absl::StatusOr<std::int64_t> value = parse_e8(step_text);
  if (!value.ok()) return value.status();
  return decimals_of_e8(*value);
}

int decimals_of_e8(std::int64_t value_e8) {
  int decimals = kMaxDecimalsE8;
  while (decimals > 0 && value_e8 % pow10_i64(kMaxDecimalsE8 - decimals + 1) == 0) --decimals;
  return decimals;
}

}  // namespace q50::live
