#include "io/sweep_report.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "fmt/format.h"
#include "fmt/ranges.h"
#include "io/run_report.h"
#include "io/sweep_charts.h"

namespace q50::io {
namespace {

using store::RunRecord;
using store::RunStatus;

constexpr std::string_view kStyle =
    "body{font-family:sans-serif;margin:16px;color:#111827;background:#ffffff}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:26px 0 6px}"
    "p.note{color:#4b5563;margin:4px 0 8px;max-width:72em}"
    "table{border-collapse:collapse;font-size:13px;margin:6px 0}"
    "td,th{border:1px solid #e5e7eb;padding:3px 7px;text-align:right;vertical-align:middle}"
    "th{background:#f3f4f6}td.l,th.l{text-align:left}code{font-size:12px}"
    "svg.chart{display:block;margin:6px 0}svg.chart text{font-size:11px;fill:#374151}"
    ".yl{text-anchor:end}.xl{text-anchor:start}.xr{text-anchor:end}"
    ".cell{text-anchor:middle;font-size:10px}.cell.dark{fill:#ffffff}"
    ".axis{font-weight:bold}.grid{stroke:#e5e7eb}.zero{stroke:#6b7280;stroke-dasharray:3 2}";

// One run's values by name (metrics are sorted by name in a RunRecord read from a store).
double metric_of(const RunRecord& r, std::string_view name) {
  const auto it =
      std::lower_bound(r.metrics.begin(), r.metrics.end(), name,
                       [](const store::MetricValue& m, std::string_view n) { return m.name < n; });
  return it != r.metrics.end() && it->name == name ? it->value : std::nan("");
}

const std::string* parameter_of(const RunRecord& r, std::string_view name) {
  for (const store::ParameterValue& p : r.parameters) {
    if (p.name == name) return &p.text;
  }
  return nullptr;
}

// The values a key takes in the sweep, in the order of its dimension's rows, each once.
std::vector<std::string> key_values(const SweepSpec& spec, const std::string& key) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const SweepDimension& d : spec.dimensions) {
    for (std::size_t k = 0; k < d.keys.size(); ++k) {
      if (d.keys[k] != key) continue;
      for (const auto& row : d.rows) {
        if (seen.insert(row[k].text).second) out.push_back(row[k].text);
      }
    }
  }
  return out;
}

bool has_seed_dimension(const SweepSpec& spec) {
  for (const std::string& k : sweep_parameter_names(spec)) {
    if (k == kSeedKey) return true;
  }
  return false;
}

// The heatmap's two keys: [report] x and y, else the first two swept keys that are not the
// seed ("" when there are fewer).
std::pair<std::string, std::string> heatmap_keys(const SweepSpec& spec) {
  std::vector<std::string> free;
  for (const std::string& k : sweep_parameter_names(spec)) {
    if (k != kSeedKey && k != spec.report.x && k != spec.report.y) free.push_back(k);
  }
  std::string x = spec.report.x, y = spec.report.y;
  std::size_t next = 0;
  if (x.empty() && next < free.size()) x = free[next++];
  if (y.empty() && next < free.size()) y = free[next++];
  return {x, y};
}

bool better(double a, double b, bool higher_is_better) { return higher_is_better ? a > b : a < b; }

std::string point_label(const RunRecord& r, bool skip_seed) {
  std::string out;
  for (const store::ParameterValue& p : r.parameters) {
    if (skip_seed && p.name == kSeedKey) continue;
    out += fmt::format("{}{}={}", out.empty() ? "" : ", ", p.name, p.text);
  }
  return out.empty() ? "the base" : out;
}

std::string point_command(const SweepSpec& spec, const RunRecord& r) {
  const std::string out = fmt::format("runs/{}-{}", spec.name, r.point_index);
  const bool seed_only =
      std::all_of(r.parameters.begin(), r.parameters.end(),
                  [](const store::ParameterValue& p) { return p.name == kSeedKey; });
  if (spec.base.kind == SweepBaseKind::kScenario && seed_only) {
    return fmt::format("q50sim run {} --seed {} --out {}", spec.base.scenario, r.seed, out);
  }
  return fmt::format("q50sim sweep {} --point {} --out {}", spec.path, r.point_index, out);
}

struct Context {
  const SweepSpec& spec;
  const std::vector<RunRecord>& runs;
  std::vector<const RunRecord*> ok;  // status ok, point order
  std::string x, y;                  // heatmap keys
  std::vector<std::string> x_labels, y_labels;
};

// (x index, y index) of a run in the heatmap, or nullopt when its values are not labels.
std::optional<std::pair<std::size_t, std::size_t>> cell_of(const Context& c, const RunRecord& r) {
  const auto index = [](const std::vector<std::string>& labels,
                        const std::string* v) -> std::optional<std::size_t> {
    if (v == nullptr) return labels.size() == 1 ? std::optional<std::size_t>(0) : std::nullopt;
    const auto it = std::find(labels.begin(), labels.end(), *v);
    if (it == labels.end()) return std::nullopt;
    return static_cast<std::size_t>(it - labels.begin());
  };
  const auto xi = index(c.x_labels, c.x.empty() ? nullptr : parameter_of(r, c.x));
  const auto yi = index(c.y_labels, c.y.empty() ? nullptr : parameter_of(r, c.y));
  if (!xi || !yi) return std::nullopt;
  return std::pair{*xi, *yi};
}

std::string header_html(const Context& c, const store::SweepRecord& sweep) {
  std::int64_t total = 1;
  for (const SweepDimension& d : c.spec.dimensions)
    total *= static_cast<std::int64_t>(d.rows.size());
  std::map<RunStatus, std::int64_t> by_status;
  for (const RunRecord& r : c.runs) ++by_status[r.status];
  std::string out = fmt::format(
      "<h1>Sweep {}</h1>\n<p class=\"note\">{}</p>\n<table>\n"
      "<tr><th class=\"l\">base</th><td class=\"l\">{}</td></tr>\n"
      "<tr><th class=\"l\">points</th><td class=\"l\">{} stored of {}: {} ok, {} failed, {} "
      "assertion failed</td></tr>\n"
      "<tr><th class=\"l\">dimensions</th><td class=\"l\">{}</td></tr>\n"
      "<tr><th class=\"l\">q50sim</th><td class=\"l\">{}</td></tr>\n"
      "<tr><th class=\"l\">spec SHA-256</th><td class=\"l\"><code>{}</code></td></tr>\n",
      html_escape(sweep.name), html_escape(c.spec.description), html_escape(sweep.base_description),
      c.runs.size(), total, by_status[RunStatus::kOk], by_status[RunStatus::kFailed],
      by_status[RunStatus::kAssertionFailed],
      html_escape(fmt::format("{}", fmt::join(sweep.parameter_names, " × "))),
      html_escape(sweep.q50sim_version), sweep.spec_digest);
  for (const store::InputDigest& in : sweep.inputs) {
    fmt::format_to(std::back_inserter(out),
                   "<tr><th class=\"l\">input</th><td class=\"l\">{} <code>{}</code></td></tr>\n",
                   html_escape(in.name), in.digest);
  }
  return out + "</table>\n";
}

std::string heatmap_html(const Context& c) {
  const std::string& metric = c.spec.report.metric;
  std::string out =
      fmt::format("<h2>{} over {} and {}</h2>\n", html_escape(metric),
                  html_escape(c.x.empty() ? "-" : c.x), html_escape(c.y.empty() ? "-" : c.y));
  if (c.x.empty()) {
    return out + "<p class=\"note\">The sweep sweeps no key besides the seed: no heatmap.</p>\n";
  }
  std::map<std::pair<std::size_t, std::size_t>, std::vector<double>> values;
  for (const RunRecord* r : c.ok) {
    if (const auto at = cell_of(c, *r)) values[*at].push_back(metric_of(*r, metric));
  }
  Heatmap map{"heatmap",
              fmt::format("mean {}", metric),
              c.x,
              c.y.empty() ? "(all)" : c.y,
              c.x_labels,
              c.y_labels,
              {},
              [](const Summary& s) { return s.mean; },
              c.spec.report.higher_is_better,
              true};
  for (auto& [at, v] : values) {
    Summary s = summarize(std::move(v));
    if (s.count > 0) map.cells[at] = s;
  }
  out += fmt::format(
      "<p class=\"note\">Each cell: the mean {} of the ok runs with that {} and {}, every other "
      "dimension and seed pooled (hover for count, std, min, max).</p>\n",
      html_escape(metric), html_escape(c.x), html_escape(c.y.empty() ? "(nothing)" : c.y));
  return out + heatmap_svg(map);
}

// Groups for the spread: the configurations (all parameters but the seed) when the sweep has a
// seed dimension, otherwise the heatmap's cells.
struct SpreadGroup {
  std::string label;
  std::optional<std::pair<std::size_t, std::size_t>> cell;
  std::vector<double> values;
  std::int64_t first_point = 0;
};

std::vector<SpreadGroup> spread_groups(const Context& c, bool by_seed) {
  std::map<std::string, SpreadGroup> groups;
  for (const RunRecord* r : c.ok) {
    const auto at = cell_of(c, *r);
    std::string key = by_seed ? point_label(*r, true)
                              : (at ? fmt::format("{}={}, {}={}", c.x, c.x_labels[at->first], c.y,
                                                  c.y_labels[at->second])
                                    : std::string("(other)"));
    auto [it, fresh] = groups.try_emplace(key);
    if (fresh) it->second = {key, at, {}, r->point_index};
    it->second.values.push_back(metric_of(*r, c.spec.report.metric));
  }
  std::vector<SpreadGroup> out;
  for (auto& [key, g] : groups) out.push_back(std::move(g));
  return out;
}

std::string spread_html(const Context& c) {
  const bool by_seed = has_seed_dimension(c.spec);
  const std::string& metric = c.spec.report.metric;
  std::vector<SpreadGroup> groups = spread_groups(c, by_seed);
  std::vector<BoxGroup> boxes;
  std::map<std::pair<std::size_t, std::size_t>, std::vector<double>> stds;
  for (SpreadGroup& g : groups) {
    Summary s = summarize(g.values);
    if (g.cell && s.count > 0) stds[*g.cell].push_back(s.std);
    boxes.push_back({g.label, s});
  }
  const bool hib = c.spec.report.higher_is_better;
  std::stable_sort(boxes.begin(), boxes.end(), [&](const BoxGroup& a, const BoxGroup& b) {
    if (std::isnan(a.summary.median) != std::isnan(b.summary.median))
      return !std::isnan(a.summary.median);
    return better(a.summary.median, b.summary.median, hib);
  });
  std::string out = fmt::format(
      "<h2>Spread of {} {}</h2>\n<p class=\"note\">{} (best median first; {} groups, the first 80 "
      "drawn): whisker min to max, box 25th to 75th percentile, bar the median.</p>\n",
      html_escape(metric), by_seed ? "over seeds" : "within each cell",
      by_seed ? "Each box: one configuration over its seeds"
              : "No seed dimension: each box is one heatmap cell over the pooled dimensions",
      boxes.size());
  out += box_chart_svg("spread", metric, boxes);
  if (c.x.empty()) return out;
  Heatmap map{"spread_heatmap",
              fmt::format("spread of {}", metric),
              c.x,
              c.y.empty() ? "(all)" : c.y,
              c.x_labels,
              c.y_labels,
              {},
              [](const Summary& s) { return s.mean; },
              false,
              false};
  for (auto& [at, v] : stds) map.cells[at] = summarize(std::move(v));
  out += fmt::format("<p class=\"note\">Standard deviation of {} {}, per cell{}.</p>\n",
                     html_escape(metric), by_seed ? "over seeds" : "over the pooled runs",
                     by_seed ? " (the mean over the cell's configurations)" : "");
  return out + heatmap_svg(map);
}

// A table of distributions, one row per label, with interval bars on a shared scale.
std::string distribution_table(std::string_view first_column,
                               const std::vector<std::pair<std::string, Summary>>& rows) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& [label, s] : rows) {
    if (s.count == 0) continue;
    lo = std::min(lo, s.p10);
    hi = std::max(hi, s.p90);
  }
  std::string out = fmt::format(
      "<table><tr><th class=\"l\">{}</th><th>runs</th><th>p10</th><th>median</th><th>p90</th>"
      "<th>mean</th><th>&gt; 0</th><th class=\"l\">p10 &#8211; p90</th></tr>\n",
      html_escape(first_column));
  for (const auto& [label, s] : rows) {
    fmt::format_to(std::back_inserter(out),
                   "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                   "<td>{}</td><td>{:.0f}%</td><td class=\"l\">{}</td></tr>\n",
                   html_escape(label), s.count, short_number(s.p10), short_number(s.median),
                   short_number(s.p90), short_number(s.mean), 100 * s.positive_share,
                   interval_svg(s, lo, hi));
  }
  return out + "</table>\n";
}

std::string robustness_html(const Context& c) {
  const std::string& metric = c.spec.report.breakdown_metric;
  std::map<std::string, std::map<std::string, std::vector<double>>> by_kind;
  for (const RunRecord* r : c.ok) {
    for (const store::BreakdownValue& b : r->breakdowns) {
      if (b.metric == metric) by_kind[b.kind][b.key].push_back(b.value);
    }
  }
  std::string out = fmt::format(
      "<h2>Per-regime robustness: {}</h2>\n<p class=\"note\">For each breakdown of the runs, the "
      "distribution over the ok runs of {} within each regime (or tier, or signal side); "
      "\"&gt; 0\" is the share of runs above zero there.</p>\n",
      html_escape(metric), html_escape(metric));
  if (by_kind.empty()) out += "<p class=\"note\">No run carries that breakdown metric.</p>\n";
  for (auto& [kind, keys] : by_kind) {
    std::vector<std::pair<std::string, Summary>> rows;
    for (auto& [key, v] : keys) rows.emplace_back(key, summarize(std::move(v)));
    out += fmt::format("<h3>{}</h3>\n", html_escape(kind)) + distribution_table(kind, rows);
  }
  out += fmt::format("<h2>{} by dimension value</h2>\n", html_escape(c.spec.report.metric));
  for (const std::string& key : sweep_parameter_names(c.spec)) {
    if (key == kSeedKey) continue;
    std::vector<std::pair<std::string, Summary>> rows;
    for (const std::string& value : key_values(c.spec, key)) {
      std::vector<double> v;
      for (const RunRecord* r : c.ok) {
        const std::string* p = parameter_of(*r, key);
        if (p != nullptr && *p == value) v.push_back(metric_of(*r, c.spec.report.metric));
      }
      rows.emplace_back(value, summarize(std::move(v)));
    }
    out += fmt::format("<h3>{}</h3>\n", html_escape(key)) + distribution_table(key, rows);
  }
  return out;
}

std::string best_html(const Context& c) {
  const std::string& metric = c.spec.report.metric;
  std::vector<const RunRecord*> ranked;
  for (const RunRecord* r : c.ok) {
    if (!std::isnan(metric_of(*r, metric))) ranked.push_back(r);
  }
  const bool hib = c.spec.report.higher_is_better;
  std::stable_sort(ranked.begin(), ranked.end(), [&](const RunRecord* a, const RunRecord* b) {
    return better(metric_of(*a, metric), metric_of(*b, metric), hib);
  });
  ranked.resize(std::min(ranked.size(), static_cast<std::size_t>(c.spec.report.best)));
  std::string out = fmt::format(
      "<h2>Best points by {}</h2>\n<p class=\"note\">Each command reruns the point on its own "
      "and writes its full outputs (CSV files, metrics.json, and for a scenario report.html); "
      "it prints the same fingerprint.</p>\n<table><tr><th>#</th><th>point</th><th "
      "class=\"l\">parameters</th><th>{}</th><th>total_return</th><th>max_drawdown</th>"
      "<th class=\"l\">fingerprint</th><th class=\"l\">command</th></tr>\n",
      html_escape(metric), html_escape(metric));
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    const RunRecord& r = *ranked[i];
    fmt::format_to(std::back_inserter(out),
                   "<tr><td>{}</td><td>{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}"
                   "</td><td class=\"l\"><code>{:016x}</code></td><td class=\"l\"><code>{}</code>"
                   "</td></tr>\n",
                   i + 1, r.point_index, html_escape(point_label(r, false)),
                   short_number(metric_of(r, metric)), short_number(metric_of(r, "total_return")),
                   short_number(metric_of(r, "max_drawdown")), r.fingerprint.value_or(0),
                   html_escape(point_command(c.spec, r)));
  }
  return out + "</table>\n";
}

std::string failures_html(const Context& c) {
  std::map<std::string, std::vector<std::int64_t>> reasons;
  for (const RunRecord& r : c.runs) {
    if (r.status == RunStatus::kOk) continue;
    const std::string head = r.error.size() > 200 ? r.error.substr(0, 200) + "..." : r.error;
    reasons[fmt::format("{}: {}", store::run_status_name(r.status), head)].push_back(r.point_index);
  }
  std::string out = "<h2>Failed points</h2>\n";
  if (reasons.empty()) return out + "<p class=\"note\">None.</p>\n";
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> rows(reasons.begin(),
                                                                      reasons.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
  out += "<table><tr><th>points</th><th class=\"l\">reason</th><th class=\"l\">e.g.</th></tr>\n";
  for (const auto& [reason, points] : rows) {
    const std::vector<std::int64_t> some(
        points.begin(),
        points.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(points.size(), 5)));
    fmt::format_to(std::back_inserter(out),
                   "<tr><td>{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td></tr>\n",
                   points.size(), html_escape(reason), fmt::join(some, ", "));
  }
  return out + "</table>\n";
}

}  // namespace

std::string render_sweep_report(const SweepSpec& spec, const store::SweepRecord& sweep,
                                const std::vector<RunRecord>& runs) {
  Context c{spec, runs, {}, {}, {}, {}, {}};
  for (const RunRecord& r : runs) {
    if (r.status == RunStatus::kOk) c.ok.push_back(&r);
  }
  std::tie(c.x, c.y) = heatmap_keys(spec);
  if (!c.x.empty()) c.x_labels = key_values(spec, c.x);
  c.y_labels = c.y.empty() ? std::vector<std::string>{"all"} : key_values(spec, c.y);
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>q50sim sweep: {}</title>\n<style>{}</style>\n</head>\n<body>\n",
      html_escape(sweep.name), kStyle);
  out += header_html(c, sweep);
  out += heatmap_html(c);
  out += spread_html(c);
  out += robustness_html(c);
  out += best_html(c);
  out += failures_html(c);
  return out + "</body>\n</html>\n";
}

}  // namespace q50::io
