#ifndef Q50SIM_LIVE_TEXT_QUOTE_H_
#define Q50SIM_LIVE_TEXT_QUOTE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace q50::live {

// `text` made safe to put in an error message: wrapped in double quotes, non-printable bytes
// and quotes escaped (\xNN, \"), and cut to max_bytes with "..." so hostile input cannot make a
// message huge or smuggle control characters into a log.
std::string quote_for_message(std::string_view text, std::size_t max_bytes = 64);

// A Status's message as a std::string_view (Debian's Abseil has its own string_view, which fmt
// cannot format).
inline std::string_view message_of(const absl::Status& status) {
  return std::string_view(status.message().data(), status.message().size());
}

}  // namespace q50::live

#endif  // Q50SIM_LIVE_TEXT_QUOTE_H_
