// The replay base of a sweep: the existing backtesters' input frame and config, read once.
#include <bit>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <variant>

#include "fmt/format.h"
#include "io/atomic_file.h"
#include "io/backtest_input.h"
#include "io/csv.h"
#include "io/gzip_file.h"
#include "io/legacy_replay.h"
#include "io/legacy_replay_files.h"
#include "io/output_set.h"
#include "io/scenario_file.h"
#include "nlohmann/json.hpp"
#include "runner/sweep_bases.h"
#include "runner/sweep_metrics.h"
#include "sim/legacy/replay.h"
#include "store/digest.h"

namespace q50::runner {
namespace {

using legacy::StrategyProfile;
using nlohmann::json;

// A point's config: the base config with the point's keys set, parsed as `q50sim replay`
// parses a config file, and its data window.
struct PointConfig {
  std::string text;  // config.json of the point
  io::HbBacktestConfig hb;
  io::QbBacktestConfig qb;
  std::string window_text = "..";
  io::FrameWindow window;
};

using Bars = std::vector<legacy::MarketBar>;

class ReplayBase final : public SweepBase {
 public:
  ReplayBase(const io::SweepSpec& spec, std::string input, std::string config)
      : profile_(spec.base.profile),
        input_path_(std::move(input)),
        config_path_(std::move(config)),
        input_name_(spec.base.input_as_written),
        config_name_(spec.base.config_as_written) {}

  absl::Status load();
  std::string description() const override {
    return fmt::format("replay {} {} {}", legacy::profile_name(profile_), input_name_,
                       config_name_);
  }
  const std::vector<store::InputDigest>& inputs() const override { return inputs_; }
  store::RunRecord run_point(std::int64_t point, std::span<const Assignment> params,
                             const std::string& version) const override;
  std::vector<store::RunRecord> run_batch(std::span<const PointToRun> points,
                                          const std::string& version) const override;
  // Eight runs' journals hashed side by side take about 0.7 of the time they take one by
  // one (bench/replay_loop_bench); the records of eight 10,000-bar runs are about 20 MB.
  std::size_t batch_size() const override { return 8; }
  absl::StatusOr<PointFiles> write_point(std::int64_t point, std::span<const Assignment> params,
                                         const std::string& out_dir,
                                         const std::string& version) const override;

 private:
  bool hb() const { return profile_ == StrategyProfile::kLegacyHummingbot; }
  absl::StatusOr<PointConfig> point_config(std::span<const Assignment> params) const;
  std::string bars_key(const PointConfig& c) const;
  std::shared_ptr<const absl::StatusOr<Bars>> bars_for(const PointConfig& c) const;
  struct SignalSlot;
  std::shared_ptr<const SignalSlot> signals_for(const PointConfig& c, const Bars& bars,
                                                const legacy::HbParams& params) const;
  absl::StatusOr<std::string> window_rows(const io::FrameWindow& window) const;

  StrategyProfile profile_;
  std::string input_path_;
  std::string config_path_;
  std::string input_name_;  // as the sweep file writes them
  std::string config_name_;
  std::string input_text_;
  std::optional<io::CsvTable> table_;
  json config_;
  std::vector<store::InputDigest> inputs_;
  // Bars per (window, price settings): built the first time a point needs them.
  mutable std::mutex mu_;
  mutable std::map<std::string, std::shared_ptr<const absl::StatusOr<Bars>>> bars_;
  // HB bar signals per (bars, sizing rule, max_position_pct), likewise; at most
  // kMaxSignalTables of them (about 0.6 MB each for 10,000 bars), later keys compute their
  // signals in the loop (the same values: only the speed differs).
  static constexpr std::size_t kMaxSignalTables = 64;
  mutable std::map<std::string, std::shared_ptr<SignalSlot>> signals_;
};

struct ReplayBase::SignalSlot {
  std::once_flag made;
  legacy::HbSignalTable table;
};

absl::Status ReplayBase::load() {
  auto input = io::read_file_gunzipped(input_path_);
  if (!input.ok()) return input.status();
  input_text_ = std::move(*input);
  auto table = io::CsvTable::parse(input_path_, input_text_);
  if (!table.ok()) return table.status();
  table_ = std::move(*table);
  auto config = io::read_file_gunzipped(config_path_);
  if (!config.ok()) return config.status();
  // The base config must be valid on its own: a sweep of a broken base is a broken sweep.
  const auto base = hb() ? io::parse_hb_config(config_path_, *config).status()
                         : io::parse_qb_config(config_path_, *config).status();
  if (!base.ok()) return base;
  config_ = json::parse(*config);  // parsed above already: cannot throw
  inputs_ = {{input_name_, store::sha256_hex(input_text_)},
             {config_name_, store::sha256_hex(*config)}};
  return absl::OkStatus();
}

// Sets a dotted key of the config document ("run_backtest.price_col" is nested).
void set_config_key(json& doc, const std::string& key, const io::SweepValue& v) {
  json* target = &doc;
  std::size_t pos = 0;
  for (std::size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', pos)) {
    target = &(*target)[key.substr(pos, dot - pos)];
    pos = dot + 1;
  }
  std::visit([&](const auto& x) { (*target)[key.substr(pos)] = x; }, v.value);
}

absl::StatusOr<PointConfig> ReplayBase::point_config(std::span<const Assignment> params) const {
  PointConfig c;
  json doc = config_;
  for (const Assignment& a : params) {
    if (*a.key == io::kSeedKey) continue;
    if (*a.key == io::kWindowKey) {
      c.window_text = a.value->text;
      auto w = io::parse_frame_window(c.window_text);  // checked when the sweep was read
      if (!w.ok()) return w.status();
      c.window = *w;
      continue;
    }
    set_config_key(doc, *a.key, *a.value);
  }
  c.text = doc.dump(2) + "\n";
  absl::Status st = absl::OkStatus();
  if (hb()) {
    auto parsed = io::parse_hb_config(config_path_, c.text);
    if (parsed.ok()) c.hb = std::move(*parsed);
    st = parsed.status();
  } else {
    auto parsed = io::parse_qb_config(config_path_, c.text);
    if (parsed.ok()) c.qb = std::move(*parsed);
    st = parsed.status();
  }
  if (st.ok()) return c;
  // Name the sweep value the config rejected, where the sweep file set it.
  const std::string message(st.message());
  for (const Assignment& a : params) {
    if (message.find(fmt::format("'{}'", *a.key)) != std::string::npos) {
      return absl::InvalidArgumentError(
          fmt::format("{}: {} = {}: {}", a.value->origin, *a.key, a.value->text, message));
    }
  }
  return st;
}

std::string ReplayBase::bars_key(const PointConfig& c) const {
  return hb() ? fmt::format("{}\x1f{}\x1f{}\x1f{}", c.window_text, c.hb.real_prices,
                            c.hb.price_col, c.hb.return_col)
              : fmt::format("{}\x1f{}", c.window_text, c.qb.price_col);
}

std::shared_ptr<const ReplayBase::SignalSlot> ReplayBase::signals_for(
    const PointConfig& c, const Bars& bars, const legacy::HbParams& params) const {
  const std::string key =
      fmt::format("{}\x1e{}\x1e{:016x}", bars_key(c), static_cast<int>(params.options.sizing),
                  std::bit_cast<std::uint64_t>(params.max_position_pct));
  std::shared_ptr<SignalSlot> slot;
  {
    const std::lock_guard<std::mutex> lock(mu_);
    auto it = signals_.find(key);
    if (it == signals_.end()) {
      if (signals_.size() >= kMaxSignalTables) return nullptr;
      it = signals_.emplace(key, std::make_shared<SignalSlot>()).first;
    }
    slot = it->second;
  }
  // Made once, outside the lock: another thread needing the same table waits here, others go on.
  std::call_once(slot->made, [&] { slot->table = legacy::hb_signal_table(bars, params); });
  return slot;
}

std::shared_ptr<const absl::StatusOr<Bars>> ReplayBase::bars_for(const PointConfig& c) const {
  const std::string key = bars_key(c);
  const std::lock_guard<std::mutex> lock(mu_);
  auto& slot = bars_[key];
  if (slot == nullptr) {
    auto bars = hb() ? io::hb_bars_from_table(*table_, c.hb, c.window)
                     : io::qb_bars_from_table(*table_, c.qb, c.window);
    if (!bars.ok()) {
      bars = absl::InvalidArgumentError(
          fmt::format("window {}: {}", c.window_text, std::string(bars.status().message())));
    }
    slot = std::make_shared<const absl::StatusOr<Bars>>(std::move(bars));
  }
  return slot;
}

store::RunRecord ReplayBase::run_point(std::int64_t point, std::span<const Assignment> params,
                                       const std::string& version) const {
  const PointToRun one{point, {params.begin(), params.end()}};
  return std::move(run_batch({&one, 1}, version).front());
}

std::vector<store::RunRecord> ReplayBase::run_batch(std::span<const PointToRun> points,
                                                    const std::string& version) const {
  // A point that can run: its config and bars, and the simulator's config made of them.
  struct Prepared {
    PointConfig config;
    std::shared_ptr<const absl::StatusOr<Bars>> bars;
    std::shared_ptr<const SignalSlot> signals;  // HB, unless the table cache is full
    sim::ReplayConfig rc;
  };
  std::vector<store::RunRecord> records;
  records.reserve(points.size());
  std::vector<std::optional<Prepared>> prepared(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const PointToRun& p = points[i];
    records.push_back(point_record(p.point, p.params, point_seed(p.params, 0), version));
    auto config = point_config(p.params);
    if (!config.ok()) {
      fail_record(records.back(), config.status());
      continue;
    }
    auto bars = bars_for(*config);
    if (!bars->ok()) {
      fail_record(records.back(), bars->status());
      continue;
    }
    sim::ReplayConfig rc = hb() ? io::hb_replay_config(config->hb) : io::qb_replay_config(config->qb);
    std::shared_ptr<const SignalSlot> signals;
    if (hb()) {
      signals = signals_for(*config, **bars, rc.params.hb);
      if (signals != nullptr) rc.params.hb.signals = &signals->table;
    }
    prepared[i] = Prepared{std::move(*config), std::move(bars), std::move(signals), std::move(rc)};
  }
  std::vector<sim::ReplayJob> jobs;
  std::vector<std::size_t> job_point;  // which point a job runs
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!prepared[i]) continue;
    jobs.push_back({**prepared[i]->bars, &prepared[i]->rc});
    job_point.push_back(i);
  }
  const std::vector<sim::ReplayResult> results = sim::run_replays(jobs);
  for (std::size_t j = 0; j < results.size(); ++j) {
    const sim::ReplayResult& result = results[j];
    const Prepared& p = *prepared[job_point[j]];
    store::RunRecord& record = records[job_point[j]];
    record.fingerprint = result.fingerprint;
    if (hb()) {
      std::vector<double> pv;
      pv.reserve(result.hb_bars.size());
      for (const auto& b : result.hb_bars) pv.push_back(b.portfolio_value);
      add_hb_metrics(io::hb_replay_metrics(result, pv, p.config.hb.initial_balance), **p.bars,
                     result, record);
    } else {
      add_qb_metrics(io::qb_replay_metrics(result, p.config.qb), result, record);
    }
  }
  return records;
}

// The input frame's header and the lines of the rows inside the window, as a file holding only
// the window would be.
absl::StatusOr<std::string> ReplayBase::window_rows(const io::FrameWindow& window) const {
  auto ts_col = table_->require_column("timestamp");
  if (!ts_col.ok()) return ts_col.status();
  auto ts = table_->increasing_timestamps(*ts_col);
  if (!ts.ok()) return ts.status();
  std::vector<std::size_t> line_start{0};
  for (std::size_t i = 0; i < input_text_.size(); ++i) {
    if (input_text_[i] == '\n') line_start.push_back(i + 1);
  }
  const auto line = [&](std::size_t n) {  // 1-based, with its newline
    const std::size_t end = n < line_start.size() ? line_start[n] : input_text_.size();
    std::string text = input_text_.substr(line_start[n - 1], end - line_start[n - 1]);
    if (text.empty() || text.back() != '\n') text += '\n';
    return text;
  };
  std::string out = line(1);
  for (std::size_t r = 0; r < table_->rows(); ++r) {
    if (window.contains((*ts)[r])) out += line(table_->line(r));
  }
  return out;
}

absl::StatusOr<PointFiles> ReplayBase::write_point(std::int64_t point,
                                                   std::span<const Assignment> params,
                                                   const std::string& out_dir,
                                                   const std::string& version) const {
  PointFiles files;
  files.record = run_point(point, params, version);
  auto config = point_config(params);
  if (!config.ok()) return config.status();
  auto rows = window_rows(config->window);
  if (!rows.ok()) return rows.status();
  const std::string dir = out_dir + "/point";
  auto set = io::OutputSet::open(dir);
  if (!set.ok()) return set.status();
  if (auto st = set->put("input.csv", *rows); !st.ok()) return st;
  if (auto st = set->put("config.json", config->text); !st.ok()) return st;
  if (auto st = set->commit(); !st.ok()) return st;
  io::LegacyReplayRequest request;
  request.profile = profile_;
  request.input = dir + "/input.csv";
  request.config = dir + "/config.json";
  request.out_dir = out_dir;
  request.seed = files.record.seed;
  auto outcome = io::run_legacy_replay(request);
  if (!outcome.ok()) return outcome.status();
  if (!files.record.fingerprint || outcome->fingerprint != *files.record.fingerprint) {
    return absl::InternalError(
        fmt::format("point {}: the replay of {} gave fingerprint {:016x}, the sweep's run {:016x}",
                    point, dir, outcome->fingerprint, files.record.fingerprint.value_or(0)));
  }
  files.command = fmt::format(
      "q50sim replay --profile {} --input {} --config {} --out {} --seed {}",
      legacy::profile_name(profile_), request.input, request.config, out_dir, files.record.seed);
  return files;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SweepBase>> make_replay_base(const io::SweepSpec& spec,
                                                            const io::EnvLookup& env) {
  std::string paths[2];
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string& raw = i == 0 ? spec.base.input : spec.base.config;
    auto expanded = io::expand_scenario_path(raw, env);
    if (!expanded.ok()) {
      return absl::InvalidArgumentError(
          fmt::format("{}: [base]: {}", spec.path, std::string(expanded.status().message())));
    }
    paths[i] = std::move(*expanded);
  }
  auto base = std::make_unique<ReplayBase>(spec, paths[0], paths[1]);
  if (auto st = base->load(); !st.ok()) return st;
  return base;
}

}  // namespace q50::runner
