#include "sim/market_stream.h"

#include <cmath>
#include <limits>

#include "core/check.h"
#include "core/qlib_features.h"

namespace q50::sim {

MarketStream::MarketStream(const SyntheticMarketParams& params, OhlcvShape shape)
    : params_(params),
      shape_(shape),
      close_rng_(Prng(params.seed).fork("market")),
      shape_rng_(Prng(params.seed).fork("market-ohlcv")),
      walk_(params_.schedule) {
  Q50_CHECK(params_.bars >= 0, "negative bar count");
  log_price_ = std::log(params_.start_price);
  log_start_ = log_price_;
}

void MarketStream::enter_span(MarketRegime regime) {
  regime_ = regime;
  vol_ = regime_vol(regime_);
  drift_ = regime_drift(regime_);
}

bool MarketStream::next(SyntheticOhlcv& out) {
  if (index_ >= params_.bars) return false;
  // The regime walk and the close are generate_market's loop body, draw for draw.
  bool entered = false;
  const MarketRegime regime = walk_.next(&entered);
  if (entered) [[unlikely]] enter_span(regime);
  const double vol = vol_;
  if (index_ > 0) {
    log_price_ += drift_ + vol * return_shock(close_rng_, params_);
    if (shape_.reversion != 0.0) log_price_ -= shape_.reversion * (log_price_ - log_start_);
  }
  const auto close_f32 = static_cast<float>(std::exp(log_price_));
  const auto close = static_cast<double>(close_f32);
  const double open = index_ > 0 ? prev_close_ : close;
  const double wick = shape_.wick * vol;
  out.ts_ns = params_.start_ts_ns + index_ * params_.bar_ns;
  out.open = open;
  out.close = close;
  out.close_f32 = close_f32;
  out.high = std::fmax(open, close) * (1.0 + wick * shape_rng_.uniform01());
  out.low = std::fmin(open, close) * (1.0 - wick * shape_rng_.uniform01());
  out.volume = shape_.base_volume * (0.5 + shape_rng_.uniform01()) * (vol / 0.005);
  out.regime = regime;
  prev_close_ = close;
  ++index_;
  return true;
}

SyntheticFeed::SyntheticFeed(const SyntheticMarketParams& market,
                             const ForecasterParams& forecaster, OhlcvShape shape)
    : market_(market, shape), params_(forecaster), rng_(Prng(forecaster.seed).fork("forecaster")) {}

bool SyntheticFeed::next(SyntheticOhlcv& bar, QuantileForecast& forecast) {
  // Bar t's label needs bars t+1 and t+2: when they are missing, fill the whole ring at once.
  if (buffered_ < 3) {
    while (!market_done_ && buffered_ < kAhead) {
      if (market_.next(slot(buffered_))) {
        ++buffered_;
      } else {
        market_done_ = true;
      }
    }
  }
  if (buffered_ == 0) return false;
  bar = slot(0);
  // LABEL0 (core/qlib_features.h); NaN for the market's last two bars.
  const double truth = buffered_ >= 3
                           ? static_cast<double>(label0(slot(1).close_f32, slot(2).close_f32))
                           : std::numeric_limits<double>::quiet_NaN();
  // forecast_quantiles' loop body, draw for draw.
  constexpr double kZ90 = 1.2815515655446004;
  const double sigma = regime_vol(bar.regime);
  const double noise = rng_.normal() * sigma;
  const double skew = rng_.normal() * 0.15 * sigma;
  const double known = std::isnan(truth) ? 0.0 : truth;
  const double q50 = params_.skill * known + params_.noise * noise;
  const double half = kZ90 * sigma * params_.calibration;
  forecast = {q50 - half + skew, q50, q50 + half + skew};
  head_ = (head_ + 1) & (kAhead - 1);
  --buffered_;
  return true;
}

}  // namespace q50::sim
