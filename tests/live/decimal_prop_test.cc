// Properties of the e8 decimal codec: format then parse is the identity at every precision
// that holds the value, parse never crashes on arbitrary text, and agrees with a digit-by-digit
// reference on well-formed input.
#include <rapidcheck/boost_test.h>

#include <boost/test/unit_test.hpp>
#include <limits>
#include <string>

#include "live/decimal.h"

namespace q50::live {
namespace {

constexpr std::int64_t kPow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

RC_BOOST_PROP(prop_format_then_parse_is_identity, (std::int64_t raw, std::uint8_t pick)) {
  const int decimals = pick % 9;
  const std::int64_t unit = kPow10[8 - decimals];
  // Any non-negative int64 cut to the precision asked for (format's contract).
  const std::int64_t magnitude =
      raw == std::numeric_limits<std::int64_t>::min() ? 0 : std::abs(raw);
  const std::int64_t value = magnitude - magnitude % unit;
  const std::string text = format_e8(value, decimals);
  RC_ASSERT(text.find_first_not_of("0123456789.") == std::string::npos);
  RC_ASSERT((text.find('.') == std::string::npos) == (decimals == 0));
  if (decimals > 0)
    RC_ASSERT(text.size() - text.find('.') - 1 == static_cast<std::size_t>(decimals));
  const absl::StatusOr<std::int64_t> back = parse_e8(text);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == value);
  RC_ASSERT(decimals_of_e8(value) <= decimals);
}

RC_BOOST_PROP(prop_parse_never_crashes_on_any_text, (const std::string& text)) {
  const absl::StatusOr<std::int64_t> v = parse_e8(text);
  if (v.ok()) {
    RC_ASSERT(*v >= 0);
    RC_ASSERT(!text.empty());
  } else {
    RC_ASSERT(!v.status().message().empty());
  }
}

// Text built from the grammar: up to 20 integer digits, optionally up to 20 decimals.
RC_BOOST_PROP(prop_parse_matches_reference_on_grammar_text, ()) {
  const auto digit = rc::gen::inRange('0', static_cast<char>('9' + 1));
  const std::string whole =
      *rc::gen::resize(20, rc::gen::nonEmpty(rc::gen::container<std::string>(digit)));
  const bool has_frac = *rc::gen::arbitrary<bool>();
  const std::string frac =
      has_frac ? *rc::gen::resize(20, rc::gen::nonEmpty(rc::gen::container<std::string>(digit)))
               : "";
  RC_PRE(whole.size() <= 20 && frac.size() <= 20);
  const std::string text = has_frac ? whole + "." + frac : whole;
  // Reference in 128 bits: whole * 1e8 + first 8 decimals; the rest must be zeros.
  __extension__ typedef unsigned __int128 u128;
  u128 ref = 0;
  for (char c : whole) ref = ref * 10 + static_cast<unsigned>(c - '0');
  for (std::size_t i = 0; i < 8; ++i)
    ref = ref * 10 + (i < frac.size() ? static_cast<unsigned>(frac[i] - '0') : 0u);
  const bool excess = frac.size() > 8 && frac.find_first_not_of('0', 8) != std::string::npos;
  const bool fits = ref <= static_cast<u128>(std::numeric_limits<std::int64_t>::max());
  const absl::StatusOr<std::int64_t> v = parse_e8(text);
  RC_ASSERT(v.ok() == (!excess && fits));
  if (v.ok()) RC_ASSERT(static_cast<u128>(*v) == ref);
}

}  // namespace
}  // namespace q50::live
