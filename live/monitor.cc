#include "live/monitor.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "core/html_escape.h"
#include "fmt/format.h"
#include "live/redaction.h"
#include "nlohmann/json.hpp"

namespace q50::live {
namespace {

// A sample value as the exposition format spells it: NaN, +Inf and -Inf (fmt writes nan, inf).
std::string sample_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

void metric(std::string& out, std::string_view name, std::string_view help, std::string_view type,
            double value, std::string_view labels = "") {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{}{} {}\n", name, help, name, type, name,
                     labels.empty() ? std::string() : fmt::format("{{{}}}", labels),
                     sample_value(value));
}

// The equity curve as an inline SVG polyline, scaled to its own range.
std::string equity_svg(const NodeSnapshot& s) {
  constexpr double kW = 640, kH = 160;
  if (s.equity_curve.size() < 2) return "<p>equity curve: not enough points yet</p>";
  double lo = s.equity_curve.front().second, hi = lo;
  for (const auto& [t, e] : s.equity_curve) {
    lo = std::min(lo, e);
    hi = std::max(hi, e);
  }
  const double t0 = static_cast<double>(s.equity_curve.front().first);
  const double t1 = static_cast<double>(s.equity_curve.back().first);
  std::string points;
  for (const auto& [t, e] : s.equity_curve) {
    const double x = t1 > t0 ? (static_cast<double>(t) - t0) / (t1 - t0) * kW : 0;
    const double y = hi > lo ? kH - (e - lo) / (hi - lo) * kH : kH / 2;
    points += fmt::format("{:.1f},{:.1f} ", x, y);
  }
  return fmt::format(
      "<svg id=\"equity\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "style=\"background:#f6f6f6\"><polyline fill=\"none\" stroke=\"#1f77b4\" "
      "stroke-width=\"2\" points=\"{}\"/></svg><p>equity {:.2f} .. {:.2f}</p>",
      kW, kH, kW, kH, points, lo, hi);
}

std::string list_html(const char* id, const std::deque<std::string>& items) {
  std::string out = fmt::format("<ol id=\"{}\">", id);
  for (auto it = items.rbegin(); it != items.rend(); ++it) {
    out += "<li><code>" + html_escape(*it) + "</code></li>";
  }
  return out + "</ol>";
}

}  // namespace

std::string prometheus_text(const NodeSnapshot& s) {
  std::string out;
  const NodeCounters& c = s.counters;
  metric(out, "q50sim_equity_quote", "Equity marked at the last close (quote units).", "gauge", s.equity);
  metric(out, "q50sim_position_base", "The strategy's position (base units).", "gauge", s.position);
  metric(out, "q50sim_last_signal_age_seconds",
         "Venue time since the last bar that had a fresh signal (-1: none yet).", "gauge",
         s.last_signal_age_ms < 0 ? -1.0 : static_cast<double>(s.last_signal_age_ms) / 1000.0);
  metric(out, "q50sim_bars_total", "Bars the strategy processed.", "counter", static_cast<double>(c.bars));
  out += "# HELP q50sim_orders_total Orders by outcome.\n# TYPE q50sim_orders_total counter\n";
  out += fmt::format("q50sim_orders_total{{outcome=\"sent\"}} {}\n", c.orders);
  out += fmt::format("q50sim_orders_total{{outcome=\"accepted\"}} {}\n", s.venue.orders_accepted);
  out += fmt::format("q50sim_orders_total{{outcome=\"rejected\"}} {}\n", s.venue.orders_rejected);
  out += fmt::format("q50sim_orders_total{{outcome=\"unknown\"}} {}\n", s.venue.unknown_outcomes);
  metric(out, "q50sim_fills_total", "Fills booked.", "counter", static_cast<double>(c.fills));
  metric(out, "q50sim_duplicate_orders_total", "Orders the venue called duplicates.", "counter",
         static_cast<double>(c.duplicate_orders));
  metric(out, "q50sim_lost_fills_total",
         "Reconciliations that found the position off the ledger.", "counter",
         static_cast<double>(c.lost_fills));
  metric(out, "q50sim_reconciliations_total", "Reconciliations with the venue.", "counter",
         static_cast<double>(c.reconciliations));
  metric(out, "q50sim_request_weight_used", "The venue's X-MBX-USED-WEIGHT-1M.", "gauge",
         static_cast<double>(s.venue.used_weight_1m));
  metric(out, "q50sim_reconnects_total", "Venue reachable again after failed turns.", "counter",
         static_cast<double>(c.reconnects));
  metric(out, "q50sim_faults_seen_total", "Venue answers that were neither success nor a rejection.",
         "counter", static_cast<double>(c.faults_seen));
  metric(out, "q50sim_restarts_total", "Starts from a saved state.", "counter",
         static_cast<double>(c.restarts));
  metric(out, "q50sim_rate_limited_total", "429 answers.", "counter",
         static_cast<double>(s.venue.rate_limited));
  metric(out, "q50sim_banned_total", "418 answers.", "counter", static_cast<double>(s.venue.banned));
  return out;
}

std::string status_json(const NodeSnapshot& s) {
  nlohmann::json j;
  j["status"] = s.status;
  j["venue_time_ms"] = s.venue_time_ms;
  j["bars"] = s.bars;
  j["equity"] = s.equity;
  j["position"] = s.position;
  j["last_close"] = s.last_close;
  j["last_signal_age_ms"] = s.last_signal_age_ms;
  j["orders"] = s.counters.orders;
  j["fills"] = s.counters.fills;
  j["duplicate_orders"] = s.counters.duplicate_orders;
  j["lost_fills"] = s.counters.lost_fills;
  j["reconciliations"] = s.counters.reconciliations;
  j["reconnects"] = s.counters.reconnects;
  j["restarts"] = s.counters.restarts;
  j["faults_seen"] = s.counters.faults_seen;
  j["orders_accepted"] = s.venue.orders_accepted;
  j["orders_rejected"] = s.venue.orders_rejected;
  j["unknown_outcomes"] = s.venue.unknown_outcomes;
  j["rate_limited"] = s.venue.rate_limited;
  j["banned"] = s.venue.banned;
  j["used_weight_1m"] = s.venue.used_weight_1m;
  j["recent_decisions"] = std::vector<std::string>(s.recent_decisions.begin(), s.recent_decisions.end());
  j["recent_orders"] = std::vector<std::string>(s.recent_orders.begin(), s.recent_orders.end());
  // A venue's message may carry bytes that are not UTF-8: replaced (U+FFFD), not thrown on.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string status_html(const NodeSnapshot& s) {
  const NodeCounters& c = s.counters;
  return fmt::format(
      "<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" "
      "content=\"2\"><title>q50sim live</title><style>body{{font-family:sans-serif;margin:1em}}"
      "td{{padding:2px 10px}}code{{font-size:12px}}</style></head><body>"
      "<h1>q50sim live node: {}</h1><table id=\"summary\">"
      "<tr><td>venue time</td><td>{}</td></tr><tr><td>bars</td><td>{}</td></tr>"
      "<tr><td>equity</td><td>{:.2f}</td></tr><tr><td>position</td><td>{:.8f}</td></tr>"
      "<tr><td>last close</td><td>{:.2f}</td></tr><tr><td>last signal age</td><td>{} s</td></tr>"
      "<tr><td>orders / fills</td><td>{} / {}</td></tr>"
      "<tr><td>duplicates / lost fills</td><td>{} / {}</td></tr>"
      "<tr><td>reconciliations / reconnects / restarts</td><td>{} / {} / {}</td></tr>"
      "<tr><td>faults seen / 429 / 418</td><td>{} / {} / {}</td></tr>"
      "<tr><td>request weight used (1m)</td><td>{}</td></tr></table>"
      "<h2>Equity</h2>{}<h2>Last decisions</h2>{}<h2>Last orders</h2>{}</body></html>\n",
      html_escape(s.status), format_timestamp(s.venue_time_ms * 1'000'000), s.bars, s.equity,
      s.position, s.last_close,
      s.last_signal_age_ms < 0 ? std::string("-") : fmt::format("{}", s.last_signal_age_ms / 1000),
      c.orders, c.fills, c.duplicate_orders, c.lost_fills, c.reconciliations, c.reconnects,
      c.restarts, c.faults_seen, s.venue.rate_limited, s.venue.banned, s.venue.used_weight_1m,
      equity_svg(s), list_html("decisions", s.recent_decisions), list_html("orders", s.recent_orders));
}

struct MonitorServer::Impl {
  explicit Impl(std::vector<std::string> secrets) : redactor(std::move(secrets)) {}

  httplib::Server server;
  std::thread thread;
  std::atomic<bool> listen_returned{false};
  std::mutex mutex;
  NodeSnapshot snapshot;
  Redactor redactor;
  int port = 0;

  template <class Render>
  void serve(const char* path, const char* content_type, Render render) {
    server.Get(path, [this, content_type, render](const httplib::Request&, httplib::Response& res) {
      std::string body;
      {
        std::lock_guard<std::mutex> lock(mutex);
        body = render(snapshot);
      }
      res.set_content(body, content_type);
    });
  }
};

absl::StatusOr<std::unique_ptr<MonitorServer>> MonitorServer::start(
    int port, std::vector<std::string> secrets) {
  auto impl = std::make_unique<Impl>(std::move(secrets));
  // httplib's default socket options set SO_REUSEPORT: a second process would share the port
  // and answer half the scrapes. SO_REUSEADDR only: a taken port is refused, a restart rebinds.
  impl->server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // A connection open without a request (a browser's preconnect) holds a worker, and so the
  // server's stop, for the keep-alive timeout (httplib's default: 5 s; measured 5.0 s -> 1.0 s).
  impl->server.set_keep_alive_timeout(1);
  // httplib's patterns are regular expressions: the dot escaped, or /statusXjson would match.
  impl->serve("/metrics", "text/plain; version=0.0.4", prometheus_text);
  impl->serve("/status\\.json", "application/json", status_json);
  impl->serve("/", "text/html; charset=utf-8", status_html);
  impl->port = port == 0 ? impl->server.bind_to_any_port("127.0.0.1")
                         : (impl->server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (impl->port <= 0) {
    return absl::UnavailableError(fmt::format("monitoring: cannot listen on 127.0.0.1:{}", port));
  }
  Impl* raw = impl.get();
  raw->thread = std::thread([raw] {
    raw->server.listen_after_bind();
    raw->listen_returned = true;
  });
  // httplib's stop() does nothing until listen_after_bind() runs: a server destroyed before
  // that would never be joined. Return once it serves (or has already given up).
  while (!raw->server.is_running() && !raw->listen_returned) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return std::unique_ptr<MonitorServer>(new MonitorServer(std::move(impl)));
}

MonitorServer::MonitorServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MonitorServer::~MonitorServer() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

int MonitorServer::port() const { return impl_->port; }

void MonitorServer::publish(const NodeSnapshot& snapshot) {
  // The texts a person reads (venue messages among them) redacted before any page shows them;
  // done here, on the publishing thread, outside the lock.
  NodeSnapshot shown = snapshot;
  shown.status = impl_->redactor.pieces(std::move(shown.status));
  for (std::string& line : shown.recent_decisions) line = impl_->redactor.pieces(std::move(line));
  for (std::string& line : shown.recent_orders) line = impl_->redactor.pieces(std::move(line));
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->snapshot = std::move(shown);
}

}  // namespace q50::live
