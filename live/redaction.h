#ifndef Q50SIM_LIVE_REDACTION_H_
#define Q50SIM_LIVE_REDACTION_H_

// Keeps API credentials out of text: response bodies before they are parsed, and every message
// a person may read.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace q50::live {

class Redactor {
 public:
  static constexpr std::string_view kMarker = "<redacted>";
  // Secrets shorter than this are ignored: they would mangle ordinary words, and no real
  // Binance key or secret is that short (both have 64 characters).
  static constexpr std::size_t kMinSecretBytes = 8;

  explicit Redactor(std::vector<std::string> secrets);

  // `text` with every whole occurrence of a secret replaced by kMarker.
  std::string whole(std::string text) const;

  // whole(text), then every run of kMinSecretBytes or more bytes that is a piece of a secret
  // replaced too, so that a quote cut to fit a message (or a partial echo) cannot leak most of
  // a key. For short texts (messages): the cost is about |text| x |secret| per secret.
  std::string pieces(std::string text) const;

 private:
  std::vector<std::string> secrets_;
};

}  // namespace q50::live

#endif  // Q50SIM_LIVE_REDACTION_H_
