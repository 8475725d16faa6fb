#ifndef Q50SIM_IO_API_KEYS_H_
#define Q50SIM_IO_API_KEYS_H_

// Where a Binance API key pair comes from: a key file, or the environment variables
// BINANCE_API_KEY and BINANCE_API_SECRET; never the command line (it is visible to every
// process of the machine). The key file is refused unless only its owner can read it (mode
// 0600 or 0400): a readable secret is a leaked secret. Format: lines `api_key = ...` and
// `api_secret = ...` (spaces around '=' optional), blank lines and `#` comments allowed.
// No message ever contains the key or the secret.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "io/scenario_inputs.h"

namespace q50::io {

struct ApiKeys {
  std::string api_key;
  std::string api_secret;
};

// From key_file when given, else from the environment. InvalidArgument for a malformed file or
// a missing value (naming the file and line, never the value); PermissionDenied for a key file
// others can read; NotFound when neither source has keys.
absl::StatusOr<ApiKeys> load_api_keys(const std::optional<std::string>& key_file,
                                      const EnvLookup& env);

}  // namespace q50::io

#endif  // Q50SIM_IO_API_KEYS_H_
