#ifndef Q50SIM_CORE_PORTS_SIGNAL_SOURCE_H_
#define Q50SIM_CORE_PORTS_SIGNAL_SOURCE_H_

// Signal port: the quantile forecast for a bar, asked once per bar in bar order. Rows from a
// signal file are matched with the past-only lookup rule (core/signal_lookup.h); a synthetic
// forecaster answers for the bar it just generated.

#include <cstdint>

#include "core/signal_lookup.h"
#include "core/timestamp.h"

namespace q50::ports {

struct SignalSample {
  SignalMatchKind kind = SignalMatchKind::kNone;  // kNone: no signal for this bar
  double q10 = 0;
  double q50 = 0;
  double q90 = 0;
};

// Whether the source itself is usable: a live signal file can be missing or unreadable for a
// while (the pipeline that writes it failed); the driver then applies its policy (trade on the
// last row, or go flat).
enum class SignalSourceHealth : std::uint8_t { kOk, kMissing, kCorrupt };

class SignalSource {
 public:
  virtual ~SignalSource() = default;
  virtual SignalSample at(TimestampNs bar_ts_ns) = 0;
  // The health as of the last at() call.
  virtual SignalSourceHealth health() const { return SignalSourceHealth::kOk; }
};

}  // namespace q50::ports

#endif  // Q50SIM_CORE_PORTS_SIGNAL_SOURCE_H_
