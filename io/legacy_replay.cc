#include "io/legacy_replay.h"

#include <algorithm>
#include <cstddef>
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

// One output file: its name and the pieces of its text, rendered in any order (possibly on
// several threads) and written in this order.
struct OutputFile {
  std::string_view name;
  std::vector<std::function<std::string()>> pieces;
};

// A CSV file in pieces of kRowsPerPiece records: small enough that two threads share a replay's
// files evenly, big enough that a piece costs far more than handing it out.
constexpr std::size_t kRowsPerPiece = 2048;

template <typename Render>
std::vector<std::function<std::string()>> csv_pieces(std::size_t rows, Render render) {
  std::vector<std::function<std::string()>> pieces;
  std::size_t begin = 0;
  do {
    const RowRange range{begin, std::min(rows, begin + kRowsPerPiece)};
    pieces.emplace_back([render, range] { return render(range); });
    begin = range.end;
  } while (begin < rows);
  return pieces;
}

// The profile's files.
std::vector<OutputFile> outputs(const Prepared& p, const sim::ReplayResult& r,
                                const HbBarSeries& series) {
  if (p.rc.params.profile == StrategyProfile::kLegacyQuantile) {
    std::vector<OutputFile> files;
    files.push_back({"trades.csv", csv_pieces(r.qb_rows.size(), [&r](RowRange rows) {
                       return qb_trades_csv(r, rows);
                     })});
    files.push_back({"metrics.json", {[&] { return qb_metrics_json(r, p.qb); }}});
    return files;
  }
  std::vector<OutputFile> files;
  files.push_back({"bars.csv", csv_pieces(r.hb_bars.size(), [&r, &series](RowRange rows) {
                     return hb_bars_csv(r, series, rows);
                   })});
  files.push_back({"trades.csv", csv_pieces(r.hb_trades.size(), [&r](RowRange rows) {
                     return hb_trades_csv(r, rows);
                   })});
  files.push_back({"holds.csv", csv_pieces(r.hb_holds.size(), [&r](RowRange rows) {
                     return hb_holds_csv(r, rows);
                   })});
  files.push_back({"metrics.json", {[&] {
                     return hb_metrics_json(r, series.pv, p.initial_balance);
                   }}});
  return files;
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
  const HbBarSeries series = hb_bar_series(r);
  OutputOptions options;
  options.inputs = legacy_replay_inputs(req);
  auto out = OutputSet::open(req.out_dir, options);
  if (!out.ok()) return out.status();
  // Every piece of every file is rendered first (the pieces are independent: each writes its
  // own slot), then each file is staged and written piece by piece, in order.
  const std::vector<OutputFile> files = outputs(p, r, series);
  std::vector<const std::function<std::string()>*> jobs;
  for (const OutputFile& file : files) {
    for (const auto& piece : file.pieces) jobs.push_back(&piece);
  }
  std::vector<std::string> texts(jobs.size());
  const auto render = [&](std::size_t i) { texts[i] = (*jobs[i])(); };
  if (req.for_each) {
    req.for_each(jobs.size(), render);
  } else {
    for (std::size_t i = 0; i < jobs.size(); ++i) render(i);
  }
  std::size_t next = 0;
  for (const OutputFile& file : files) {
    auto staged = out->stage(file.name);
    if (!staged.ok()) return staged.status();
    for (std::size_t k = 0; k < file.pieces.size(); ++k) (*staged)->write(texts[next++]);
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
