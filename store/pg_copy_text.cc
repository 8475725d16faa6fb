#include "store/pg_copy_text.h"

#include <cmath>

#include "fmt/format.h"
#include "store/number_text.h"

namespace q50::store {

void CopyText::separate() {
  if (row_open_) data_.push_back('\t');
  row_open_ = true;
}

void CopyText::add(std::string_view text) {
  separate();
  for (const char c : text) {
    switch (c) {
      case '\\':
        data_.append("\\\\");
        break;
      case '\t':
        data_.append("\\t");
        break;
      case '\n':
        data_.append("\\n");
        break;
      case '\r':
        data_.append("\\r");
        break;
      default:
        data_.push_back(c);
    }
  }
}

void CopyText::add(std::int64_t value) {
  separate();
  fmt::format_to(std::back_inserter(data_), "{}", value);
}

void CopyText::add(std::optional<double> value) {
  if (!value.has_value()) {
    add_null();
    return;
  }
  separate();
  if (std::isinf(*value)) {
    data_.append(*value < 0 ? "-Infinity" : "Infinity");
  } else {
    append_repr(data_, *value);
  }
}

void CopyText::add_null() {
  separate();
  data_.append("\\N");
}

void CopyText::end_row() {
  data_.push_back('\n');
  row_open_ = false;
}

}  // namespace q50::store
