#ifndef Q50SIM_IO_PY_JSON_H_
#define Q50SIM_IO_PY_JSON_H_

// JSON text exactly as Python's json.dump(obj, f, indent=2) writes it (the existing system's
// metrics files): floats as repr with NaN/Infinity spelled Python's way, strings escaped with
// ensure_ascii (control characters as \n, \t, ... or \u00XX, every non-ASCII character as
// \uXXXX, UTF-16 surrogate pairs above U+FFFF), objects with ": " and ",\n" separators and
// two-space indentation. Values are built as already-encoded text, members in the caller's
// order (Python dicts keep insertion order).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace q50::io {

// A float: repr, or NaN / Infinity / -Infinity.
std::string py_json_float(double v);
// A string, quoted and escaped. Invalid UTF-8 bytes are escaped as the code point of the byte
// (Latin-1), so the output is always valid JSON.
std::string py_json_string(std::string_view s);
// An object of already-encoded members at nesting depth `depth` (0 = top level); "{}" when
// empty.
std::string py_json_object(const std::vector<std::pair<std::string, std::string>>& members,
                           int depth);

}  // namespace q50::io

#endif  // Q50SIM_IO_PY_JSON_H_
