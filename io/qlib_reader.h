#ifndef Q50SIM_IO_QLIB_READER_H_
#define Q50SIM_IO_QLIB_READER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/timestamp.h"

namespace q50::io {

// qlib's on-disk layout for one provider directory DIR:
//   DIR/calendars/<freq>.txt                one label per line, "YYYY-MM-DD HH:MM:SS", sorted
//   DIR/instruments/all.txt                 "NAME<TAB>start<TAB>end" (dates or datetimes)
//   DIR/features/<name>/<field>.<freq>.bin  little-endian float32; element 0 = the calendar
//                                           index of the first value, element k >= 1 = the
//                                           value of calendar row start + k - 1
// Every error names the file, and the line and text where there is one.

absl::StatusOr<std::vector<TimestampNs>> read_qlib_calendar(const std::string& path);

// One line of all.txt: the instrument trades over [start, end], both ends included.
struct QlibSpan {
  TimestampNs start_ts_ns;
  TimestampNs end_ts_ns;  // a date-only end means that day's 00:00:00, as qlib parses it
};

struct QlibInstrument {
  std::string name;  // as written in all.txt (first matching line), trimmed
  // Every line naming the instrument, in file order. qlib keeps each line as its own span
  // and uses their union (VALIDATED_2's all.txt lists BTCUSDT twice).
  std::vector<QlibSpan> spans;
};

// Finds `name` in instruments/all.txt, case-insensitively (qlib lower-cases directory names
// while all.txt keeps BTCUSDT); NotFound lists the names the file has.
absl::StatusOr<QlibInstrument> read_qlib_instrument(const std::string& path,
                                                    const std::string& name);

struct QlibBin {
  std::size_t start_index;    // calendar row of values[0]
  std::vector<float> values;  // may run past the calendar's end (VALIDATED_2 does)
};

// Reads one .bin. A file shorter than its 4-byte header, or whose size is not a multiple of 4,
// is an error stating the expected and actual byte counts ("truncated .bin").
absl::StatusOr<QlibBin> read_qlib_bin(const std::string& path);

// One field of one instrument mapped onto the calendar exactly as qlib maps it: value i sits
// on calendar row start_index + i. `series` covers every calendar row (NaN where the bin has
// no value) and then continues with any values past the calendar's end, which carry no label
// but are read by look-ahead expressions such as LABEL0 (reference README §2).
struct QlibSeries {
  std::vector<TimestampNs> labels;  // the calendar
  std::vector<float> series;        // size >= labels.size()
};

struct QlibFieldRequest {
  std::string provider_dir;  // e.g. ../shared/reference/qlib/CRYPTO
  std::string instrument;    // e.g. btcusdt
  std::string field;         // e.g. close
  std::string freq;          // e.g. 60min
};

absl::StatusOr<QlibSeries> load_qlib_field(const QlibFieldRequest& request);

// The calendar rows inside any of the instrument's spans, ascending, as qlib's D.features
// would restrict them.
std::vector<std::size_t> instrument_rows(const std::vector<TimestampNs>& labels,
                                         const QlibInstrument& inst);

}  // namespace q50::io

#endif  // Q50SIM_IO_QLIB_READER_H_
