// q50sim replay: the existing system's two backtesters replayed bar for bar through the
// simulator (sim/replay.h), writing the reference's files (shared/reference/backtest_hb/*/,
// backtest_quantile/*/) with the `expected_` prefix dropped. --checkpoint-at/--resume stop a
// run after event K and continue it in another process (sim/checkpoint.h).
#include <sys/mman.h>
#include <sys/stat.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "app/args.h"
#include "app/command_output.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "core/metrics.h"
#include "core/legacy/strategy.h"
#include "fmt/format.h"
#include "io/atomic_file.h"
#include "io/backtest_input.h"
#include "io/csv.h"
#include "core/number_format.h"
#include "sim/legacy/replay_checkpoint.h"
#include "sim/prng.h"
#include "sim/legacy/replay.h"

#ifndef Q50SIM_VERSION
#define Q50SIM_VERSION "unknown"
#endif

namespace q50::app {
namespace {

constexpr std::string_view kHelp =
    "usage: q50sim replay --profile hummingbot|quantile --input INPUT.csv --config CONFIG.json\n"
    "                     --out DIR [--seed N]\n"
    "       q50sim replay --profile P --input INPUT.csv --config CONFIG.json [--seed N]\n"
    "                     --checkpoint-at K --checkpoint FILE\n"
    "       q50sim replay --resume FILE --input INPUT.csv --config CONFIG.json --out DIR\n"
    "                     [--profile P] [--seed N]\n"
    "\n"
    "Replays one of the existing system's backtesters bar for bar through the simulator\n"
    "(event queue, strategy step, legacy float64 margin venue, journal, invariant checks).\n"
    "\n"
    "  --profile      hummingbot: HummingbotQuantileBacktester; quantile: QuantileBacktester\n"
    "  --input        the input frame (layout of shared/reference/backtest_*/*/input.csv)\n"
    "  --config       the config (layout of the reference's config.json)\n"
    "  --out DIR      writes bars.csv, trades.csv, holds.csv and metrics.json (hummingbot) or\n"
    "                 trades.csv and metrics.json (quantile), the reference's columns and keys;\n"
    "                 all files or none\n"
    "  --seed N       the run's seed (default 0); the legacy profiles draw no random numbers\n"
    "  --checkpoint-at K\n"
    "                 stop after the K-th simulator event (K >= 1), write the checkpoint to\n"
    "                 --checkpoint FILE (atomically) and exit 0 without writing any output:\n"
    "                 the run 'crashes' there on purpose; --out is not needed\n"
    "  --checkpoint FILE\n"
    "                 where --checkpoint-at writes (a portable binary file; see sim/checkpoint.h)\n"
    "  --resume FILE  continue the run saved in FILE and write DIR as the uninterrupted run\n"
    "                 would have, byte for byte, with the same fingerprint. The input and\n"
    "                 config files must be the ones the checkpoint was made from (checked by\n"
    "                 hash); profile and seed default to the checkpoint's and must match it\n"
    "\n"
    "Prints 'seed= scenario= version=' first and 'fingerprint=' (FNV-1a of the journal) last;\n"
    "with --checkpoint-at the last line is 'checkpoint: events=K -> FILE' instead.\n"
    "exit codes: 0 ok, 2 bad command line (also: K beyond the run's events), 3 bad input data\n"
    "(also: a truncated or corrupt checkpoint, or one made from other inputs), 4 I/O error\n";

// Python json float: repr, with NaN/Infinity spelled as json.dump writes them.
std::string json_float(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v < 0 ? "-Infinity" : "Infinity";
  return q50::py_repr(v);
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

// json.dump(indent=2) of a flat list of already-encoded members, at nesting depth `depth`.
std::string json_object(const std::vector<std::pair<std::string, std::string>>& members,
                        int depth) {
  if (members.empty()) return "{}";
  const std::string pad(static_cast<std::size_t>(2 * (depth + 1)), ' ');
  std::string out = "{\n";
  for (std::size_t i = 0; i < members.size(); ++i) {
    out += pad + json_string(members[i].first) + ": " + members[i].second;
    out += i + 1 < members.size() ? ",\n" : "\n";
  }
  return out + std::string(static_cast<std::size_t>(2 * depth), ' ') + "}";
}

// ---- hummingbot ---------------------------------------------------------------------------

std::string_view original_signal(const legacy::HbTradeRecord& t) {
  switch (t.purpose) {
    case legacy::OrderPurpose::kNeutralClose:
      return "NEUTRAL_CLOSE";
    case legacy::OrderPurpose::kBacktestEnd:
      return "BACKTEST_END";
    case legacy::OrderPurpose::kDirectional:
      break;
  }
  return legacy::direction_name(t.signal);
}

std::string hb_bars_csv(const sim::ReplayResult& r, const std::vector<double>& pv) {
  io::CsvWriter w({"timestamp", "price", "signal_direction", "target_pct", "confidence",
                   "prob_up", "prob_down_adj", "prob_neutral", "prob_up_adj", "action_taken",
                   "hold_reason", "balance", "position", "portfolio_value", "pnl", "returns",
                   "drawdown"},
                  r.hb_bars.size());
  const std::vector<double> returns = simple_returns(pv);
  const std::vector<double> dd = drawdowns(pv);
  for (std::size_t i = 0; i < r.hb_bars.size(); ++i) {
    const legacy::HbBarRecord& b = r.hb_bars[i];
    w.timestamp(b.ts_ns).f64(b.price).str(legacy::direction_name(b.signal.direction));
    w.f64(b.signal.target_pct).f64(b.signal.confidence).f64(b.signal.prob_up);
    w.f64(b.signal.prob_down_adj).f64(b.signal.prob_neutral).f64(b.signal.prob_up_adj);
    w.str(b.traded ? "TRADE" : "HOLD").str(legacy::hold_reason_name(b.hold_reason));
    w.f64(b.balance).f64(b.position).f64(b.portfolio_value).f64(b.pnl);
    if (i == 0) {
      w.empty();
    } else {
      w.f64(returns[i - 1]);
    }
    w.f64(dd[i]);
    w.end_row();
  }
  return std::move(w).release();
}

std::string hb_trades_csv(const sim::ReplayResult& r) {
  io::CsvWriter w({"timestamp", "side", "trade_type", "original_signal", "quantity", "price",
                   "fee_cost", "slippage_cost", "position_before", "position_after",
                   "balance_after", "pnl", "entry_price"},
                  r.hb_trades.size());
  for (const legacy::HbTradeRecord& t : r.hb_trades) {
    w.timestamp(t.ts_ns).str(t.buy ? "BUY" : "SELL");
    w.str(t.purpose == legacy::OrderPurpose::kDirectional ? "DIRECTIONAL" : "POSITION_CLOSURE");
    w.str(original_signal(t)).f64(t.quantity).f64(t.price).f64(t.fee_cost).f64(t.slippage_cost);
    w.f64(t.position_before).f64(t.position_after).f64(t.balance_after).f64(t.pnl);
    w.f64(t.entry_price);
    w.end_row();
  }
  return std::move(w).release();
}

std::string hb_holds_csv(const sim::ReplayResult& r) {
  io::CsvWriter w({"timestamp", "hold_reason", "position", "price", "portfolio_value"},
                  r.hb_holds.size());
  for (const legacy::HbHoldRecord& h : r.hb_holds) {
    w.timestamp(h.ts_ns).str(legacy::hold_reason_name(h.reason)).f64(h.position);
    w.f64(h.price).f64(h.portfolio_value);
    w.end_row();
  }
  return std::move(w).release();
}

// calculate_metrics as json.dump(indent=2) writes it. Python ints where the original yields
// an int: sharpe_ratio 0 when std is not > 0, win_rate 0 without trades.
std::string hb_metrics_json(const sim::ReplayResult& r, const std::vector<double>& pv,
                            double initial_balance) {
  std::vector<double> trade_pnl;
  trade_pnl.reserve(r.hb_trades.size());
  for (const auto& t : r.hb_trades) trade_pnl.push_back(t.pnl);
  std::vector<std::string_view> reasons;
  reasons.reserve(r.hb_holds.size());
  for (const auto& h : r.hb_holds) reasons.push_back(legacy::hold_reason_name(h.reason));
  const HbMetrics m = hb_metrics(
      {pv, trade_pnl, reasons, initial_balance, r.final_cash, r.final_position});
  std::vector<std::pair<std::string, std::string>> hold_reasons;
  for (const auto& [reason, count] : m.hold_reasons) {
    hold_reasons.emplace_back(reason, std::to_string(count));
  }
  const bool has_std = m.volatility > 0;
  return json_object(
      {{"total_return", json_float(m.total_return)},
       {"annualized_return", json_float(m.annualized_return)},
       {"volatility", json_float(m.volatility)},
       {"sharpe_ratio", has_std ? json_float(m.sharpe_ratio) : "0"},
       {"max_drawdown", json_float(m.max_drawdown)},
       {"total_trades", std::to_string(m.total_trades)},
       {"total_holds", std::to_string(m.total_holds)},
       {"total_periods", std::to_string(m.total_periods)},
       {"trade_frequency", json_float(m.trade_frequency)},
       {"hold_frequency", json_float(m.hold_frequency)},
       {"hold_reasons", json_object(hold_reasons, 1)},
       {"win_rate", m.total_trades > 0 ? json_float(m.win_rate) : "0"},
       {"final_balance", json_float(m.final_balance)},
       {"final_position", json_float(m.final_position)},
       {"final_portfolio_value", json_float(m.final_portfolio_value)}},
      0) + "\n";
}

// ---- quantile -------------------------------------------------------------------------------

std::string_view day_name(TimestampNs ts_ns) {
  static constexpr std::string_view kDays[] = {"Thursday", "Friday",   "Saturday", "Sunday",
                                               "Monday",   "Tuesday",  "Wednesday"};
  constexpr std::int64_t kDayNs = 86'400'000'000'000;
  std::int64_t day = ts_ns / kDayNs;
  if (ts_ns % kDayNs < 0) --day;
  return kDays[static_cast<std::size_t>(((day % 7) + 7) % 7)];
}

std::string qb_trades_csv(const sim::ReplayResult& r) {
  io::CsvWriter w({"timestamp", "date", "hour", "day_of_week", "side", "position_before",
                   "position_after", "position_change", "spread", "prob_down", "prob_neutral",
                   "prob_up", "tier", "tier_confidence", "pnl", "is_profitable",
                   "cumulative_pnl", "fee_cost", "slippage_cost", "total_cost",
                   "portfolio_value", "drawdown"},
                  r.qb_rows.size());
  std::string ts;
  for (const legacy::QbRowRecord& q : r.qb_rows) {
    ts = format_timestamp(q.ts_ns);
    w.str(ts).str(std::string_view(ts).substr(0, 10));
    w.i64(std::stoll(ts.substr(11, 2))).str(day_name(q.ts_ns));
    w.str(legacy::qb_side_name(q.side)).f64(q.position_before).f64(q.position_after);
    w.f64(q.position_after - q.position_before).f64(q.spread);
    w.f64(q.prob_down).f64(q.prob_neutral).f64(q.prob_up).i64(q.tier).f64(q.tier_confidence);
    w.f64(q.pnl).boolean(q.pnl > 0).f64(q.cumulative_pnl).f64(q.fee_cost).f64(q.slippage_cost);
    w.f64(q.fee_cost + q.slippage_cost).f64(q.portfolio_value).f64(q.drawdown);
    w.end_row();
  }
  return std::move(w).release();
}

std::string qb_tier_json(const QbMetrics& m) {
  std::vector<std::pair<std::string, std::string>> sum, mean, count, conf;
  for (const QbTierPerformance& t : m.tier_performance) {
    const std::string key = std::to_string(t.tier);
    sum.emplace_back(key, json_float(t.pnl_sum));
    mean.emplace_back(key, json_float(t.pnl_mean));
    count.emplace_back(key, std::to_string(t.pnl_count));
    conf.emplace_back(key, json_float(t.tier_confidence_mean));
  }
  return json_object({{"pnl_sum", json_object(sum, 2)},
                      {"pnl_mean", json_object(mean, 2)},
                      {"pnl_count", json_object(count, 2)},
                      {"tier_confidence_mean", json_object(conf, 2)}},
                     1);
}

// _calculate_metrics as save_results serialises it. Python ints where the original yields
// one: volatility 0 for one row, sharpe 0 unless volatility > 0, win_rate/avg_win/avg_loss 0
// when their count is 0.
std::string qb_metrics_json(const sim::ReplayResult& r, const io::QbBacktestConfig& config) {
  std::vector<QbMetricsRow> rows;
  rows.reserve(r.qb_rows.size());
  std::int64_t wins = 0, losses = 0;
  for (const auto& q : r.qb_rows) {
    rows.push_back({q.side == legacy::QbSide::kHold, q.pnl, q.drawdown, q.portfolio_value,
                    q.tier, q.tier_confidence, q.prob_up});
    wins += q.pnl > 0 ? 1 : 0;
    losses += q.pnl < 0 ? 1 : 0;
  }
  const QbMetrics m = qb_metrics(rows, {config.params.initial_capital,
                                        config.prediction_horizon_hours, config.data_frequency});
  std::vector<std::pair<std::string, std::string>> calibration;
  for (const QbCalibrationBin& b : m.probability_calibration) {
    calibration.emplace_back(
        fmt::format("({}, {}]", q50::py_repr(b.label_left), q50::py_repr(b.label_right)),
        std::isnan(b.up_fraction) ? "null" : json_float(b.up_fraction));
  }
  return json_object(
      {{"total_return", json_float(m.total_return)},
       {"annualized_return", json_float(m.annualized_return)},
       {"volatility", rows.size() > 1 ? json_float(m.volatility) : "0"},
       {"sharpe_ratio", m.volatility > 0 ? json_float(m.sharpe_ratio) : "0"},
       {"max_drawdown", json_float(m.max_drawdown)},
       {"total_trades", std::to_string(m.total_trades)},
       {"win_rate", m.total_trades > 0 ? json_float(m.win_rate) : "0"},
       {"avg_win", wins > 0 ? json_float(m.avg_win) : "0"},
       {"avg_loss", losses > 0 ? json_float(m.avg_loss) : "0"},
       {"profit_factor", json_float(m.profit_factor)},
       {"data_frequency", json_string(m.data_frequency)},
       {"prediction_horizon_hours", json_float(m.prediction_horizon_hours)},
       {"periods_per_year", json_float(m.periods_per_year)},
       {"tier_performance", qb_tier_json(m)},
       {"probability_calibration", json_object(calibration, 1)}},
      0) + "\n";
}

// ---- the command ----------------------------------------------------------------------------

// A run's heap peaks at about 6.5 times its input file (text, field table, bars, records, one
// output file at a time); this prefaults that much heap in one madvise call and frees it for
// the run to reuse (main.cc keeps freed memory in the heap). Faulting the same pages one by one
// on first touch was a fifth of the run's time on this project's paravirtualised VMs, where a
// page fault costs several microseconds. Best effort: on a kernel without MADV_POPULATE_WRITE
// (before Linux 5.14) the pages are simply faulted in as before.
void prefault_heap(const std::string& input_path) {
  struct stat st {};
  if (::stat(input_path.c_str(), &st) != 0 || st.st_size <= 0) return;
  constexpr std::size_t kPage = 4096;
  constexpr std::size_t kMaxBytes = std::size_t{1} << 30;
  const std::size_t bytes = std::min(static_cast<std::size_t>(st.st_size) * 8, kMaxBytes);
  void* block = std::malloc(bytes + kPage);
  if (block == nullptr) return;
  const std::uintptr_t first = (reinterpret_cast<std::uintptr_t>(block) + kPage - 1) & ~(kPage - 1);
  ::madvise(reinterpret_cast<void*>(first), bytes, MADV_POPULATE_WRITE);
  std::free(block);
}

enum class Mode : std::uint8_t { kRun, kCheckpoint, kResume };

struct Options {
  Mode mode = Mode::kRun;
  std::optional<bool> hummingbot;  // --profile; optional with --resume
  std::string input;
  std::string config;
  std::string out_dir;
  std::optional<std::uint64_t> seed;  // --seed; defaults to 0, or the checkpoint's
  std::uint64_t checkpoint_at = 0;
  std::string checkpoint;  // --checkpoint FILE, or --resume FILE
};

absl::Status parse_profile(const Args& args, Options& o) {
  const auto profile = args.get("profile");
  if (!profile.has_value()) {
    return o.mode == Mode::kResume ? absl::OkStatus()
                                   : absl::InvalidArgumentError("missing --profile");
  }
  if (*profile != "hummingbot" && *profile != "quantile") {
    return absl::InvalidArgumentError(
        fmt::format("--profile: expected 'hummingbot' or 'quantile' (got '{}')", *profile));
  }
  o.hummingbot = *profile == "hummingbot";
  return absl::OkStatus();
}

absl::Status parse_mode(const Args& args, Options& o) {
  if (args.has("resume")) {
    if (args.has("checkpoint-at") || args.has("checkpoint")) {
      return absl::InvalidArgumentError("--resume excludes --checkpoint-at and --checkpoint");
    }
    o.mode = Mode::kResume;
    o.checkpoint = *args.get("resume");
    return absl::OkStatus();
  }
  if (args.has("checkpoint-at") != args.has("checkpoint")) {
    return absl::InvalidArgumentError("--checkpoint-at K and --checkpoint FILE go together");
  }
  if (!args.has("checkpoint")) return absl::OkStatus();
  auto k = args.get_int("checkpoint-at", 0);
  if (!k.ok()) return k.status();
  if (*k < 1) {
    return absl::InvalidArgumentError(fmt::format("--checkpoint-at: expected K >= 1 (got {})", *k));
  }
  o.mode = Mode::kCheckpoint;
  o.checkpoint_at = static_cast<std::uint64_t>(*k);
  o.checkpoint = *args.get("checkpoint");
  return absl::OkStatus();
}

absl::StatusOr<Options> parse_options(const Args& args) {
  Options o;
  if (auto st = parse_mode(args, o); !st.ok()) return st;
  if (auto st = parse_profile(args, o); !st.ok()) return st;
  for (auto [name, out] : {std::pair{"input", &o.input}, std::pair{"config", &o.config}}) {
    auto v = args.require(name);
    if (!v.ok()) return v.status();
    *out = *v;
  }
  if (o.mode != Mode::kCheckpoint) {
    auto v = args.require("out");
    if (!v.ok()) return v.status();
    o.out_dir = *v;
  }
  if (args.has("seed")) {
    auto seed = args.get_int("seed", 0);
    if (!seed.ok()) return seed.status();
    if (*seed < 0) {
      return absl::InvalidArgumentError(fmt::format("--seed: expected N >= 0 (got {})", *seed));
    }
    o.seed = static_cast<std::uint64_t>(*seed);
  }
  return o;
}

// A run's inputs, read and validated, and what its output files need besides the records.
struct Prepared {
  sim::ReplayConfig rc;
  std::vector<legacy::MarketBar> bars;
  double initial_balance = 0;  // HB metrics
  io::QbBacktestConfig qb;     // QB metrics
};

absl::StatusOr<Prepared> prepare_hummingbot(const Options& o) {
  auto config = io::read_hb_config(o.config);
  if (!config.ok()) return config.status();
  auto bars = io::read_hb_bars(o.input, *config);
  if (!bars.ok()) return bars.status();
  Prepared p;
  p.rc.params.profile = legacy::StrategyProfile::kLegacyHummingbot;
  p.rc.params.hb.max_position_pct = config->max_position_pct;
  p.rc.params.hb.min_confidence_hold = config->min_confidence_hold;
  p.rc.params.hb.pnl = config->real_prices ? legacy::PnlFormula::kFromPriceChange
                                           : legacy::PnlFormula::kFromTruth;
  p.rc.params.hb.options.sizing = config->sizing;
  p.rc.venue.initial_cash = config->initial_balance;
  p.rc.venue.fee_rate = config->fee_rate;
  p.bars = std::move(*bars);
  p.initial_balance = config->initial_balance;
  return p;
}

absl::StatusOr<Prepared> prepare_quantile(const Options& o) {
  auto config = io::read_qb_config(o.config);
  if (!config.ok()) return config.status();
  auto bars = io::read_qb_bars(o.input, *config);
  if (!bars.ok()) return bars.status();
  Prepared p;
  p.rc.params.profile = legacy::StrategyProfile::kLegacyQuantile;
  p.rc.params.qb = config->params;
  p.bars = std::move(*bars);
  p.qb = std::move(*config);
  return p;
}

// One output file: its name and the function that renders its text.
struct OutputFile {
  std::string_view name;
  std::function<std::string()> render;
};

// The profile's files. Each is rendered just before it is written, so its buffer is freed and
// reused (main.cc keeps freed memory in the heap) by the next: touching ~4 MB of fresh pages
// instead of ~1 MB of reused ones cost more page faults than the rest of the output.
std::vector<OutputFile> outputs(const Prepared& p, const sim::ReplayResult& r,
                                const std::vector<double>& pv) {
  if (p.rc.params.profile == legacy::StrategyProfile::kLegacyQuantile) {
    return {{"trades.csv", [&] { return qb_trades_csv(r); }},
            {"metrics.json", [&] { return qb_metrics_json(r, p.qb); }}};
  }
  return {{"bars.csv", [&] { return hb_bars_csv(r, pv); }},
          {"trades.csv", [&] { return hb_trades_csv(r); }},
          {"holds.csv", [&] { return hb_holds_csv(r); }},
          {"metrics.json", [&] { return hb_metrics_json(r, pv, p.initial_balance); }}};
}

// The header a checkpoint of this run carries: profile, seed and the two files' hashes.
absl::StatusOr<sim::CheckpointHeader> run_header(const Options& o) {
  sim::CheckpointHeader h;
  h.profile = *o.hummingbot ? legacy::StrategyProfile::kLegacyHummingbot
                            : legacy::StrategyProfile::kLegacyQuantile;
  h.seed = o.seed.value_or(0);
  for (auto [path, hash] : {std::pair{&o.input, &h.input_hash},
                            std::pair{&o.config, &h.config_hash}}) {
    auto bytes = io::read_file(*path);
    if (!bytes.ok()) return bytes.status();
    *hash = sim::fnv1a(*bytes);
  }
  return h;
}

absl::StatusOr<sim::ReplayCheckpoint> read_checkpoint(const std::string& path) {
  auto bytes = io::read_file(path);
  if (!bytes.ok()) return bytes.status();
  return sim::decode_checkpoint(*bytes, path);
}

// Every file or none: each is written atomically, and a failure removes those already
// written by this run.
absl::Status commit_all(const std::string& dir, const std::vector<OutputFile>& files) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::UnavailableError(
        fmt::format("{}: cannot create the output directory: {}", dir, ec.message()));
  }
  std::vector<std::filesystem::path> written;
  for (const OutputFile& file : files) {
    const std::filesystem::path path = std::filesystem::path(dir) / file.name;
    if (auto st = io::write_file_atomic(path.string(), file.render()); !st.ok()) {
      for (const auto& p : written) std::filesystem::remove(p, ec);
      return st;
    }
    written.push_back(path);
  }
  return absl::OkStatus();
}

constexpr CommandOutput kCli("replay", kHelp);

// --checkpoint-at: runs to event K, writes the checkpoint, writes no output.
int write_checkpoint(const Options& o, const Prepared& p) {
  auto header = run_header(o);
  if (!header.ok()) return kCli.fail(header.status());
  auto state = sim::run_replay_until(p.bars, p.rc, o.checkpoint_at);
  if (!state.ok()) {
    std::fprintf(stderr, "q50sim replay: --checkpoint-at %" PRIu64 ": %s\n", o.checkpoint_at,
                 std::string(state.status().message()).c_str());
    return kExitUsage;
  }
  const sim::ReplayCheckpoint checkpoint{*header, std::move(*state)};
  if (auto st = io::write_file_atomic(o.checkpoint, sim::encode_checkpoint(checkpoint));
      !st.ok()) {
    return kCli.fail(st);
  }
  std::printf("checkpoint: events=%" PRIu64 " -> %s\n", checkpoint.state.so_far.events,
              o.checkpoint.c_str());
  return kExitOk;
}

// --resume: the checkpoint's profile and seed fill in what the command line left out; what it
// gave must match (check_same_run).
absl::StatusOr<sim::ReplayCheckpoint> load_resume(Options& o) {
  auto checkpoint = read_checkpoint(o.checkpoint);
  if (!checkpoint.ok()) return checkpoint.status();
  if (!o.hummingbot.has_value()) {
    o.hummingbot = checkpoint->header.profile == legacy::StrategyProfile::kLegacyHummingbot;
  }
  if (!o.seed.has_value()) o.seed = checkpoint->header.seed;
  auto header = run_header(o);
  if (!header.ok()) return header.status();
  if (auto st = sim::check_same_run(checkpoint->header, *header, o.checkpoint); !st.ok()) {
    return st;
  }
  return checkpoint;
}

int finish_run(const Options& o, const Prepared& p, const sim::ReplayResult& r) {
  std::vector<double> pv;  // HB portfolio values, for bars.csv and metrics.json
  pv.reserve(r.hb_bars.size());
  for (const auto& b : r.hb_bars) pv.push_back(b.portfolio_value);
  if (auto st = commit_all(o.out_dir, outputs(p, r, pv)); !st.ok()) return kCli.fail(st);
  const bool hb = *o.hummingbot;
  std::printf("replay: profile=%s bars=%zu trades=%zu holds=%zu events=%" PRIu64 " -> %s\n",
              hb ? "hummingbot" : "quantile", hb ? r.hb_bars.size() : r.qb_rows.size(),
              r.hb_trades.size(), r.hb_holds.size(), r.events, o.out_dir.c_str());
  std::printf("fingerprint=%016" PRIx64 "\n", r.fingerprint);
  return kExitOk;
}

}  // namespace

int run_replay(const std::vector<std::string_view>& argv) {
  const Args::Spec spec{
      {"profile", "input", "config", "out", "seed", "checkpoint-at", "checkpoint", "resume"},
      {},
      0};
  auto args = Args::parse(argv, spec);
  if (!args.ok()) return kCli.usage_error(args.status());
  if (args->help()) return kCli.help();
  auto o = parse_options(*args);
  if (!o.ok()) return kCli.usage_error(o.status());
  std::optional<sim::ReplayCheckpoint> checkpoint;
  if (o->mode == Mode::kResume) {
    auto loaded = load_resume(*o);
    if (!loaded.ok()) return kCli.fail(loaded.status());
    checkpoint = std::move(*loaded);
  }
  std::printf("seed=%" PRIu64 " scenario=%s version=%s\n", o->seed.value_or(0), o->input.c_str(),
              Q50SIM_VERSION);
  std::fflush(stdout);
  prefault_heap(o->input);
  auto prepared = *o->hummingbot ? prepare_hummingbot(*o) : prepare_quantile(*o);
  if (!prepared.ok()) return kCli.fail(prepared.status());
  if (o->mode == Mode::kCheckpoint) return write_checkpoint(*o, *prepared);
  if (checkpoint.has_value()) {
    auto r = sim::resume_replay(prepared->bars, prepared->rc, std::move(checkpoint->state));
    if (!r.ok()) {
      return kCli.fail(absl::InvalidArgumentError(
          fmt::format("{}: {}", o->checkpoint, std::string(r.status().message()))));
    }
    return finish_run(*o, *prepared, *r);
  }
  return finish_run(*o, *prepared, sim::run_replay(prepared->bars, prepared->rc));
}

}  // namespace q50::app
