#ifndef Q50SIM_MOCKVENUE_API_KEYS_H_
#define Q50SIM_MOCKVENUE_API_KEYS_H_

// The key pair the mock venue accepts: the one the live node signs with. From a key file when
// one is named, else from the environment (BINANCE_API_KEY, BINANCE_API_SECRET).
//
// Key file: a regular file that only its owner can read (mode 0600 or 0400: no group or other
// bits; refused otherwise), in either form
//     api_key=<key>                    BINANCE_API_KEY=<key>
//     api_secret=<secret>        or    BINANCE_API_SECRET=<secret>
// (blank lines and lines starting with '#' ignored, whitespace around '=' and at line ends
// trimmed), or exactly two non-empty lines: the key, then the secret.
//
// No message here ever contains a key, a secret or a line of the file.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "io/scenario_inputs.h"
#include "mockvenue/venue_service.h"

namespace q50::mockvenue {

// PermissionDenied for a key file readable by group or others; NotFound/Unavailable when it
// cannot be read; InvalidArgument when it holds no key pair, or when neither a key file nor both
// environment variables are given.
absl::StatusOr<ApiKeys> load_api_keys(const std::optional<std::string>& key_file,
                                      const io::EnvLookup& env);

// The key file's text -> the pair (same rules; `name` stands for the file in messages).
absl::StatusOr<ApiKeys> parse_key_file(const std::string& name, const std::string& text);

}  // namespace q50::mockvenue

#endif  // Q50SIM_MOCKVENUE_API_KEYS_H_
