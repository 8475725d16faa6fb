#ifndef Q50SIM_STORE_DIGEST_H_
#define Q50SIM_STORE_DIGEST_H_

#include <string>
#include <string_view>

namespace q50::store {

// SHA-256 of data as 64 lower-case hex characters (the default identity of a sweep's spec).
std::string sha256_hex(std::string_view data);

}  // namespace q50::store

#endif  // Q50SIM_STORE_DIGEST_H_
