#ifndef Q50SIM_IO_SWEEP_CHARTS_H_
#define Q50SIM_IO_SWEEP_CHARTS_H_

// The statistics and inline SVG charts of sweep.html (io/sweep_report.h): a heatmap, a box
// chart and interval bars. Every chart is a function of its inputs only (same input, same
// bytes); text in them is HTML-escaped here.

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace q50::io {

// The distribution of a set of values (non-finite values are left out).
struct Summary {
  std::int64_t count = 0;
  double mean = 0, std = 0;  // std with ddof 1 (0 for one value)
  double min = 0, p10 = 0, p25 = 0, median = 0, p75 = 0, p90 = 0, max = 0;
  double positive_share = 0;  // share of values > 0
};

// Percentiles by linear interpolation between closest ranks (numpy's default).
Summary summarize(std::vector<double> values);

// A heatmap: a cell per (x, y) of the given labels (in that order: x left to right, y top to
// bottom); cells absent from `cells` are drawn grey with "n/a". colour_value picks what the
// colour shows (e.g. the mean); the cell's text shows it with 3 significant digits and its
// tooltip the summary. Colours: diverging around 0 (red below, green above, or swapped when
// higher is worse) when the values have both signs, otherwise a single blue ramp.
struct Heatmap {
  std::string id;
  std::string title;  // aria label
  std::string x_key, y_key;
  std::vector<std::string> x_labels, y_labels;
  std::map<std::pair<std::size_t, std::size_t>, Summary> cells;  // (x index, y index)
  double (*colour_value)(const Summary&) = nullptr;
  bool higher_is_better = true;
  bool diverging_allowed = true;  // false: a spread (>= 0) always takes the single ramp
};
std::string heatmap_svg(const Heatmap& map);

// Box chart: one box per group, left to right (at most the first 80 are drawn).
struct BoxGroup {
  std::string label;  // tooltip
  Summary summary;
};
std::string box_chart_svg(std::string_view id, std::string_view metric,
                          std::span<const BoxGroup> groups);

// A small horizontal bar from p10 to p90 with the median marked, on a scale [lo, hi] shared by
// the rows of one table (zero drawn as a line when inside).
std::string interval_svg(const Summary& s, double lo, double hi);

// A number for people: 3 significant digits, "n/a" for NaN, "inf"/"-inf".
std::string short_number(double v);

}  // namespace q50::io

#endif  // Q50SIM_IO_SWEEP_CHARTS_H_
