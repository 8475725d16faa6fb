#ifndef Q50SIM_IO_RUN_REPORT_H_
#define Q50SIM_IO_RUN_REPORT_H_

// Sinks for a run's performance (core/run_metrics.h): metrics.json and a self-contained
// report.html. Both are deterministic (same input -> same bytes; nothing of "now" is written)
// and the HTML needs nothing at view time: inline CSS, inline SVG drawn here, no script, no
// font, image or stylesheet fetched.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/html_escape.h"  // html_escape, which the reports use
#include "core/run_metrics.h"

namespace q50::io {

// metrics.json: one object, keys sorted at every level, two-space indent, trailing newline.
// Floats are written shortest-round-trip (parsing gives back the same double); the
// non-finite ones JSON cannot hold are written as the strings "inf", "-inf" and "nan"
// (a profit factor with no losing period is "inf"). The fingerprint is a 16-digit hex string.
std::string render_metrics_json(const RunMetrics& metrics);

// report.html: header and headline table, four SVG charts (price with regime bands and a
// signal tier strip, equity, drawdown, position), then the regime/tier breakdowns, rejects,
// faults and latency tables. Every chart holds at most kMaxChartPoints line points and at most
// one band per pixel column, whatever the run's length, so the file stays a few hundred KB.
// metrics must come from compute_run_metrics(series, ...).
std::string render_report_html(const RunSeries& series, const RunMetrics& metrics);
// The same from records read in passes (io/chart_data.h), in memory independent of their
// number: byte for byte the report of the equivalent RunSeries.
std::string render_report_html(const SeriesRecords& records, const RunEvents& events,
                               const RunMetrics& metrics);

inline constexpr std::size_t kMaxChartPoints = 2000;

// Indices (ascending, no repeats) of a min/max-preserving subsample of y with at most
// max_points entries (max_points >= 4): the first and last index, and per bucket of
// consecutive values the index of its minimum and of its maximum (first occurrence), so every
// spike survives. All indices when y.size() <= max_points.
std::vector<std::size_t> downsample_min_max(std::span<const double> y, std::size_t max_points);

}  // namespace q50::io

#endif  // Q50SIM_IO_RUN_REPORT_H_
