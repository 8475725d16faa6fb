#ifndef Q50SIM_CORE_PORTS_MARKET_SOURCE_H_
#define Q50SIM_CORE_PORTS_MARKET_SOURCE_H_

// Market data port: closed bars, one at a time, in publication order. The simulator's sources
// (sim/sources.h: synthetic, in-memory csv/qlib bars) and the live node's kline poller
// implement it; the driver that owns the loop pulls from it.

#include "core/strategy.h"

namespace q50::ports {

class MarketSource {
 public:
  virtual ~MarketSource() = default;
  // The next bar; false at the end of the stream. Bar times strictly increase (the driver
  // checks).
  virtual bool next(strategy::Bar& bar) = 0;
};

}  // namespace q50::ports

#endif  // Q50SIM_CORE_PORTS_MARKET_SOURCE_H_
