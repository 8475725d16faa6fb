#include "io/sweep_charts.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

#include "fmt/format.h"
#include "io/run_report.h"

namespace q50::io {
namespace {

struct Rgb {
  double r, g, b;
};

// Sequential ramp (light to dark blue) and the diverging ends, chosen to stay apart from the
// page's other colours so a screenshot can tell them from each other.
constexpr Rgb kRampLow{239, 246, 255};
constexpr Rgb kRampHigh{30, 64, 175};
constexpr Rgb kGood{21, 128, 61};
constexpr Rgb kNeutral{248, 250, 252};
constexpr Rgb kBad{185, 28, 28};
constexpr const char* kMissing = "#d1d5db";
constexpr const char* kBoxFill = "#c4b5fd";
constexpr const char* kBoxLine = "#5b21b6";
constexpr const char* kIntervalFill = "#f59e0b";

Rgb mix(Rgb a, Rgb b, double t) {
  t = std::clamp(t, 0.0, 1.0);
  return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
}

std::string hex(Rgb c) {
  const auto byte = [](double v) {
    return static_cast<int>(std::lround(std::clamp(v, 0.0, 255.0)));
  };
  return fmt::format("#{:02x}{:02x}{:02x}", byte(c.r), byte(c.g), byte(c.b));
}

double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::nan("");
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - static_cast<double>(lo));
}

// The colour scale of a heatmap: value -> colour.
struct Scale {
  bool diverging = false;
  double lo = 0, hi = 0;
  bool higher_is_better = true;
  std::string colour(double v) const {
    if (!std::isfinite(v)) return kMissing;
    if (diverging) {
      const double m = std::max(std::fabs(lo), std::fabs(hi));
      const double t = m > 0 ? v / m : 0.0;
      const bool good = (t >= 0) == higher_is_better;
      return hex(mix(kNeutral, good ? kGood : kBad, std::fabs(t)));
    }
    return hex(mix(kRampLow, kRampHigh, hi > lo ? (v - lo) / (hi - lo) : 0.5));
  }
  // Text stays readable on the darker half of the ramps.
  bool dark(double v) const {
    if (!std::isfinite(v)) return false;
    if (diverging) {
      const double m = std::max(std::fabs(lo), std::fabs(hi));
      return m > 0 && std::fabs(v / m) > 0.6;
    }
    return hi > lo && (v - lo) / (hi - lo) > 0.6;
  }
};

Scale scale_of(const Heatmap& map) {
  Scale s;
  s.higher_is_better = map.higher_is_better;
  s.lo = std::numeric_limits<double>::infinity();
  s.hi = -std::numeric_limits<double>::infinity();
  for (const auto& [at, summary] : map.cells) {
    const double v = map.colour_value(summary);
    if (!std::isfinite(v)) continue;
    s.lo = std::min(s.lo, v);
    s.hi = std::max(s.hi, v);
  }
  if (!(s.lo <= s.hi)) s.lo = s.hi = 0;
  s.diverging = map.diverging_allowed && s.lo < 0 && s.hi > 0;
  return s;
}

std::string tooltip(const Heatmap& map, std::size_t x, std::size_t y, const Summary& s) {
  return html_escape(fmt::format("{} = {}, {} = {}: {} runs, mean {}, std {}, min {}, max {}",
                                 map.x_key, map.x_labels[x], map.y_key, map.y_labels[y], s.count,
                                 short_number(s.mean), short_number(s.std), short_number(s.min),
                                 short_number(s.max)));
}

void append_legend(std::string& out, const Scale& s, double x, double y) {
  constexpr int kSteps = 20;
  for (int i = 0; i < kSteps; ++i) {
    const double v = s.lo + (s.hi - s.lo) * (i + 0.5) / kSteps;
    fmt::format_to(std::back_inserter(out),
                   "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"8\" height=\"12\" fill=\"{}\"/>",
                   x + i * 8, y, s.colour(v));
  }
  fmt::format_to(std::back_inserter(out),
                 "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"yl\">{}</text>"
                 "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"xl\">{}</text>\n",
                 x - 4, y + 10, html_escape(short_number(s.lo)), x + kSteps * 8 + 4, y + 10,
                 html_escape(short_number(s.hi)));
}

}  // namespace

std::string short_number(double v) {
  if (std::isnan(v)) return "n/a";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{:.3g}", v);
}

Summary summarize(std::vector<double> values) {
  values.erase(
      std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
      values.end());
  Summary s;
  s.count = static_cast<std::int64_t>(values.size());
  if (values.empty()) {
    s.mean = s.std = s.min = s.p10 = s.p25 = s.median = s.p75 = s.p90 = s.max = std::nan("");
    return s;
  }
  std::sort(values.begin(), values.end());
  double sum = 0;
  std::int64_t positive = 0;
  for (double v : values) {
    sum += v;
    positive += v > 0 ? 1 : 0;
  }
  s.mean = sum / static_cast<double>(values.size());
  double ss = 0;
  for (double v : values) ss += (v - s.mean) * (v - s.mean);
  s.std = values.size() > 1 ? std::sqrt(ss / static_cast<double>(values.size() - 1)) : 0.0;
  s.min = values.front();
  s.max = values.back();
  s.p10 = quantile(values, 0.10);
  s.p25 = quantile(values, 0.25);
  s.median = quantile(values, 0.50);
  s.p75 = quantile(values, 0.75);
  s.p90 = quantile(values, 0.90);
  s.positive_share = static_cast<double>(positive) / static_cast<double>(values.size());
  return s;
}

std::string heatmap_svg(const Heatmap& map) {
  const Scale scale = scale_of(map);
  const double cell_w = std::clamp(
      880.0 / static_cast<double>(std::max<std::size_t>(map.x_labels.size(), 1)), 14.0, 90.0);
  const double cell_h = std::clamp(
      420.0 / static_cast<double>(std::max<std::size_t>(map.y_labels.size(), 1)), 14.0, 40.0);
  const double left = 150, top = 40;
  const double width = left + cell_w * static_cast<double>(map.x_labels.size()) + 40;
  const double height = top + cell_h * static_cast<double>(map.y_labels.size()) + 70;
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{}\" class=\"chart\" width=\"{:.0f}\" "
      "height=\"{:.0f}\" viewBox=\"0 0 {:.0f} {:.0f}\" role=\"img\" aria-label=\"{}\">\n",
      map.id, width, height, width, height, html_escape(map.title));
  append_legend(out, scale, left, 10);
  const bool labels = cell_w >= 40 && cell_h >= 16;
  for (std::size_t y = 0; y < map.y_labels.size(); ++y) {
    const double cy = top + cell_h * static_cast<double>(y);
    fmt::format_to(std::back_inserter(out),
                   "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"yl\">{}</text>\n", left - 6,
                   cy + cell_h / 2 + 4, html_escape(map.y_labels[y]));
    for (std::size_t x = 0; x < map.x_labels.size(); ++x) {
      const double cx = left + cell_w * static_cast<double>(x);
      const auto it = map.cells.find({x, y});
      const double v = it == map.cells.end() ? std::nan("") : map.colour_value(it->second);
      const std::string tip = it == map.cells.end() ? "no ok run" : tooltip(map, x, y, it->second);
      fmt::format_to(std::back_inserter(out),
                     "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
                     "fill=\"{}\" stroke=\"#ffffff\"><title>{}</title></rect>",
                     cx, cy, cell_w, cell_h, scale.colour(v), tip);
      if (labels) {
        fmt::format_to(std::back_inserter(out),
                       "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"cell{}\">{}</text>",
                       cx + cell_w / 2, cy + cell_h / 2 + 4, scale.dark(v) ? " dark" : "",
                       html_escape(short_number(v)));
      }
    }
    out += '\n';
  }
  const double label_y = top + cell_h * static_cast<double>(map.y_labels.size()) + 14;
  for (std::size_t x = 0; x < map.x_labels.size(); ++x) {
    const double cx = left + cell_w * (static_cast<double>(x) + 0.5);
    fmt::format_to(std::back_inserter(out),
                   "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"xr\" transform=\"rotate(-35 {:.1f} "
                   "{:.1f})\">{}</text>",
                   cx, label_y, cx, label_y, html_escape(map.x_labels[x]));
  }
  fmt::format_to(std::back_inserter(out),
                 "\n<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"axis\">{} &#8594;</text>"
                 "<text x=\"8\" y=\"{:.1f}\" class=\"axis\">{} &#8595;</text>\n</svg>\n",
                 left, height - 6, html_escape(map.x_key), top - 8, html_escape(map.y_key));
  return out;
}

std::string box_chart_svg(std::string_view id, std::string_view metric,
                          std::span<const BoxGroup> groups) {
  constexpr std::size_t kMaxGroups = 80;
  const std::size_t n = std::min(groups.size(), kMaxGroups);
  const double left = 70, top = 12, plot_h = 220, width = 1000;
  const double step = (width - left - 20) / static_cast<double>(std::max<std::size_t>(n, 1));
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::size_t i = 0; i < n; ++i) {
    if (groups[i].summary.count == 0) continue;
    lo = std::min(lo, groups[i].summary.min);
    hi = std::max(hi, groups[i].summary.max);
  }
  if (!(lo <= hi)) lo = hi = 0;
  if (hi == lo) hi = lo + 1;
  const auto y = [&](double v) { return top + (hi - v) / (hi - lo) * plot_h; };
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{}\" class=\"chart\" width=\"{:.0f}\" "
      "height=\"{:.0f}\" viewBox=\"0 0 {:.0f} {:.0f}\" role=\"img\" aria-label=\"{}\">\n",
      id, width, top + plot_h + 24, width, top + plot_h + 24,
      html_escape(fmt::format("spread of {}", metric)));
  for (const double v : {lo, (lo + hi) / 2, hi}) {
    fmt::format_to(std::back_inserter(out),
                   "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/>"
                   "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"yl\">{}</text>\n",
                   left, y(v), width - 20, y(v), left - 6, y(v) + 4, html_escape(short_number(v)));
  }
  if (lo < 0 && hi > 0) {
    fmt::format_to(
        std::back_inserter(out),
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"zero\"/>\n", left,
        y(0), width - 20, y(0));
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Summary& s = groups[i].summary;
    if (s.count == 0) continue;
    const double cx = left + step * (static_cast<double>(i) + 0.5);
    const double bw = std::max(2.0, step * 0.6);
    fmt::format_to(
        std::back_inserter(out),
        "<g><title>{}</title><line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" "
        "y2=\"{:.1f}\" stroke=\"{}\"/><rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
        "height=\"{:.1f}\" fill=\"{}\" stroke=\"{}\"/><line x1=\"{:.1f}\" y1=\"{:.1f}\" "
        "x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" stroke-width=\"2\"/></g>\n",
        html_escape(fmt::format("{}: {} runs, min {}, median {}, max {}", groups[i].label, s.count,
                                short_number(s.min), short_number(s.median), short_number(s.max))),
        cx, y(s.max), cx, y(s.min), kBoxLine, cx - bw / 2, y(s.p75), bw,
        std::max(1.0, y(s.p25) - y(s.p75)), kBoxFill, kBoxLine, cx - bw / 2, y(s.median),
        cx + bw / 2, y(s.median), kBoxLine);
  }
  return out + "</svg>\n";
}

std::string interval_svg(const Summary& s, double lo, double hi) {
  constexpr double kWidth = 240, kHeight = 14;
  if (hi <= lo) hi = lo + 1;
  const auto x = [&](double v) { return std::clamp((v - lo) / (hi - lo), 0.0, 1.0) * kWidth; };
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" "
      "class=\"interval\">",
      kWidth, kHeight);
  if (lo < 0 && hi > 0) {
    fmt::format_to(std::back_inserter(out),
                   "<line x1=\"{:.1f}\" y1=\"0\" x2=\"{:.1f}\" y2=\"{:.0f}\" class=\"zero\"/>",
                   x(0), x(0), kHeight);
  }
  if (s.count > 0) {
    fmt::format_to(std::back_inserter(out),
                   "<rect x=\"{:.1f}\" y=\"3\" width=\"{:.1f}\" height=\"8\" fill=\"{}\"/>"
                   "<rect x=\"{:.1f}\" y=\"1\" width=\"2\" height=\"12\" fill=\"#111827\"/>",
                   x(s.p10), std::max(1.0, x(s.p90) - x(s.p10)), kIntervalFill, x(s.median) - 1);
  }
  return out + "</svg>";
}

}  // namespace q50::io
