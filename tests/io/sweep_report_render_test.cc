// sweep.html renders in a real browser: the runs of a synthetic 6 x 5 x 8-seed sweep (a Sharpe
// that rises with one dimension and falls with the other, both signs, seed noise, a regime
// breakdown, some failed points) are rendered, headless Chromium screenshots the page, and the
// decoded PNG must show the metric heatmap (its best cell full green, its worst full red), the
// spread boxes, the spread heatmap's darkest blue and the robustness bars, in document order.
// The page must be self-contained (nothing fetched) and deterministic. Without `chromium` on
// PATH the screenshot case fails in CI (CI=true) and reports SKIPPED elsewhere.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "io/sweep_charts.h"
#include "io/sweep_report.h"
#include "tests/support/png.h"
#include "tests/support/test_env.h"

namespace q50::io {
namespace {

namespace fs = std::filesystem;

SweepSpec spec() {
  auto s = parse_sweep(
      "sweeps/render.toml",
      "[sweep]\nname = \"render\"\ndescription = \"a <synthetic> & rendered sweep\"\n"
      "[base]\nscenario = \"../base.toml\"\n"
      "[[dimension]]\nkey = \"strategy.max_position_fraction\"\n"
      "values = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]\n"
      "[[dimension]]\nkey = \"signals.synthetic.skill\"\n"
      "values = [0.0, 0.05, 0.1, 0.15, 0.2]\n"
      "[[dimension]]\nseeds = { from = 1, count = 8 }\n"
      "[report]\nx = \"strategy.max_position_fraction\"\ny = \"signals.synthetic.skill\"\n");
  BOOST_REQUIRE_MESSAGE(s.ok(), s.status().message());
  return *s;
}

constexpr const char* kSkills[] = {"0.0", "0.05", "0.1", "0.15", "0.2"};

std::vector<store::RunRecord> runs() {
  std::vector<store::RunRecord> out;
  std::int64_t point = 0;
  for (int a = 0; a < 6; ++a) {
    for (int b = 0; b < 5; ++b) {
      for (int seed = 1; seed <= 8; ++seed, ++point) {
        store::RunRecord r;
        r.point_index = point;
        r.seed = static_cast<std::uint64_t>(seed);
        r.fingerprint = 0x1234'5678'0000'0000ULL + static_cast<std::uint64_t>(point);
        r.parameters = {
            {"strategy.max_position_fraction", fmt::format("0.{}", a + 1), std::nullopt},
            {"signals.synthetic.skill", kSkills[b], std::nullopt},
            {"seed", std::to_string(seed), std::nullopt}};
        if (point % 37 == 5) {
          r.status = store::RunStatus::kFailed;
          r.error = "a point that could not run";
          r.fingerprint.reset();
          out.push_back(r);
          continue;
        }
        const double noise = std::sin(static_cast<double>(point) * 1.7) * (0.2 + 0.1 * a);
        const double sharpe = 0.8 * b - 0.5 * a + noise;
        r.metrics = {{"max_drawdown", -0.05 * (a + 1)},
                     {"sharpe_ratio", sharpe},
                     {"total_return", sharpe / 10}};
        for (const char* regime : {"crash", "normal", "quiet", "trending", "volatile"}) {
          r.breakdowns.push_back({"market_regime", regime, "total_return",
                                  sharpe / 20 + (std::string(regime) == "crash" ? -0.1 : 0.02)});
        }
        out.push_back(r);
      }
    }
  }
  return out;
}

std::string render() {
  store::SweepRecord sweep;
  sweep.name = "render";
  sweep.base_description = "scenario ../base.toml";
  sweep.parameter_names = {"strategy.max_position_fraction", "signals.synthetic.skill", "seed"};
  sweep.spec_digest = std::string(64, 'a');
  sweep.q50sim_version = "test";
  return render_sweep_report(spec(), sweep, runs());
}

struct Use {
  std::int64_t pixels = 0;
  std::set<int> columns;
  double mean_y = 0;
};

template <typename Match>
Use find_where(const testing::RgbImage& img, Match match) {
  Use u;
  double sum = 0;
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) {
      if (!match(img.pixel(x, y))) continue;
      ++u.pixels;
      u.columns.insert(x);
      sum += y;
    }
  }
  if (u.pixels > 0) u.mean_y = sum / static_cast<double>(u.pixels);
  return u;
}

Use find(const testing::RgbImage& img, int r, int g, int b, int tol) {
  return find_where(img, [&](const std::uint8_t* p) {
    return std::abs(p[0] - r) <= tol && std::abs(p[1] - g) <= tol && std::abs(p[2] - b) <= tol;
  });
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_page_is_self_contained_deterministic_and_complete) {
  const std::string html = render();
  BOOST_TEST(html == render());
  for (const char* fetch : {"<script", "<link", " src=", " href=", "@import", "url("}) {
    BOOST_TEST(html.find(fetch) == std::string::npos, fetch);
  }
  BOOST_TEST(html.find("a &lt;synthetic&gt; &amp; rendered sweep") != std::string::npos);
  for (const char* part : {"id=\"heatmap\"", "id=\"spread\"", "id=\"spread_heatmap\"",
                           "<h3>market_regime</h3>", "<h2>Best points by sharpe_ratio</h2>",
                           "<h2>Failed points</h2>", "Spread of sharpe_ratio over seeds"}) {
    BOOST_TEST(html.find(part) != std::string::npos, part);
  }
  // The best configuration is the highest skill with the smallest exposure cap; its rerun
  // command names the sweep file and the point.
  BOOST_TEST(html.find("q50sim sweep sweeps/render.toml --point ") != std::string::npos);
  const std::size_t best = html.find("<h2>Best points");
  BOOST_TEST(html.find("strategy.max_position_fraction=0.1, signals.synthetic.skill=0.2", best) !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(summaries_interpolate_percentiles_like_numpy) {
  const Summary s = summarize({4.0, 1.0, 3.0, 2.0, std::nan(""), 5.0});
  BOOST_TEST(s.count == 5);
  BOOST_TEST(s.median == 3.0);
  BOOST_TEST(s.p25 == 2.0);
  BOOST_TEST(s.p10 == 1.4);
  BOOST_TEST(s.mean == 3.0);
  BOOST_TEST(std::fabs(s.std - std::sqrt(2.5)) < 1e-15);
  BOOST_TEST(s.positive_share == 1.0);
  BOOST_TEST(summarize({}).count == 0);
}

BOOST_AUTO_TEST_CASE(the_report_renders_in_chromium) {
  const std::string chromium =
      testing::program_or_skip("chromium", "sweep.html is screenshot in headless Chromium");
  const std::string dir = testing::make_temp_dir("sweep_report_render");
  const std::string html_path = fs::absolute(dir + "/sweep.html").string();
  testing::write_text(html_path, render());
  const std::string png = dir + "/sweep.png";
  const testing::RunResult r = testing::run_process(
      {testing::find_on_path("timeout"), "180", chromium, "--headless=new", "--no-sandbox",
       "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
       "--force-device-scale-factor=1", "--window-size=1400,2600",
       "--user-data-dir=" + dir + "/profile", "--screenshot=" + png, "file://" + html_path});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0 && testing::file_exists(png), "chromium exited "
                                                                           << r.exit_code << ":\n"
                                                                           << r.err);
  testing::RgbImage img;
  std::string error;
  BOOST_REQUIRE_MESSAGE(testing::decode_png(testing::read_text(png), img, error), error);
  // The metric heatmap: its best cell the full green of the diverging scale, its low cells red.
  const Use green = find(img, 21, 128, 61, 3);
  const Use red = find_where(img, [](const std::uint8_t* p) {
    return p[0] > 180 && p[0] - p[1] > 90 && p[0] - p[2] > 90;
  });
  const Use boxes = find(img, 196, 181, 253, 3);
  const Use spread_max = find(img, 30, 64, 175, 3);
  const Use bars = find(img, 245, 158, 11, 3);
  BOOST_TEST(green.pixels >= 400, green.pixels);
  BOOST_TEST(red.pixels >= 400, red.pixels);
  BOOST_TEST(boxes.pixels >= 1000, boxes.pixels);
  BOOST_TEST(boxes.columns.size() >= 300u, boxes.columns.size());
  BOOST_TEST(spread_max.pixels >= 400, spread_max.pixels);
  BOOST_TEST(bars.pixels >= 500, bars.pixels);
  BOOST_TEST(green.mean_y < boxes.mean_y);
  BOOST_TEST(boxes.mean_y < spread_max.mean_y);
  BOOST_TEST(spread_max.mean_y < bars.mean_y);
}

}  // namespace q50::io
