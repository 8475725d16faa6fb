// The live node's monitoring endpoint over loopback (live/monitor.h), serving a realistic
// snapshot (tests/live/monitor_fixture.h):
//   - /metrics is valid Prometheus text exposition by a strict parser (HELP and TYPE for every
//     family before its samples, names, labels, values, families grouped, no repeated series),
//     with every required series and the snapshot's values;
//   - /status.json has the snapshot's fields and survives bytes that are not UTF-8;
//   - the API key and secret planted in every text field the node fills, whole or in pieces,
//     never appear in any page: they are redacted where they stood;
//   - the server listens on 127.0.0.1 only (one IPv4 listener), answers 404 elsewhere, refuses
//     a port another server holds, and is joined promptly when destroyed (with an idle
//     keep-alive client; at once after start, 100 times).
// The page drawn in Chromium: monitor_page_live_mock_test.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <future>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fmt/format.h"
#include "live/monitor.h"
#include "nlohmann/json.hpp"
#include "tests/live/monitor_fixture.h"

namespace q50::live {
namespace {

using monitor_test::count_of;
using monitor_test::credential_pieces_in;
using monitor_test::get;
using monitor_test::Got;
using monitor_test::kKey;
using monitor_test::kSecret;
using monitor_test::realistic_snapshot;
using monitor_test::started;

// ---- A strict parser of the Prometheus text exposition format 0.0.4 --------------------------

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Family {
  std::string type;
  std::optional<std::string> help;
  std::vector<Sample> samples;
};

struct Exposition {
  std::map<std::string, Family> families;

  // The one sample of `family` with exactly `labels`, or nullptr.
  const Sample* find(const std::string& family,
                     const std::map<std::string, std::string>& labels = {}) const {
    const auto it = families.find(family);
    if (it == families.end()) return nullptr;
    for (const Sample& s : it->second.samples) {
      if (s.name == family && s.labels == labels) return &s;
    }
    return nullptr;
  }
};

bool is_metric_name(std::string_view n) {
  static const std::regex re("[a-zA-Z_:][a-zA-Z0-9_:]*");
  return std::regex_match(n.begin(), n.end(), re);
}

bool is_label_name(std::string_view n) {
  static const std::regex re("[a-zA-Z_][a-zA-Z0-9_]*");
  return std::regex_match(n.begin(), n.end(), re) && n.substr(0, 2) != "__";
}

// A sample value: a Go float (decimal, optional exponent) or NaN, +Inf, -Inf as spelled here.
std::optional<double> parse_value(std::string_view v) {
  if (v == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (v == "+Inf") return std::numeric_limits<double>::infinity();
  if (v == "-Inf") return -std::numeric_limits<double>::infinity();
  static const std::regex re("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");
  if (!std::regex_match(v.begin(), v.end(), re)) return std::nullopt;
  return std::strtod(std::string(v).c_str(), nullptr);
}

// The family a sample name belongs to: itself, or a histogram's or summary's series.
std::optional<std::string> family_of(const Exposition& e, const std::string& name) {
  if (e.families.count(name) != 0) return name;
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string_view sv = suffix;
    if (name.size() > sv.size() && name.compare(name.size() - sv.size(), sv.size(), sv) == 0) {
      const std::string base = name.substr(0, name.size() - sv.size());
      const auto it = e.families.find(base);
      if (it != e.families.end() &&
          (it->second.type == "histogram" || it->second.type == "summary") &&
          (sv != "_bucket" || it->second.type == "histogram")) {
        return base;
      }
    }
  }
  return std::nullopt;
}

// Parses `text`; returns "" when it is valid, else the first violation with its line.
// Stricter than Prometheus where the house rules are: every family has HELP and TYPE, both
// before its first sample, and at least one sample.
std::string parse_prometheus(std::string_view text, Exposition& out) {
  out = {};
  if (text.empty() || text.back() != '\n') return "the exposition must end with a newline";
  if (text.find('\r') != std::string_view::npos) return "carriage return in the exposition";
  std::string current;  // the family whose samples are being read
  std::set<std::string> closed;
  std::set<std::string> series;
  int line_no = 0;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = text.find('\n', start);
    const std::string line(text.substr(start, end - start));
    start = end + 1;
    ++line_no;
    const std::string at = fmt::format("line {} \"{}\": ", line_no, line);
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::istringstream in(line);
      std::string hash, keyword, name;
      in >> hash >> keyword >> name;
      if (hash != "#" || (keyword != "HELP" && keyword != "TYPE")) continue;  // a comment
      if (line.rfind("# " + keyword + " " + name, 0) != 0) return at + "extra blanks";
      if (!is_metric_name(name)) return at + "bad metric name";
      Family& f = out.families[name];
      if (!f.samples.empty() || closed.count(name) != 0) return at + keyword + " after samples";
      const std::size_t rest_at = 2 + keyword.size() + 1 + name.size();
      if (keyword == "HELP") {
        if (f.help) return at + "second HELP";
        if (line.size() <= rest_at + 1 || line[rest_at] != ' ') return at + "empty HELP";
        const std::string help = line.substr(rest_at + 1);
        for (std::size_t i = 0; i < help.size(); ++i) {
          if (help[i] == '\\' &&
              (i + 1 == help.size() || (help[i + 1] != '\\' && help[i + 1] != 'n'))) {
            return at + "bad escape in HELP";
          }
          if (help[i] == '\\') ++i;
        }
        f.help = help;
      } else {
        if (!f.type.empty()) return at + "second TYPE";
        const std::string type = line.size() > rest_at ? line.substr(rest_at + 1) : "";
        if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" &&
            type != "untyped") {
          return at + "bad type";
        }
        f.type = type;
      }
      continue;
    }
    // name[{labels}] value [timestamp]
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    Sample s;
    s.name = line.substr(0, i);
    if (!is_metric_name(s.name)) return at + "bad metric name";
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (true) {
        if (i < line.size() && line[i] == '}') {
          ++i;
          break;
        }
        std::size_t eq = line.find('=', i);
        if (eq == std::string::npos) return at + "label without '='";
        const std::string label = line.substr(i, eq - i);
        if (!is_label_name(label)) return at + "bad label name";
        i = eq + 1;
        if (i >= line.size() || line[i] != '"') return at + "label value not quoted";
        std::string value;
        for (++i; i < line.size() && line[i] != '"'; ++i) {
          if (line[i] == '\\') {
            if (i + 1 >= line.size()) return at + "dangling escape";
            const char c = line[++i];
            if (c == 'n')
              value += '\n';
            else if (c == '\\' || c == '"')
              value += c;
            else
              return at + "bad escape in a label value";
          } else {
            value += line[i];
          }
        }
        if (i >= line.size()) return at + "unterminated label value";
        ++i;
        if (!s.labels.emplace(label, value).second) return at + "repeated label";
        if (i < line.size() && line[i] == ',') {
          ++i;
        } else if (i >= line.size() || line[i] != '}') {
          return at + "expected ',' or '}'";
        }
      }
    }
    if (i >= line.size() || line[i] != ' ') return at + "no value";
    const std::string rest = line.substr(i + 1);
    const std::size_t blank = rest.find(' ');
    const auto value = parse_value(rest.substr(0, blank));
    if (!value) return at + "bad value";
    if (blank != std::string::npos) {
      static const std::regex ts("-?[0-9]+");
      if (!std::regex_match(rest.substr(blank + 1), ts)) return at + "bad timestamp";
    }
    s.value = *value;
    const auto family = family_of(out, s.name);
    if (!family) return at + "a sample without TYPE";
    Family& f = out.families[*family];
    if (!f.help) return at + "a sample without HELP";
    if (*family != current) {
      if (closed.count(*family) != 0) return at + "the family's samples are not grouped";
      if (!current.empty()) closed.insert(current);
      current = *family;
    }
    std::string key = s.name + "{";
    for (const auto& [k, v] : s.labels) key += k + "=" + v + ",";
    if (!series.insert(key).second) return at + "a repeated series";
    if (f.type == "counter" && !(s.value >= 0)) return at + "a counter below zero or NaN";
    f.samples.push_back(std::move(s));
  }
  for (const auto& [name, f] : out.families) {
    if (f.type.empty()) return name + ": no TYPE";
    if (!f.help) return name + ": no HELP";
    if (f.samples.empty()) return name + ": no sample";
  }
  return "";
}

// Runs `f` on a thread; fails the whole executable if it has not returned after `seconds`
// (a hung join cannot be recovered from).
void within(double seconds, const std::string& what, std::function<void()> f) {
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> finished = done->get_future();
  std::thread([f = std::move(f), done] {
    f();
    done->set_value();
  }).detach();
  if (finished.wait_for(std::chrono::duration<double>(seconds)) != std::future_status::ready) {
    std::fprintf(stderr, "FAILED: %s did not finish within %.0f s\n", what.c_str(), seconds);
    std::fflush(nullptr);
    std::_Exit(1);
  }
}

// Listening TCP sockets on `port` in /proc/net/tcp{,6}, as "address:port" in the kernel's hex.
std::vector<std::string> listeners_on(int port) {
  std::vector<std::string> found;
  const std::string port_hex = fmt::format(":{:04X}", port);
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      if (state == "0A" && local.size() > port_hex.size() &&
          local.compare(local.size() - port_hex.size(), port_hex.size(), port_hex) == 0) {
        found.push_back(local);
      }
    }
  }
  return found;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_strict_parser_rejects_what_prometheus_would_not_read) {
  Exposition e;
  const std::string good =
      "# HELP a_total A counter.\n# TYPE a_total counter\na_total{k=\"v\\\"\"} 1.5e3\n"
      "# HELP g A gauge.\n# TYPE g gauge\ng NaN\n";
  BOOST_TEST(parse_prometheus(good, e) == "");
  BOOST_TEST(e.find("a_total", {{"k", "v\""}})->value == 1500.0);
  const std::vector<std::string> bad = {
      "# TYPE g gauge\ng 1\n",                    // no HELP
      "# HELP g G.\ng 1\n",                       // no TYPE
      "# HELP g G.\n# TYPE g gauge\ng nan\n",     // fmt's spelling
      "# HELP g G.\n# TYPE g gauge\ng 1,5\n",     // not a number
      "# HELP g G.\n# TYPE g gauge\ng 1",         // no final newline
      "# HELP 1g G.\n# TYPE 1g gauge\n1g 1\n",    // a bad name
      "# HELP g G.\n# TYPE g gauge\ng{a=b} 1\n",  // unquoted label
      "# HELP g G.\n# TYPE g gauge\ng 1\ng 2\n",  // a repeated series
      "# HELP g G.\n# TYPE g gauge\ng 1\n# HELP h H.\n# TYPE h gauge\nh 1\ng{a=\"1\"} 2\n",
      "# HELP c C.\n# TYPE c counter\nc -1\n",            // a counter below 0
      "# HELP g G.\n# TYPE g gauge\n# HELP g G.\ng 1\n",  // a second HELP
      "# HELP g G.\n# TYPE g gauge\n",                    // no sample
  };
  for (const std::string& text : bad) BOOST_TEST(parse_prometheus(text, e) != "", text);
}

BOOST_AUTO_TEST_CASE(metrics_are_valid_prometheus_text_with_every_required_series) {
  const NodeSnapshot s = realistic_snapshot();
  const auto monitor = started(s);
  const Got got = get(monitor->port(), "/metrics");
  BOOST_TEST(got.status == 200);
  BOOST_TEST(got.content_type == "text/plain; version=0.0.4");
  Exposition e;
  const std::string error = parse_prometheus(got.body, e);
  BOOST_REQUIRE_MESSAGE(error.empty(), error << "\n" << got.body);

  const auto expect = [&](const std::string& family, const std::string& type, double value,
                          const std::map<std::string, std::string>& labels = {}) {
    const auto it = e.families.find(family);
    BOOST_REQUIRE_MESSAGE(it != e.families.end(), family << " is missing");
    BOOST_TEST(it->second.type == type, family);
    const Sample* sample = e.find(family, labels);
    BOOST_REQUIRE_MESSAGE(sample != nullptr, family << " has no sample with those labels");
    BOOST_TEST(sample->value == value, family << " = " << sample->value << ", expected " << value);
  };
  expect("q50sim_equity_quote", "gauge", s.equity);
  expect("q50sim_position_base", "gauge", s.position);
  expect("q50sim_last_signal_age_seconds", "gauge", 301.234);
  expect("q50sim_bars_total", "counter", 300);
  expect("q50sim_orders_total", "counter", 57, {{"outcome", "sent"}});
  expect("q50sim_orders_total", "counter", 51, {{"outcome", "accepted"}});
  expect("q50sim_orders_total", "counter", 4, {{"outcome", "rejected"}});
  expect("q50sim_orders_total", "counter", 2, {{"outcome", "unknown"}});
  BOOST_TEST(e.families.at("q50sim_orders_total").samples.size() == 4u);
  expect("q50sim_fills_total", "counter", 49);
  expect("q50sim_duplicate_orders_total", "counter", 3);
  expect("q50sim_lost_fills_total", "counter", 2);
  expect("q50sim_reconciliations_total", "counter", 14);
  expect("q50sim_request_weight_used", "gauge", 1'234);
  expect("q50sim_reconnects_total", "counter", 6);
  expect("q50sim_faults_seen_total", "counter", 23);
  expect("q50sim_restarts_total", "counter", 1);
  expect("q50sim_rate_limited_total", "counter", 7);
  expect("q50sim_banned_total", "counter", 1);
  for (const auto& [name, f] : e.families) {
    BOOST_TEST(name.rfind("q50sim_", 0) == 0, name);
    if (f.type == "counter")
      BOOST_TEST((name.size() > 6 && name.substr(name.size() - 6) == "_total"), name);
  }

  // Before the first turn (nothing published) and with values no finite number can spell.
  NodeSnapshot odd;
  Exposition fresh;
  BOOST_REQUIRE(parse_prometheus(prometheus_text(odd), fresh).empty());
  BOOST_TEST(fresh.find("q50sim_last_signal_age_seconds")->value == -1.0);
  odd.equity = std::nan("");
  odd.position = -std::numeric_limits<double>::infinity();
  odd.last_close = 1e300;
  Exposition nonfinite;
  const std::string text = prometheus_text(odd);
  const std::string nonfinite_error = parse_prometheus(text, nonfinite);
  BOOST_REQUIRE_MESSAGE(nonfinite_error.empty(), nonfinite_error);
  BOOST_TEST(std::isnan(nonfinite.find("q50sim_equity_quote")->value));
  BOOST_TEST(nonfinite.find("q50sim_position_base")->value ==
             -std::numeric_limits<double>::infinity());
}

BOOST_AUTO_TEST_CASE(status_json_carries_the_snapshot) {
  const NodeSnapshot s = realistic_snapshot();
  const auto monitor = started(s);
  const Got got = get(monitor->port(), "/status.json");
  BOOST_TEST(got.status == 200);
  BOOST_TEST(got.content_type == "application/json");
  const nlohmann::json j = nlohmann::json::parse(got.body, nullptr, false);
  BOOST_REQUIRE_MESSAGE(!j.is_discarded() && j.is_object(), got.body);
  BOOST_TEST(j.at("status").get<std::string>() ==
             "degraded: venue refused X-MBX-APIKEY <redacted>");
  BOOST_TEST(j.at("venue_time_ms").get<std::int64_t>() == s.venue_time_ms);
  BOOST_TEST(j.at("bars").get<std::int64_t>() == 300);
  BOOST_TEST(j.at("equity").get<double>() == s.equity);
  BOOST_TEST(j.at("position").get<double>() == 0.01234567);
  BOOST_TEST(j.at("last_close").get<double>() == 67'123.45);
  BOOST_TEST(j.at("last_signal_age_ms").get<std::int64_t>() == 301'234);
  const std::map<std::string, std::int64_t> counts = {
      {"orders", 57},          {"fills", 49},
      {"duplicate_orders", 3}, {"lost_fills", 2},
      {"reconciliations", 14}, {"reconnects", 6},
      {"restarts", 1},         {"faults_seen", 23},
      {"orders_accepted", 51}, {"orders_rejected", 4},
      {"unknown_outcomes", 2}, {"rate_limited", 7},
      {"banned", 1},           {"used_weight_1m", 1'234}};
  for (const auto& [field, value] : counts) {
    BOOST_REQUIRE_MESSAGE(j.contains(field), field << " is missing");
    BOOST_TEST(j.at(field).get<std::int64_t>() == value, field);
  }
  const auto decisions = j.at("recent_decisions").get<std::vector<std::string>>();
  const auto orders = j.at("recent_orders").get<std::vector<std::string>>();
  BOOST_REQUIRE(decisions.size() == 20u);
  BOOST_REQUIRE(orders.size() == 20u);
  BOOST_TEST(decisions.front() == s.recent_decisions.front());
  BOOST_TEST(orders.back() == s.recent_orders.back());
  BOOST_TEST(orders[5] == "q50-105 rejected kInvalidRequest: API-key format invalid: <redacted>");
  // The bytes that are not UTF-8 became U+FFFD instead of an exception (a 500 on every scrape).
  BOOST_TEST(
      orders[13] ==
      "q50-113 rejected kUnknown: <script>alert(1)</script> \xEF\xBF\xBD\xEF\xBF\xBD & \"quoted\"");

  // A snapshot republished replaces the one served.
  NodeSnapshot later = s;
  later.bars = 301;
  later.status = "running";
  monitor->publish(later);
  const nlohmann::json k = nlohmann::json::parse(get(monitor->port(), "/status.json").body);
  BOOST_TEST(k.at("bars").get<std::int64_t>() == 301);
  BOOST_TEST(k.at("status").get<std::string>() == "running");
}

BOOST_AUTO_TEST_CASE(no_page_shows_the_key_or_the_secret) {
  const NodeSnapshot s = realistic_snapshot();
  const auto monitor = started(s);
  for (const char* path : {"/", "/metrics", "/status.json"}) {
    const Got got = get(monitor->port(), path);
    BOOST_TEST(got.status == 200, path);
    const auto pieces = credential_pieces_in(got.body);
    BOOST_TEST(pieces.empty(), path << " shows " << pieces.size() << " pieces, the first "
                                    << (pieces.empty() ? "" : pieces.front()));
  }
  // Each planted credential was replaced where it stood, the rest of the text kept.
  const std::string html = get(monitor->port(), "/").body;
  BOOST_TEST(count_of(html, "&lt;redacted&gt;") == 4u);
  BOOST_TEST(html.find("Signature for this request is not valid (&lt;redacted&gt;...)") !=
             std::string::npos);
  BOOST_TEST(html.find("signal file error: secret=&lt;redacted&gt;") != std::string::npos);
  const std::string json = get(monitor->port(), "/status.json").body;
  BOOST_TEST(count_of(json, "<redacted>") == 4u);
  // Republished snapshots are redacted too; a monitor started without credentials shows texts
  // unchanged (the node gives it the pair; nothing else is altered).
  NodeSnapshot again = s;
  again.recent_orders.push_back(std::string("q50-200 rejected: ") + kSecret);
  again.recent_orders.pop_front();
  monitor->publish(again);
  BOOST_TEST(credential_pieces_in(get(monitor->port(), "/").body).empty());
  auto plain = MonitorServer::start(0);
  BOOST_REQUIRE(plain.ok());
  (*plain)->publish(again);
  BOOST_TEST(get((*plain)->port(), "/status.json").body.find(kSecret) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(it_listens_on_loopback_only_answers_404_elsewhere_and_stops_cleanly) {
  auto monitor = started(realistic_snapshot());
  const int port = monitor->port();
  const auto listeners = listeners_on(port);
  BOOST_REQUIRE_MESSAGE(listeners.size() == 1u, listeners.size() << " listeners on port " << port);
  BOOST_TEST(listeners.front() == fmt::format("0100007F:{:04X}", port));  // 127.0.0.1, IPv4 only

  for (const char* path : {"/nope", "/metrics/", "/metricsx", "/status_json", "/statusXjson",
                           "/status.json/x", "/index.html"}) {
    BOOST_TEST(get(port, path).status == 404, path);
  }
  BOOST_TEST(get(port, "/").status == 200);

  // A busy port is refused with a message, not taken over.
  auto second = MonitorServer::start(port);
  BOOST_TEST(!second.ok());
  BOOST_TEST(std::string(second.status().message()).find(std::to_string(port)) !=
             std::string::npos);

  // Destroyed while a client holds an idle keep-alive connection and another one is open
  // without a request yet (a browser's preconnect): joined promptly, then the port is closed.
  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(true);
  client.set_connection_timeout(2);
  BOOST_REQUIRE(client.Get("/metrics"));
  const int idle = socket(AF_INET, SOCK_STREAM, 0);
  BOOST_REQUIRE(idle >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_REQUIRE(connect(idle, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0);
  const auto start = std::chrono::steady_clock::now();
  within(30, "destroying a monitor with an idle keep-alive client", [&] { monitor.reset(); });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST_MESSAGE("destroyed in " << seconds << " s with an idle keep-alive client");
  BOOST_TEST(seconds < 3.5, seconds << " s");
  close(idle);
  BOOST_TEST(listeners_on(port).empty());
  httplib::Client after("127.0.0.1", port);
  after.set_connection_timeout(2);
  BOOST_TEST(!after.Get("/metrics"));

  // Destroyed at once after start, again and again: never a server thread left unjoined.
  int served = 0;
  within(60, "starting and destroying monitors", [&served] {
    for (int i = 0; i < 100; ++i) served += MonitorServer::start(0).ok() ? 1 : 0;
  });
  BOOST_TEST(served == 100);
}

}  // namespace q50::live
