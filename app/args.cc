#include "app/args.h"

#include <charconv>

#include "app/exit_codes.h"
#include "fmt/format.h"

namespace q50::app {

int exit_code_for(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kDataLoss:
      return kExitBadInput;
    default:
      return kExitIo;
  }
}

absl::StatusOr<Args> Args::parse(const std::vector<std::string_view>& argv, const Spec& spec) {
  Args a;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      a.help_ = true;
      continue;
    }
    if (arg.size() > 2 && arg.substr(0, 2) == "--") {
      std::string_view name = arg.substr(2);
      std::optional<std::string_view> inline_value;
      if (const auto eq = name.find('='); eq != std::string_view::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      if (spec.switches.contains(name)) {
        if (inline_value)
          return absl::InvalidArgumentError(fmt::format("--{} takes no value", name));
        if (!a.switches_.emplace(name).second) {
          return absl::InvalidArgumentError(fmt::format("--{} given twice", name));
        }
        continue;
      }
      if (!spec.valued.contains(name)) {
        return absl::InvalidArgumentError(fmt::format("unknown option --{}", name));
      }
      if (!inline_value) {
        if (i + 1 >= argv.size()) {
          return absl::InvalidArgumentError(fmt::format("--{} needs a value", name));
        }
        inline_value = argv[++i];
      }
      if (inline_value->empty()) {
        return absl::InvalidArgumentError(fmt::format("--{}: empty value", name));
      }
      if (!a.values_.emplace(std::string(name), std::string(*inline_value)).second) {
        return absl::InvalidArgumentError(
            fmt::format("--{} given twice (give each option once)", name));
      }
      continue;
    }
    if (a.positional_.size() >= spec.max_positional) {
      return absl::InvalidArgumentError(fmt::format("unexpected argument '{}'", arg));
    }
    a.positional_.emplace_back(arg);
  }
  return a;
}

bool Args::has(std::string_view name) const {
  return switches_.contains(name) || values_.contains(name);
}

std::optional<std::string> Args::get(std::string_view name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<std::string> Args::require(std::string_view name) const {
  if (auto v = get(name)) return *v;
  return absl::InvalidArgumentError(fmt::format("missing --{}", name));
}

absl::StatusOr<double> Args::get_double(std::string_view name, double fallback) const {
  const auto v = get(name);
  if (!v) return fallback;
  double out = 0;
  const auto res = std::from_chars(v->data(), v->data() + v->size(), out);
  if (v->empty() || res.ec != std::errc() || res.ptr != v->data() + v->size()) {
    return absl::InvalidArgumentError(fmt::format("--{}: bad number '{}'", name, *v));
  }
  return out;
}

absl::StatusOr<long long> Args::get_int(std::string_view name, long long fallback) const {
  const auto v = get(name);
  if (!v) return fallback;
  long long out = 0;
  const auto res = std::from_chars(v->data(), v->data() + v->size(), out);
  if (v->empty() || res.ec != std::errc() || res.ptr != v->data() + v->size()) {
    return absl::InvalidArgumentError(fmt::format("--{}: bad integer '{}'", name, *v));
  }
  return out;
}

absl::StatusOr<std::optional<std::uint64_t>> Args::get_u64(std::string_view name) const {
  const auto text = get(name);
  if (!text) return std::optional<std::uint64_t>();
  int base = 10;
  std::string_view digits = *text;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    base = 16;
    digits.remove_prefix(2);
  }
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
    return absl::InvalidArgumentError(
        fmt::format("--{}: expected an unsigned 64-bit integer (got '{}')", name, *text));
  }
  return std::optional<std::uint64_t>(v);
}

}  // namespace q50::app
