#include "sim/pipeline_demo.h"

#include <array>
#include <cmath>

#include "fmt/format.h"
#include "sim/synthetic_market.h"

namespace q50::sim {
namespace {

SyntheticMarketParams market_params(const PipelineDemoConfig& c) {
  SyntheticMarketParams p;
  p.seed = c.seed;
  p.start_ts_ns = *parse_timestamp("2030-01-01 00:00:00");
  p.bars = c.bars + 2;  // two extra bars for the last labels' look-ahead
  p.schedule = {{MarketRegime::kQuiet, 500},    {MarketRegime::kNormal, 900},
                {MarketRegime::kTrending, 300}, {MarketRegime::kVolatile, 200},
                {MarketRegime::kNormal, 600},   {MarketRegime::kCrash, 24},
                {MarketRegime::kVolatile, 150}, {MarketRegime::kQuiet, 400}};
  return p;
}

}  // namespace

PipelineDemo run_pipeline_demo(const PipelineDemoConfig& c) {
  PipelineDemo d;
  d.config = c;
  const auto market = generate_market(market_params(c));
  std::vector<float> closes;
  closes.reserve(market.size());
  for (const auto& b : market) closes.push_back(b.close);
  const auto labelled = static_cast<std::size_t>(c.bars);
  d.features = compute_features(closes, labelled);
  std::vector<double> truth(market.size(), std::nan(""));
  for (std::size_t i = 0; i < labelled; ++i) truth[i] = static_cast<double>(d.features[i].truth);
  const auto forecasts = forecast_quantiles(market, truth, {c.seed, c.skill, 0.2, 1.0});
  std::vector<double> q10(labelled), q50(labelled), q90(labelled);
  std::vector<float> vol_risk(labelled), momentum(labelled);
  for (std::size_t i = 0; i < labelled; ++i) {
    d.ts_ns.push_back(market[i].ts_ns);
    q10[i] = forecasts[i].q10;
    q50[i] = forecasts[i].q50;
    q90[i] = forecasts[i].q90;
    vol_risk[i] = d.features[i].vol_risk;
    momentum[i] = d.features[i].vol_raw_momentum;
  }
  d.percentiles = sample_variance_percentiles(vol_risk);
  d.rows.resize(labelled);
  compute_signals({q10, q50, q90, vol_risk, momentum}, d.percentiles, d.rows);
  return d;
}

std::string pipeline_demo_summary(const PipelineDemo& d) {
  std::array<int, 3> sides{};  // short, long, hold
  std::array<int, 4> tiers{};
  std::array<int, 4> regimes{};
  int hits = 0;
  int directional = 0;
  double kelly_sum = 0;
  for (std::size_t i = 0; i < d.rows.size(); ++i) {
    const SignalRow& r = d.rows[i];
    ++sides[r.side == kSideShort ? 0 : (r.side == kSideLong ? 1 : 2)];
    ++tiers[r.signal_tier];
    ++regimes[r.variance_regime_low      ? 0
              : r.variance_regime_medium ? 1
              : r.variance_regime_high   ? 2
                                         : 3];
    if (r.side != kSideHold && !std::isnan(d.features[i].truth)) {
      ++directional;
      const bool up = d.features[i].truth > 0;
      hits += (up == (r.side == kSideLong)) ? 1 : 0;
      kelly_sum += r.kelly_position_size;
    }
  }
  const double n = static_cast<double>(d.rows.size());
  const auto pct = [n](int k) { return 100.0 * k / n; };
  const VariancePercentiles& p = d.percentiles;
  std::string out;
  out += fmt::format("bars          {} hourly, synthetic regimes, forecaster skill {:.2f}\n",
                     d.rows.size(), d.config.skill);
  out += fmt::format("percentiles   P30={:.6g} P70={:.6g} P90={:.6g} (sample mode)\n", p.p30, p.p70,
                     p.p90);
  out += fmt::format("regimes       low {:.1f}%  medium {:.1f}%  high {:.1f}%  extreme {:.1f}%\n",
                     pct(regimes[0]), pct(regimes[1]), pct(regimes[2]), pct(regimes[3]));
  out += fmt::format("sides         LONG {}  SHORT {}  HOLD {}\n", sides[1], sides[0], sides[2]);
  out += fmt::format("tiers         0: {}  1: {}  2: {}  3: {}\n", tiers[0], tiers[1], tiers[2],
                     tiers[3]);
  if (directional > 0) {
    out += fmt::format("direction hit {:.1f}% of {} LONG/SHORT bars (truth = next-bar label)\n",
                       100.0 * hits / directional, directional);
    out += fmt::format("mean kelly    {:.5f} of equity on LONG/SHORT bars\n",
                       kelly_sum / directional);
  }
  return out;
}

}  // namespace q50::sim
