#include "sim/scenario_run.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>

#include "core/fixed_point.h"
#include "core/number_format.h"
#include "core/qlib_features.h"
#include "fmt/format.h"
#include "sim/sources.h"
#include "sim/synthetic_market.h"

namespace q50::sim {
namespace {

constexpr std::string_view kNoRegime = "unlabelled";

// The ports of one run, built fresh for each run over the shared inputs.
struct Sources {
  std::unique_ptr<SyntheticSource> synthetic;
  std::unique_ptr<VectorMarket> recorded;
  std::unique_ptr<JumpMarket> jumps;
  std::unique_ptr<RowSignalSource> rows;
  ports::MarketSource* market = nullptr;
  ports::SignalSource* signals = nullptr;
};

Sources make_sources(const Scenario& sc, const ScenarioInputs& in) {
  Sources s;
  if (sc.market.source == MarketSourceKind::kSynthetic) {
    s.synthetic =
        std::make_unique<SyntheticSource>(sc.market.synthetic, sc.signals.synthetic, sc.market.ohlcv);
    s.jumps = std::make_unique<JumpMarket>(*s.synthetic, sc.market.jumps);
    s.market = s.jumps.get();
    s.signals = s.synthetic.get();
  } else {
    s.recorded = std::make_unique<VectorMarket>(in.bars);
    s.market = s.recorded.get();
  }
  if (in.has_signal_rows) {
    s.rows = std::make_unique<RowSignalSource>(in.signal_ts_ns, in.q10, in.q50, in.q90,
                                               sc.signals.lookup);
    s.signals = s.rows.get();
  }
  return s;
}

std::int8_t series_side(std::int8_t side) {
  if (side == kSideLong) return 1;
  if (side == kSideShort) return -1;
  return 0;
}

std::int64_t risk_count(const strategy::Counters& c, RejectReason reason) {
  const auto i = static_cast<std::size_t>(reason);
  return c.risk_rejects[i] + c.risk_clamps[i];
}

void check_bounds(const Assertions& a, const ScenarioVerdict& v, std::vector<std::string>& out) {
  const std::int64_t trades = v.summary.fills;
  if (a.min_trades && trades < *a.min_trades) {
    out.push_back(fmt::format("min_trades: {} trades < {}", trades, *a.min_trades));
  }
  if (a.max_trades && trades > *a.max_trades) {
    out.push_back(fmt::format("max_trades: {} trades > {}", trades, *a.max_trades));
  }
  const double dd = -v.metrics.max_drawdown;
  if (a.max_drawdown_at_most && dd > *a.max_drawdown_at_most) {
    out.push_back(fmt::format("max_drawdown_at_most: drawdown {} > {}", py_repr(dd),
                              py_repr(*a.max_drawdown_at_most)));
  }
  if (a.final_equity_at_least && v.final_equity < *a.final_equity_at_least) {
    out.push_back(fmt::format("final_equity_at_least: {} < {}", py_repr(v.final_equity),
                              py_repr(*a.final_equity_at_least)));
  }
  if (a.final_equity_at_most && v.final_equity > *a.final_equity_at_most) {
    out.push_back(fmt::format("final_equity_at_most: {} > {}", py_repr(v.final_equity),
                              py_repr(*a.final_equity_at_most)));
  }
  const double sharpe = v.metrics.total.returns.sharpe_ratio;
  if (a.sharpe_at_least && !(sharpe >= *a.sharpe_at_least)) {
    out.push_back(fmt::format("sharpe_at_least: {} < {}", py_repr(sharpe),
                              py_repr(*a.sharpe_at_least)));
  }
}

void check_counts(const Assertions& a, const ScenarioVerdict& v, std::vector<std::string>& out) {
  for (const auto& [code, want] : a.expect_rejects) {
    const auto it = v.summary.venue_rejects.find(code);
    const std::int64_t got = it == v.summary.venue_rejects.end() ? 0 : it->second;
    if (got < want) {
      out.push_back(fmt::format("expect_rejects.{}: {} venue rejects < {}",
                                reject_code_name(code), got, want));
    }
  }
  for (const auto& [reason, want] : a.expect_risk_rejects) {
    const std::int64_t got = risk_count(v.summary.strategy, reason);
    if (got < want) {
      out.push_back(fmt::format("expect_risk_rejects.{}: {} risk rejects/clamps < {}",
                                reject_reason_name(reason), got, want));
    }
  }
  if (a.flat_at_end && v.summary.final_position_e8 != 0) {
    out.push_back(fmt::format("flat_at_end: position {} at the end",
                              py_repr(to_double(v.summary.final_position_e8))));
  }
  if (a.no_invariant_violations && v.summary.invariant_violations != 0) {
    out.push_back(fmt::format("no_invariant_violations: {} violations",
                              v.summary.invariant_violations));
  }
  if (a.faults_recovered) {
    for (const FaultEvent& f : v.summary.fault_log) {
      if (f.recovered_ts_ns < 0) {
        out.push_back(fmt::format("faults_recovered: {} opened at {} never recovered",
                                  fault_kind_name(f.kind), format_timestamp(f.ts_ns)));
      }
    }
  }
}

}  // namespace

void apply_seed(Scenario& sc, std::uint64_t seed) {
  sc.seed = seed;
  sc.market.synthetic.seed = seed;
  sc.signals.synthetic.seed = seed;
}

EngineConfig engine_config(const Scenario& sc) {
  EngineConfig c;
  c.seed = sc.seed;
  c.exchange = sc.exchange;
  c.strategy = sc.strategy;
  const std::int64_t step = sc.exchange.instrument.step_size_e8;
  c.strategy.lot_size = to_double(step > 0 ? step : 1);
  c.faults = sc.faults;
  c.checkpoint_every_bars = sc.checkpoint_every_bars;
  return c;
}

void cut_to_run(const Scenario& sc, std::vector<strategy::Bar>& bars) {
  std::vector<strategy::Bar> kept;
  for (const strategy::Bar& b : bars) {
    if (sc.start_ts_ns && b.ts_ns < *sc.start_ts_ns) continue;
    if (sc.end_ts_ns && b.ts_ns >= *sc.end_ts_ns) break;
    if (sc.bars && static_cast<std::int64_t>(kept.size()) >= *sc.bars) break;
    kept.push_back(b);
  }
  bars = std::move(kept);
}

void forecast_real_market(const Scenario& sc, ScenarioInputs& in) {
  std::vector<SyntheticBar> bars;
  bars.reserve(in.bars.size());
  for (const strategy::Bar& b : in.bars) {
    bars.push_back({b.ts_ns, static_cast<float>(b.close), MarketRegime::kNormal});
  }
  std::vector<double> truth(bars.size(), std::nan(""));
  for (std::size_t t = 0; t + 2 < bars.size(); ++t) {
    truth[t] = static_cast<double>(label0(bars[t + 1].close, bars[t + 2].close));
  }
  const std::vector<QuantileForecast> f = forecast_quantiles(bars, truth, sc.signals.synthetic);
  in.signal_ts_ns.clear();
  in.q10.clear();
  in.q50.clear();
  in.q90.clear();
  for (std::size_t i = 0; i < f.size(); ++i) {
    in.signal_ts_ns.push_back(bars[i].ts_ns);
    in.q10.push_back(f[i].q10);
    in.q50.push_back(f[i].q50);
    in.q90.push_back(f[i].q90);
  }
  in.has_signal_rows = true;
}

ScenarioRun simulate(const Scenario& sc, const ScenarioInputs& inputs, ports::Sink& sink,
                     bool keep_journal_text, JournalTextSink* journal_sink) {
  EngineConfig config = engine_config(sc);
  config.keep_journal_text = keep_journal_text;
  config.journal_sink = journal_sink;
  Engine engine(std::move(config));
  Sources sources = make_sources(sc, inputs);
  ScenarioRun run;
  run.summary = engine.run(*sources.market, *sources.signals, sink);
  if (keep_journal_text) run.journal_text = engine.journal_text();
  return run;
}

std::uint64_t rerun_fingerprint(const Scenario& sc, const ScenarioInputs& inputs) {
  ports::CountingSink counting;
  return simulate(sc, inputs, counting, false).summary.fingerprint;
}

SeriesCollector::SeriesCollector(const Scenario& scenario, SeriesWriter& records)
    : scenario_(scenario), records_(records) {
  if (scenario.market.source == MarketSourceKind::kSynthetic) {
    for (int r = 0; r <= static_cast<int>(MarketRegime::kCrash); ++r) {
      events_.regime_names.emplace_back(regime_name(static_cast<MarketRegime>(r)));
    }
  } else {
    events_.regime_names.emplace_back(kNoRegime);
  }
  events_.has_variance_regime = true;
}

std::int64_t SeriesCollector::regime_of(TimestampNs ts_ns) const {
  if (scenario_.market.source != MarketSourceKind::kSynthetic) return 0;
  const SyntheticMarketParams& p = scenario_.market.synthetic;
  return static_cast<std::int64_t>(regime_at(p, (ts_ns - p.start_ts_ns) / p.bar_ns));
}

void SeriesCollector::on_bar(const strategy::BarRecord& r) {
  if (has_bar_ && r.ts_ns <= last_ts_ns_) return;
  has_bar_ = true;
  last_ts_ns_ = r.ts_ns;
  records_.add_bar({r.ts_ns, r.close, r.equity, r.position, regime_of(r.ts_ns), r.tier,
                    static_cast<std::int64_t>(r.variance_regime), series_side(r.side)});
  if (r.risk_limited) {
    ++events_.rejects_by_reason[fmt::format("risk:{}", reject_reason_name(r.risk_reason))];
  }
}

// Every refusal is a reject with where it came from: risk (on_bar), the venue, or the lot
// rounding at the runtime's boundary. Accepted orders give the signal-to-order latency.
void SeriesCollector::on_order(const ports::OrderRecord& o) {
  switch (o.outcome) {
    case ports::OrderOutcome::kAccepted:
      events_.signal_to_order_latency_ns.push_back(o.ts_ns - o.decided_ts_ns);
      break;
    case ports::OrderOutcome::kVenueReject:
      ++events_.rejects_by_reason[fmt::format("venue:{}", reject_code_name(o.reject))];
      break;
    case ports::OrderOutcome::kLotReject:
      ++events_.rejects_by_reason["lot:below_step"];
      break;
  }
}

void SeriesCollector::on_fill(const ports::FillRecord& f) {
  const std::int64_t qty = f.qty_e8 > 0 ? f.qty_e8 : -f.qty_e8;
  records_.add_trade(
      {f.ts_ns, f.qty_e8 > 0 ? 1 : -1, to_double(qty), to_double(f.price_e8), to_double(f.fee_e8)});
}

RunEvents SeriesCollector::finish(const EngineSummary& s, std::string version) {
  for (const FaultEvent& f : s.fault_log) {
    events_.faults.push_back({f.ts_ns, std::string(fault_kind_name(f.kind)),
                              f.recovered_ts_ns < 0 ? kNotRecovered : f.recovered_ts_ns});
  }
  std::stable_sort(events_.faults.begin(), events_.faults.end(),
                   [](const q50::FaultEvent& a, const q50::FaultEvent& b) {
                     return a.ts_ns < b.ts_ns;
                   });
  events_.info = {scenario_.name, scenario_.seed, s.fingerprint, std::move(version)};
  return std::move(events_);
}

std::vector<std::string> failed_assertions(const Assertions& assertions,
                                           const ScenarioVerdict& verdict) {
  std::vector<std::string> out;
  check_bounds(assertions, verdict, out);
  check_counts(assertions, verdict, out);
  return out;
}

}  // namespace q50::sim
