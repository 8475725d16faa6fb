#ifndef Q50SIM_STORE_STORE_URL_H_
#define Q50SIM_STORE_STORE_URL_H_

// Which store a URL names, and the URL as it may be shown to a person (no password).

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace q50::store {

enum class Backend { kSqlite, kPostgresql };

struct StoreUrl {
  Backend backend = Backend::kSqlite;
  // SQLite: the database file's path. PostgreSQL: the URL itself, handed to libpq as a
  // connection URI (libpq decodes it; see "Connection URIs" in libpq's manual).
  std::string target;
  // The URL with every password replaced by "***": the only form that goes into a message.
  std::string display;
  // Every password the URL carries, raw and percent-decoded, to scrub from messages that come
  // from the database library.
  std::vector<std::string> secrets;
};

// Parses a store URL:
//   PATH or sqlite:PATH                         an SQLite file (created when missing)
//   postgresql://[user[:password]@]host[:port]/db[?param=value&...]   (also postgres://)
// InvalidArgument for an empty URL, an empty SQLite path or another scheme ("mysql://...");
// the message shows the URL without its password.
absl::StatusOr<StoreUrl> parse_store_url(std::string_view url);

// The URL with its passwords (userinfo "user:password@" and any "password=" query parameter)
// replaced by "***"; any other text is returned unchanged.
std::string redact_url(std::string_view url);

// text with every non-empty secret replaced by "***".
std::string scrub_secrets(std::string text, const std::vector<std::string>& secrets);

}  // namespace q50::store

#endif  // Q50SIM_STORE_STORE_URL_H_
