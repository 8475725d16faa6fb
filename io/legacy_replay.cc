#include "io/legacy_replay.h"

#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "fmt/format.h"
#include "io/atomic_file.h"
#include "io/backtest_input.h"
#include "io/legacy_replay_files.h"
#include "io/output_set.h"
#include "sim/legacy/replay.h"
#include "checkpoint/envelope.h"
#include "sim/legacy/replay_checkpoint.h"

namespace q50::io {
namespace {

using legacy::StrategyProfile;

// A run's inputs, read and validated, and what its output files need besides the records.
struct Prepared {
  sim::ReplayConfig rc;
  std::vector<legacy::MarketBar> bars;
  double initial_balance = 0;  // HB metrics
  QbBacktestConfig qb;         // QB metrics
};

absl::StatusOr<Prepared> prepare_hummingbot(const LegacyReplayRequest& r) {
  auto config = read_hb_config(r.config);
  if (!config.ok()) return config.status();
  auto bars = read_hb_bars(r.input, *config);
  if (!bars.ok()) return bars.status();
  Prepared p;
  p.rc = hb_replay_config(*config);
  p.bars = std::move(*bars);
  p.initial_balance = config->initial_balance;
  return p;
}

absl::StatusOr<Prepared> prepare_quantile(const LegacyReplayRequest& r) {
  auto config = read_qb_config(r.config);
  if (!config.ok()) return config.status();
  auto bars = read_qb_bars(r.input, *config);
  if (!bars.ok()) return bars.status();
  Prepared p;
  p.rc = qb_replay_config(*config);
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
// reused (app/main.cc keeps freed memory in the heap) by the next: touching ~4 MB of fresh
// pages instead of ~1 MB of reused ones cost more page faults than the rest of the output.
std::vector<OutputFile> outputs(const Prepared& p, const sim::ReplayResult& r,
                                const std::vector<double>& pv) {
  if (p.rc.params.profile == StrategyProfile::kLegacyQuantile) {
    return {{"trades.csv", [&] { return qb_trades_csv(r); }},
            {"metrics.json", [&] { return qb_metrics_json(r, p.qb); }}};
  }
  return {{"bars.csv", [&] { return hb_bars_csv(r, pv); }},
          {"trades.csv", [&] { return hb_trades_csv(r); }},
          {"holds.csv", [&] { return hb_holds_csv(r); }},
          {"metrics.json", [&] { return hb_metrics_json(r, pv, p.initial_balance); }}};
}

// The header a checkpoint of this run carries: profile, seed and the two files' hashes.
absl::StatusOr<sim::CheckpointHeader> run_header(const LegacyReplayRequest& r) {
  sim::CheckpointHeader h;
  h.profile = *r.profile;
  h.seed = r.seed.value_or(0);
  for (auto [path, hash] : {std::pair{&r.input, &h.input_sha256},
                            std::pair{&r.config, &h.config_sha256}}) {
    auto bytes = read_file(*path);
    if (!bytes.ok()) return bytes.status();
    *hash = checkpoint::sha256_hex(*bytes);
  }
  return h;
}

absl::StatusOr<sim::ReplayCheckpoint> read_checkpoint(const std::string& path) {
  auto bytes = read_input(path, kMaxCheckpointBytes);
  if (!bytes.ok()) return bytes.status();
  return sim::decode_checkpoint(*bytes, path);
}

absl::StatusOr<LegacyReplayOutcome> write_checkpoint(const LegacyReplayRequest& r,
                                                     const Prepared& p) {
  auto header = run_header(r);
  if (!header.ok()) return header.status();
  auto state = sim::run_replay_until(p.bars, p.rc, r.checkpoint_at);
  if (!state.ok()) {
    return absl::OutOfRangeError(
        fmt::format("--checkpoint-at {}: {}", r.checkpoint_at, std::string(state.status().message())));
  }
  const sim::ReplayCheckpoint checkpoint{*header, std::move(*state)};
  // Durable: a checkpoint is what a later process resumes from.
  if (auto st = write_file_durable(r.checkpoint, sim::encode_checkpoint(checkpoint),
                                   legacy_replay_inputs(r));
      !st.ok()) {
    return st;
  }
  LegacyReplayOutcome o;
  o.profile = *r.profile;
  o.seed = header->seed;
  o.events = checkpoint.state.so_far.events;
  o.checkpoint_written = true;
  return o;
}

absl::StatusOr<LegacyReplayOutcome> write_outputs(const LegacyReplayRequest& req,
                                                  const Prepared& p, const sim::ReplayResult& r) {
  std::vector<double> pv;  // HB portfolio values, for bars.csv and metrics.json
  pv.reserve(r.hb_bars.size());
  for (const auto& b : r.hb_bars) pv.push_back(b.portfolio_value);
  OutputOptions options;
  options.inputs = legacy_replay_inputs(req);
  auto out = OutputSet::open(req.out_dir, options);
  if (!out.ok()) return out.status();
  for (const OutputFile& file : outputs(p, r, pv)) {
    if (auto st = out->put(file.name, file.render()); !st.ok()) return st;
  }
  if (auto st = out->commit(); !st.ok()) return st;
  LegacyReplayOutcome o;
  o.profile = *req.profile;
  o.seed = req.seed.value_or(0);
  const bool hb = o.profile == StrategyProfile::kLegacyHummingbot;
  o.bars = hb ? r.hb_bars.size() : r.qb_rows.size();
  o.trades = r.hb_trades.size();
  o.holds = r.hb_holds.size();
  o.events = r.events;
  o.fingerprint = r.fingerprint;
  return o;
}

}  // namespace

sim::ReplayConfig hb_replay_config(const HbBacktestConfig& config) {
  sim::ReplayConfig rc;
  rc.params.profile = StrategyProfile::kLegacyHummingbot;
  rc.params.hb.max_position_pct = config.max_position_pct;
  rc.params.hb.min_confidence_hold = config.min_confidence_hold;
  rc.params.hb.pnl = config.real_prices ? legacy::PnlFormula::kFromPriceChange
                                        : legacy::PnlFormula::kFromTruth;
  rc.params.hb.options.sizing = config.sizing;
  rc.venue.initial_cash = config.initial_balance;
  rc.venue.fee_rate = config.fee_rate;
  return rc;
}

sim::ReplayConfig qb_replay_config(const QbBacktestConfig& config) {
  sim::ReplayConfig rc;
  rc.params.profile = StrategyProfile::kLegacyQuantile;
  rc.params.qb = config.params;
  return rc;
}

std::vector<std::string> legacy_replay_inputs(const LegacyReplayRequest& r) {
  std::vector<std::string> inputs{r.input, r.config};
  if (!r.resume.empty()) inputs.push_back(r.resume);
  return inputs;
}

absl::StatusOr<LegacyReplayRequest> resolve_legacy_replay(LegacyReplayRequest r) {
  if (r.resume.empty()) {
    if (!r.profile) return absl::InvalidArgumentError("missing --profile");
    return r;
  }
  auto checkpoint = read_checkpoint(r.resume);
  if (!checkpoint.ok()) return checkpoint.status();
  if (!r.profile) r.profile = checkpoint->header.profile;
  if (!r.seed) r.seed = checkpoint->header.seed;
  return r;
}

absl::StatusOr<LegacyReplayOutcome> run_legacy_replay(const LegacyReplayRequest& request) {
  auto resolved = resolve_legacy_replay(request);
  if (!resolved.ok()) return resolved.status();
  const LegacyReplayRequest& r = *resolved;
  std::optional<sim::ReplayCheckpoint> checkpoint;
  if (!r.resume.empty()) {
    auto loaded = read_checkpoint(r.resume);
    if (!loaded.ok()) return loaded.status();
    auto header = run_header(r);
    if (!header.ok()) return header.status();
    if (auto st = sim::check_same_run(loaded->header, *header, r.resume); !st.ok()) return st;
    checkpoint = std::move(*loaded);
  }
  const bool hb = *r.profile == StrategyProfile::kLegacyHummingbot;
  auto prepared = hb ? prepare_hummingbot(r) : prepare_quantile(r);
  if (!prepared.ok()) return prepared.status();
  if (r.checkpoint_at > 0) return write_checkpoint(r, *prepared);
  if (checkpoint) {
    if (auto st = sim::verify_checkpoint_state(prepared->bars, prepared->rc, checkpoint->state,
                                               r.resume);
        !st.ok()) {
      return st;
    }
    auto result = sim::resume_replay(prepared->bars, prepared->rc, std::move(checkpoint->state));
    if (!result.ok()) {
      return absl::InvalidArgumentError(fmt::format("{}: {}", r.resume, std::string(result.status().message())));
    }
    return write_outputs(r, *prepared, *result);
  }
  return write_outputs(r, *prepared, sim::run_replay(prepared->bars, prepared->rc));
}

}  // namespace q50::io
