#ifndef Q50SIM_IO_TOML_DEPTH_H_
#define Q50SIM_IO_TOML_DEPTH_H_

// A guard run before a TOML text reaches toml++, which builds and destroys nested tables and
// arrays recursively: a key nested 100,000 deep (a.a.a... = 1, [[[[...]]]], {a={a=...}}) would
// exhaust the stack. This scanner follows only what decides nesting -- strings, comments,
// table headers, dotted keys, brackets and braces -- in one pass without recursion, and
// reports the first place where the depth (a header's parts + the open arrays and inline
// tables + a key's dotted parts) exceeds the limit. It may over-estimate a depth, never
// under-estimate it; toml++ still does the real parsing.

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"

namespace q50::io {

// Far above any scenario (its deepest key is 4 levels), far below what recursion can take.
inline constexpr std::size_t kMaxTomlDepth = 32;

// InvalidArgument "name:line:col: nesting deeper than N levels ..." or OK.
absl::Status check_toml_depth(std::string_view name, std::string_view text,
                              std::size_t max_depth = kMaxTomlDepth);

}  // namespace q50::io

#endif  // Q50SIM_IO_TOML_DEPTH_H_
