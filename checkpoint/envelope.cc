#include "checkpoint/envelope.h"

#include <openssl/evp.h>

#include <array>

#include "core/check.h"

namespace q50::checkpoint {
namespace {

constexpr std::string_view kMagic = "Q50SIMCK";
constexpr std::size_t kDigestSize = 32;

void put_le(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xffU);
}

std::uint64_t get_le(std::string_view in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) {
    const auto byte = static_cast<unsigned char>(in[at + static_cast<std::size_t>(i)]);
    v |= static_cast<std::uint64_t>(byte) << (8 * i);
  }
  return v;
}

std::array<unsigned char, kDigestSize> sha256(std::string_view bytes) {
  std::array<unsigned char, kDigestSize> out{};
  unsigned int n = 0;
  const int ok = EVP_Digest(bytes.data(), bytes.size(), out.data(), &n, EVP_sha256(), nullptr);
  Q50_CHECK(ok == 1 && n == kDigestSize, "SHA-256 failed");
  return out;
}

std::string hex(const unsigned char* p, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += kHex[p[i] >> 4];
    out += kHex[p[i] & 15];
  }
  return out;
}

absl::Status refuse(const std::string& source, const std::string& what) {
  return absl::InvalidArgumentError(source + ": " + what);
}

}  // namespace

std::string_view checkpoint_kind_name(CheckpointKind kind) {
  switch (kind) {
    case CheckpointKind::kLegacyReplay:
      return "legacy replay";
    case CheckpointKind::kStrategyState:
      return "strategy state";
    case CheckpointKind::kRuntimeState:
      return "runtime state";
  }
  return "unknown";
}

std::string sha256_hex(std::string_view bytes) {
  const auto d = sha256(bytes);
  return hex(d.data(), d.size());
}

std::string seal_checkpoint(CheckpointKind kind, std::uint32_t body_version,
                            std::string_view body) {
  std::string out;
  out.reserve(kEnvelopeHeaderSize + body.size());
  out += kMagic;
  put_le(out, kEnvelopeVersion, 4);
  put_le(out, static_cast<std::uint32_t>(kind), 4);
  put_le(out, body_version, 4);
  put_le(out, body.size(), 8);
  const auto digest = sha256(body);
  out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  out += body;
  return out;
}

absl::StatusOr<std::string_view> open_checkpoint(std::string_view bytes, CheckpointKind kind,
                                                 std::uint32_t body_version,
                                                 const std::string& source) {
  if (bytes.size() >= kMagic.size() && bytes.substr(0, kMagic.size()) != kMagic) {
    return refuse(source, "not a q50sim checkpoint (no \"" + std::string(kMagic) +
                              "\" at its start)");
  }
  if (bytes.size() < kEnvelopeHeaderSize) {
    return refuse(source, "truncated checkpoint (" + std::to_string(bytes.size()) +
                              " bytes, the header alone is " +
                              std::to_string(kEnvelopeHeaderSize) + ")");
  }
  const std::uint64_t version = get_le(bytes, 8, 4);
  if (version != kEnvelopeVersion) {
    return refuse(source, "checkpoint format version " + std::to_string(version) +
                              "; this q50sim reads version " + std::to_string(kEnvelopeVersion));
  }
  const auto got_kind = static_cast<CheckpointKind>(get_le(bytes, 12, 4));
  if (got_kind != kind) {
    return refuse(source, "a " + std::string(checkpoint_kind_name(got_kind)) +
                              " checkpoint, not a " + std::string(checkpoint_kind_name(kind)) +
                              " one");
  }
  const std::uint64_t got_version = get_le(bytes, 16, 4);
  if (got_version != body_version) {
    return refuse(source, std::string(checkpoint_kind_name(kind)) + " checkpoint version " +
                              std::to_string(got_version) + "; this q50sim reads version " +
                              std::to_string(body_version));
  }
  const std::uint64_t length = get_le(bytes, 20, 8);
  const std::string_view body = bytes.substr(kEnvelopeHeaderSize);
  const auto digest = sha256(body);
  const auto* want = reinterpret_cast<const unsigned char*>(bytes.data() + 28);
  if (length != body.size() || !std::equal(digest.begin(), digest.end(), want)) {
    return refuse(source, "corrupt checkpoint: truncated or damaged (" +
                              std::to_string(body.size()) + " body bytes, SHA-256 " +
                              hex(digest.data(), 8) + "...; the header says " +
                              std::to_string(length) + " bytes, " + hex(want, 8) + "...)");
  }
  return body;
}

}  // namespace q50::checkpoint
