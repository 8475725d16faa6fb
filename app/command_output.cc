#include "app/command_output.h"

#include <cstdio>
#include <string>

#include "app/exit_codes.h"

namespace q50::app {

int CommandOutput::fail(const absl::Status& status) const {
  const std::string message(status.message());
  std::fprintf(stderr, "q50sim %.*s: %s\n", static_cast<int>(command_.size()), command_.data(),
               message.c_str());
  return exit_code_for(status);
}

int CommandOutput::usage_error(const absl::Status& status) const {
  const std::string message(status.message());
  std::fprintf(stderr, "q50sim %.*s: %s\n\n%.*s", static_cast<int>(command_.size()),
               command_.data(), message.c_str(), static_cast<int>(help_.size()), help_.data());
  return kExitUsage;
}

int CommandOutput::help() const {
  std::fwrite(help_.data(), 1, help_.size(), stdout);
  return kExitOk;
}

}  // namespace q50::app
