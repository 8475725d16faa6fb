#include "mockvenue/market_tape.h"

#include <algorithm>
#include <utility>

#include "fmt/format.h"
#include "sim/engine.h"
#include "sim/sources.h"

namespace q50::mockvenue {
namespace {

// The synthetic market with its jumps, and its forecaster's row for each bar (the sources of
// sim/scenario_run.cc, read to the end).
void read_synthetic(const sim::Scenario& sc, MarketTape& tape, bool want_signals) {
  sim::SyntheticSource source(sc.market.synthetic, sc.signals.synthetic, sc.market.ohlcv);
  sim::JumpMarket market(source, sc.market.jumps);
  strategy::Bar bar;
  while (market.next(bar)) {
    tape.bars.push_back(sim::to_venue_bar(bar));
    if (!want_signals) continue;
    const ports::SignalSample s = source.at(bar.ts_ns);
    if (s.kind != SignalMatchKind::kNone) tape.signals.push_back({bar.ts_ns, s.q10, s.q50, s.q90});
  }
}

TimestampNs smallest_gap(const std::vector<sim::Bar>& bars) {
  TimestampNs gap = 0;
  for (std::size_t i = 1; i < bars.size(); ++i) {
    const TimestampNs d = bars[i].ts_ns - bars[i - 1].ts_ns;
    if (gap == 0 || d < gap) gap = d;
  }
  return gap == 0 ? kNsPerHour : gap;
}

}  // namespace

std::string kline_interval_name(TimestampNs interval_ns) {
  static constexpr std::pair<std::int64_t, const char*> kIntervals[] = {
      {1, "1m"},   {3, "3m"},   {5, "5m"},   {15, "15m"},  {30, "30m"},   {60, "1h"},   {120, "2h"},
      {240, "4h"}, {360, "6h"}, {480, "8h"}, {720, "12h"}, {1440, "1d"}, {4320, "3d"}, {10080, "1w"}};
  for (const auto& [minutes, name] : kIntervals) {
    if (interval_ns == minutes * kNsPerMinute) return name;
  }
  return "";
}

absl::StatusOr<MarketTape> build_market_tape(const sim::Scenario& sc,
                                             const sim::ScenarioInputs& in) {
  MarketTape tape;
  if (sc.market.source == sim::MarketSourceKind::kSynthetic) {
    read_synthetic(sc, tape, !in.has_signal_rows);
    tape.interval_ns = sc.market.synthetic.bar_ns;
  } else {
    for (const strategy::Bar& b : in.bars) tape.bars.push_back(sim::to_venue_bar(b));
    tape.interval_ns = smallest_gap(tape.bars);
  }
  if (tape.bars.empty()) {
    return absl::InvalidArgumentError(fmt::format("{}: the market has no bar", sc.path));
  }
  for (std::size_t i = 0; i < tape.bars.size(); ++i) {
    const sim::Bar& b = tape.bars[i];
    const bool ordered = i == 0 || b.ts_ns > tape.bars[i - 1].ts_ns;
    const bool shaped = b.low_e8 > 0 && b.low_e8 <= std::min(b.open_e8, b.close_e8) &&
                        b.high_e8 >= std::max(b.open_e8, b.close_e8) && b.volume_e8 >= 0;
    if (!ordered || !shaped) {
      return absl::InvalidArgumentError(fmt::format(
          "{}: bar {} at {} {}", sc.path, i, format_timestamp(b.ts_ns),
          ordered ? "needs 0 < low <= open, close <= high and volume >= 0"
                  : "is not after the bar before it"));
    }
  }
  tape.interval = kline_interval_name(tape.interval_ns);
  if (tape.interval.empty()) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: bars {} s apart are not a Binance kline interval (1m 3m 5m 15m 30m 1h 2h 4h 6h 8h "
        "12h 1d 3d 1w)",
        sc.path, tape.interval_ns / kNsPerSecond));
  }
  if (in.has_signal_rows) {
    for (std::size_t i = 0; i < in.signal_ts_ns.size(); ++i) {
      tape.signals.push_back({in.signal_ts_ns[i], in.q10[i], in.q50[i], in.q90[i]});
    }
  }
  tape.first_signal.assign(tape.bars.size() + 1, 0);
  std::size_t next = 0;
  for (std::size_t i = 0; i < tape.bars.size(); ++i) {
    tape.first_signal[i] = next;
    while (next < tape.signals.size() && tape.signals[next].ts_ns <= tape.bars[i].ts_ns) ++next;
  }
  tape.first_signal[tape.bars.size()] = next;
  return tape;
}

}  // namespace q50::mockvenue
