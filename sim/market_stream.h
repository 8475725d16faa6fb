#ifndef Q50SIM_SIM_MARKET_STREAM_H_
#define Q50SIM_SIM_MARKET_STREAM_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/timestamp.h"
#include "core/prng.h"
#include "sim/synthetic_market.h"

// Streaming forms of the synthetic market and forecaster (sim/synthetic_market.h): constant
// memory whatever the length, for long runs and benchmarks. Same regime model, same PRNG
// streams: the closes are exactly generate_market's and the forecasts exactly
// forecast_quantiles' (with LABEL0 truth), which market_stream's tests pin; the batch
// functions stay the reference (golden/demo/seed42.txt pins their output).

namespace q50::sim {

// One OHLCV bar. close is the float32 close of generate_market, widened exactly.
struct SyntheticOhlcv {
  TimestampNs ts_ns = 0;
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  double volume = 0;  // base units
  float close_f32 = 0;
  MarketRegime regime = MarketRegime::kNormal;
};

// The shape of the bars around the closes (ours: generate_market has closes only).
struct OhlcvShape {
  // high = max(open, close) * (1 + wick * vol * u), low = min(open, close) * (1 - wick * vol *
  // u'), u, u' uniform in [0, 1) and vol the regime's hourly vol.
  double wick = 0.5;
  // volume = base_volume * (0.5 + u'') * vol / 0.005: busier in volatile regimes.
  double base_volume = 1000.0;
  // Ours, for very long streams: each bar's log return also pulls reversion * (log price -
  // log start price) back toward the start, so prices stay in range over millions of bars (a
  // pure random walk with the regimes' drifts leaves int64 e8 range after ~1e6 bars). 0 (the
  // default) is generate_market's model exactly.
  double reversion = 0.0;
};

// generate_market one bar at a time: bar i's close from PRNG stream "market" (as the batch),
// open = the previous close (bar 0: its own close), wicks and volume from stream
// "market-ohlcv". params.bars bars, then the stream ends.
class MarketStream {
 public:
  explicit MarketStream(const SyntheticMarketParams& params, OhlcvShape shape = {});

  // The next bar; false after params.bars bars.
  bool next(SyntheticOhlcv& out);
  std::int64_t emitted() const { return index_; }

 private:
  void enter_span(MarketRegime regime);

  SyntheticMarketParams params_;
  OhlcvShape shape_;
  Prng close_rng_;
  Prng shape_rng_;
  RegimeWalk walk_;
  // The current span's regime and its regime_vol / regime_drift, looked up once per span.
  MarketRegime regime_ = MarketRegime::kNormal;
  double vol_ = 0;
  double drift_ = 0;
  std::int64_t index_ = 0;
  double log_price_ = 0;
  double log_start_ = 0;
  double prev_close_ = 0;
};

// The market stream with the forecaster riding two bars ahead: bar t's forecast needs its
// label truth_t = f32(c[t+2] / c[t+1]) - 1 (the existing system's LABEL0, as compute_features
// computes it; NaN for the last two bars, which the forecaster treats as "no information").
// The market is read ahead in blocks of up to kAhead bars (constant memory): the same bars
// and draws, only made earlier. Bars made back to back let the CPU overlap one bar's exp and
// PRNG chain with the next bar's, which one bar made between two strategy steps does not.
class SyntheticFeed {
 public:
  SyntheticFeed(const SyntheticMarketParams& market, const ForecasterParams& forecaster,
                OhlcvShape shape = {});

  // The next bar and its forecast; false at the end of the market.
  bool next(SyntheticOhlcv& bar, QuantileForecast& forecast);

 private:
  // At least 3 (t, t+1, t+2 for t's label); a power of two for the ring's index mask.
  static constexpr std::size_t kAhead = 64;
  static_assert(kAhead >= 3 && (kAhead & (kAhead - 1)) == 0);

  SyntheticOhlcv& slot(std::size_t k) { return ahead_[(head_ + k) & (kAhead - 1)]; }

  MarketStream market_;
  ForecasterParams params_;
  Prng rng_;
  // A ring: bars t, t+1, ... at head_, head_ + 1, ... (mod kAhead), the first `buffered_`.
  std::array<SyntheticOhlcv, kAhead> ahead_{};
  std::size_t head_ = 0;
  std::size_t buffered_ = 0;
  bool market_done_ = false;
};

}  // namespace q50::sim

#endif  // Q50SIM_SIM_MARKET_STREAM_H_
