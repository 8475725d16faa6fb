// report.html renders in a real browser: a 4000-bar synthetic run (sim/synthetic_market.h,
// five market regimes, a momentum rule choosing tier, side and position, fees, rejects,
// faults) is written as report.html, headless Chromium screenshots it, and the decoded PNG must
// show every chart drawn: the regime bands across the price plot with the price line over
// them, the tier strip, the equity line, the drawdown and position areas, stacked in that order.
// Without `chromium` on PATH the test fails in CI (CI=true) and reports SKIPPED elsewhere.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "core/run_metrics.h"
#include "core/timestamp.h"
#include "io/run_report.h"
#include "sim/synthetic_market.h"
#include "tests/support/png.h"
#include "tests/support/test_env.h"

namespace q50::io {
namespace {

namespace fs = std::filesystem;
using sim::MarketRegime;

void add_trade(RunSeries& s, std::size_t i, double qty_signed, double& cash, double& position) {
  const double price = s.price[i];
  const double fee = std::fabs(qty_signed) * price * 0.001;
  s.trades.push_back({s.ts_ns[i], qty_signed > 0 ? 1 : -1, std::fabs(qty_signed), price, fee});
  cash -= qty_signed * price + fee;
  position += qty_signed;
  s.signal_to_order_latency_ns.push_back(static_cast<std::int64_t>(50 + (i * 7919) % 200) *
                                         1'000'000);
}

// A momentum rule over a synthetic market: 24-bar momentum picks tier (by size) and side, the
// target position is side * tier * 0.5 units, rebalanced at the close with a 0.1% fee.
RunSeries synthetic_run() {
  sim::SyntheticMarketParams p;
  p.seed = 7;
  p.start_ts_ns = *parse_timestamp("2024-01-01 00:00:00");
  p.bars = 4000;
  p.schedule = {{MarketRegime::kQuiet, 400},    {MarketRegime::kNormal, 600},
                {MarketRegime::kTrending, 500}, {MarketRegime::kVolatile, 400},
                {MarketRegime::kCrash, 150},    {MarketRegime::kNormal, 500}};
  RunSeries s;
  s.info = {"synthetic <regimes> & tiers", 7, 0x1234'5678'9abc'def0ULL, "render-test"};
  for (auto r : {MarketRegime::kQuiet, MarketRegime::kNormal, MarketRegime::kTrending,
                 MarketRegime::kVolatile, MarketRegime::kCrash}) {
    s.regime_names.emplace_back(sim::regime_name(r));
  }
  double cash = 100000.0;
  double position = 0.0;
  for (const sim::SyntheticBar& bar : sim::generate_market(p)) {
    const std::size_t i = s.size();
    s.ts_ns.push_back(bar.ts_ns);
    s.price.push_back(static_cast<double>(bar.close));
    s.regime.push_back(static_cast<std::int64_t>(bar.regime));
    const double momentum = i < 24 ? 0.0 : s.price[i] / s.price[i - 24] - 1.0;
    const double m = std::fabs(momentum);
    const std::int64_t tier = m < 0.005 ? 0 : (m < 0.015 ? 1 : (m < 0.03 ? 2 : 3));
    const int side = tier == 0 ? 0 : (momentum > 0 ? 1 : -1);
    s.tier.push_back(tier);
    s.side.push_back(static_cast<std::int8_t>(side));
    const double target = side * static_cast<double>(tier) * 0.5;
    if (target != position) {
      if (i % 50 == 25) {
        s.rejects.push_back({bar.ts_ns, i % 100 == 25 ? "rate_limit" : "venue_outage"});
      } else {
        add_trade(s, i, target - position, cash, position);
      }
    }
    s.position.push_back(position);
    s.equity.push_back(cash + position * s.price[i]);
  }
  for (std::size_t at : {1000u, 2500u}) {
    s.faults.push_back({s.ts_ns[at], "outage", s.ts_ns[at + 2]});
  }
  s.faults.push_back({s.ts_ns[3900], "stale_market_data", kNotRecovered});
  return s;
}

struct Rgb {
  int r, g, b;
};

Rgb hex(const char* h) {
  const auto v = std::strtoul(h + 1, nullptr, 16);
  return {static_cast<int>((v >> 16) & 0xff), static_cast<int>((v >> 8) & 0xff),
          static_cast<int>(v & 0xff)};
}

bool near(const std::uint8_t* p, Rgb c, int tol) {
  return std::abs(p[0] - c.r) <= tol && std::abs(p[1] - c.g) <= tol && std::abs(p[2] - c.b) <= tol;
}

// Where one colour shows up: pixel count, the distinct columns it covers, its mean row.
struct ColourUse {
  std::int64_t pixels = 0;
  std::set<int> columns;
  double mean_y = 0;
};

ColourUse find_colours(const testing::RgbImage& img, const std::vector<Rgb>& colours, int tol,
                       int y_from = 0, int y_to = -1) {
  ColourUse u;
  double sum_y = 0;
  for (int y = y_from; y < (y_to < 0 ? img.height : y_to); ++y) {
    for (int x = 0; x < img.width; ++x) {
      for (const Rgb& c : colours) {
        if (!near(img.pixel(x, y), c, tol)) continue;
        ++u.pixels;
        u.columns.insert(x);
        sum_y += y;
        break;
      }
    }
  }
  if (u.pixels > 0) u.mean_y = sum_y / static_cast<double>(u.pixels);
  return u;
}

// Rows where the regime bands fill most of the width: the price plot (legend swatches are
// 10 px wide, far below the threshold).
std::pair<int, int> price_plot_rows(const testing::RgbImage& img, const std::vector<Rgb>& bands) {
  int first = -1, last = -1;
  for (int y = 0; y < img.height; ++y) {
    int n = 0;
    for (int x = 0; x < img.width; ++x) {
      for (const Rgb& c : bands) {
        if (near(img.pixel(x, y), c, 2)) {
          ++n;
          break;
        }
      }
    }
    if (n >= 500) {
      if (first < 0) first = y;
      last = y;
    }
  }
  return {first, last + 1};
}

testing::RgbImage screenshot(const std::string& chromium, const std::string& html_path,
                             const std::string& dir) {
  const std::string png_path = dir + "/report.png";
  const std::string timeout = testing::find_on_path("timeout");
  BOOST_REQUIRE_MESSAGE(!timeout.empty(), "coreutils' timeout is not on PATH");
  const auto start = std::chrono::steady_clock::now();
  const testing::RunResult r = testing::run_process(
      {timeout, "180", chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
       "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
       "--force-device-scale-factor=1", "--window-size=1400,2400",
       "--user-data-dir=" + dir + "/profile", "--screenshot=" + png_path, "file://" + html_path});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST_MESSAGE("chromium screenshot took " << seconds << " s");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0 && testing::file_exists(png_path),
                        "chromium exited " << r.exit_code << " without " << png_path
                                           << "; stderr:\n"
                                           << r.err);
  testing::RgbImage img;
  std::string error;
  BOOST_REQUIRE_MESSAGE(testing::decode_png(testing::read_text(png_path), img, error),
                        png_path << ": " << error);
  return img;
}

std::string chromium_or_skip() {
  return testing::program_or_skip("chromium", "the report is screenshot in headless Chromium");
}

// The four charts of a 1400x2400 screenshot are drawn: every regime band colour in
// `band_colours` fills a real area, the price line, tier strip, equity line, drawdown and
// position areas cover most of the width, stacked in document order.
void check_charts(const testing::RgbImage& img, const std::vector<const char*>& band_colours,
                  std::size_t min_tier_columns) {
  BOOST_REQUIRE(img.width == 1400);
  BOOST_REQUIRE(img.height == 2400);
  std::vector<Rgb> bands;
  for (const char* c : band_colours) {
    bands.push_back(hex(c));
    const ColourUse u = find_colours(img, {hex(c)}, 2);
    BOOST_TEST(u.pixels >= 5000, "regime colour " << c << ": " << u.pixels << " px");
  }
  const auto [plot_top, plot_bottom] = price_plot_rows(img, bands);
  BOOST_REQUIRE_MESSAGE(plot_top >= 0, "no regime bands found");
  BOOST_TEST(plot_bottom - plot_top >= 200, "price plot rows " << plot_top << ".." << plot_bottom);
  BOOST_TEST(find_colours(img, bands, 2, plot_top, plot_bottom).columns.size() >= 1050u);
  const ColourUse price = find_colours(img, {hex("#111827")}, 60, plot_top, plot_bottom);
  BOOST_TEST(price.columns.size() >= 1000u, "price line covers " << price.columns.size());

  const ColourUse tiers =
      find_colours(img, {hex("#93c5fd"), hex("#3b82f6"), hex("#1e3a8a")}, 2, plot_bottom);
  BOOST_TEST(tiers.columns.size() >= min_tier_columns, "tiers cover " << tiers.columns.size());
  const ColourUse equity = find_colours(img, {hex("#2563eb")}, 12, plot_bottom);
  BOOST_TEST(equity.columns.size() >= 800u, "equity line covers " << equity.columns.size());
  const ColourUse drawdown = find_colours(img, {hex("#fca5a5")}, 2, plot_bottom);
  BOOST_TEST(drawdown.pixels >= 3000);
  BOOST_TEST(drawdown.columns.size() >= 500u);
  const ColourUse position = find_colours(img, {hex("#6ee7b7")}, 2, plot_bottom);
  BOOST_TEST(position.pixels >= 3000);
  BOOST_TEST(position.columns.size() >= 300u);
  // Stacked in document order: price, equity, drawdown, position.
  BOOST_TEST(plot_bottom < equity.mean_y);
  BOOST_TEST(equity.mean_y < drawdown.mean_y);
  BOOST_TEST(drawdown.mean_y < position.mean_y);
}

const std::vector<const char*> kAllRegimeColours = {"#bfdbfe", "#bbf7d0", "#fde68a", "#fecaca",
                                                    "#ddd6fe"};

BOOST_AUTO_TEST_CASE(report_of_a_synthetic_run_renders_every_chart) {
  const std::string chromium = chromium_or_skip();
  const RunSeries s = synthetic_run();
  const RunMetrics m = compute_run_metrics(s, {});
  BOOST_REQUIRE(m.by_regime.size() == 5u);
  BOOST_REQUIRE(m.by_tier.size() == 4u);
  const std::string dir = testing::make_temp_dir("report_render");
  const std::string html_path = fs::absolute(dir + "/report.html").string();
  const std::string html = render_report_html(s, m);
  testing::write_text(html_path, html);
  testing::write_text(dir + "/metrics.json", render_metrics_json(m));
  BOOST_TEST_MESSAGE("report.html for " << s.size() << " bars: " << html.size() << " bytes");
  check_charts(screenshot(chromium, html_path, dir), kAllRegimeColours, 300u);
}

// The report `q50sim run` writes for a real scenario of the library (every regime in turn).
BOOST_AUTO_TEST_CASE(report_of_the_regime_cycle_scenario_renders_every_chart) {
  const std::string chromium = chromium_or_skip();
  const char* src = std::getenv("Q50SIM_SOURCE_DIR");
  BOOST_REQUIRE_MESSAGE(src != nullptr, "Q50SIM_SOURCE_DIR is not set (run through ctest)");
  const std::string dir = testing::make_temp_dir("report_render_scenario");
  const std::string out = fs::absolute(dir + "/run").string();
  const testing::RunResult r = testing::run_process(
      {testing::q50sim_bin(), "run", std::string(src) + "/scenarios/regime_cycle.toml", "--out",
       out});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "q50sim run exited " << r.exit_code << ": " << r.err);
  check_charts(screenshot(chromium, out + "/report.html", dir), kAllRegimeColours, 100u);
}

}  // namespace
}  // namespace q50::io
