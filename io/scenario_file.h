#ifndef Q50SIM_IO_SCENARIO_FILE_H_
#define Q50SIM_IO_SCENARIO_FILE_H_

// Scenario files (TOML, scenarios/example.toml documents every key): what a simulated run
// trades on, how it sizes and limits, the venue it meets, the faults injected into it, and what
// the run must satisfy. The result is plain data built from the simulator's own config types
// (no TOML types leak out of io/scenario_file.cc), so a runner can consume it directly.
//
// Strictness: every unknown key, at any depth, and every bad value is an error
//   "<path>:<line>:<column>: unknown key 'x' in [table] (known: a, b, c)"
//   "<path>:<line>:<column>: [table].key: expected ..., got ..."
// and TOML syntax errors (duplicate keys included) come back as "<path>:<line>:<column>: ...".
// The first error found is reported: within a table, unknown keys (the earliest in the file)
// before values.
//
// Units in the file: durations are strings with a unit ("250ms", "1h", "-2s"; ns, us, ms, s,
// m, h, d); times are "YYYY-MM-DD HH:MM:SS" strings or TOML local date-times (UTC); prices,
// quantities and balances are decimals (a string "0.00001" is exact, a TOML integer or float
// is converted to 1e-8 units, and must be exact there); fee and slippage rates are integer ppm
// (1000 ppm = 0.1%).
//
// Paths: a relative path is resolved against the scenario file's directory. A path starting
// with a placeholder "${NAME}" (e.g. "${Q50SIM_REFERENCE_DIR}/btc.csv") is kept verbatim; the
// runner expands it with expand_scenario_path (core/ and sim/ may not read the environment).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/regime.h"
#include "core/risk.h"
#include "core/signal_lookup.h"
#include "core/sizing.h"
#include "core/strategy.h"
#include "core/timestamp.h"
#include "sim/exchange.h"
#include "sim/market_stream.h"
#include "sim/synthetic_market.h"

namespace q50::io {

// A point of the run: a bar index (0 = the first bar) or a simulated time. The runner maps bar
// indices to the bar's publication time.
struct ScenarioPoint {
  enum class Kind : std::uint8_t { kBar, kTime };
  Kind kind = Kind::kBar;
  std::int64_t bar = 0;   // kBar: >= 0
  TimestampNs ts_ns = 0;  // kTime
};

// ---- [market] -------------------------------------------------------------------------------

enum class MarketSource : std::uint8_t { kSynthetic, kCsv, kQlib };

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
  MarketSource source = MarketSource::kSynthetic;
  // Always filled: the synthetic generator's parameters (seed = the scenario's seed,
  // start_ts_ns = [scenario] start, bars = [scenario] bars or the schedule's total).
  sim::SyntheticMarketParams synthetic;
  sim::OhlcvShape ohlcv;         // wicks and volume around the synthetic closes
  std::vector<PriceJump> jumps;  // sorted by at_bar
  // Filled when the file has the table (validated even when source selects another).
  std::optional<CsvMarket> csv;
  std::optional<QlibMarket> qlib;
};

// ---- [signals] ------------------------------------------------------------------------------

enum class SignalSource : std::uint8_t { kSynthetic, kFile };

struct SignalFileSource {
  std::string path;
};

struct SignalConfig {
  SignalSource source = SignalSource::kSynthetic;
  sim::ForecasterParams synthetic;  // seed = the scenario's seed
  std::optional<SignalFileSource> file;
  SignalLookupRule lookup;  // tolerance <= max_staleness (checked)
  // Frozen vol_risk percentiles: a stream has no whole sample (existing system: look-ahead).
  // Defaults: the existing system's constants rebuilt over its whole training sample
  // (spec/existing-signals.md §3).
  VariancePercentiles percentiles{8.464913116768003e-06, 4.007928073406219e-05,
                                  1.2133085692767059e-04};
};

// ---- [strategy] -----------------------------------------------------------------------------

// Where a bar's size comes from: a signal-row column, or one of the HB backtester's methods.
enum class SizingSource : std::uint8_t { kKellyPositionSize, kPositionSizeSuggestion, kHb };
enum class MissingSignalPolicy : std::uint8_t { kHold, kFlat };
enum class RiskMode : std::uint8_t { kCheck, kClamp };

struct StrategyConfig {
  SizingSource sizing = SizingSource::kKellyPositionSize;
  HbSizingMethod hb_method = HbSizingMethod::kEnhanced;  // with SizingSource::kHb
  double hb_max_position_pct = 0.5;
  strategy::HoldPolicy hold = strategy::HoldPolicy::kKeep;
  double min_confidence_hold = 1.0;  // with HoldPolicy::kLegacyMinConfidence
  strategy::PositionRule rule = strategy::PositionRule::kTargetPosition;
  double max_position_fraction = 0.5;  // |target exposure| <= this * equity, in [0, 10]
  bool allow_short = false;
  MissingSignalPolicy on_missing_signal = MissingSignalPolicy::kHold;
  bool use_stale = true;
  double rebalance_min_fraction = 0.0;
  RiskMode risk_mode = RiskMode::kClamp;
};

// ---- [[faults]] -----------------------------------------------------------------------------

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
std::string_view fault_kind_name(FaultKind kind);  // the file's spelling, e.g. "venue_outage"

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
  sim::RejectCode reason = sim::RejectCode::kInsufficientBalance;  // order_reject
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

// ---- [assertions] ---------------------------------------------------------------------------

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
  // At least this many venue rejects of each code (sim::reject_code_name, lower-cased).
  std::map<sim::RejectCode, std::int64_t> expect_rejects;
  // At least this many risk rejects (or clamps) of each reason (reject_reason_name).
  std::map<RejectReason, std::int64_t> expect_risk_rejects;
};

// ---- The scenario ---------------------------------------------------------------------------

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
  StrategyConfig strategy;
  RiskLimits risk{0.5, 1.0, 1.0, 1.0, 0.00001, 5.0};
  // Validated with sim::validate_exchange_config. Outages and latency spikes are faults: the
  // runner adds them here once bar indices are mapped to times.
  sim::ExchangeConfig exchange;
  std::vector<Fault> faults;  // in file order
  Assertions assertions;
};

// Parses scenario text; `path` names it in errors and anchors relative paths (its directory).
absl::StatusOr<Scenario> parse_scenario(const std::string& path, std::string_view text);

// Reads and parses the file at path (NotFound/Internal for I/O errors).
absl::StatusOr<Scenario> read_scenario(const std::string& path);

// Every key the parser accepts, as dotted paths in the order of the documentation:
// "scenario.seed", "market.synthetic.regimes.bars" (arrays of tables add no index),
// "faults.kind", "assertions.expect_rejects" (a table whose keys are reject codes).
std::span<const std::string_view> scenario_known_keys();

// The dotted key paths that occur in a scenario text (same spelling as scenario_known_keys;
// the keys inside expect_rejects / expect_risk_rejects are not listed). Syntax errors only.
absl::StatusOr<std::vector<std::string>> scenario_key_paths(const std::string& path,
                                                            std::string_view text);

// Expands the placeholders "${NAME}" in a scenario path with lookup(NAME). InvalidArgument for
// an unterminated "${", an empty name, or a name lookup does not know.
absl::StatusOr<std::string> expand_scenario_path(
    std::string_view path,
    const std::function<std::optional<std::string>(std::string_view)>& lookup);

}  // namespace q50::io

#endif  // Q50SIM_IO_SCENARIO_FILE_H_
