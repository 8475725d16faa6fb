#ifndef Q50SIM_IO_CHART_DATA_H_
#define Q50SIM_IO_CHART_DATA_H_

// What report.html's charts draw, gathered in one pass over a run's bars (core/run_series.h)
// in memory that does not grow with the run: per curve its finite extremes and a min/max-
// preserving subsample of at most kMaxChartPoints points, per band strip one code per pixel
// column. The same selection as the whole-series functions of io/run_report.h, point for point.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/run_metrics.h"
#include "core/run_series.h"
#include "io/run_report.h"

namespace q50::io {

inline constexpr std::size_t kChartColumns = 1090;  // plot width of every chart, in pixels

// downsample_min_max of a series fed value by value; n (the series' length) is known up front.
class MinMaxDownsampler {
 public:
  struct Point {
    std::size_t index;
    TimestampNs ts_ns;
    double y;
  };
  MinMaxDownsampler(std::size_t n, std::size_t max_points);
  void add(TimestampNs ts_ns, double y);  // the next value, in order
  const std::vector<Point>& points() const { return points_; }

 private:
  void open_bucket();
  void close_bucket();

  std::size_t n_;
  bool all_;  // n <= max_points: every point
  std::size_t buckets_ = 0;
  std::size_t interior_ = 0;
  std::size_t i_ = 0;       // index of the next value
  std::size_t bucket_ = 0;  // the bucket being filled
  std::size_t hi_ = 0;      // its end (exclusive)
  std::optional<Point> min_;
  std::optional<Point> max_;
  std::vector<Point> points_;
};

// One code per pixel column (the most frequent, ties to the lower code, or the highest with
// take_max) of the bars whose time falls in it; a column without a bar keeps the previous one's.
class ColumnCoder {
 public:
  ColumnCoder(std::size_t columns, TimestampNs t0, TimestampNs t1, bool take_max);
  void add(TimestampNs ts_ns, std::int64_t code);  // bars in time order
  std::vector<std::int64_t> finish();

 private:
  std::size_t column_of(TimestampNs ts_ns) const;
  void close_column();

  std::size_t columns_;
  TimestampNs t0_;
  TimestampNs t1_;
  bool take_max_;
  std::size_t current_ = 0;
  std::vector<std::int64_t> out_;
  std::vector<std::int64_t> counts_;  // by code (codes are small: regimes, tiers)
};

struct ChartLine {
  double lo;  // finite extremes (lo > hi when there is none)
  double hi;
  std::vector<MinMaxDownsampler::Point> points;
};

struct ChartData {
  std::size_t bars = 0;
  TimestampNs t0 = 0;
  TimestampNs t1 = 0;
  ChartLine price;
  ChartLine equity;
  ChartLine drawdown;
  ChartLine position;
  std::vector<std::int64_t> regime_columns;
  std::vector<std::int64_t> tier_columns;
  std::vector<std::int64_t> variance_columns;  // empty unless the run records it
};

// One pass over the bars (at least one).
ChartData chart_data(const SeriesRecords& records, bool variance_regime);

}  // namespace q50::io

#endif  // Q50SIM_IO_CHART_DATA_H_
