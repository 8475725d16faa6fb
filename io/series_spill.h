#ifndef Q50SIM_IO_SERIES_SPILL_H_
#define Q50SIM_IO_SERIES_SPILL_H_

// A run's per-bar and per-trade records (core/run_series.h) kept in two temporary files
// instead of memory: written once as the run goes, then read in passes by the metrics and the
// report. The files are unlinked from the moment they exist (O_TMPFILE, or created and
// removed at once), so nothing is left behind however the process ends; they live in
// $TMPDIR (default /tmp), about 48 bytes a bar and 40 a fill. Reads go through read(2), so
// the page cache holds them, not the process.

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "core/run_series.h"

namespace q50::io {

class SeriesSpill final : public SeriesWriter, public SeriesRecords {
 public:
  static absl::StatusOr<std::unique_ptr<SeriesSpill>> create();
  ~SeriesSpill() override;
  SeriesSpill(const SeriesSpill&) = delete;
  SeriesSpill& operator=(const SeriesSpill&) = delete;

  void add_bar(const SeriesBar& bar) override;
  void add_trade(const TradeEvent& trade) override;
  // Writes what is buffered; the first write error (a full disk), naming the folder.
  absl::Status finish_writing();

  std::size_t bar_count() const override { return bars_; }
  std::unique_ptr<Cursor<SeriesBar>> bars() const override;
  std::unique_ptr<Cursor<TradeEvent>> trades() const override;

 private:
  struct File;
  SeriesSpill(std::unique_ptr<File> bars, std::unique_ptr<File> trades);

  std::unique_ptr<File> bar_file_;
  std::unique_ptr<File> trade_file_;
  std::size_t bars_ = 0;
};

}  // namespace q50::io

#endif  // Q50SIM_IO_SERIES_SPILL_H_
