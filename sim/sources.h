#ifndef Q50SIM_SIM_SOURCES_H_
#define Q50SIM_SIM_SOURCES_H_

// The simulator's market and signal sources (core/ports/market_source.h, signal_source.h):
// the streaming synthetic market with its forecaster, bars held in memory (a csv or qlib
// market loaded by io/), price jumps applied to any market, and signal rows looked up with
// the past-only rule of core/signal_lookup.h.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/ports/market_source.h"
#include "core/ports/signal_source.h"
#include "core/signal_lookup.h"
#include "core/strategy.h"
#include "core/timestamp.h"
#include "sim/market_stream.h"
#include "sim/scenario.h"
#include "sim/synthetic_market.h"

namespace q50::sim {

// In-memory signal rows (e.g. io::SignalFile's ts_ns/q10/q50/q90 columns) looked up with the
// rule of core/signal_lookup.h. The spans must outlive the source and have equal lengths.
class RowSignalSource final : public ports::SignalSource {
 public:
  RowSignalSource(std::span<const TimestampNs> ts_ns, std::span<const double> q10,
                  std::span<const double> q50, std::span<const double> q90,
                  const SignalLookupRule& rule);
  ports::SignalSample at(TimestampNs bar_ts_ns) override;

 private:
  SignalCursor cursor_;
  std::span<const double> q10_;
  std::span<const double> q50_;
  std::span<const double> q90_;
};

// The streaming synthetic market (MarketStream) and its forecaster (SyntheticFeed) as both
// ports: at(ts) gives the forecast of the bar last returned by next() (kExact), else kNone.
class SyntheticSource final : public ports::MarketSource, public ports::SignalSource {
 public:
  SyntheticSource(const SyntheticMarketParams& market, const ForecasterParams& forecaster,
                  OhlcvShape shape = {});
  bool next(strategy::Bar& bar) override;
  ports::SignalSample at(TimestampNs bar_ts_ns) override;

 private:
  SyntheticFeed feed_;
  SyntheticOhlcv bar_;
  QuantileForecast forecast_{};
  bool has_bar_ = false;
};

// Bars held in memory (a csv or qlib market), in order. The vector must outlive the source.
class VectorMarket final : public ports::MarketSource {
 public:
  explicit VectorMarket(const std::vector<strategy::Bar>& bars) : bars_(bars) {}
  bool next(strategy::Bar& bar) override;

 private:
  const std::vector<strategy::Bar>& bars_;
  std::size_t next_ = 0;
};

// A market with [market].jumps applied: from bar at_bar on, every price is scaled by the
// product of the jumps so far (the gap opens between bar at_bar - 1's close and bar at_bar's
// open; a crash when jump_pct < 0). `jumps` is sorted by at_bar and must outlive the source.
class JumpMarket final : public ports::MarketSource {
 public:
  JumpMarket(ports::MarketSource& inner, const std::vector<PriceJump>& jumps)
      : inner_(inner), jumps_(jumps) {}
  bool next(strategy::Bar& bar) override;

 private:
  ports::MarketSource& inner_;
  const std::vector<PriceJump>& jumps_;
  std::size_t next_jump_ = 0;
  std::int64_t index_ = 0;
  double factor_ = 1.0;
};

}  // namespace q50::sim

#endif  // Q50SIM_SIM_SOURCES_H_
