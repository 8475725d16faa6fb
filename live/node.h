#ifndef Q50SIM_LIVE_NODE_H_
#define Q50SIM_LIVE_NODE_H_

// The live node: the shared runtime (core/runtime.h) driven from a wall-clock loop against the
// Binance spot API (live/binance_venue.h), as the simulator drives it from its event queue
// against the mock exchange. Its time is the venue's: GET /api/v3/time on every turn, so an
// accelerated mock venue drives it as fast as it runs.
//
// One turn of the loop:
//   1. the venue's time; the closed 1h klines after the last bar processed (a bar is taken
//      once its signal row is there or signal_grace_ms of venue time have passed since it
//      closed);
//   2. for each new bar: the signal for it (the existing system's signal file, past-only
//      lookup; a missing or corrupt file applies the configured policy: the last row marked
//      stale, or flat), then the runtime's step; its commands run at once: the state is saved
//      BEFORE an order is sent (so a killed process never sends it twice), answers go back to
//      the runtime, queries that fail are asked again on the next turn;
//   3. the venue's progress on open orders (fills, ends) to the runtime;
//   4. a reconciliation every reconcile_every_bars bars, after any anomaly and after a
//      transport failure that recovered (a reconnect);
//   5. the state saved (atomically, durably, by the NodeFiles implementation), metrics and the
//      monitoring snapshot published; then a wait: the venue's Retry-After (429/418), pacing
//      when the used weight nears the limit, bounded exponential backoff with seeded jitter
//      after transport failures, else poll_interval_ms.
// It stops after max_bars processed bars, on a stop request (SIGINT/SIGTERM: the state is
// saved, nothing is half-written) or when the venue refuses its credentials.
//
// A restart (after a crash or kill -9) loads the saved state: the strategy as it was, the
// order log, the last bar processed; the runtime then asks the venue for the order that was in
// flight and reconciles its books with the venue's account before it trades again.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "core/ports/signal_source.h"
#include "core/ports/sink.h"
#include "core/prng.h"
#include "core/runtime.h"
#include "core/strategy.h"
#include "live/binance_venue.h"
#include "live/clock.h"
#include "live/node_state.h"
#include "live/rest_client.h"

namespace q50::live {

enum class SignalUnavailablePolicy : std::uint8_t { kCached, kFlat };

struct NodeConfig {
  std::string symbol = "BTCUSDT";
  std::string interval = "1h";
  std::int64_t bar_ms = 3'600'000;
  strategy::Params strategy;  // its lot size is the symbol's step (set by the node)
  SignalUnavailablePolicy on_signal_unavailable = SignalUnavailablePolicy::kCached;
  // The client order ids: prefix + counter; the prefix names the run so that two nodes on
  // one account never collide (1..20 characters of [A-Za-z0-9_-]).
  std::string client_id_prefix = "q50-";
  bool paper = false;
  // The close (ms) of the first bar to trade; 0: the bar in progress at start. Bars before it
  // (warmup_bars of them) feed the features only.
  std::int64_t first_bar_close_ms = 0;
  std::int64_t warmup_bars = 24;   // closed bars before the start, for the features only
  std::int64_t max_bars = 0;       // stop after this many bars (0: until stopped)
  std::int64_t poll_interval_ms = 1000;  // the longest wall wait between turns (the node
                                         // sleeps until the next bar can close, at most this)
  std::int64_t signal_grace_ms = 60'000;  // venue ms to wait for a just-closed bar's signal
  std::int64_t reconcile_every_bars = 24;
  double pace_weight_fraction = 0.8;  // pace when the used weight passes this share of the limit
  std::int64_t weight_window_ms = 60'000;  // the weight window (Binance: a minute)
  std::int64_t backoff_base_ms = 200;
  std::int64_t backoff_max_ms = 30'000;
  std::uint64_t seed = 1;  // backoff jitter: Prng(seed).fork("backoff")
};

// What the node writes, implemented by the caller (io/live_files.h: files in the state
// directory). Every call must be safe to interrupt: a save either replaces the previous state
// or leaves it.
class NodeFiles {
 public:
  virtual ~NodeFiles() = default;
  // The saved state, nullopt when there is none (a first start).
  virtual absl::StatusOr<std::optional<std::string>> load_state() = 0;
  virtual absl::Status save_state(std::string_view bytes) = 0;  // durable (fsync), atomic
  virtual void journal(std::string_view line) = 0;               // one line, appended
  virtual absl::Status save_metrics(std::string_view json) = 0;  // atomic
};

// What the monitoring endpoint shows (live/monitor.h); published after every turn.
struct NodeSnapshot {
  std::int64_t venue_time_ms = 0;
  std::int64_t bars = 0;
  double equity = 0;
  double position = 0;
  double last_close = 0;
  std::int64_t last_signal_age_ms = -1;  // venue time since the last bar with a fresh signal
  NodeCounters counters;
  VenueStats venue;
  runtime::Counters runtime;
  std::deque<std::string> recent_decisions;  // newest last, at most 20
  std::deque<std::string> recent_orders;     // newest last, at most 20
  std::deque<std::pair<std::int64_t, double>> equity_curve;  // (venue ms, equity), at most 500
  std::string status = "starting";
};

class LiveNode {
 public:
  // Everything must outlive the node. `stop` is polled every turn and every wait.
  LiveNode(NodeConfig config, RestClient& rest, Clock& clock, ports::SignalSource& signals,
           ports::Sink& sink, NodeFiles& files, const std::atomic<bool>& stop);

  // Runs until max_bars, a stop request or a fatal venue answer. OK for a clean stop;
  // Unauthenticated for refused credentials; FailedPrecondition / Unavailable when the venue
  // cannot be reached at start (exchangeInfo, account), InvalidArgument for a damaged state file.
  absl::Status run();

  // Called after every turn with what the monitoring endpoint shows.
  void on_snapshot(std::function<void(const NodeSnapshot&)> publish) {
    publish_ = std::move(publish);
  }
  const NodeState& state() const { return state_; }

 private:
  absl::Status start();
  absl::Status warm_up(std::int64_t start_open_ms);
  void turn();
  std::int64_t sync_time();
  void process_bars(std::int64_t now_ms);
  void process_bar(const Kline& k, std::int64_t now_ms);
  ports::SignalSample signal_for(TimestampNs bar_ts_ns);
  void execute(const runtime::Commands& commands);
  void execute_one(const runtime::Command& command);
  void to_runtime(const std::vector<venue::VenueEvent>& events);
  void record(const venue::VenueEvent& event);
  void retry_queries();
  void persist();
  void publish();
  void wait();
  void note_venue_rate(std::int64_t wall_ms, std::int64_t venue_ms);
  std::int64_t idle_wait_ms() const;
  static constexpr std::int64_t kBusyPollMs = 20;
  std::string metrics_json() const;
  TimestampNs now_ns() const { return now_ms_ * 1'000'000; }

  NodeConfig config_;
  RestClient& rest_;
  Clock& clock_;
  ports::SignalSource& signals_;
  ports::Sink& sink_;
  NodeFiles& files_;
  const std::atomic<bool>& stop_;
  std::function<void(const NodeSnapshot&)> publish_;

  SymbolInfo symbol_;
  std::optional<BinanceVenue> venue_;
  std::optional<runtime::Runtime> runtime_;
  runtime::Config runtime_config_;
  NodeState state_;
  NodeSnapshot snapshot_;
  Prng backoff_rng_;
  std::int64_t now_ms_ = 0;
  std::int64_t failures_in_row_ = 0;  // turns whose venue calls failed, for the backoff
  bool reconcile_due_ = false;
  std::vector<std::string> pending_order_queries_;  // client ids whose query failed
  bool pending_account_query_ = false;
  ports::SignalSample last_good_signal_;
  std::int64_t last_fresh_signal_ms_ = -1;
  std::int64_t weight_limit_ = 6000;
  std::string saved_state_;        // the bytes of the last state saved
  double venue_rate_ = 1.0;        // venue ms per wall ms (note_venue_rate)
  std::int64_t rate_wall_ms_ = -1;
  std::int64_t rate_venue_ms_ = 0;
};

}  // namespace q50::live

#endif  // Q50SIM_LIVE_NODE_H_
