#ifndef Q50SIM_IO_CSV_STREAM_H_
#define Q50SIM_IO_CSV_STREAM_H_

// A CSV file written row by row into a staged output file (io/output_set.h), in CsvWriter's
// encoding (io/csv.h: Python repr floats, NaN as an empty field), so a long run's rows never
// accumulate in memory: the buffer is handed to the file every 64 KiB.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/timestamp.h"
#include "io/output_set.h"

namespace q50::io {

class CsvStream {
 public:
  CsvStream(StagedFile& file, const std::vector<std::string>& header);
  ~CsvStream() { flush(); }
  CsvStream(const CsvStream&) = delete;
  CsvStream& operator=(const CsvStream&) = delete;

  CsvStream& str(std::string_view text);
  CsvStream& f64(double v);        // Python repr; NaN = empty field
  CsvStream& i64(std::int64_t v);
  CsvStream& e8(std::int64_t v);   // an e8 amount as a float in whole units
  CsvStream& timestamp(TimestampNs ts_ns);
  // Ends the current row; a programmer error (abort) if its field count is wrong.
  void end_row();
  // Hands the buffered rows to the file.
  void flush();

 private:
  void separator();

  StagedFile& file_;
  std::size_t cols_;
  std::size_t in_row_ = 0;
  std::string buf_;
};

}  // namespace q50::io

#endif  // Q50SIM_IO_CSV_STREAM_H_
