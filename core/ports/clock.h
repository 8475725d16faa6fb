#ifndef Q50SIM_CORE_PORTS_CLOCK_H_
#define Q50SIM_CORE_PORTS_CLOCK_H_

// Clock port: where a driver's "now" comes from. The simulator's clock is its event queue's
// time; the live node's is the venue's server time plus the measured offset (the only wall
// clock of the project lives in live/). The runtime itself has no clock: every event it is
// given carries its time.

#include "core/timestamp.h"

namespace q50::ports {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimestampNs now_ns() const = 0;
};

}  // namespace q50::ports

#endif  // Q50SIM_CORE_PORTS_CLOCK_H_
