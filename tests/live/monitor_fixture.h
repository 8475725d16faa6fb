#ifndef Q50SIM_TESTS_LIVE_MONITOR_FIXTURE_H_
#define Q50SIM_TESTS_LIVE_MONITOR_FIXTURE_H_

// What the monitoring tests serve and fetch: a realistic snapshot of a node that has run 300
// hourly bars through faults, with the API key and secret planted in every text the node fills
// (status, a decision, venue messages: whole and in pieces), a monitor started with that pair
// for redaction, and a loopback GET.

#include <httplib.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/timestamp.h"
#include "fmt/format.h"
#include "live/monitor.h"

namespace q50::live::monitor_test {

// A key pair shaped like Binance's (64 alphanumerics each), planted in the snapshot's texts.
inline constexpr char kKey[] = "Zq4WcT9vKmE2xLr7NpH3sB8yFd6GjU1aVo5QiXe0RkYt2MnCwS7hPb3LfD9gJu4A";
inline constexpr char kSecret[] =
    "t7GkP2wQx9LmR4vB8nZc3HsY6dJf1TqW5eKa0UoXi9MrE2yNb7CgV4hSl8DpF3jA";

inline constexpr std::int64_t kPoints = 300;
inline constexpr std::int64_t kStartMs = 1'717'200'000'000;  // 2024-06-01 00:00:00 UTC
inline constexpr std::int64_t kHourMs = 3'600'000;

inline double equity_at(std::int64_t i) {
  return 10'000.0 + 180.0 * std::sin(static_cast<double>(i) / 17.0) + 1.5 * static_cast<double>(i);
}

// What a node that has run 300 hourly bars through faults would publish.
inline NodeSnapshot realistic_snapshot() {
  NodeSnapshot s;
  for (std::int64_t i = 0; i < kPoints; ++i)
    s.equity_curve.emplace_back(kStartMs + i * kHourMs, equity_at(i));
  const std::int64_t last_ms = s.equity_curve.back().first;
  s.venue_time_ms = last_ms + 5 * 60'000;
  s.bars = kPoints;
  s.equity = s.equity_curve.back().second;
  s.position = 0.01234567;
  s.last_close = 67'123.45;
  s.last_signal_age_ms = 301'234;
  s.counters.bars = kPoints;
  s.counters.orders = 57;
  s.counters.fills = 49;
  s.counters.duplicate_orders = 3;
  s.counters.lost_fills = 2;
  s.counters.reconciliations = 14;
  s.counters.restarts = 1;
  s.counters.reconnects = 6;
  s.counters.anomalies = 4;
  s.counters.signal_unavailable_bars = 5;
  s.counters.faults_seen = 23;
  s.venue.requests = 4'321;
  s.venue.orders_sent = 57;
  s.venue.orders_accepted = 51;
  s.venue.orders_rejected = 4;
  s.venue.unknown_outcomes = 2;
  s.venue.clock_resyncs = 3;
  s.venue.rate_limited = 7;
  s.venue.banned = 1;
  s.venue.fills = 49;
  s.venue.transport_errors = 9;
  s.venue.orders_vanished = 1;
  s.venue.used_weight_1m = 1'234;
  for (int i = 0; i < 20; ++i) {
    const std::int64_t bar = kPoints - 20 + i;
    s.recent_decisions.push_back(fmt::format(
        "bar {} close={:.2f} q50={:.4f} side={} tier={} target={:.8f}",
        format_timestamp((kStartMs + bar * kHourMs) * 1'000'000), 67'000.0 + 7.0 * i,
        0.001 * (i - 10), i % 3 == 0 ? "hold" : (i % 3 == 1 ? "long" : "short"), i % 4, 0.001 * i));
    s.recent_orders.push_back(fmt::format("q50-{} accepted {} {:.8f}", 100 + i,
                                          i % 2 == 0 ? "BUY" : "SELL", 0.0005 * (i + 1)));
  }
  // Texts the node copies from the venue or the signal file, each carrying a credential.
  s.status = std::string("degraded: venue refused X-MBX-APIKEY ") + kKey;
  s.recent_decisions[7] += std::string(" signal file error: secret=") + kSecret;
  s.recent_orders[5] =
      std::string("q50-105 rejected kInvalidRequest: API-key format invalid: ") + kKey;
  s.recent_orders[11] =
      "q50-111 rejected kInvalidRequest: Signature for this request is not valid (" +
      std::string(kSecret).substr(9, 30) + "...)";
  s.recent_orders[13] =
      "q50-113 rejected kUnknown: <script>alert(1)</script> \xff\xfe & \"quoted\"";
  return s;
}

// A started monitor with the snapshot published, the key pair given for redaction.
inline std::unique_ptr<MonitorServer> started(const NodeSnapshot& s) {
  auto m = MonitorServer::start(0, {kKey, kSecret});
  BOOST_REQUIRE_MESSAGE(m.ok(), std::string(m.status().message()));
  BOOST_REQUIRE((*m)->port() > 0);
  (*m)->publish(s);
  return *std::move(m);
}

struct Got {
  int status = -1;
  std::string content_type;
  std::string body;
};

inline Got get(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5);
  client.set_read_timeout(10);
  const httplib::Result r = client.Get(path);
  BOOST_REQUIRE_MESSAGE(r, "GET " << path << ": " << httplib::to_string(r.error()));
  return {r->status, r->get_header_value("Content-Type"), r->body};
}

inline std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Every run of 8 bytes (Redactor::kMinSecretBytes) of the key or the secret found in `text`.
inline std::vector<std::string> credential_pieces_in(const std::string& text) {
  std::vector<std::string> found;
  for (const std::string secret : {kKey, kSecret}) {
    for (std::size_t i = 0; i + 8 <= secret.size(); ++i) {
      if (text.find(secret.substr(i, 8)) != std::string::npos) found.push_back(secret.substr(i, 8));
    }
  }
  return found;
}

}  // namespace q50::live::monitor_test

#endif  // Q50SIM_TESTS_LIVE_MONITOR_FIXTURE_H_
