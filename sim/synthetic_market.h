#ifndef Q50SIM_SIM_SYNTHETIC_MARKET_H_
#define Q50SIM_SIM_SYNTHETIC_MARKET_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/prng.h"
#include "core/timestamp.h"

namespace q50::sim {

// Market regimes of the synthetic generator. Hourly log returns are drift + vol * shock, the
// shock N(0,1) or, with student_t_dof, a unit-variance Student t (fat tails).
enum class MarketRegime : std::uint8_t { kQuiet, kNormal, kTrending, kVolatile, kCrash };

std::string_view regime_name(MarketRegime r);

struct RegimeSpan {
  MarketRegime regime;
  std::int64_t bars;
};

struct SyntheticMarketParams {
  std::uint64_t seed = 1;
  TimestampNs start_ts_ns = 0;
  TimestampNs bar_ns = kNsPerHour;
  double start_price = 30000.0;
  // Repeated until `bars` bars exist.
  std::vector<RegimeSpan> schedule;
  std::int64_t bars = 0;
  // 0: normal shocks. > 2: Student t shocks with this many degrees of freedom, scaled to unit
  // variance (Prng::student_t), so a regime's vol keeps its meaning and only the tails fatten
  // (4 to 6 is typical of hourly crypto returns).
  double student_t_dof = 0;
};

// The standardised shock of one bar's log return: rng.normal(), or rng.student_t(dof).
double return_shock(Prng& rng, const SyntheticMarketParams& params);

// The regime schedule walked bar by bar: the spans in order, repeated; a span of 0 bars is
// skipped. The one implementation of the schedule: the batch generator, the stream and the
// run report's regime per bar all use it. The schedule must hold a span with bars > 0
// (checked).
class RegimeWalk {
 public:
  explicit RegimeWalk(std::vector<RegimeSpan> schedule);
  // The regime of the next bar; *entered (if given) tells whether it starts a span.
  MarketRegime next(bool* entered = nullptr);

 private:
  std::vector<RegimeSpan> schedule_;
  std::size_t span_ = 0;
  std::int64_t left_in_span_ = 0;
  bool started_ = false;
};

// The regime of bar `index` (>= 0; the bar stamped start_ts_ns + index * bar_ns), as the walk
// would give it; kNormal for a schedule without bars.
MarketRegime regime_at(const SyntheticMarketParams& params, std::int64_t index);

struct SyntheticBar {
  TimestampNs ts_ns;
  float close;  // float32, as qlib stores closes
  MarketRegime regime;
};

// Generates bars [0, bars): close_0 = start_price, close_t = close_{t-1} * exp(r_t), with r_t
// from the regime of bar t. Deterministic in params (named PRNG stream "market").
std::vector<SyntheticBar> generate_market(const SyntheticMarketParams& params);

// A forecaster with configurable skill: for the label truth_t (the existing system's LABEL0,
// the return from bar t+1 to t+2), q50 = skill * truth_t + noise * sigma * N(0,1), where
// sigma is the regime's hourly vol; q10/q90 = q50 -/+ 1.2816 * sigma * calibration (1.0 means
// the band is as wide as the true 10–90% range). Deterministic (PRNG stream "forecaster").
struct ForecasterParams {
  std::uint64_t seed = 1;
  double skill = 0.05;       // weight of the realised label in q50 (0 = no information)
  double noise = 0.2;        // q50 noise in units of sigma
  double calibration = 1.0;  // band width multiplier
};

struct QuantileForecast {
  double q10;
  double q50;
  double q90;
};

// truth has one entry per bar (NaN where the label is unknown); the result has the same size.
std::vector<QuantileForecast> forecast_quantiles(const std::vector<SyntheticBar>& bars,
                                                 const std::vector<double>& truth,
                                                 const ForecasterParams& params);

// Hourly log-return volatility and drift of a regime (documented constants).
double regime_vol(MarketRegime r);
double regime_drift(MarketRegime r);

}  // namespace q50::sim

#endif  // Q50SIM_SIM_SYNTHETIC_MARKET_H_
