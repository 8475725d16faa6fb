#ifndef Q50SIM_LIVE_MONITOR_H_
#define Q50SIM_LIVE_MONITOR_H_

// The live node's monitoring endpoint, on 127.0.0.1 only:
//   GET /metrics      Prometheus text exposition (version 0.0.4): equity, position, last signal
//                     age, bars, orders by outcome, fills, duplicate orders, lost fills,
//                     reconciliations, request weight used, reconnects, faults, restarts;
//   GET /status.json  the same snapshot as JSON;
//   GET /             a small self-refreshing HTML status page (every 2 s): an equity curve,
//                     the position, the last decisions and orders, faults; no network needed.
// The node publishes a snapshot after every turn; the server thread only reads the latest one
// under a mutex, so a slow scraper never slows the node.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "live/node.h"

namespace q50::live {

class MonitorServer {
 public:
  // Binds 127.0.0.1:port (0: a free port) and serves on its own thread; returns once it
  // accepts connections. `secrets` (the API key and secret) are redacted from every text of a
  // published snapshot (status, decisions, orders: venue messages included) as
  // Redactor::pieces does, before any page shows them.
  static absl::StatusOr<std::unique_ptr<MonitorServer>> start(
      int port, std::vector<std::string> secrets = {});
  ~MonitorServer();
  MonitorServer(const MonitorServer&) = delete;
  MonitorServer& operator=(const MonitorServer&) = delete;

  int port() const;
  void publish(const NodeSnapshot& snapshot);

  struct Impl;

 private:
  explicit MonitorServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The renderings (pure; exposed for tests).
std::string prometheus_text(const NodeSnapshot& s);
std::string status_json(const NodeSnapshot& s);
std::string status_html(const NodeSnapshot& s);

}  // namespace q50::live

#endif  // Q50SIM_LIVE_MONITOR_H_
