#ifndef Q50SIM_APP_ARGS_H_
#define Q50SIM_APP_ARGS_H_

#include <map>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace q50::app {

// Command-line options of one subcommand: "--name value" pairs, "--flag" switches and
// positional arguments. Parsing is strict: an unknown option, a missing or empty value and an
// option given twice are errors that name it, so a typo never silently falls back to a default.
class Args {
 public:
  struct Spec {
    std::set<std::string, std::less<>> valued;    // options that take a value, without "--"
    std::set<std::string, std::less<>> switches;  // options without a value
    std::size_t max_positional = 0;
  };

  static absl::StatusOr<Args> parse(const std::vector<std::string_view>& argv, const Spec& spec);

  bool has(std::string_view name) const;
  std::optional<std::string> get(std::string_view name) const;
  // The value of a required option, or InvalidArgument "missing --name".
  absl::StatusOr<std::string> require(std::string_view name) const;
  absl::StatusOr<double> get_double(std::string_view name, double fallback) const;
  absl::StatusOr<long long> get_int(std::string_view name, long long fallback) const;
  // An unsigned 64-bit value, decimal or 0x-prefixed hexadecimal (seeds as q50sim prints
  // them); nullopt when the option is absent.
  absl::StatusOr<std::optional<std::uint64_t>> get_u64(std::string_view name) const;
  const std::vector<std::string>& positional() const { return positional_; }
  bool help() const { return help_; }

 private:
  std::map<std::string, std::string, std::less<>> values_;
  std::set<std::string, std::less<>> switches_;
  std::vector<std::string> positional_;
  bool help_ = false;
};

}  // namespace q50::app

#endif  // Q50SIM_APP_ARGS_H_
