#include "io/run_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "core/check.h"
#include "core/metrics.h"
#include "core/regime.h"
#include "core/timestamp.h"
#include "io/chart_data.h"
#include "nlohmann/json.hpp"

namespace q50::io {
namespace {

using nlohmann::json;

// metrics.json
json number(double v) {
  if (std::isfinite(v)) return v;
  if (std::isnan(v)) return "nan";
  return v > 0 ? "inf" : "-inf";
}

json to_json(const ReturnStats& r) {
  return {{"periods", r.periods},
          {"mean", number(r.mean)},
          {"std", number(r.std)},
          {"volatility", number(r.volatility)},
          {"sharpe_ratio", number(r.sharpe_ratio)},
          {"total_return", number(r.total_return)},
          {"max_drawdown", number(r.max_drawdown)}};
}

json to_json(const TradeStats& t) {
  return {{"count", t.count},
          {"wins", t.wins},
          {"losses", t.losses},
          {"win_rate", number(t.win_rate)},
          {"avg_win", number(t.avg_win)},
          {"avg_loss", number(t.avg_loss)},
          {"gross_profit", number(t.gross_profit)},
          {"gross_loss", number(t.gross_loss)},
          {"profit_factor", number(t.profit_factor)}};
}

json to_json(const SliceMetrics& m) {
  return {{"bars", m.bars},
          {"time_share", number(m.time_share)},
          {"returns", to_json(m.returns)},
          {"periods_in_market", to_json(m.periods_in_market)},
          {"exposure", number(m.exposure)},
          {"time_in_market", number(m.time_in_market)},
          {"trades", m.trades},
          {"traded_notional", number(m.traded_notional)},
          {"turnover", number(m.turnover)},
          {"fees", number(m.fees)}};
}

json to_json(const LatencyStats& l) {
  return {{"count", l.count},   {"mean_ns", number(l.mean_ns)}, {"p50_ns", l.p50_ns},
          {"p90_ns", l.p90_ns}, {"p99_ns", l.p99_ns},           {"max_ns", l.max_ns}};
}

json faults_json(const RunMetrics& m) {
  json by_kind = json::object();
  for (const auto& [kind, k] : m.faults_by_kind) {
    by_kind[kind] = {
        {"seen", k.seen}, {"recovered", k.recovered}, {"max_recovery_ns", k.max_recovery_ns}};
  }
  return {{"seen", m.faults_seen}, {"recovered", m.faults_recovered}, {"by_kind", by_kind}};
}

// HTML helpers
std::string fmt_num(double v, int decimals) {
  if (std::isnan(v)) return "n/a";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{:.{}f}", v, decimals);
}

std::string fmt_pct(double v) {
  return std::isfinite(v) ? fmt_num(100.0 * v, 2) + "%" : fmt_num(v, 2);
}

std::string fmt_duration(std::int64_t ns) {
  const auto v = static_cast<double>(ns);
  if (std::llabs(ns) < 1'000'000) return fmt::format("{:.1f} &micro;s", v / 1e3);
  if (std::llabs(ns) < 1'000'000'000) return fmt::format("{:.2f} ms", v / 1e6);
  if (std::llabs(ns) < 3'600'000'000'000) return fmt::format("{:.2f} s", v / 1e9);
  return fmt::format("{:.2f} h", v / 3.6e12);
}

// Background colours of regime bands (pastel, so the price line stays readable); a code past
// the palette wraps around.
constexpr const char* kRegimeColours[] = {"#bfdbfe", "#bbf7d0", "#fde68a", "#fecaca",
                                          "#ddd6fe", "#fed7aa", "#a5f3fc", "#fbcfe8"};
constexpr const char* kTierColours[] = {"#e2e8f0", "#93c5fd", "#3b82f6", "#1e3a8a"};
// The strategy's variance regimes, unknown .. extreme: grey, then calm green to alarm red.
constexpr const char* kVarianceColours[] = {"#e5e7eb", "#86efac", "#fde047", "#fb923c",
                                            "#dc2626"};
static_assert(std::size(kVarianceColours) == kVarianceRegimeCount);

const char* regime_colour(std::int64_t code) {
  constexpr auto n = static_cast<std::int64_t>(std::size(kRegimeColours));
  return kRegimeColours[static_cast<std::size_t>(code % n)];
}

// Plot geometry of one chart: time on x, a value on y, in SVG user units (= CSS px).
struct Frame {
  double width = 1200, height = 240;
  double left = 90, right = 20, top = 12, bottom = 28;
  TimestampNs t0 = 0, t1 = 0;
  double y_lo = 0, y_hi = 1;

  double plot_w() const { return width - left - right; }
  double plot_h() const { return height - top - bottom; }
  double x(TimestampNs ts) const {
    if (t1 <= t0) return left;
    return left + static_cast<double>(ts - t0) / static_cast<double>(t1 - t0) * plot_w();
  }
  double y(double v) const { return top + (y_hi - v) / (y_hi - y_lo) * plot_h(); }
};

// y from the line's finite extremes (with zero when include_zero), padded.
void set_y_range(Frame& f, const ChartLine& line, bool include_zero) {
  double lo = include_zero ? std::min(0.0, line.lo) : line.lo;
  double hi = include_zero ? std::max(0.0, line.hi) : line.hi;
  if (!(lo <= hi)) lo = hi = 0.0;
  const double pad = hi > lo ? 0.05 * (hi - lo) : std::max(1.0, 0.01 * std::fabs(hi));
  f.y_lo = (include_zero && lo == 0.0) ? 0.0 : lo - pad;
  f.y_hi = (include_zero && hi == 0.0) ? 0.0 : hi + pad;
  if (f.y_hi <= f.y_lo) f.y_hi = f.y_lo + pad;
}

std::string svg_open(const Frame& f, std::string_view id, std::string_view label) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{}\" class=\"chart\" width=\"{:.0f}\" "
      "height=\"{:.0f}\" viewBox=\"0 0 {:.0f} {:.0f}\" role=\"img\" aria-label=\"{}\">\n"
      "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#ffffff\"/>\n",
      id, f.width, f.height, f.width, f.height, html_escape(label), f.left, f.top, f.plot_w(),
      f.plot_h());
}

// Horizontal grid lines with value labels and time labels under the plot.
void append_axes(std::string& out, const Frame& f, double x_label_y,
                 const std::function<std::string(double)>& label) {
  constexpr int kTicks = 4;
  for (int i = 0; i <= kTicks; ++i) {
    const double v = f.y_lo + (f.y_hi - f.y_lo) * i / kTicks;
    const double y = f.y(v);
    fmt::format_to(std::back_inserter(out),
                   "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
                   "class=\"grid\"/><text x=\"{:.1f}\" y=\"{:.1f}\" class=\"yl\">{}</text>\n",
                   f.left, y, f.left + f.plot_w(), y, f.left - 6, y + 4, label(v));
  }
  for (int i = 0; i <= kTicks; ++i) {
    const TimestampNs ts = f.t0 + (f.t1 - f.t0) / kTicks * i;
    const char* anchor = i == 0 ? "start" : (i == kTicks ? "end" : "middle");
    fmt::format_to(std::back_inserter(out),
                   "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\" class=\"xl\">{}</text>\n",
                   f.x(ts), x_label_y, anchor, format_timestamp(ts).substr(0, 16));
  }
}

// The downsampled curve as "x,y x,y ..." (non-finite values left out).
std::string curve_points(const Frame& f, const ChartLine& line) {
  std::string pts;
  for (const MinMaxDownsampler::Point& p : line.points) {
    if (!std::isfinite(p.y)) continue;
    fmt::format_to(std::back_inserter(pts), "{}{:.1f},{:.1f}", pts.empty() ? "" : " ",
                   f.x(p.ts_ns), f.y(p.y));
  }
  return pts;
}

void append_line(std::string& out, const Frame& f, const ChartLine& line, std::string_view colour) {
  fmt::format_to(std::back_inserter(out),
                 "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" "
                 "stroke-linejoin=\"round\" points=\"{}\"/>\n",
                 colour, curve_points(f, line));
}

// The curve closed down (or up) to the zero line, filled: drawdown and position.
void append_area(std::string& out, const Frame& f, const ChartLine& line, std::string_view fill,
                 std::string_view stroke) {
  const double zero = f.y(0.0);
  fmt::format_to(std::back_inserter(out),
                 "<polygon fill=\"{}\" stroke=\"{}\" stroke-width=\"1\" "
                 "points=\"{:.1f},{:.1f} {} {:.1f},{:.1f}\"/>\n",
                 fill, stroke, f.x(f.t0), zero, curve_points(f, line), f.x(f.t1), zero);
  fmt::format_to(std::back_inserter(out),
                 "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"zero\"/>\n",
                 f.left, zero, f.left + f.plot_w(), zero);
}

void append_frame_border(std::string& out, const Frame& f) {
  fmt::format_to(std::back_inserter(out),
                 "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
                 "class=\"border\"/>\n</svg>\n",
                 f.left, f.top, f.plot_w(), f.plot_h());
}

// charts
// Runs of equal column codes as rectangles from y to y + h.
void append_bands(std::string& out, const Frame& f, const std::vector<std::int64_t>& cols, double y,
                  double h, const std::function<const char*(std::int64_t)>& colour,
                  std::string_view css_class) {
  std::size_t start = 0;
  for (std::size_t c = 1; c <= cols.size(); ++c) {
    if (c < cols.size() && cols[c] == cols[start]) continue;
    fmt::format_to(std::back_inserter(out),
                   "<rect class=\"{}\" x=\"{:.0f}\" y=\"{:.1f}\" width=\"{}\" height=\"{:.1f}\" "
                   "fill=\"{}\"/>\n",
                   css_class, f.left + static_cast<double>(start), y, c - start, h,
                   colour(cols[start]));
    start = c;
  }
}

Frame frame_for(const ChartData& d, double height, double bottom) {
  Frame f;
  f.height = height;
  f.bottom = bottom;
  f.t0 = d.t0;
  f.t1 = d.t1;
  return f;
}

void append_legend_item(std::string& out, const char* colour, std::string_view label) {
  fmt::format_to(std::back_inserter(out),
                 "<span class=\"key\"><i style=\"background:{}\"></i>{}</span>", colour,
                 html_escape(label));
}

void append_price_chart(std::string& out, const ChartData& d, const RunEvents& s) {
  constexpr double kStripGap = 4, kStripH = 14;
  const bool variance = !d.variance_columns.empty();
  const int strips = variance ? 2 : 1;
  Frame f = frame_for(d, 320, 28 + strips * (kStripGap + kStripH) + 4);
  set_y_range(f, d.price, false);
  out += variance ? "<figure><figcaption>Price, market regime (background), signal tier (upper "
                    "strip) and the strategy's variance regime (lower strip)</figcaption>\n"
                  : "<figure><figcaption>Price, market regime (background) and signal tier "
                    "(strip)</figcaption>\n";
  out += svg_open(f, "chart-price", "Price with regime bands and signal tiers");
  append_bands(out, f, d.regime_columns, f.top, f.plot_h(), regime_colour, "regime");
  append_axes(out, f, f.height - 8, [](double v) { return fmt_num(v, 2); });
  append_line(out, f, d.price, "#111827");
  append_bands(
      out, f, d.tier_columns, f.top + f.plot_h() + kStripGap, kStripH,
      [](std::int64_t t) { return kTierColours[static_cast<std::size_t>(t)]; }, "tier");
  if (variance) {
    // The strongest regime in a column wins, as for tiers: a short extreme spell stays visible.
    append_bands(
        out, f, d.variance_columns,
        f.top + f.plot_h() + 2 * kStripGap + kStripH, kStripH,
        [](std::int64_t v) { return kVarianceColours[static_cast<std::size_t>(v)]; },
        "variance");
  }
  append_frame_border(out, f);
  out += "<div class=\"legend\">";
  for (std::size_t r = 0; r < s.regime_names.size(); ++r) {
    append_legend_item(out, regime_colour(static_cast<std::int64_t>(r)), s.regime_names[r]);
  }
  for (std::size_t t = 0; t < std::size(kTierColours); ++t) {
    append_legend_item(out, kTierColours[t], fmt::format("tier {}", t));
  }
  if (variance) {
    for (std::size_t v = 0; v < kVarianceRegimeCount; ++v) {
      append_legend_item(
          out, kVarianceColours[v],
          fmt::format("variance {}", variance_regime_name(static_cast<VarianceRegime>(v))));
    }
  }
  out += "</div></figure>\n";
}

void append_value_chart(std::string& out, const ChartData& d, const ChartLine& y, const char* id,
                        const char* caption, bool area) {
  Frame f = frame_for(d, area ? 200 : 240, 28);
  set_y_range(f, y, area);
  fmt::format_to(std::back_inserter(out), "<figure><figcaption>{}</figcaption>\n", caption);
  out += svg_open(f, id, caption);
  const bool pct = std::string_view(id) == "chart-drawdown";
  append_axes(out, f, f.height - 8,
              [pct](double v) { return pct ? fmt_pct(v) : fmt_num(v, std::fabs(v) < 10 ? 4 : 2); });
  if (!area) {
    append_line(out, f, y, "#2563eb");
  } else if (pct) {
    append_area(out, f, y, "#fca5a5", "#dc2626");
  } else {
    append_area(out, f, y, "#6ee7b7", "#047857");
  }
  append_frame_border(out, f);
  out += "</figure>\n";
}

// tables
void append_row(std::string& out, const std::vector<std::string>& cells, bool header) {
  const char* tag = header ? "th" : "td";
  out += "<tr>";
  for (const std::string& c : cells)
    fmt::format_to(std::back_inserter(out), "<{0}>{1}</{0}>", tag, c);
  out += "</tr>\n";
}

std::vector<std::string> slice_cells(std::string label, const SliceMetrics& m) {
  return {std::move(label),
          std::to_string(m.bars),
          fmt_pct(m.time_share),
          fmt_pct(m.returns.total_return),
          fmt_num(m.returns.sharpe_ratio, 3),
          fmt_pct(m.returns.max_drawdown),
          fmt_pct(m.periods_in_market.win_rate),
          fmt_num(m.periods_in_market.profit_factor, 3),
          fmt_pct(m.exposure),
          fmt_pct(m.time_in_market),
          std::to_string(m.trades),
          fmt_num(m.turnover, 3),
          fmt_num(m.fees, 2)};
}

void append_breakdown(std::string& out, std::string_view title, std::string_view key,
                      const std::vector<std::pair<std::string, SliceMetrics>>& rows) {
  fmt::format_to(std::back_inserter(out), "<h2>{}</h2>\n<table>\n", title);
  append_row(out,
             {std::string(key), "bars", "time", "return", "Sharpe", "max DD", "win rate",
              "profit factor", "exposure", "in market", "trades", "turnover", "fees"},
             true);
  for (const auto& [label, m] : rows) append_row(out, slice_cells(html_escape(label), m), false);
  out += "</table>\n";
}

void append_kv(std::string& out, std::string_view label, const std::string& value) {
  fmt::format_to(std::back_inserter(out), "<div class=\"kv\"><span>{}</span><b>{}</b></div>", label,
                 value);
}

void append_headline(std::string& out, const RunMetrics& m) {
  const SliceMetrics& t = m.total;
  const LatencyStats& l = m.signal_to_order_latency;
  out += "<div class=\"headline\">";
  append_kv(out, "total return", fmt_pct(t.returns.total_return));
  append_kv(out, "annualised return", fmt_pct(m.annualized_return));
  append_kv(out, "Sharpe", fmt_num(t.returns.sharpe_ratio, 3));
  append_kv(out, "volatility", fmt_pct(t.returns.volatility));
  append_kv(out, "max drawdown", fmt_pct(m.max_drawdown));
  append_kv(out, "win rate (periods in market)", fmt_pct(t.periods_in_market.win_rate));
  append_kv(out, "profit factor", fmt_num(t.periods_in_market.profit_factor, 3));
  append_kv(out, "exposure", fmt_pct(t.exposure));
  append_kv(out, "time in market", fmt_pct(t.time_in_market));
  append_kv(out, "turnover", fmt_num(t.turnover, 3));
  append_kv(out, "fees", fmt_num(t.fees, 2));
  append_kv(out, "trades", std::to_string(t.trades));
  append_kv(out, "equity",
            fmt::format("{} &rarr; {}", fmt_num(m.initial_equity, 2), fmt_num(m.final_equity, 2)));
  append_kv(out, "rejects", std::to_string(m.rejects));
  append_kv(out, "faults seen / recovered",
            fmt::format("{} / {}", m.faults_seen, m.faults_recovered));
  append_kv(out, "signal&rarr;order latency p50 / p99",
            l.count == 0 ? std::string("n/a")
                         : fmt::format("{} / {}", fmt_duration(l.p50_ns), fmt_duration(l.p99_ns)));
  out += "</div>\n";
}

constexpr std::size_t kMaxFaultRows = 200;

void append_events(std::string& out, const RunEvents& s, const RunMetrics& m) {
  out += "<h2>Rejects</h2>\n<table>\n";
  append_row(out, {"reason", "count"}, true);
  for (const auto& [reason, count] : m.rejects_by_reason) {
    append_row(out, {html_escape(reason), std::to_string(count)}, false);
  }
  out += "</table>\n<h2>Faults</h2>\n<table>\n";
  append_row(out, {"kind", "seen", "recovered", "longest recovery"}, true);
  for (const auto& [kind, k] : m.faults_by_kind) {
    append_row(out,
               {html_escape(kind), std::to_string(k.seen), std::to_string(k.recovered),
                k.recovered == 0 ? "&ndash;" : fmt_duration(k.max_recovery_ns)},
               false);
  }
  out += "</table>\n<table class=\"faults\">\n";
  append_row(out, {"time", "kind", "recovered at", "after"}, true);
  for (std::size_t i = 0; i < s.faults.size() && i < kMaxFaultRows; ++i) {
    const FaultEvent& e = s.faults[i];
    const bool ok = e.recovered_ts_ns != kNotRecovered;
    append_row(out,
               {format_timestamp(e.ts_ns), html_escape(e.kind),
                ok ? format_timestamp(e.recovered_ts_ns) : "not recovered",
                ok ? fmt_duration(e.recovered_ts_ns - e.ts_ns) : "&ndash;"},
               false);
  }
  out += "</table>\n";
  if (s.faults.size() > kMaxFaultRows) {
    fmt::format_to(std::back_inserter(out),
                   "<p>&hellip; and {} more faults (metrics.json counts "
                   "them all).</p>\n",
                   s.faults.size() - kMaxFaultRows);
  }
  const LatencyStats& l = m.signal_to_order_latency;
  out += "<h2>Signal-to-order latency (simulated)</h2>\n<table>\n";
  append_row(out, {"orders", "mean", "p50", "p90", "p99", "max"}, true);
  append_row(out,
             {std::to_string(l.count), fmt_duration(static_cast<std::int64_t>(l.mean_ns)),
              fmt_duration(l.p50_ns), fmt_duration(l.p90_ns), fmt_duration(l.p99_ns),
              fmt_duration(l.max_ns)},
             false);
  out += "</table>\n";
}

constexpr const char* kStyle =
    "body{font-family:sans-serif;margin:16px;color:#111827;background:#ffffff}"
    "h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:18px 0 6px}"
    ".meta{font-size:12px;color:#4b5563;margin-bottom:10px}"
    ".headline{display:grid;grid-template-columns:repeat(4,1fr);gap:4px 16px;font-size:12px;"
    "max-width:1200px}"
    ".kv{display:flex;justify-content:space-between;border-bottom:1px solid #e5e7eb}"
    "figure{margin:12px 0 0}figcaption{font-size:13px;font-weight:bold;margin-bottom:2px}"
    ".chart{display:block}.chart text{font-size:11px;fill:#374151}.yl{text-anchor:end}"
    ".grid{stroke:#e5e7eb;stroke-width:1}.zero{stroke:#6b7280;stroke-dasharray:3 3}"
    ".border{fill:none;stroke:#9ca3af}"
    ".legend{font-size:11px;margin:2px 0 0 90px}.key{margin-right:12px;white-space:nowrap}"
    ".key i{display:inline-block;width:10px;height:10px;margin-right:4px;"
    "border:1px solid #9ca3af;vertical-align:middle}"
    "table{border-collapse:collapse;font-size:12px;margin-bottom:6px}"
    "td,th{border:1px solid #d1d5db;padding:2px 6px;text-align:right}"
    "th{background:#f3f4f6}td:first-child,th:first-child{text-align:left}";

}  // namespace

std::vector<std::size_t> downsample_min_max(std::span<const double> y, std::size_t max_points) {
  MinMaxDownsampler sampler(y.size(), max_points);
  for (const double v : y) sampler.add(0, v);
  std::vector<std::size_t> out;
  out.reserve(sampler.points().size());
  for (const MinMaxDownsampler::Point& p : sampler.points()) out.push_back(p.index);
  return out;
}

std::string render_metrics_json(const RunMetrics& m) {
  json by_regime = json::array();
  for (const auto& [name, slice] : m.by_regime) {
    json row = to_json(slice);
    row["regime"] = name;
    by_regime.push_back(row);
  }
  json by_variance_regime = json::array();
  for (const auto& [name, slice] : m.by_variance_regime) {
    json row = to_json(slice);
    row["variance_regime"] = name;
    by_variance_regime.push_back(row);
  }
  json by_tier = json::array();
  for (const auto& [tier, slice] : m.by_tier) {
    json row = to_json(slice);
    row["tier"] = tier;
    by_tier.push_back(row);
  }
  json rejects_by_reason = json::object();
  for (const auto& [reason, count] : m.rejects_by_reason) rejects_by_reason[reason] = count;
  const json doc = {{"run",
                     {{"name", m.info.name},
                      {"seed", m.info.seed},
                      {"fingerprint", fmt::format("{:016x}", m.info.fingerprint)},
                      {"version", m.info.version}}},
                    {"periods_per_year", number(m.periods_per_year)},
                    {"start", format_timestamp(m.start_ts_ns)},
                    {"end", format_timestamp(m.end_ts_ns)},
                    {"initial_equity", number(m.initial_equity)},
                    {"final_equity", number(m.final_equity)},
                    {"annualized_return", number(m.annualized_return)},
                    {"max_drawdown", number(m.max_drawdown)},
                    {"total", to_json(m.total)},
                    {"by_regime", by_regime},
                    {"by_variance_regime", by_variance_regime},
                    {"by_tier", by_tier},
                    {"rejects", {{"total", m.rejects}, {"by_reason", rejects_by_reason}}},
                    {"faults", faults_json(m)},
                    {"signal_to_order_latency", to_json(m.signal_to_order_latency)}};
  // replace: a scenario name that is not valid UTF-8 must not throw out of here.
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string render_report_html(const RunSeries& s, const RunMetrics& m) {
  return render_report_html(RunSeriesRecords(s), run_events(s), m);
}

std::string render_report_html(const SeriesRecords& records, const RunEvents& events,
                               const RunMetrics& m) {
  const std::string name = html_escape(m.info.name);
  std::string out;
  out.reserve(256 * 1024);
  fmt::format_to(std::back_inserter(out),
                 "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<title>q50sim report: {0}</title>\n<style>{1}</style>\n</head>\n<body>\n"
                 "<h1>q50sim run report: {0}</h1>\n<div class=\"meta\">seed {2} &middot; "
                 "fingerprint {3:016x} &middot; version {4} &middot; {5} bars from {6} to {7} "
                 "&middot; {8} periods per year</div>\n",
                 name, kStyle, m.info.seed, m.info.fingerprint, html_escape(m.info.version),
                 records.bar_count(), format_timestamp(m.start_ts_ns), format_timestamp(m.end_ts_ns),
                 fmt_num(m.periods_per_year, 0));
  append_headline(out, m);
  if (records.bar_count() == 0) {
    out += "<p>The run has no bars: nothing to chart.</p>\n";
  } else {
    const ChartData d = chart_data(records, events.has_variance_regime);
    append_price_chart(out, d, events);
    append_value_chart(out, d, d.equity, "chart-equity", "Equity (quote)", false);
    append_value_chart(out, d, d.drawdown, "chart-drawdown", "Drawdown", true);
    append_value_chart(out, d, d.position, "chart-position", "Position (base units)", true);
  }
  std::vector<std::pair<std::string, SliceMetrics>> tiers;
  for (const auto& [tier, slice] : m.by_tier)
    tiers.emplace_back(fmt::format("tier {}", tier), slice);
  append_breakdown(out, "By market regime", "regime", m.by_regime);
  if (!m.by_variance_regime.empty()) {
    append_breakdown(out, "By the strategy's variance regime (vol_risk percentiles)",
                     "variance regime", m.by_variance_regime);
  }
  append_breakdown(out, "By signal tier", "tier", tiers);
  append_events(out, events, m);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace q50::io
