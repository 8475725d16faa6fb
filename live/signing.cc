#include "live/signing.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>

#include "absl/status/status.h"

namespace q50::live {
namespace {

// Fetched once and shared: EVP_MAC objects are immutable and safe to use from many threads.
// Never freed on purpose (process lifetime; freeing at exit races with other static dtors).
EVP_MAC* hmac_algorithm() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

std::string to_lower_hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 0x0f];
  }
  return out;
}

using MacCtx = std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)>;

}  // namespace

absl::StatusOr<std::string> hmac_sha256_hex(std::string_view key, std::string_view message) {
  EVP_MAC* mac = hmac_algorithm();
  if (mac == nullptr) return absl::InternalError("EVP_MAC_fetch(HMAC) failed");
  MacCtx ctx(EVP_MAC_CTX_new(mac), EVP_MAC_CTX_free);
  if (!ctx) return absl::InternalError("EVP_MAC_CTX_new failed");
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  // An empty key is legal HMAC; OpenSSL wants a non-null pointer for it.
  static const unsigned char kEmpty = 0;
  const auto* key_bytes =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  if (EVP_MAC_init(ctx.get(), key_bytes, key.size(), params) != 1) {
    return absl::InternalError("EVP_MAC_init(HMAC-SHA256) failed");
  }
  if (EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1) {
    return absl::InternalError("EVP_MAC_update failed");
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t out_len = 0;
  if (EVP_MAC_final(ctx.get(), out, &out_len, sizeof out) != 1) {
    return absl::InternalError("EVP_MAC_final failed");
  }
  return to_lower_hex(out, out_len);
}

absl::StatusOr<std::string> sign_request(std::string_view secret, std::string_view query,
                                         std::string_view body) {
  std::string payload;
  payload.reserve(query.size() + body.size());
  payload.append(query);
  payload.append(body);
  return hmac_sha256_hex(secret, payload);
}

bool signature_matches(std::string_view expected_hex, std::string_view received_hex) {
  if (expected_hex.size() != received_hex.size() || expected_hex.empty()) return false;
  std::string a(expected_hex);
  std::string b(received_hex);
  bool all_hex = true;
  for (std::string* s : {&a, &b}) {
    for (char& c : *s) {
      if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
      all_hex &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
  }
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0 && all_hex;
}

}  // namespace q50::live
