// PLACEHOLDER: replaced by the real command in this same change.
#include <cstdio>

#include "app/commands.h"
#include "app/exit_codes.h"

namespace q50::app {

int run_features(const std::vector<std::string_view>& /*args*/) {
  std::fprintf(stderr, "q50sim features: not built yet\n");
  return kExitIo;
}

}  // namespace q50::app
