#ifndef Q50SIM_LIVE_DECIMAL_H_
#define Q50SIM_LIVE_DECIMAL_H_

// Binance decimal strings <-> int64 fixed point scaled by 1e8 ("e8"). Never through double:
// "0.1" must become exactly 10000000, and a price times a quantity must not lose a satoshi.
//
// Grammar accepted (Binance's own, -1100 otherwise): ^[0-9]{1,20}(\.[0-9]{1,20})?$ -- no sign,
// no exponent, no spaces, no leading '.', no trailing '.'.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace q50::live {

inline constexpr std::int64_t kE8 = 100000000;
inline constexpr int kMaxDecimalsE8 = 8;

// Parses `text` into value * 1e8. Digits after the 8th decimal must be zero ("1.000000000000"
// is fine, "0.000000001" is an error: the amount is not representable). Errors (InvalidArgument)
// quote the text and say what is wrong: bad grammar, too much precision, or int64 overflow
// (values above 92233720368.54775807).
absl::StatusOr<std::int64_t> parse_e8(std::string_view text);

// Formats value_e8 with exactly `decimals` digits after the point (none and no point when 0),
// never an exponent; a '-' only for negative values. Contract (checked, aborts): 0 <= decimals
// <= 8 and value_e8 is a multiple of 10^(8 - decimals), i.e. nothing is cut off -- round first
// (order_rounding.h), then format with the step's decimals.
std::string format_e8(std::int64_t value_e8, int decimals);

// The number of decimals a step or tick needs once trailing zeros are stripped:
// "0.01000000" -> 2, "1.00000000" -> 0, "0.00001" -> 5. Same grammar and precision rules as
// parse_e8.
absl::StatusOr<int> decimals_of(std::string_view step_text);

// The same for an e8 value: the fewest decimals d in [0, 8] with value_e8 % 10^(8-d) == 0.
int decimals_of_e8(std::int64_t value_e8);

}  // namespace q50::live

#endif  // Q50SIM_LIVE_DECIMAL_H_
