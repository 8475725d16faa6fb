// q50sim demo: the main job on an embedded default. A seeded synthetic BTC-like market (a
// regime schedule of quiet, normal, trending, volatile and crash spans) feeds qlib-exact
// features; a seeded forecaster with configurable skill issues q10/q50/q90; the existing
// system's signal pipeline turns them into sides, tiers, thresholds and sizes. Same seed, same
// bytes out.
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <vector>

#include "app/args.h"
#include "app/command_output.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "core/qlib_features.h"
#include "core/regime.h"
#include "core/signal.h"
#include "fmt/format.h"
#include "io/csv.h"
#include "sim/synthetic_market.h"

namespace q50::app {
namespace {

constexpr std::string_view kHelp =
    "usage: q50sim demo [--seed N] [--bars N] [--skill X] [--out SIGNALS.csv]\n"
    "\n"
    "Runs the Q50 signal pipeline over a deterministic synthetic quantile series that q50sim\n"
    "generates itself (no external data) and prints a short summary.\n"
    "  --seed N     PRNG seed (default 42); the same seed always prints the same summary\n"
    "  --bars N     hourly bars (default 8760, one year)\n"
    "  --skill X    forecaster skill in [0, 1] (default 0.05)\n"
    "  --out FILE   also write the per-bar signal columns (the `q50sim signals` layout)\n";

struct DemoConfig {
  std::uint64_t seed = 42;
  std::int64_t bars = 8760;
  double skill = 0.05;
};

sim::SyntheticMarketParams market_params(const DemoConfig& c) {
  using sim::MarketRegime;
  sim::SyntheticMarketParams p;
  p.seed = c.seed;
  p.start_ts_ns = *parse_timestamp("2030-01-01 00:00:00");
  p.bars = c.bars + 2;  // two extra bars for the last labels' look-ahead
  p.schedule = {{MarketRegime::kQuiet, 500},    {MarketRegime::kNormal, 900},
                {MarketRegime::kTrending, 300}, {MarketRegime::kVolatile, 200},
                {MarketRegime::kNormal, 600},   {MarketRegime::kCrash, 24},
                {MarketRegime::kVolatile, 150}, {MarketRegime::kQuiet, 400}};
  return p;
}

void print_summary(const DemoConfig& c, const std::vector<FeatureRow>& features,
                   const std::vector<SignalRow>& rows, const VariancePercentiles& p) {
  std::array<int, 3> sides{};  // short, long, hold
  std::array<int, 4> tiers{};
  std::array<int, 4> regimes{};
  int hits = 0;
  int directional = 0;
  double kelly_sum = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const SignalRow& r = rows[i];
    ++sides[r.side == kSideShort ? 0 : (r.side == kSideLong ? 1 : 2)];
    ++tiers[r.signal_tier];
    ++regimes[r.variance_regime_low ? 0 : r.variance_regime_medium ? 1 : r.variance_regime_high ? 2 : 3];
    if (r.side != kSideHold && !std::isnan(features[i].truth)) {
      ++directional;
      const bool up = features[i].truth > 0;
      hits += (up == (r.side == kSideLong)) ? 1 : 0;
      kelly_sum += r.kelly_position_size;
    }
  }
  const double n = static_cast<double>(rows.size());
  const auto pct = [n](int k) { return 100.0 * k / n; };
  fmt::print("seed={} scenario=demo-synthetic version={}\n", c.seed, Q50SIM_VERSION);
  fmt::print("bars          {} hourly, synthetic regimes, forecaster skill {:.2f}\n", rows.size(),
             c.skill);
  fmt::print("percentiles   P30={:.6g} P70={:.6g} P90={:.6g} (sample mode)\n", p.p30, p.p70, p.p90);
  fmt::print("regimes       low {:.1f}%  medium {:.1f}%  high {:.1f}%  extreme {:.1f}%\n",
             pct(regimes[0]), pct(regimes[1]), pct(regimes[2]), pct(regimes[3]));
  fmt::print("sides         LONG {}  SHORT {}  HOLD {}\n", sides[1], sides[0], sides[2]);
  fmt::print("tiers         0: {}  1: {}  2: {}  3: {}\n", tiers[0], tiers[1], tiers[2], tiers[3]);
  if (directional > 0) {
    fmt::print("direction hit {:.1f}% of {} LONG/SHORT bars (truth = next-bar label)\n",
               100.0 * hits / directional, directional);
    fmt::print("mean kelly    {:.5f} of equity on LONG/SHORT bars\n", kelly_sum / directional);
  }
}

}  // namespace

int run_demo(const std::vector<std::string_view>& argv) {
  const Args::Spec spec{{"seed", "bars", "skill", "out"}, {}, 0};
  const CommandOutput cli("demo", kHelp);
  auto args = Args::parse(argv, spec);
  if (!args.ok()) return cli.usage_error(args.status());
  if (args->help()) return cli.help();
  DemoConfig c;
  auto seed = args->get_int("seed", 42);
  auto bars = args->get_int("bars", 8760);
  auto skill = args->get_double("skill", 0.05);
  for (const absl::Status& st : {seed.status(), bars.status(), skill.status()}) {
    if (!st.ok()) return cli.usage_error(st);
  }
  if (*seed < 0 || *bars < 10 || *bars > 100'000'000 || !(*skill >= 0 && *skill <= 1)) {
    return cli.usage_error(absl::InvalidArgumentError(
        "need --seed >= 0, 10 <= --bars <= 1e8, 0 <= --skill <= 1"));
  }
  c.seed = static_cast<std::uint64_t>(*seed);
  c.bars = *bars;
  c.skill = *skill;

  const auto market = sim::generate_market(market_params(c));
  std::vector<float> closes;
  closes.reserve(market.size());
  for (const auto& b : market) closes.push_back(b.close);
  const auto labelled = static_cast<std::size_t>(c.bars);
  const std::vector<FeatureRow> features = compute_features(closes, labelled);
  std::vector<double> truth(market.size(), std::nan(""));
  for (std::size_t i = 0; i < labelled; ++i) truth[i] = static_cast<double>(features[i].truth);
  const auto forecasts = sim::forecast_quantiles(market, truth, {c.seed, c.skill, 0.2, 1.0});

  std::vector<double> q10(labelled), q50(labelled), q90(labelled);
  std::vector<float> vol_risk(labelled), momentum(labelled);
  for (std::size_t i = 0; i < labelled; ++i) {
    q10[i] = forecasts[i].q10;
    q50[i] = forecasts[i].q50;
    q90[i] = forecasts[i].q90;
    vol_risk[i] = features[i].vol_risk;
    momentum[i] = features[i].vol_raw_momentum;
  }
  const VariancePercentiles p = sample_variance_percentiles(vol_risk);
  std::vector<SignalRow> rows(labelled);
  compute_signals({q10, q50, q90, vol_risk, momentum}, p, rows);
  print_summary(c, features, rows, p);

  if (auto out_path = args->get("out")) {
    std::vector<std::string> header = {"timestamp"};
    for (const auto& col : signal_columns()) header.emplace_back(col.name);
    io::CsvWriter out(header);
    for (std::size_t i = 0; i < labelled; ++i) {
      out.timestamp(market[i].ts_ns);
      for (const auto& col : signal_columns()) {
        const double v = col.value(rows[i]);
        if (col.kind == SignalColumnKind::kFloat64) {
          out.f64(v);
        } else {
          out.i64(static_cast<std::int64_t>(v));
        }
      }
      out.end_row();
    }
    if (auto st = out.commit(*out_path); !st.ok()) {
      std::fprintf(stderr, "q50sim demo: %s\n", std::string(st.message()).c_str());
      return exit_code_for(st);
    }
  }
  return kExitOk;
}

}  // namespace q50::app
