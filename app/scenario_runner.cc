#include "app/scenario_runner.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <system_error>
#include <utility>

#include "core/timestamp.h"
#include "fmt/format.h"
#include "io/csv.h"
#include "core/number_format.h"
#include "io/qlib_reader.h"
#include "io/run_report.h"
#include "io/scenario_file.h"
#include "io/signal_file.h"
#include "nlohmann/json.hpp"
#include "core/fixed_point.h"
#include "sim/sources.h"
#include "sim/synthetic_market.h"

#ifndef Q50SIM_VERSION
#define Q50SIM_VERSION "unknown"
#endif

namespace q50::app {
namespace {

// A bar without volume data trades without a participation limit: 1e9 base units stays far
// inside the venue's int64 e8 range (9.2e10 units) and above any order the library places.
constexpr double kUnlimitedVolume = 1e9;
constexpr std::int64_t kProgressEveryBars = 100'000;
constexpr std::string_view kNoRegime = "unlabelled";

// ---- Sources --------------------------------------------------------------------------------

// What a run reads before it starts (csv/qlib markets and signal files are loaded whole;
// the synthetic market streams). Shared by the two runs of a determinism check.
struct LoadedData {
  std::vector<strategy::Bar> bars;  // csv/qlib market, already cut to the run's range
  std::vector<TimestampNs> signal_ts;
  std::vector<double> q10, q50, q90;
  bool has_signal_rows = false;
};

absl::StatusOr<std::string> expand(const std::string& path, const EnvLookup& env) {
  return io::expand_scenario_path(path, env);
}

// Cuts bars to [start, end) and the first `bars` of those.
void cut_to_run(const sim::Scenario& sc, std::vector<strategy::Bar>& bars) {
  std::vector<strategy::Bar> kept;
  for (const strategy::Bar& b : bars) {
    if (sc.start_ts_ns && b.ts_ns < *sc.start_ts_ns) continue;
    if (sc.end_ts_ns && b.ts_ns >= *sc.end_ts_ns) break;
    if (sc.bars && static_cast<std::int64_t>(kept.size()) >= *sc.bars) break;
    kept.push_back(b);
  }
  bars = std::move(kept);
}

absl::StatusOr<std::vector<double>> csv_column(const io::CsvTable& t, const std::string& name,
                                               const std::vector<double>& fallback) {
  if (name.empty()) return fallback;
  auto col = t.require_column(name);
  if (!col.ok()) return col.status();
  std::vector<double> out(t.rows());
  for (std::size_t r = 0; r < t.rows(); ++r) {
    auto v = t.f64(r, *col);
    if (!v.ok()) return v.status();
    out[r] = *v;
  }
  return out;
}

absl::StatusOr<std::vector<strategy::Bar>> load_csv_market(const sim::CsvMarket& m,
                                                         const EnvLookup& env) {
  auto path = expand(m.path, env);
  if (!path.ok()) return path.status();
  auto table = io::CsvTable::read(*path);
  if (!table.ok()) return table.status();
  auto ts_col = table->require_column(m.ts_column);
  if (!ts_col.ok()) return ts_col.status();
  auto ts = table->increasing_timestamps(*ts_col);
  if (!ts.ok()) return ts.status();
  auto close = csv_column(*table, m.close_column, {});
  if (!close.ok()) return close.status();
  std::vector<std::vector<double>> ohlv;
  const std::vector<double> unlimited(table->rows(), kUnlimitedVolume);
  using Column = std::pair<const std::string*, const std::vector<double>*>;
  for (const auto& [name, fallback] :
       {Column{&m.open_column, &*close}, Column{&m.high_column, &*close},
        Column{&m.low_column, &*close}, Column{&m.volume_column, &unlimited}}) {
    auto col = csv_column(*table, *name, *fallback);
    if (!col.ok()) return col.status();
    ohlv.push_back(std::move(*col));
  }
  std::vector<strategy::Bar> bars(table->rows());
  for (std::size_t i = 0; i < bars.size(); ++i) {
    bars[i] = {(*ts)[i], ohlv[0][i], ohlv[1][i], ohlv[2][i], (*close)[i], ohlv[3][i]};
  }
  return bars;
}

// One qlib field on the calendar; a field the provider lacks gives nullopt (CRYPTODATA_
// VALIDATED_2 has no volume).
absl::StatusOr<std::optional<std::vector<float>>> qlib_field(const sim::QlibMarket& m,
                                                             const std::string& dir,
                                                             const std::string& field) {
  const std::filesystem::path bin = std::filesystem::path(dir) / "features" / m.instrument /
                                    fmt::format("{}.{}.bin", field, m.freq);
  std::error_code ec;
  if (!std::filesystem::exists(bin, ec)) return std::optional<std::vector<float>>{};
  auto s = io::load_qlib_field({dir, m.instrument, field, m.freq});
  if (!s.ok()) return s.status();
  return std::optional<std::vector<float>>(std::move(s->series));
}

// The instrument's calendar rows (qlib's D.features restriction) with a finite close.
absl::StatusOr<std::vector<strategy::Bar>> load_qlib_market(const sim::QlibMarket& m,
                                                          const EnvLookup& env) {
  auto dir = expand(m.dir, env);
  if (!dir.ok()) return dir.status();
  auto calendar = io::read_qlib_calendar(fmt::format("{}/calendars/{}.txt", *dir, m.freq));
  if (!calendar.ok()) return calendar.status();
  auto inst = io::read_qlib_instrument(*dir + "/instruments/all.txt", m.instrument);
  if (!inst.ok()) return inst.status();
  std::vector<std::optional<std::vector<float>>> fields;
  for (const char* f : {"open", "high", "low", "close", "volume"}) {
    auto v = qlib_field(m, *dir, f);
    if (!v.ok()) return v.status();
    fields.push_back(std::move(*v));
  }
  if (!fields[3]) {
    return absl::NotFoundError(fmt::format("{}/features/{}: no close.{}.bin", *dir,
                                           m.instrument, m.freq));
  }
  const auto value = [&](std::size_t field, std::size_t row, double fallback) {
    const auto& f = fields[field];
    return f && row < f->size() && std::isfinite((*f)[row]) ? static_cast<double>((*f)[row])
                                                            : fallback;
  };
  std::vector<strategy::Bar> bars;
  for (const std::size_t row : io::instrument_rows(*calendar, *inst)) {
    const double close = value(3, row, std::nan(""));
    if (!std::isfinite(close)) continue;
    bars.push_back({(*calendar)[row], value(0, row, close), value(1, row, close),
                    value(2, row, close), close, value(4, row, kUnlimitedVolume)});
  }
  return bars;
}

// The synthetic forecaster over a real market: forecast_quantiles with every bar labelled
// "normal" (its vol scales the noise and the band) and LABEL0 truth from the closes.
void forecast_real_market(const sim::Scenario& sc, LoadedData& d) {
  std::vector<sim::SyntheticBar> bars;
  bars.reserve(d.bars.size());
  for (const strategy::Bar& b : d.bars) {
    bars.push_back({b.ts_ns, static_cast<float>(b.close), sim::MarketRegime::kNormal});
  }
  std::vector<double> truth(bars.size(), std::nan(""));
  for (std::size_t t = 0; t + 2 < bars.size(); ++t) {
    const double ratio = static_cast<double>(bars[t + 2].close) / static_cast<double>(bars[t + 1].close);
    truth[t] = static_cast<double>(static_cast<float>(ratio)) - 1.0;
  }
  const std::vector<sim::QuantileForecast> f =
      sim::forecast_quantiles(bars, truth, sc.signals.synthetic);
  for (std::size_t i = 0; i < f.size(); ++i) {
    d.signal_ts.push_back(bars[i].ts_ns);
    d.q10.push_back(f[i].q10);
    d.q50.push_back(f[i].q50);
    d.q90.push_back(f[i].q90);
  }
  d.has_signal_rows = true;
}

absl::Status load_signal_file(const sim::Scenario& sc, const EnvLookup& env, LoadedData& d) {
  auto path = expand(sc.signals.file->path, env);
  if (!path.ok()) return path.status();
  auto file = io::read_signal_file(*path);
  if (!file.ok()) return file.status();
  d.signal_ts = std::move(file->ts_ns);
  d.q10 = std::move(file->q10);
  d.q50 = std::move(file->q50);
  d.q90 = std::move(file->q90);
  d.has_signal_rows = true;
  return absl::OkStatus();
}

absl::StatusOr<LoadedData> load_data(const sim::Scenario& sc, const EnvLookup& env) {
  LoadedData d;
  const sim::MarketConfig& m = sc.market;
  if (m.source == sim::MarketSourceKind::kCsv || m.source == sim::MarketSourceKind::kQlib) {
    auto bars = m.source == sim::MarketSourceKind::kCsv ? load_csv_market(*m.csv, env)
                                                        : load_qlib_market(*m.qlib, env);
    if (!bars.ok()) return bars.status();
    d.bars = std::move(*bars);
    cut_to_run(sc, d.bars);
    if (d.bars.empty()) {
      return absl::InvalidArgumentError(
          fmt::format("{}: the market source has no bar inside the run's range", sc.path));
    }
  }
  if (sc.signals.source == sim::SignalSourceKind::kFile) {
    if (auto st = load_signal_file(sc, env, d); !st.ok()) return st;
  } else if (m.source != sim::MarketSourceKind::kSynthetic) {
    forecast_real_market(sc, d);
  }
  return d;
}

// The ports of one run, built fresh for each run over the shared LoadedData.
struct Sources {
  std::unique_ptr<sim::SyntheticSource> synthetic;
  std::unique_ptr<ports::MarketSource> base;  // sim::VectorMarket for csv/qlib
  std::unique_ptr<sim::JumpMarket> jumps;
  std::unique_ptr<sim::RowSignalSource> rows;
  ports::MarketSource* market = nullptr;
  ports::SignalSource* signals = nullptr;
};

Sources make_sources(const sim::Scenario& sc, const LoadedData& d) {
  Sources s;
  if (sc.market.source == sim::MarketSourceKind::kSynthetic) {
    s.synthetic = std::make_unique<sim::SyntheticSource>(sc.market.synthetic,
                                                         sc.signals.synthetic, sc.market.ohlcv);
    s.jumps = std::make_unique<sim::JumpMarket>(*s.synthetic, sc.market.jumps);
    s.market = s.jumps.get();
    s.signals = s.synthetic.get();
  } else {
    s.base = std::make_unique<sim::VectorMarket>(d.bars);
    s.market = s.base.get();
  }
  if (d.has_signal_rows) {
    s.rows = std::make_unique<sim::RowSignalSource>(d.signal_ts, d.q10, d.q50, d.q90,
                                                    sc.signals.lookup);
    s.signals = s.rows.get();
  }
  return s;
}

// ---- Output files ---------------------------------------------------------------------------

// A CSV file written row by row to PATH.partial (the encoding of io::CsvWriter: Python repr
// floats, NaN as an empty field), so a long run's rows never accumulate in memory.
class CsvStream {
 public:
  CsvStream(std::string path, std::vector<std::string> header)
      : path_(std::move(path)), cols_(header.size()) {
    file_ = std::fopen(partial().c_str(), "wb");
    for (std::size_t i = 0; i < header.size(); ++i) {
      buf_ += i == 0 ? "" : ",";
      buf_ += header[i];
    }
    buf_ += '\n';
  }
  ~CsvStream() {
    if (file_ != nullptr) std::fclose(file_);
  }
  CsvStream(const CsvStream&) = delete;
  CsvStream& operator=(const CsvStream&) = delete;

  std::string partial() const { return path_ + ".partial"; }
  CsvStream& str(std::string_view s) { return field(s); }
  CsvStream& f64(double v) { return field(std::isnan(v) ? std::string() : q50::py_repr(v)); }
  CsvStream& i64(std::int64_t v) { return field(std::to_string(v)); }
  CsvStream& e8(std::int64_t v) { return f64(q50::to_double(v)); }
  void end_row() {
    Q50_CHECK(in_row_ == cols_, "CsvStream: wrong field count");
    buf_ += '\n';
    in_row_ = 0;
    if (buf_.size() >= (1U << 16)) flush();
  }
  // Flushes and closes; Unavailable naming the file on any write error.
  absl::Status close() {
    flush();
    const bool closed = file_ != nullptr && std::fclose(file_) == 0;
    file_ = nullptr;
    if (!ok_ || !closed) return absl::UnavailableError(fmt::format("{}: write failed", partial()));
    return absl::OkStatus();
  }

 private:
  CsvStream& field(std::string_view s) {
    if (in_row_++ > 0) buf_ += ',';
    buf_ += s;
    return *this;
  }
  void flush() {
    if (file_ == nullptr) {
      ok_ = false;
    } else if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) {
      ok_ = false;
    }
    buf_.clear();
  }

  std::string path_;
  std::size_t cols_;
  std::FILE* file_ = nullptr;
  std::string buf_;
  std::size_t in_row_ = 0;
  bool ok_ = true;
};

std::int8_t series_side(std::int8_t side) {
  if (side == kSideLong) return 1;
  if (side == kSideShort) return -1;
  return 0;
}

// Streams bars.csv and trades.csv and collects the RunSeries of the run.
class RunSink final : public ports::Sink {
 public:
  RunSink(const sim::Scenario& sc, const std::string& dir, bool progress)
      : sc_(sc),
        progress_(progress),
        bars_(dir + "/bars.csv",
              {"timestamp", "close", "signal_used", "side", "tier", "variance_regime", "size",
               "target_qty",
               "order_qty", "waiting", "risk_limited", "risk_reason", "position", "cash",
               "equity"}),
        trades_(dir + "/trades.csv",
                {"timestamp", "ts_ns", "order_id", "client_order_id", "side", "qty", "price",
                 "notional", "fee", "slippage", "liquidity"}) {
    if (sc.market.source == sim::MarketSourceKind::kSynthetic) {
      for (int r = 0; r <= static_cast<int>(sim::MarketRegime::kCrash); ++r) {
        series_.regime_names.emplace_back(sim::regime_name(static_cast<sim::MarketRegime>(r)));
      }
    } else {
      series_.regime_names.emplace_back(kNoRegime);
    }
  }

  void on_bar(const strategy::BarRecord& r) override;
  void on_fill(const ports::FillRecord& f) override;
  void on_order(const ports::OrderRecord& o) override;
  std::vector<std::string> partial_files() const { return {bars_.partial(), trades_.partial()}; }
  absl::Status close() {
    auto a = bars_.close();
    auto b = trades_.close();
    return a.ok() ? b : a;
  }
  RunSeries& series() { return series_; }

 private:
  std::int64_t regime_of(TimestampNs ts_ns) const;

  const sim::Scenario& sc_;
  bool progress_;
  CsvStream bars_;
  CsvStream trades_;
  RunSeries series_;
  std::int64_t records_ = 0;
};

// The synthetic schedule's regime of the bar stamped ts_ns (the schedule repeats); csv/qlib
// markets carry no regime label.
std::int64_t RunSink::regime_of(TimestampNs ts_ns) const {
  if (sc_.market.source != sim::MarketSourceKind::kSynthetic) return 0;
  const sim::SyntheticMarketParams& p = sc_.market.synthetic;
  std::int64_t cycle = 0;
  for (const sim::RegimeSpan& s : p.schedule) cycle += s.bars;
  std::int64_t i = std::max<std::int64_t>(0, (ts_ns - p.start_ts_ns) / p.bar_ns);
  i = cycle > 0 ? i % cycle : 0;
  for (const sim::RegimeSpan& s : p.schedule) {
    if (i < s.bars) return static_cast<std::int64_t>(s.regime);
    i -= s.bars;
  }
  return static_cast<std::int64_t>(sim::MarketRegime::kNormal);
}

void RunSink::on_bar(const strategy::BarRecord& r) {
  bars_.str(format_timestamp(r.ts_ns)).f64(r.close).i64(r.signal_used ? 1 : 0);
  bars_.i64(r.side).i64(r.tier).str(variance_regime_name(r.variance_regime));
  bars_.f64(r.size).f64(r.target_qty).f64(r.order_qty);
  bars_.i64(r.waiting ? 1 : 0).i64(r.risk_limited ? 1 : 0);
  bars_.str(r.risk_limited ? reject_reason_name(r.risk_reason) : "");
  bars_.f64(r.position).f64(r.cash).f64(r.equity);
  bars_.end_row();
  if (progress_ && ++records_ % kProgressEveryBars == 0) {
    std::fprintf(stderr, "\rbars %lld", static_cast<long long>(records_));
  }
  // A bar fault (duplicate, out of order) can deliver a time the series already has: the
  // metrics take each bar time once, in order (the CSV keeps every record).
  if (!series_.ts_ns.empty() && r.ts_ns <= series_.ts_ns.back()) return;
  series_.ts_ns.push_back(r.ts_ns);
  series_.price.push_back(r.close);
  series_.equity.push_back(r.equity);
  series_.position.push_back(r.position);
  series_.regime.push_back(regime_of(r.ts_ns));
  series_.tier.push_back(r.tier);
  series_.side.push_back(series_side(r.side));
  series_.variance_regime.push_back(static_cast<std::int64_t>(r.variance_regime));
  if (r.risk_limited) {
    series_.rejects.push_back({r.ts_ns, fmt::format("risk:{}", reject_reason_name(r.risk_reason))});
  }
}

// Every refusal is a reject with where it came from: risk (on_bar), the venue, or the lot
// rounding at the engine's boundary. Accepted orders give the signal-to-order latency.
void RunSink::on_order(const ports::OrderRecord& o) {
  switch (o.outcome) {
    case ports::OrderOutcome::kAccepted:
      series_.signal_to_order_latency_ns.push_back(o.ts_ns - o.decided_ts_ns);
      break;
    case ports::OrderOutcome::kVenueReject:
      series_.rejects.push_back({o.ts_ns, fmt::format("venue:{}", sim::reject_code_name(o.reject))});
      break;
    case ports::OrderOutcome::kLotReject:
      series_.rejects.push_back({o.ts_ns, "lot:below_step"});
      break;
  }
}

void RunSink::on_fill(const ports::FillRecord& f) {
  trades_.str(format_timestamp(f.ts_ns)).i64(f.ts_ns).i64(f.order_id).i64(f.client_order_id);
  trades_.str(f.qty_e8 > 0 ? "BUY" : "SELL").e8(f.qty_e8 > 0 ? f.qty_e8 : -f.qty_e8);
  trades_.e8(f.price_e8).e8(f.notional_e8).e8(f.fee_e8).e8(f.slippage_e8);
  trades_.str(sim::liquidity_name(f.liquidity));
  trades_.end_row();
  series_.trades.push_back({f.ts_ns, f.qty_e8 > 0 ? 1 : -1,
                            q50::to_double(f.qty_e8 > 0 ? f.qty_e8 : -f.qty_e8),
                            q50::to_double(f.price_e8), q50::to_double(f.fee_e8)});
}

// ---- Assertions -----------------------------------------------------------------------------

std::int64_t risk_count(const strategy::Counters& c, RejectReason reason) {
  const auto i = static_cast<std::size_t>(reason);
  return c.risk_rejects[i] + c.risk_clamps[i];
}

void check_bounds(const sim::Assertions& a, const ScenarioRunResult& r,
                  std::vector<std::string>& out) {
  const std::int64_t trades = r.summary.fills;
  if (a.min_trades && trades < *a.min_trades) {
    out.push_back(fmt::format("min_trades: {} trades < {}", trades, *a.min_trades));
  }
  if (a.max_trades && trades > *a.max_trades) {
    out.push_back(fmt::format("max_trades: {} trades > {}", trades, *a.max_trades));
  }
  const double dd = -r.metrics.max_drawdown;
  if (a.max_drawdown_at_most && dd > *a.max_drawdown_at_most) {
    out.push_back(fmt::format("max_drawdown_at_most: drawdown {} > {}", q50::py_repr(dd),
                              q50::py_repr(*a.max_drawdown_at_most)));
  }
  if (a.final_equity_at_least && r.final_equity < *a.final_equity_at_least) {
    out.push_back(fmt::format("final_equity_at_least: {} < {}", q50::py_repr(r.final_equity),
                              q50::py_repr(*a.final_equity_at_least)));
  }
  if (a.final_equity_at_most && r.final_equity > *a.final_equity_at_most) {
    out.push_back(fmt::format("final_equity_at_most: {} > {}", q50::py_repr(r.final_equity),
                              q50::py_repr(*a.final_equity_at_most)));
  }
  const double sharpe = r.metrics.total.returns.sharpe_ratio;
  if (a.sharpe_at_least && !(sharpe >= *a.sharpe_at_least)) {
    out.push_back(fmt::format("sharpe_at_least: {} < {}", q50::py_repr(sharpe),
                              q50::py_repr(*a.sharpe_at_least)));
  }
}

void check_counts(const sim::Assertions& a, const ScenarioRunResult& r,
                  std::vector<std::string>& out) {
  for (const auto& [code, want] : a.expect_rejects) {
    const auto it = r.summary.venue_rejects.find(code);
    const std::int64_t got = it == r.summary.venue_rejects.end() ? 0 : it->second;
    if (got < want) {
      out.push_back(fmt::format("expect_rejects.{}: {} venue rejects < {}",
                                sim::reject_code_name(code), got, want));
    }
  }
  for (const auto& [reason, want] : a.expect_risk_rejects) {
    const std::int64_t got = risk_count(r.summary.strategy, reason);
    if (got < want) {
      out.push_back(fmt::format("expect_risk_rejects.{}: {} risk rejects/clamps < {}",
                                reject_reason_name(reason), got, want));
    }
  }
  if (a.flat_at_end && r.summary.final_position_e8 != 0) {
    out.push_back(fmt::format("flat_at_end: position {} at the end",
                              q50::py_repr(q50::to_double(r.summary.final_position_e8))));
  }
  if (a.no_invariant_violations && r.summary.invariant_violations != 0) {
    out.push_back(fmt::format("no_invariant_violations: {} violations",
                              r.summary.invariant_violations));
  }
  if (a.faults_recovered) {
    for (const sim::FaultEvent& f : r.summary.fault_log) {
      if (f.recovered_ts_ns < 0) {
        out.push_back(fmt::format("faults_recovered: {} opened at {} never recovered",
                                  sim::fault_kind_name(f.kind), format_timestamp(f.ts_ns)));
      }
    }
  }
}

// ---- metrics.json ---------------------------------------------------------------------------

std::string hex16(std::uint64_t v) { return fmt::format("{:016x}", v); }

nlohmann::json engine_json(const sim::EngineSummary& s) {
  nlohmann::json j;
  j["fingerprint"] = hex16(s.fingerprint);
  j["bars"] = s.bars;
  j["events"] = s.events;
  j["orders"] = s.orders;
  j["accepted"] = s.accepted;
  j["fills"] = s.fills;
  j["orders_ended"] = s.orders_ended;
  j["orders_closed"] = s.orders_closed;
  j["lot_rejects"] = s.lot_rejects;
  j["order_open_at_end"] = s.order_open_at_end;
  j["venue_rejects"] = nlohmann::json::object();
  for (const auto& [code, n] : s.venue_rejects) j["venue_rejects"][sim::reject_code_name(code)] = n;
  j["risk_rejects"] = nlohmann::json::object();
  j["risk_clamps"] = nlohmann::json::object();
  for (std::size_t i = 0; i < strategy::kRejectReasonCount; ++i) {
    const std::string name(reject_reason_name(static_cast<RejectReason>(i)));
    if (s.strategy.risk_rejects[i] != 0) j["risk_rejects"][name] = s.strategy.risk_rejects[i];
    if (s.strategy.risk_clamps[i] != 0) j["risk_clamps"][name] = s.strategy.risk_clamps[i];
  }
  j["strategy"] = {{"signals", s.strategy.signals},
                   {"stale_signals", s.strategy.stale_signals},
                   {"signals_used", s.strategy.signals_used},
                   {"bars_waiting", s.strategy.bars_waiting},
                   {"below_lot", s.strategy.below_lot},
                   {"below_rebalance", s.strategy.below_rebalance}};
  j["fees_e8"] = s.fees_e8;
  j["slippage_e8"] = s.slippage_e8;
  j["final_quote_e8"] = s.final_quote_e8;
  j["final_position_e8"] = s.final_position_e8;
  j["final_mark_e8"] = s.final_mark_e8;
  j["final_equity_e8"] = s.final_equity_e8;
  j["journal_lines"] = s.journal_lines;
  j["invariant_checks"] = s.invariant_checks;
  j["faults"] = nlohmann::json::object();
  for (const auto& [kind, f] : s.faults) {
    j["faults"][std::string(sim::fault_kind_name(kind))] = {
        {"windows", f.windows}, {"injected", f.injected}, {"recovered", f.recovered}};
  }
  return j;
}

std::string metrics_json(const ScenarioRunResult& r) {
  nlohmann::json j = nlohmann::json::parse(io::render_metrics_json(r.metrics));
  j["engine"] = engine_json(r.summary);
  j["assertions"] = {{"passed", r.failures.empty()}, {"failures", r.failures}};
  return j.dump(2) + "\n";
}

// ---- Committing the output directory --------------------------------------------------------

void remove_all(const std::vector<std::string>& paths) {
  std::error_code ec;
  for (const std::string& p : paths) std::filesystem::remove(p, ec);
}

absl::Status write_partial(const std::string& partial, std::string_view content) {
  std::FILE* f = std::fopen(partial.c_str(), "wb");
  if (f == nullptr) return absl::UnavailableError(fmt::format("{}: cannot create", partial));
  const bool wrote = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  const bool closed = std::fclose(f) == 0;
  if (!wrote || !closed) return absl::UnavailableError(fmt::format("{}: write failed", partial));
  return absl::OkStatus();
}

// Renames every PATH.partial to PATH; on a failure removes the partials left and the files
// already renamed, so the directory holds the whole run or none of it.
absl::Status commit_partials(const std::vector<std::string>& partials) {
  constexpr std::size_t kSuffix = sizeof(".partial") - 1;
  std::vector<std::string> done;
  for (std::size_t i = 0; i < partials.size(); ++i) {
    const std::string final_path = partials[i].substr(0, partials[i].size() - kSuffix);
    std::error_code ec;
    std::filesystem::rename(partials[i], final_path, ec);
    if (ec) {
      remove_all({partials.begin() + static_cast<std::ptrdiff_t>(i), partials.end()});
      remove_all(done);
      return absl::UnavailableError(
          fmt::format("{}: cannot rename into place: {}", final_path, ec.message()));
    }
    done.push_back(final_path);
  }
  return absl::OkStatus();
}

absl::Status create_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::UnavailableError(
        fmt::format("{}: cannot create the output directory: {}", dir, ec.message()));
  }
  return absl::OkStatus();
}

// ---- The run --------------------------------------------------------------------------------

RunSeries finish_series(RunSeries series, const sim::EngineSummary& s) {
  for (const sim::FaultEvent& f : s.fault_log) {
    series.faults.push_back({f.ts_ns, std::string(sim::fault_kind_name(f.kind)),
                             f.recovered_ts_ns < 0 ? kNotRecovered : f.recovered_ts_ns});
  }
  std::stable_sort(series.faults.begin(), series.faults.end(),
                   [](const FaultEvent& a, const FaultEvent& b) { return a.ts_ns < b.ts_ns; });
  return series;
}

void fill_result(const sim::Scenario& sc, const sim::EngineSummary& s, const RunMetrics& m,
                 ScenarioRunResult& r) {
  r.name = sc.name;
  r.seed = sc.seed;
  r.summary = s;
  r.metrics = m;
  // The equity marked at the first bar (the opening base balance needs a price).
  r.initial_equity = m.initial_equity;
  r.final_equity = q50::to_double(s.final_equity_e8);
  for (const auto& [kind, f] : s.faults) {
    r.fault_windows += f.windows;
    r.faults_recovered += f.recovered;
  }
}

struct RunOutcome {
  sim::EngineSummary summary;
  std::string journal;
};

}  // namespace

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
}

void apply_seed(sim::Scenario& sc, std::uint64_t seed) {
  sc.seed = seed;
  sc.market.synthetic.seed = seed;
  sc.signals.synthetic.seed = seed;
}

std::optional<std::string> missing_reference_data(const sim::Scenario& sc, const EnvLookup& env) {
  std::vector<std::string> paths;
  if (sc.market.source == sim::MarketSourceKind::kCsv) paths.push_back(sc.market.csv->path);
  if (sc.market.source == sim::MarketSourceKind::kQlib) paths.push_back(sc.market.qlib->dir);
  if (sc.signals.source == sim::SignalSourceKind::kFile) paths.push_back(sc.signals.file->path);
  for (const std::string& p : paths) {
    if (p.rfind("${", 0) != 0) continue;
    const std::string name = p.substr(2, p.find('}') - 2);
    if (!env(name)) return fmt::format("{} is not set (needed for {})", name, p);
    auto expanded = io::expand_scenario_path(p, env);
    std::error_code ec;
    if (!expanded.ok() || !std::filesystem::exists(*expanded, ec)) {
      return fmt::format("reference data {} not found",
                         expanded.ok() ? *expanded : std::string(p));
    }
  }
  return std::nullopt;
}

sim::EngineConfig engine_config(const sim::Scenario& sc) {
  sim::EngineConfig c;
  c.seed = sc.seed;
  c.exchange = sc.exchange;
  strategy::Params& p = c.strategy;
  const sim::StrategyConfig& s = sc.strategy;
  p.percentiles = sc.signals.percentiles;
  p.sizing = static_cast<strategy::SizingRule>(s.sizing);  // same enumerators, same order
  p.hb_method = s.hb_method;
  p.hb_max_position_pct = s.hb_max_position_pct;
  p.hold = s.hold;
  p.min_confidence_hold = s.min_confidence_hold;
  p.rule = s.rule;
  p.max_abs_fraction = s.max_position_fraction;
  p.allow_short = s.allow_short;
  p.no_signal = s.on_missing_signal == sim::MissingSignalPolicy::kFlat
                    ? strategy::NoSignalPolicy::kFlat
                    : strategy::NoSignalPolicy::kKeep;
  p.use_stale = s.use_stale;
  p.rebalance_min_fraction = s.rebalance_min_fraction;
  p.risk_mode = s.risk_mode == sim::RiskMode::kCheck ? strategy::RiskMode::kCheck
                                                     : strategy::RiskMode::kClamp;
  p.limits = sc.risk;
  const std::int64_t step = sc.exchange.instrument.step_size_e8;
  p.lot_size = q50::to_double(step > 0 ? step : 1);
  c.faults = sc.faults;
  c.checkpoint_every_bars = sc.checkpoint_every_bars;
  return c;
}

namespace {

RunOutcome run_once(const sim::Scenario& sc, const LoadedData& d, ports::Sink& sink,
                    bool keep_text) {
  sim::EngineConfig config = engine_config(sc);
  config.keep_journal_text = keep_text;
  sim::Engine engine(std::move(config));
  Sources sources = make_sources(sc, d);
  RunOutcome out;
  out.summary = engine.run(*sources.market, *sources.signals, sink);
  if (keep_text) out.journal = engine.journal_text();
  return out;
}

}  // namespace

absl::StatusOr<ScenarioRunResult> run_scenario(const sim::Scenario& sc, const std::string& out_dir,
                                               const ScenarioRunOptions& options) {
  sim::Scenario scenario = sc;
  if (options.seed) apply_seed(scenario, *options.seed);
  auto data = load_data(scenario, options.env);
  if (!data.ok()) return data.status();
  if (auto st = create_dir(out_dir); !st.ok()) return st;
  RunSink sink(scenario, out_dir, options.progress && isatty(STDERR_FILENO) != 0);
  std::vector<std::string> partials = sink.partial_files();
  const RunOutcome run = run_once(scenario, *data, sink, true);
  if (options.progress && isatty(STDERR_FILENO) != 0) std::fputc('\n', stderr);
  if (auto st = sink.close(); !st.ok()) {
    remove_all(partials);
    return st;
  }
  RunSeries series = finish_series(std::move(sink.series()), run.summary);
  series.info = {scenario.name, scenario.seed, run.summary.fingerprint, Q50SIM_VERSION};
  ScenarioRunResult result;
  fill_result(scenario, run.summary, compute_run_metrics(series, MetricsOptions{}), result);
  check_bounds(scenario.assertions, result, result.failures);
  check_counts(scenario.assertions, result, result.failures);
  if (scenario.assertions.deterministic || options.force_deterministic_check) {
    ports::CountingSink counting;
    const RunOutcome again = run_once(scenario, *data, counting, false);
    if (again.summary.fingerprint != run.summary.fingerprint) {
      result.failures.push_back(fmt::format("deterministic: fingerprint {} then {}",
                                            hex16(run.summary.fingerprint),
                                            hex16(again.summary.fingerprint)));
    }
  }
  const std::vector<std::pair<std::string, std::string>> files = {
      {"journal.txt", run.journal},
      {"metrics.json", metrics_json(result)},
      {"report.html", io::render_report_html(series, result.metrics)}};
  for (const auto& [name, content] : files) {
    partials.push_back(out_dir + "/" + name + ".partial");
    if (auto st = write_partial(partials.back(), content); !st.ok()) {
      remove_all(partials);
      return st;
    }
  }
  if (auto st = commit_partials(partials); !st.ok()) return st;
  return result;
}

}  // namespace q50::app
