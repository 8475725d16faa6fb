// core/run_metrics + io/run_report: the metrics of a five-bar run worked out by hand (returns,
// Sharpe, drawdown, exposure, turnover, fees, per-regime and per-tier rows, rejects, faults,
// latency), metrics.json's keys and round-tripping values, and report.html's contract:
// deterministic bytes, nothing fetched, one <svg> per chart, escaped text, bounded size.
#include "io/run_report.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/run_metrics.h"
#include "core/timestamp.h"
#include "nlohmann/json.hpp"

namespace q50::io {
namespace {

using nlohmann::json;

constexpr double kP = 365.0 * 24.0;
constexpr TimestampNs kT0 = 1'704'067'200LL * kNsPerSecond;  // 2024-01-01 00:00:00

bool close(double a, double b, double rel = 1e-12) {
  return std::fabs(a - b) <= rel * std::max(1.0, std::fabs(b));
}

// Long 1 unit over bars 0-1, flat at 2, short 1 unit at 3, flat at 4; equity marked to it.
RunSeries hand_series() {
  RunSeries s;
  s.info = {"a<b & \"c\"", 42, 0x00ab'cdef'0123'4567ULL, "0.1.0"};
  for (int i = 0; i < 5; ++i) s.ts_ns.push_back(kT0 + i * kNsPerHour);
  s.price = {100, 110, 99, 99, 108.9};
  s.position = {1, 1, 0, -1, 0};
  s.equity = {1000, 1010, 999, 999, 989.1};
  s.regime = {0, 0, 1, 1, 0};
  s.tier = {2, 2, 0, 3, 0};
  s.side = {1, 1, 0, -1, 0};
  s.regime_names = {"low", "high & <trending>"};
  s.trades = {{kT0 - kNsPerHour, 1, 1.0, 100.0, 0.1},  // before the first bar: counts to bar 0
              {kT0 + 2 * kNsPerHour, -1, 1.0, 99.0, 0.099},
              {kT0 + 3 * kNsPerHour + 5, -1, 1.0, 99.0, 0.099},
              {kT0 + 4 * kNsPerHour, 1, 1.0, 108.9, 0.1089}};
  s.rejects = {{kT0, "rate_limit"}, {kT0 + 1, "insufficient_balance"}, {kT0 + 2, "rate_limit"}};
  s.faults = {{kT0, "outage", kT0 + 90 * kNsPerSecond},
              {kT0 + kNsPerHour, "outage", kNotRecovered},
              {kT0 + 2 * kNsPerHour, "latency_spike", kT0 + 2 * kNsPerHour + 250'000'000}};
  s.signal_to_order_latency_ns = {5'000'000, 1'000'000, 3'000'000, 2'000'000, 4'000'000};
  return s;
}

double sharpe_by_hand(const std::vector<double>& r) {
  double mean = 0;
  for (double v : r) mean += v;
  mean /= static_cast<double>(r.size());
  double ss = 0;
  for (double v : r) ss += (v - mean) * (v - mean);
  const double sd = std::sqrt(ss / static_cast<double>(r.size() - 1));
  return mean * kP / (sd * std::sqrt(kP));
}

const SliceMetrics& regime_row(const RunMetrics& m, const std::string& name) {
  for (const auto& [n, slice] : m.by_regime) {
    if (n == name) return slice;
  }
  BOOST_FAIL("no regime row " << name);
  return m.total;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

BOOST_AUTO_TEST_CASE(headline_metrics_of_a_hand_worked_run) {
  const RunMetrics m = compute_run_metrics(hand_series(), {});
  const std::vector<double> r = {0.01, 999.0 / 1010.0 - 1, 0.0, 989.1 / 999.0 - 1};
  BOOST_TEST(m.total.bars == 5);
  BOOST_TEST(m.total.returns.periods == 4);
  BOOST_TEST(close(m.total.returns.total_return, 989.1 / 1000.0 - 1));
  BOOST_TEST(close(m.total.returns.sharpe_ratio, sharpe_by_hand(r), 1e-9));
  BOOST_TEST(close(m.max_drawdown, 989.1 / 1010.0 - 1));
  BOOST_TEST(close(m.annualized_return, std::pow(0.9891, kP / 4.0) - 1, 1e-9));
  BOOST_TEST(m.initial_equity == 1000.0);
  BOOST_TEST(m.final_equity == 989.1);
  // Periods in the market: +10 (long), -11 (long), -9.9 (short); bar 2 is flat.
  BOOST_TEST(m.total.periods_in_market.count == 3);
  BOOST_TEST(close(m.total.periods_in_market.win_rate, 1.0 / 3.0));
  BOOST_TEST(close(m.total.periods_in_market.profit_factor, 10.0 / 20.9));
  BOOST_TEST(close(m.total.exposure, (0.1 + 110.0 / 1010.0 + 0 + 99.0 / 999.0 + 0) / 5.0));
  BOOST_TEST(close(m.total.time_in_market, 3.0 / 5.0));
  BOOST_TEST(m.total.trades == 4);
  BOOST_TEST(close(m.total.traded_notional, 406.9));
  BOOST_TEST(close(m.total.turnover, 406.9 / ((1000 + 1010 + 999 + 999 + 989.1) / 5.0)));
  BOOST_TEST(close(m.total.fees, 0.4069));
}

BOOST_AUTO_TEST_CASE(per_regime_and_per_tier_rows) {
  const RunMetrics m = compute_run_metrics(hand_series(), {});
  BOOST_REQUIRE(m.by_regime.size() == 2);
  BOOST_TEST(m.by_regime[0].first == "low");  // code order
  const SliceMetrics& low = regime_row(m, "low");
  BOOST_TEST(low.bars == 3);
  BOOST_TEST(close(low.time_share, 0.6));
  BOOST_TEST(low.returns.periods == 2);  // bar 4 starts no period
  BOOST_TEST(close(low.returns.total_return, 1.01 * (999.0 / 1010.0) - 1));
  BOOST_TEST(close(low.periods_in_market.win_rate, 0.5));
  BOOST_TEST(close(low.periods_in_market.profit_factor, 10.0 / 11.0));
  BOOST_TEST(close(low.exposure, (0.1 + 110.0 / 1010.0 + 0) / 3.0));
  BOOST_TEST(low.trades == 2);  // the early fill (bar 0) and the fill at bar 4
  BOOST_TEST(close(low.fees, 0.2089));
  const SliceMetrics& high = regime_row(m, "high & <trending>");
  BOOST_TEST(high.bars == 2);
  BOOST_TEST(high.periods_in_market.count == 1);
  BOOST_TEST(high.periods_in_market.win_rate == 0.0);
  BOOST_TEST(high.periods_in_market.profit_factor == 0.0);
  BOOST_TEST(high.trades == 2);  // at bar 2 and 5 ns after bar 3

  BOOST_REQUIRE(m.by_tier.size() == 3);
  BOOST_TEST(m.by_tier[0].first == 0);
  BOOST_TEST(m.by_tier[1].first == 2);
  BOOST_TEST(m.by_tier[2].first == 3);
  const SliceMetrics& t3 = m.by_tier[2].second;
  BOOST_TEST(t3.bars == 1);
  BOOST_TEST(close(t3.returns.total_return, 989.1 / 999.0 - 1));
  BOOST_TEST(t3.trades == 1);
  BOOST_TEST(close(t3.traded_notional, 99.0));
  BOOST_TEST(close(t3.turnover, 99.0 / 999.42));
  BOOST_TEST(m.by_tier[0].second.bars == 2);
  BOOST_TEST(m.by_tier[0].second.periods_in_market.count == 0);
}

BOOST_AUTO_TEST_CASE(per_variance_regime_rows_only_when_recorded) {
  RunSeries s = hand_series();
  BOOST_TEST(compute_run_metrics(s, {}).by_variance_regime.empty());
  // unknown (warm-up), low, low, extreme, low: rows in code order, named by core/regime.h.
  s.variance_regime = {0, 1, 1, 4, 1};
  const RunMetrics m = compute_run_metrics(s, {});
  BOOST_REQUIRE(m.by_variance_regime.size() == 3);
  BOOST_TEST(m.by_variance_regime[0].first == "unknown");
  BOOST_TEST(m.by_variance_regime[1].first == "low");
  BOOST_TEST(m.by_variance_regime[2].first == "extreme");
  const SliceMetrics& low = m.by_variance_regime[1].second;
  BOOST_TEST(low.bars == 3);
  BOOST_TEST(low.trades == 2);  // the fills at bar 2 and bar 4
  // Periods 1 -> 2 and 2 -> 3 start in "low" (bar 4 starts none).
  BOOST_TEST(close(low.returns.total_return, (999.0 / 1010.0) * (999.0 / 999.0) - 1));
  BOOST_TEST(m.by_variance_regime[2].second.bars == 1);
  const json doc = json::parse(render_metrics_json(m));
  BOOST_TEST(doc["by_variance_regime"][2]["variance_regime"] == "extreme");
  BOOST_TEST(doc["by_variance_regime"][1]["bars"] == 3);
  const std::string html = render_report_html(s, m);
  BOOST_TEST(html.find("By the strategy's variance regime") != std::string::npos);
  BOOST_TEST(html.find("class=\"variance\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(rejects_faults_and_latency) {
  const RunMetrics m = compute_run_metrics(hand_series(), {});
  BOOST_TEST(m.rejects == 3);
  BOOST_TEST(m.rejects_by_reason.at("rate_limit") == 2);
  BOOST_TEST(m.rejects_by_reason.at("insufficient_balance") == 1);
  BOOST_TEST(m.faults_seen == 3);
  BOOST_TEST(m.faults_recovered == 2);
  BOOST_TEST(m.faults_by_kind.at("outage").seen == 2);
  BOOST_TEST(m.faults_by_kind.at("outage").recovered == 1);
  BOOST_TEST(m.faults_by_kind.at("outage").max_recovery_ns == 90 * kNsPerSecond);
  BOOST_TEST(m.faults_by_kind.at("latency_spike").max_recovery_ns == 250'000'000);
  const LatencyStats& l = m.signal_to_order_latency;
  BOOST_TEST(l.count == 5);
  BOOST_TEST(l.mean_ns == 3e6);
  BOOST_TEST(l.p50_ns == 3'000'000);  // nearest rank: ceil(0.5 * 5) = 3rd
  BOOST_TEST(l.p90_ns == 5'000'000);
  BOOST_TEST(l.max_ns == 5'000'000);
}

BOOST_AUTO_TEST_CASE(metrics_json_keys_sorted_and_values_round_trip) {
  RunSeries s = hand_series();
  s.equity = {1000, 1010, 1010, 1020, 1030};  // no losing period: profit factor +inf
  const RunMetrics m = compute_run_metrics(s, {});
  const std::string text = render_metrics_json(m);
  BOOST_TEST(text == render_metrics_json(compute_run_metrics(s, {})));
  const json doc = json::parse(text);
  std::vector<std::string> keys;
  for (auto it = doc.begin(); it != doc.end(); ++it) keys.push_back(it.key());
  const std::vector<std::string> expected = {"annualized_return",
                                             "by_regime",
                                             "by_tier",
                                             "by_variance_regime",
                                             "end",
                                             "faults",
                                             "final_equity",
                                             "initial_equity",
                                             "max_drawdown",
                                             "periods_per_year",
                                             "rejects",
                                             "run",
                                             "signal_to_order_latency",
                                             "start",
                                             "total"};
  BOOST_TEST(keys == expected, boost::test_tools::per_element());
  // Textual order is sorted too (what a diff of two metrics.json files sees).
  BOOST_TEST(text.find("\"annualized_return\"") < text.find("\"by_regime\""));
  BOOST_TEST(text.find("\"by_tier\"") < text.find("\"total\":"));
  BOOST_TEST(doc["run"]["fingerprint"] == "00abcdef01234567");
  BOOST_TEST(doc["run"]["name"] == "a<b & \"c\"");
  BOOST_TEST(doc["run"]["seed"] == 42);
  BOOST_TEST(doc["start"] == "2024-01-01 00:00:00");
  const double sharpe = doc["total"]["returns"]["sharpe_ratio"].get<double>();
  BOOST_TEST(std::memcmp(&sharpe, &m.total.returns.sharpe_ratio, sizeof sharpe) == 0);
  const double exposure = doc["total"]["exposure"].get<double>();
  BOOST_TEST(std::memcmp(&exposure, &m.total.exposure, sizeof exposure) == 0);
  BOOST_TEST(doc["total"]["periods_in_market"]["profit_factor"] == "inf");
  BOOST_TEST(doc["by_regime"][1]["regime"] == "high & <trending>");
  BOOST_TEST(doc["by_tier"][2]["tier"] == 3);
  BOOST_TEST(doc["rejects"]["by_reason"]["rate_limit"] == 2);
  BOOST_TEST(doc["faults"]["by_kind"]["outage"]["recovered"] == 1);
  BOOST_TEST(doc["signal_to_order_latency"]["p99_ns"] == 5'000'000);
  BOOST_TEST(text.back() == '\n');
}

BOOST_AUTO_TEST_CASE(html_is_deterministic_self_contained_and_escaped) {
  const RunSeries s = hand_series();
  const std::string html = render_report_html(s, compute_run_metrics(s, {}));
  BOOST_TEST(html == render_report_html(s, compute_run_metrics(hand_series(), {})));
  BOOST_TEST(html.rfind("<!DOCTYPE html>", 0) == 0);
  // The SVG namespace is an identifier, never fetched; it is the only URL allowed, once per
  // chart. Nothing else may point outside the file.
  const std::string xmlns = "xmlns=\"http://www.w3.org/2000/svg\"";
  BOOST_TEST(count(html, "<svg ") == 4u);
  BOOST_TEST(count(html, xmlns) == 4u);
  std::string rest = html;
  for (auto at = rest.find(xmlns); at != std::string::npos; at = rest.find(xmlns)) {
    rest.erase(at, xmlns.size());
  }
  for (const char* banned : {"http:", "https:", "//", "<script", "<link", "<img", "<iframe",
                             "@import", "url(", "src=", "href=", "@font-face"}) {
    BOOST_TEST(rest.find(banned) == std::string::npos, "found " << banned);
  }
  for (const char* id : {"chart-price", "chart-equity", "chart-drawdown", "chart-position"}) {
    BOOST_TEST(count(html, std::string("id=\"") + id + "\"") == 1u, id);
  }
  BOOST_TEST(count(html, "<polyline ") == 2u);  // price, equity
  BOOST_TEST(count(html, "<polygon ") == 2u);   // drawdown, position areas
  // Regimes 0,0,1,1,0 -> three bands; tiers 2,2,0,3,0 -> four strip segments.
  BOOST_TEST(count(html, "class=\"regime\"") == 3u);
  BOOST_TEST(count(html, "class=\"tier\"") == 4u);
  BOOST_TEST(html.find("a&lt;b &amp; &quot;c&quot;") != std::string::npos);
  BOOST_TEST(html.find("high &amp; &lt;trending&gt;") != std::string::npos);
  BOOST_TEST(html.find("a<b") == std::string::npos);
  BOOST_TEST(html.find("<trending>") == std::string::npos);
  BOOST_TEST(html.find("fingerprint 00abcdef01234567") != std::string::npos);
  BOOST_TEST(html.find("not recovered") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(html_of_an_empty_run_has_no_charts) {
  RunSeries s;
  s.info.name = "empty";
  const RunMetrics m = compute_run_metrics(s, {});
  BOOST_TEST(m.total.bars == 0);
  const std::string html = render_report_html(s, m);
  BOOST_TEST(count(html, "<svg") == 0u);
  BOOST_TEST(html.find("no bars") != std::string::npos);
  BOOST_TEST(json::parse(render_metrics_json(m))["total"]["bars"] == 0);
}

// A deterministic wiggly series with one spike up and one down inside.
std::vector<double> wiggle(std::size_t n, std::size_t up_at, std::size_t down_at) {
  std::vector<double> y(n);
  std::uint64_t state = 12345;
  for (std::size_t i = 0; i < n; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    y[i] =
        100.0 + std::sin(static_cast<double>(i) * 1e-3) + static_cast<double>(state >> 40) * 1e-7;
  }
  y[up_at] = 1000.0;
  y[down_at] = -1000.0;
  return y;
}

BOOST_AUTO_TEST_CASE(downsampling_caps_points_and_keeps_extremes) {
  for (std::size_t n : {5u, 2000u, 2001u, 8760u, 1'000'003u}) {
    const std::vector<double> y = wiggle(n, n / 3, n - 2);
    const auto idx = downsample_min_max(y, kMaxChartPoints);
    BOOST_TEST(idx.size() <= kMaxChartPoints);
    BOOST_TEST(idx.size() == std::min<std::size_t>(n, kMaxChartPoints));
    BOOST_TEST(idx.front() == 0u);
    BOOST_TEST(idx.back() == n - 1);
    bool ascending = true;
    for (std::size_t k = 1; k < idx.size(); ++k) ascending = ascending && idx[k] > idx[k - 1];
    BOOST_TEST(ascending);
    BOOST_TEST((std::find(idx.begin(), idx.end(), n / 3) != idx.end()), "max kept, n=" << n);
    BOOST_TEST((std::find(idx.begin(), idx.end(), n - 2) != idx.end()), "min kept, n=" << n);
  }
}

RunSeries long_series(std::size_t n) {
  RunSeries s;
  s.info.name = "long";
  s.regime_names = {"low", "medium", "high", "extreme"};
  const std::vector<double> price = wiggle(n, n / 2, n / 4);
  for (std::size_t i = 0; i < n; ++i) {
    s.ts_ns.push_back(kT0 + static_cast<TimestampNs>(i) * kNsPerHour);
    s.price.push_back(std::fabs(price[i]));
    s.position.push_back((i / 97) % 3 == 0 ? 0.0 : ((i / 97) % 3 == 1 ? 0.5 : -0.25));
    s.equity.push_back(1e5 + 10.0 * std::sin(static_cast<double>(i) * 1e-2));
    s.regime.push_back(static_cast<std::int64_t>((i / 13) % 4));
    s.tier.push_back(static_cast<std::int64_t>((i / 7) % 4));
    s.side.push_back(0);
  }
  return s;
}

BOOST_AUTO_TEST_CASE(long_runs_give_a_bounded_report) {
  for (std::size_t n : {8760u, 1'000'000u}) {
    const RunSeries s = long_series(n);
    const std::string html = render_report_html(s, compute_run_metrics(s, {}));
    BOOST_TEST_MESSAGE("report.html for " << n << " bars: " << html.size() << " bytes");
    BOOST_TEST(html.size() < 600'000u);
    // Every curve has at most kMaxChartPoints points (+2 closing points for areas).
    for (auto at = html.find("points=\""); at != std::string::npos;
         at = html.find("points=\"", at + 1)) {
      const auto end = html.find('"', at + 8);
      const std::size_t points = count(html.substr(at + 8, end - at - 8), ",");
      BOOST_TEST(points <= kMaxChartPoints + 2);
    }
    // Bands: at most one per pixel column (1090 px plot).
    BOOST_TEST(count(html, "class=\"regime\"") <= 1090u);
    BOOST_TEST(count(html, "class=\"tier\"") <= 1090u);
  }
}

}  // namespace
}  // namespace q50::io
