#ifndef Q50SIM_CORE_RUN_SERIES_H_
#define Q50SIM_CORE_RUN_SERIES_H_

// A run's per-bar and per-trade records as the metrics (core/run_metrics.h) and the report
// (io/run_report.h) read them: in passes, record by record, so that they need memory for what
// they compute and not for the run's length. The records may live in memory (RunSeries, the
// vector form) or in a file (io/series_spill.h, what `q50sim run` uses).

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/timestamp.h"

namespace q50 {

struct TradeEvent {
  TimestampNs ts_ns = 0;
  int side = 0;      // +1 buy, -1 sell
  double qty = 0;    // base units, > 0
  double price = 0;  // quote per base unit
  double fee = 0;    // quote
};

// One bar of a run: its regime, tier and position are the state in force over the period to
// the next bar (the position held after the bar's decisions); equity is marked at its price.
struct SeriesBar {
  TimestampNs ts_ns = 0;
  double price = 0;     // mark price, quote
  double equity = 0;    // quote
  double position = 0;  // base units, signed
  std::int64_t regime = 0;           // index into the run's regime names
  std::int64_t tier = 0;             // signal tier 0..3
  std::int64_t variance_regime = 0;  // a VarianceRegime code (when the run records it)
  std::int8_t side = 0;              // the signal's side: +1 long, -1 short, 0 none
};

// Reads records one by one; next() is false after the last.
template <class T>
class Cursor {
 public:
  virtual ~Cursor() = default;
  virtual bool next(T& out) = 0;
};

// Records read in passes: every call of bars() or trades() starts a pass at the first record.
// Bars have strictly increasing ts_ns; trades are in ts order.
class SeriesRecords {
 public:
  virtual ~SeriesRecords() = default;
  virtual std::size_t bar_count() const = 0;
  virtual std::unique_ptr<Cursor<SeriesBar>> bars() const = 0;
  virtual std::unique_ptr<Cursor<TradeEvent>> trades() const = 0;
};

// Where a run's records go as they are made, in order (sim/scenario_run.h's collector writes
// here; io/series_spill.h keeps them in a temporary file).
class SeriesWriter {
 public:
  virtual ~SeriesWriter() = default;
  virtual void add_bar(const SeriesBar& bar) = 0;
  virtual void add_trade(const TradeEvent& trade) = 0;
};

}  // namespace q50

#endif  // Q50SIM_CORE_RUN_SERIES_H_
