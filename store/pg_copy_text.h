#ifndef Q50SIM_STORE_PG_COPY_TEXT_H_
#define Q50SIM_STORE_PG_COPY_TEXT_H_

// Rows in the text format of PostgreSQL's COPY ... FROM STDIN: fields separated by tabs, rows
// ended by newlines, NULL as \N, and backslash, tab, newline and carriage return escaped. The
// values travel as data, never as SQL.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace q50::store {

class CopyText {
 public:
  void add(std::string_view text);
  void add(std::int64_t value);
  // \N for nullopt; "Infinity" / "-Infinity"; otherwise the shortest round-trip decimal.
  void add(std::optional<double> value);
  void add_null();
  void end_row();

  bool empty() const { return data_.empty(); }
  const std::string& data() const { return data_; }

 private:
  void separate();
  std::string data_;
  bool row_open_ = false;
};

}  // namespace q50::store

#endif  // Q50SIM_STORE_PG_COPY_TEXT_H_
