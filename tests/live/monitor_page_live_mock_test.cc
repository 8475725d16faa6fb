// The live node's status page (live/monitor.h, GET /) draws in headless Chromium, served over
// loopback with a realistic snapshot (tests/live/monitor_fixture.h): the page is
// self-refreshing and fetches nothing; the DOM the browser parsed holds the equity polyline with
// one point per equity sample where its value puts it, every figure of the summary, both lists
// newest first with a venue's markup shown as text, and no piece of the planted key or secret;
// the screenshot is not blank: many colours, the plot's background, the curve's stroke across
// the plot. Without `chromium` on PATH this test fails in CI (CI=true) and reports SKIPPED
// elsewhere (tests/support/test_env.h). The other endpoints: monitor_endpoint_live_mock_test.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/timestamp.h"
#include "fmt/format.h"
#include "live/monitor.h"
#include "tests/live/monitor_fixture.h"
#include "tests/support/png.h"
#include "tests/support/test_env.h"

namespace q50::live {
namespace {

using monitor_test::count_of;
using monitor_test::credential_pieces_in;
using monitor_test::equity_at;
using monitor_test::get;
using monitor_test::Got;
using monitor_test::kPoints;
using monitor_test::realistic_snapshot;
using monitor_test::started;

// ---- Chromium ---------------------------------------------------------------------------------

testing::RunResult chromium_run(const std::string& chromium, const std::string& dir,
                                const std::vector<std::string>& args) {
  const std::string timeout = testing::find_on_path("timeout");
  BOOST_REQUIRE_MESSAGE(!timeout.empty(), "coreutils' timeout is not on PATH");
  std::vector<std::string> argv = {timeout,
                                   "180",
                                   chromium,
                                   "--headless=new",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-dev-shm-usage",
                                   "--no-first-run",
                                   "--no-proxy-server",
                                   "--hide-scrollbars",
                                   "--force-device-scale-factor=1",
                                   "--window-size=1000,1400",
                                   "--user-data-dir=" + dir + "/profile"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto start = std::chrono::steady_clock::now();
  testing::RunResult r = testing::run_process(argv);
  BOOST_TEST_MESSAGE(
      "chromium " << args.front() << " took "
                  << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
                  << " s");
  return r;
}

// The points of the polyline inside <svg id="equity">, as the browser serialised them.
std::vector<std::pair<double, double>> equity_points(const std::string& dom) {
  const std::size_t svg = dom.find("<svg id=\"equity\"");
  BOOST_REQUIRE_MESSAGE(svg != std::string::npos, "no <svg id=\"equity\"> in the DOM");
  const std::size_t svg_end = dom.find("</svg>", svg);
  const std::size_t poly = dom.find("<polyline", svg);
  BOOST_REQUIRE(poly != std::string::npos && poly < svg_end);
  const std::size_t attr = dom.find("points=\"", poly);
  BOOST_REQUIRE(attr != std::string::npos && attr < svg_end);
  const std::size_t from = attr + 8;
  std::istringstream in(dom.substr(from, dom.find('"', from) - from));
  std::vector<std::pair<double, double>> points;
  std::string pair;
  while (in >> pair) {
    const std::size_t comma = pair.find(',');
    BOOST_REQUIRE_MESSAGE(comma != std::string::npos, "point without a comma: " << pair);
    points.emplace_back(std::stod(pair.substr(0, comma)), std::stod(pair.substr(comma + 1)));
  }
  return points;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_page_draws_in_chromium) {
  const std::string chromium =
      testing::program_or_skip("chromium", "the status page is screenshot in headless Chromium");
  const NodeSnapshot s = realistic_snapshot();
  const auto monitor = started(s);
  const std::string url = fmt::format("http://127.0.0.1:{}/", monitor->port());
  const Got raw = get(monitor->port(), "/");
  BOOST_TEST(raw.status == 200);
  BOOST_TEST(raw.content_type == "text/html; charset=utf-8");
  BOOST_TEST(raw.body.find("<meta http-equiv=\"refresh\" content=\"2\">") != std::string::npos);
  for (const char* fetch : {"<script", "<link", " src=", " href=", "@import", "url("}) {
    BOOST_TEST(raw.body.find(fetch) == std::string::npos, fetch);  // nothing fetched, no script
  }

  const std::string dir = testing::make_temp_dir("monitor_page");
  const testing::RunResult dump = chromium_run(chromium, dir, {"--dump-dom", url});
  BOOST_REQUIRE_MESSAGE(dump.exit_code == 0, "chromium --dump-dom exited " << dump.exit_code
                                                                           << ":\n"
                                                                           << dump.err);
  const std::string& dom = dump.out;
  testing::write_text(dir + "/dom.html", dom);

  // The equity curve: one point per sample, left to right across the 640 x 160 plot, the
  // highest equity at the top, the lowest at the bottom, each where its value puts it.
  const auto points = equity_points(dom);
  BOOST_REQUIRE(points.size() == static_cast<std::size_t>(kPoints));
  double lo = equity_at(0), hi = lo;
  for (std::int64_t i = 0; i < kPoints; ++i) {
    lo = std::min(lo, equity_at(i));
    hi = std::max(hi, equity_at(i));
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    const double x = 640.0 * static_cast<double>(i) / static_cast<double>(kPoints - 1);
    const double y = 160.0 - (equity_at(static_cast<std::int64_t>(i)) - lo) / (hi - lo) * 160.0;
    BOOST_TEST(std::fabs(points[i].first - x) <= 0.051, "point " << i << " x=" << points[i].first);
    BOOST_TEST(std::fabs(points[i].second - y) <= 0.051,
               "point " << i << " y=" << points[i].second);
  }
  BOOST_TEST(dom.find(fmt::format("equity {:.2f} .. {:.2f}", lo, hi)) != std::string::npos);

  // The figures.
  const auto row = [&](const std::string& name, const std::string& value) {
    const std::string cells = "<td>" + name + "</td><td>" + value + "</td>";
    BOOST_TEST(dom.find(cells) != std::string::npos, cells);
  };
  row("venue time", format_timestamp(s.venue_time_ms * 1'000'000));
  row("bars", "300");
  row("equity", fmt::format("{:.2f}", s.equity));
  row("position", "0.01234567");
  row("last close", "67123.45");
  row("last signal age", "301 s");
  row("orders / fills", "57 / 49");
  row("duplicates / lost fills", "3 / 2");
  row("reconciliations / reconnects / restarts", "14 / 6 / 1");
  row("faults seen / 429 / 418", "23 / 7 / 1");
  row("request weight used (1m)", "1234");
  BOOST_TEST(
      dom.find(
          "<h1>q50sim live node: degraded: venue refused X-MBX-APIKEY &lt;redacted&gt;</h1>") !=
      std::string::npos);

  // Both lists, newest first; a venue's markup shown as text, never run.
  const auto list = [&](const std::string& id) {
    const std::size_t from = dom.find("<ol id=\"" + id + "\">");
    BOOST_REQUIRE_MESSAGE(from != std::string::npos, "no list " << id);
    return dom.substr(from, dom.find("</ol>", from) - from);
  };
  const std::string decisions = list("decisions");
  const std::string orders = list("orders");
  BOOST_TEST(count_of(decisions, "<li>") == 20u);
  BOOST_TEST(count_of(orders, "<li>") == 20u);
  BOOST_TEST(orders.find("q50-119 accepted SELL") < orders.find("q50-100 accepted BUY"));
  BOOST_TEST(decisions.find(s.recent_decisions.back()) <
             decisions.find(s.recent_decisions.front()));
  BOOST_TEST(orders.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  BOOST_TEST(dom.find("<script") == std::string::npos);

  // The screenshot is drawn: many colours, the plot's background and the curve's stroke across
  // most of the plot's 640 columns.
  const std::string png = dir + "/page.png";
  const testing::RunResult shot = chromium_run(chromium, dir, {"--screenshot=" + png, url});
  BOOST_REQUIRE_MESSAGE(shot.exit_code == 0 && testing::file_exists(png),
                        "chromium --screenshot exited " << shot.exit_code << ":\n"
                                                        << shot.err);
  testing::RgbImage img;
  std::string error;
  BOOST_REQUIRE_MESSAGE(testing::decode_png(testing::read_text(png), img, error),
                        png << ": " << error);
  BOOST_REQUIRE(img.width == 1000);
  BOOST_REQUIRE(img.height == 1400);
  std::set<std::uint32_t> colours;
  std::int64_t background = 0;
  std::set<int> stroke_columns;
  std::set<int> stroke_rows;
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) {
      const std::uint8_t* p = img.pixel(x, y);
      colours.insert(static_cast<std::uint32_t>(p[0]) << 16 |
                     static_cast<std::uint32_t>(p[1]) << 8 | p[2]);
      if (p[0] == 0xf6 && p[1] == 0xf6 && p[2] == 0xf6) ++background;
      // #1f77b4, anti-aliased edges allowed.
      if (std::abs(p[0] - 0x1f) <= 40 && std::abs(p[1] - 0x77) <= 40 &&
          std::abs(p[2] - 0xb4) <= 40 && p[2] > p[0] + 80) {
        stroke_columns.insert(x);
        stroke_rows.insert(y);
      }
    }
  }
  BOOST_TEST(colours.size() >= 20u, colours.size() << " colours");
  BOOST_TEST(background >= 640 * 160 / 2, background << " px of the plot's background");
  BOOST_TEST(stroke_columns.size() >= 600u,
             "the curve covers " << stroke_columns.size() << " columns");
  BOOST_TEST(stroke_rows.size() >= 120u, "the curve spans " << stroke_rows.size() << " rows");
  BOOST_TEST(credential_pieces_in(dom).empty());
}

}  // namespace q50::live
