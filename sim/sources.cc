#include "sim/sources.h"

#include "core/check.h"

namespace q50::sim {

RowSignalSource::RowSignalSource(std::span<const TimestampNs> ts_ns, std::span<const double> q10,
                                 std::span<const double> q50, std::span<const double> q90,
                                 const SignalLookupRule& rule)
    : cursor_(ts_ns, rule), q10_(q10), q50_(q50), q90_(q90) {
  Q50_CHECK(q10.size() == ts_ns.size() && q50.size() == ts_ns.size() &&
                q90.size() == ts_ns.size(),
            "signal columns must have one value per row");
}

ports::SignalSample RowSignalSource::at(TimestampNs bar_ts_ns) {
  const SignalMatch m = cursor_.next(bar_ts_ns);
  if (m.kind == SignalMatchKind::kNone || !m.index) return {};
  const std::size_t i = *m.index;
  return {m.kind, q10_[i], q50_[i], q90_[i]};
}

SyntheticSource::SyntheticSource(const SyntheticMarketParams& market,
                                 const ForecasterParams& forecaster, OhlcvShape shape)
    : feed_(market, forecaster, shape) {}

bool SyntheticSource::next(strategy::Bar& bar) {
  has_bar_ = feed_.next(bar_, forecast_);
  if (!has_bar_) return false;
  bar = {bar_.ts_ns, bar_.open, bar_.high, bar_.low, bar_.close, bar_.volume};
  return true;
}

ports::SignalSample SyntheticSource::at(TimestampNs bar_ts_ns) {
  if (!has_bar_ || bar_ts_ns != bar_.ts_ns) return {};
  return {SignalMatchKind::kExact, forecast_.q10, forecast_.q50, forecast_.q90};
}

bool VectorMarket::next(strategy::Bar& bar) {
  if (next_ >= bars_.size()) return false;
  bar = bars_[next_++];
  return true;
}

bool JumpMarket::next(strategy::Bar& bar) {
  if (!inner_.next(bar)) return false;
  while (next_jump_ < jumps_.size() && jumps_[next_jump_].at_bar <= index_) {
    factor_ *= 1.0 + jumps_[next_jump_].jump_pct / 100.0;
    ++next_jump_;
  }
  ++index_;
  if (factor_ != 1.0) {
    bar.open *= factor_;
    bar.high *= factor_;
    bar.low *= factor_;
    bar.close *= factor_;
  }
  return true;
}

}  // namespace q50::sim
