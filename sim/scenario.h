#ifndef Q50SIM_SIM_SCENARIO_H_
#define Q50SIM_SIM_SCENARIO_H_

// A scenario as plain data: what a simulated run trades on, how it sizes and limits, the venue
// it meets, the faults injected into it, and what the run must satisfy. io/scenario_file.h
// parses it from TOML (scenarios/example.toml documents every key); the simulator consumes it
// directly, so fault injection and the runner share one definition.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/regime.h"
#include "core/risk.h"
#include "core/signal_lookup.h"
#include "core/sizing.h"
#include "core/position_policy.h"
#include "core/strategy.h"
#include "core/timestamp.h"
#include "sim/exchange.h"
#include "sim/market_stream.h"
#include "sim/synthetic_market.h"

namespace q50::sim {

// A point of the run: a bar index (0 = the first bar) or a simulated time. The runner maps bar
// indices to the bar's publication time.
struct ScenarioPoint {
  enum class Kind : std::uint8_t { kBar, kTime };
  Kind kind = Kind::kBar;
  std::int64_t bar = 0;   // kBar: >= 0
  TimestampNs ts_ns = 0;  // kTime
};

// [market]
enum class MarketSourceKind : std::uint8_t { kSynthetic, kCsv, kQlib };

// A price gap applied to the synthetic path: from bar at_bar on, every close is multiplied by
// (1 + jump_pct / 100) (a crash when negative). jump_pct > -100.
struct PriceJump {
  std::int64_t at_bar = 0;
  double jump_pct = 0;
};

struct CsvMarket {
  std::string path;
  // Column names in the file's header; volume may be empty (no volume column: every bar has
  // unlimited volume); open/high/low may be empty (they default to the close).
  std::string ts_column = "datetime";
  std::string open_column = "open";
  std::string high_column = "high";
  std::string low_column = "low";
  std::string close_column = "close";
  std::string volume_column = "volume";
};

struct QlibMarket {
  std::string dir;  // the provider directory (calendars/, instruments/, features/)
  std::string instrument = "btcusdt";
  std::string freq = "60min";
};

struct MarketConfig {
  MarketSourceKind source = MarketSourceKind::kSynthetic;
  // Always filled: the synthetic generator's parameters (seed = the scenario's seed,
  // start_ts_ns = [scenario] start, bars = [scenario] bars or the schedule's total).
  SyntheticMarketParams synthetic;
  OhlcvShape ohlcv;         // wicks and volume around the synthetic closes
  std::vector<PriceJump> jumps;  // sorted by at_bar
  // Filled when the file has the table (validated even when source selects another).
  std::optional<CsvMarket> csv;
  std::optional<QlibMarket> qlib;
};

// [signals]
enum class SignalSourceKind : std::uint8_t { kSynthetic, kFile };

struct SignalFileSource {
  std::string path;
};

struct SignalConfig {
  SignalSourceKind source = SignalSourceKind::kSynthetic;
  ForecasterParams synthetic;  // seed = the scenario's seed
  std::optional<SignalFileSource> file;
  SignalLookupRule lookup;  // tolerance <= max_staleness (checked)
};

// Frozen vol_risk percentiles ([signals.percentiles]): a stream has no whole sample (existing
// system: look-ahead). Defaults: the existing system's constants rebuilt over its whole
// training sample (spec/existing-signals.md §3).
inline constexpr VariancePercentiles kScenarioPercentiles{
    8.464913116768003e-06, 4.007928073406219e-05, 1.2133085692767059e-04};

// The core's strategy parameters with a scenario's defaults: [strategy], [signals.percentiles]
// and [risk] of the file fill it in (the lot size is the instrument's step, set by the engine
// configuration).
strategy::Params scenario_strategy_defaults();

// [strategy]
// [[faults]]
enum class FaultKind : std::uint8_t {
  kVenueOutage,        // every request rejected (VENUE_DOWN), no matching, until recovery
  kOrderReject,        // orders rejected with `reason` (probability per order, at most count)
  kPartialFill,        // fills cut to fill_fraction of the order (probability per order)
  kLatencySpike,       // requests sent in the window take `latency` longer
  kRateLimit,          // the venue admits max_orders per window during the fault
  kStaleBar,           // bars delivered `lag` late
  kMissingBar,         // bars never delivered
  kDuplicateBar,       // bars delivered `copies` extra times
  kOutOfOrderBar,      // bars delivered after the next `delay_items` bars
  kStaleSignal,        // signal rows delivered `lag` late
  kMissingSignal,      // signal rows dropped
  kDuplicateSignal,    // signal rows delivered `copies` extra times
  kOutOfOrderSignal,   // signal rows delivered after the next `delay_items` rows
  kSignalFileMissing,  // the signal file is absent (at bar 0: at start), `policy` applies
  kSignalFileCorrupt,  // the signal file fails to parse, `policy` applies
  kClockSkew,          // the strategy's clock runs `skew` off the venue's
  kProcessCrash,       // the process dies; it restarts after `restart_after` from the last
                       // checkpoint
};
// An enumerator and its spelling in scenario files.
template <typename E>
struct Named {
  std::string_view name;
  E value;
};

inline constexpr Named<FaultKind> kFaultKinds[] = {{"venue_outage", FaultKind::kVenueOutage},
                                             {"order_reject", FaultKind::kOrderReject},
                                             {"partial_fill", FaultKind::kPartialFill},
                                             {"latency_spike", FaultKind::kLatencySpike},
                                             {"rate_limit", FaultKind::kRateLimit},
                                             {"stale_bar", FaultKind::kStaleBar},
                                             {"missing_bar", FaultKind::kMissingBar},
                                             {"duplicate_bar", FaultKind::kDuplicateBar},
                                             {"out_of_order_bar", FaultKind::kOutOfOrderBar},
                                             {"stale_signal", FaultKind::kStaleSignal},
                                             {"missing_signal", FaultKind::kMissingSignal},
                                             {"duplicate_signal", FaultKind::kDuplicateSignal},
                                             {"out_of_order_signal", FaultKind::kOutOfOrderSignal},
                                             {"signal_file_missing", FaultKind::kSignalFileMissing},
                                             {"signal_file_corrupt", FaultKind::kSignalFileCorrupt},
                                             {"clock_skew", FaultKind::kClockSkew},
                                             {"process_crash", FaultKind::kProcessCrash}};

// The file's spelling, e.g. "venue_outage".
std::string_view fault_kind_name(FaultKind kind);

// While the signal file is unusable: trade on the signals already loaded, or go flat.
enum class SignalFailurePolicy : std::uint8_t { kCached, kFlat };

// One [[faults]] entry. Only the fields the kind takes are meaningful (the parser rejects the
// others); the rest keep these defaults.
struct Fault {
  FaultKind kind = FaultKind::kVenueOutage;
  std::string origin;  // "path:line:column" of the entry, for run reports
  ScenarioPoint at;
  // The end of the window: until (a point), or at + duration (duration_ns, at a time point or
  // relative to the bar's time). Neither: a window of `count` items for data faults, the rest
  // of the run otherwise (process_crash is instantaneous).
  std::optional<ScenarioPoint> until;
  std::optional<TimestampNs> duration_ns;
  double probability = 1.0;  // [0, 1]
  // Data faults: the window is `count` items from `at` (default 1) unless until/duration is
  // given. order_reject/partial_fill: at most count orders affected (nullopt: no limit).
  std::optional<std::int64_t> count;
  RejectCode reason = RejectCode::kInsufficientBalance;  // order_reject
  double fill_fraction = 0.5;                                      // partial_fill, (0, 1)
  TimestampNs latency_ns = 0;                                      // latency_spike, > 0
  std::int64_t max_orders = 1;                                     // rate_limit, >= 1
  TimestampNs window_ns = kNsPerSecond;                            // rate_limit, > 0
  TimestampNs lag_ns = kNsPerHour;                                 // stale_*, > 0
  std::int64_t copies = 1;                                         // duplicate_*, >= 1
  std::int64_t delay_items = 1;                                    // out_of_order_*, >= 1
  SignalFailurePolicy policy = SignalFailurePolicy::kCached;       // signal_file_*
  TimestampNs skew_ns = 0;                                         // clock_skew, != 0
  TimestampNs restart_after_ns = 0;                                // process_crash, >= 0
};

// [assertions]
struct Assertions {
  bool no_invariant_violations = true;
  bool faults_recovered = false;  // after every fault window the run trades normally again
  bool deterministic = true;      // a second run gives the same journal fingerprint
  bool flat_at_end = false;
  std::optional<std::int64_t> min_trades;
  std::optional<std::int64_t> max_trades;
  std::optional<double> max_drawdown_at_most;   // fraction in [0, 1]
  std::optional<double> final_equity_at_least;  // quote
  std::optional<double> final_equity_at_most;   // quote
  std::optional<double> sharpe_at_least;
  // At least this many venue rejects of each code (reject_code_name, lower-cased).
  std::map<RejectCode, std::int64_t> expect_rejects;
  // At least this many risk rejects (or clamps) of each reason (reject_reason_name).
  std::map<RejectReason, std::int64_t> expect_risk_rejects;
};

// [venue]: settings of the loopback mock venue (q50sim venue, mockvenue/) that the simulator
// itself never reads: the account's asset names, the REST API's request-weight and order limits
// (wall-clock windows, like Binance's), and the venue faults the mock injects on a seeded
// schedule. Probabilities are per signed request (VenueRequestFaults), per closed bar (restart,
// wipe) or per signal row (VenueSignalFileFaults); 0 turns a fault off.
struct VenueRateLimits {
  std::int64_t weight_limit = 6000;             // request weight per window
  TimestampNs weight_window_ns = kNsPerMinute;  // wall clock, whole seconds
  std::int64_t order_limit = 50;                // new orders per window
  TimestampNs order_window_ns = 10 * kNsPerSecond;
  std::int64_t ban_after_429s = 2;  // 429s answered in one window before the IP is banned (418)
  TimestampNs ban_ns = 2 * kNsPerMinute;  // the first ban; each later one lasts twice as long
};

// How a response lost after the order executed is lost.
enum class LostResponseMode : std::uint8_t { kDrop, kServerError, kEither };

struct VenueRequestFaults {
  double timeout_unprocessed = 0;  // answered after timeout_delay, the request not processed
  double timeout_processed = 0;    // processed at once, answered after timeout_delay
  TimestampNs timeout_delay_ns = 12 * kNsPerSecond;  // wall clock
  double error_5xx = 0;            // 503 at once, not processed
  double lost_response = 0;        // processed, then the connection dropped or a 503
  LostResponseMode lost_response_mode = LostResponseMode::kEither;
  double skew_1021 = 0;            // -1021 at once, not processed
  double restart = 0;              // per closed bar: the server stops listening for restart_down
  TimestampNs restart_down_ns = 500'000'000;  // wall clock
  double wipe = 0;                 // per closed bar: every open order deleted (testnet wipe)
};

struct VenueSignalFileFaults {
  double late = 0;                    // the row is written late_by after its bar closed
  TimestampNs late_by_ns = 30 * kNsPerMinute;  // venue time
  double missing = 0;                 // the row is never written
  double corrupt = 0;                 // a line the reader rejects, repaired at the next bar
};

struct VenueConfig {
  std::string base_asset;   // "" = the symbol less its quote asset (BTCUSDT -> BTC)
  std::string quote_asset;  // "" = the symbol's known quote suffix (USDT, USDC, BTC, ...)
  VenueRateLimits rate_limits;
  VenueRequestFaults faults;
  VenueSignalFileFaults signal_file;
};

// The scenario
struct Scenario {
  std::string path;  // the file it came from (as given)
  std::string dir;   // its directory, against which relative paths were resolved
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  // The run's length: bars, or the bars before end_ts_ns. Synthetic markets always know their
  // length (market.synthetic.bars); for csv/qlib nullopt means every bar of the source.
  std::optional<std::int64_t> bars;
  std::optional<TimestampNs> start_ts_ns;
  std::optional<TimestampNs> end_ts_ns;
  std::int64_t checkpoint_every_bars = 24;  // 0 = never (a crash restarts from the start)

  MarketConfig market;
  SignalConfig signals;
  // [strategy], [signals.percentiles] and [risk]: the core's own parameter type.
  strategy::Params strategy = scenario_strategy_defaults();
  // Validated with validate_exchange_config. Outages and latency spikes are faults: the
  // runner adds them here once bar indices are mapped to times.
  ExchangeConfig exchange;
  std::vector<Fault> faults;  // in file order
  Assertions assertions;
  VenueConfig venue;  // [venue]: only the mock venue reads it
};

}  // namespace q50::sim

#endif  // Q50SIM_SIM_SCENARIO_H_
