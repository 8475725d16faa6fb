#include "core/signal.h"

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>

#include "core/check.h"
#include "core/numpy_tanh.h"
#include "core/probability.h"
#include "core/pymath.h"
#include "core/sizing.h"

namespace q50 {
namespace {

// realistic_transaction_cost: 5 bp (the function's transaction_cost_bps=20 default is dead).
constexpr double kTransactionCost = 0.0005;
// kelly_sizing's max_position_pct, and its floor (the result for tier 0).
constexpr double kKellyCap = 0.5;
constexpr double kKellyTierZero = 0.001;

// numpy.minimum: NaN propagates from either side (pymath has only maximum).
inline double np_minimum(double a, double b) {
  if (a != a) return a;
  if (b != b) return b;
  return a < b ? a : b;
}

// The percentiles in the precision the regime comparisons run in (V = float for the
// existing system; double only for the counterfactual).
template <class V>
struct RegimeCuts {
  V p30;
  V p70;
  V p90;
};

template <class V>
RegimeCuts<V> cuts_of(const VariancePercentiles& p) {
  return {static_cast<V>(p.p30), static_cast<V>(p.p70), static_cast<V>(p.p90)};
}

// S2-S4: prob_up, spread, information ratios, expected value, tradeable.
[[gnu::always_inline]] inline void quantity_stage(double q10, double q50, double q90,
                                                  double vol_risk, SignalRow& r) {
  const double p = prob_up_piecewise(q10, q50, q90);
  const double spread = q90 - q10;
  const double a = std::fabs(q50);
  r.prob_up = p;
  r.spread = spread;
  r.abs_q50 = a;
  r.info_ratio = a / py::maximum(spread, 0.001);
  // (spread/2)**2 is numpy's square fast path, i.e. x*x; vol_risk is widened to float64 by
  // the float32 + float64 Series sum. np.maximum propagates NaN.
  const double half = spread / 2;
  r.enhanced_info_ratio = a / py::maximum(std::sqrt(vol_risk + half * half), 0.001);
  // existing system: EV weights BOTH sides by prob_up. For shorts (q50 <= 0; q50 == 0 takes
  // this branch) EV = p*|q10| - (1-p)*q90, so mixed-sign shorts rarely trade, and q90 < 0
  // gives EV = -q90 > 0.
  const bool up = q50 > 0;
  const double gain = up ? q90 : std::fabs(q10);
  const double loss = up ? std::fabs(q10) : q90;
  r.expected_value = p * gain - (1 - p) * loss;
  // existing system: strict > (EV exactly 0.0005 is not tradeable); high_quality is not used.
  r.economically_significant = r.expected_value > kTransactionCost;
  r.tradeable = r.economically_significant;
}

// S6: variance regimes, trending flag, multiplier m, adaptive threshold, IR threshold.
template <class V>
[[gnu::always_inline]] inline void regime_stage(V vol_risk, V vol_raw_momentum,
                                                const RegimeCuts<V>& cuts, SignalRow& r) {
  // Quirk: a float32 column against a float64 scalar compares in float32, so vr == f32(P30)
  // is low. NaN sets no flag.
  const VarianceRegimeFlags flags{
      vol_risk <= cuts.p30, vol_risk > cuts.p30 && vol_risk <= cuts.p70,
      vol_risk > cuts.p70 && vol_risk <= cuts.p90, vol_risk > cuts.p90};
  // Quirk: |mom| > 0.1 in float32, so +-f32(0.1) is not trending.
  const bool trending = std::fabs(vol_raw_momentum) > static_cast<V>(0.1);
  r.variance_regime_low = flags.low;
  r.variance_regime_medium = flags.medium;
  r.variance_regime_high = flags.high;
  r.variance_regime_extreme = flags.extreme;
  r.momentum_regime_trending = trending;
  // Quirk: vm = 1 + vol_risk*500 is a float32 Series (float32 * int, then + 1.0); the
  // threshold is (0.0005*m) * vm in float64, left to right as written.
  const V vm = static_cast<V>(1) + vol_risk * static_cast<V>(500);
  r.signal_thresh_adaptive =
      (kTransactionCost * threshold_multiplier(flags, trending)) * static_cast<double>(vm);
  r.effective_info_ratio_threshold = info_ratio_threshold(flags);
  r.high_quality = r.enhanced_info_ratio > r.effective_info_ratio_threshold;
}

// S5, S7, S9: tier, side, signal_rel.
[[gnu::always_inline]] inline void classify_stage(double q50, SignalRow& r) {
  const double a = r.abs_q50;
  const double thr = r.signal_thresh_adaptive;
  // signal_classification: 3 if a >= thr, elif a >= thr*0.8: 2, elif a >= thr*0.6: 1, else 0
  // (>=, unlike EV's strict >; the tier ignores side and tradeable). Counting the three
  // tests gives the same value without branches: a >= 0, so for thr >= 0 the cut-offs are
  // nested, for thr < 0 all three hold, and a NaN makes all three false (tier 0).
  r.signal_tier = static_cast<std::uint8_t>(static_cast<int>(a >= thr) +
                                            static_cast<int>(a >= thr * 0.8) +
                                            static_cast<int>(a >= thr * 0.6));
  // existing system: tradeable with q50 == 0 (or -0.0) stays HOLD.
  const std::int8_t direction = q50 > 0 ? kSideLong : (q50 < 0 ? kSideShort : kSideHold);
  r.side = r.tradeable ? direction : static_cast<std::int8_t>(kSideHold);
  r.signal_rel = (a - thr) / (thr + 1e-12);
}

// S9: signal_tanh = np.tanh(clip(signal_rel, -3, 3) / 1.0), numpy's own tanh (bit-exact).
// Inlined into the callers' per-CPU clones (see compute_signal), so the 16 fused
// multiply-adds are instructions there and not a call through numpy_tanh's dispatcher.
[[gnu::always_inline]] inline void tanh_stage(SignalRow& r) {
  r.signal_tanh = detail::numpy_tanh_inline(py::clip(r.signal_rel, -3.0, 3.0));
}

// S8, S10: strength, position_size_suggestion, Kelly.
template <class V>
[[gnu::always_inline]] inline void sizing_stage(double q10, double q50, double q90, V vol_risk,
                                                SignalRow& r) {
  // strength is 0 for q50 == 0 even when tradeable (a = 0); np.minimum propagates NaN.
  r.signal_strength =
      r.tradeable
          ? r.abs_q50 * np_minimum(r.enhanced_info_ratio / r.effective_info_ratio_threshold, 2.0)
          : 0.0;
  // Quirk: float32 throughout (0.1 / np.maximum(f32 * 1000, 0.1)); 0.5 whenever
  // vol_risk <= 1e-4, also for a tradeable q50 == 0 row.
  const V base = static_cast<V>(0.1) / py::maximum(vol_risk * static_cast<V>(1000),
                                                   static_cast<V>(0.1));
  double size = static_cast<double>(base);  // NaN stays NaN (pandas clip restores it)
  if (base > static_cast<V>(0.5)) size = 0.5;
  // Quirk: float32 cannot hold 0.01, so when the lower clip binds pandas upcasts the column
  // to float64 and writes exactly 0.01 (not f32(0.01)); other rows keep their float32 values.
  if (base < static_cast<V>(0.01)) size = 0.01;
  r.position_size_suggestion = r.tradeable ? size : 0.0;
  // kelly_sizing: confidence = the tier (0..3, so /10 gives 0..0.3), no spread threshold, the
  // adaptive threshold as signal_thresh, cap 0.5. Tier 0 always gives the 0.001 floor
  // (base = k * 0.25 * 0 is 0, -0 or NaN, and max(0.001, min(x, 0.5)) maps all three to
  // 0.001; loss <= 0 also gives 0.001), so the four divisions are skipped for it -- most real
  // rows (80-93% of the reference's). signal_prop_test pins the identity. Kelly's prob_up is
  // the row's (the same prob_up_piecewise of the same quantiles), not a second evaluation.
  r.kelly_position_size =
      r.signal_tier == 0
          ? kKellyTierZero
          : validated_kelly({q10, q50, q90, static_cast<double>(r.signal_tier), std::nullopt,
                             r.signal_thresh_adaptive, kKellyCap},
                            r.prob_up);
}

// The stages are always inlined: compute_signal's per-CPU clones would otherwise call them
// out of line (a clone inlines only what it must), four calls per row.

// Every column but signal_tanh (see compute_signals for why it is split off). Writes in
// place: building the row on the stack and copying it cost a store-forwarding stall per row
// (byte-sized flag stores read back by 16-byte loads).
template <class V>
void signal_row_without_tanh(const SignalInputs& in, V vol_risk, V vol_raw_momentum,
                             const RegimeCuts<V>& cuts, SignalRow& r) {
  quantity_stage(in.q10, in.q50, in.q90, static_cast<double>(vol_risk), r);
  regime_stage(vol_risk, vol_raw_momentum, cuts, r);
  classify_stage(in.q50, r);
  sizing_stage(in.q10, in.q50, in.q90, vol_risk, r);
}

// Row i of the batch, every column but signal_tanh.
void row_without_tanh_at(const SignalColumns& in, const RegimeCuts<float>& cuts, std::size_t i,
                         SignalRow& r) {
  const SignalInputs row{in.q10[i], in.q50[i], in.q90[i], in.vol_risk[i],
                         in.vol_raw_momentum[i]};
  signal_row_without_tanh<float>(row, row.vol_risk, row.vol_raw_momentum, cuts, r);
}

// Rows i and i+1, their stages interleaved (see compute_signals).
void rows_without_tanh_pair(const SignalColumns& in, const RegimeCuts<float>& cuts,
                            std::size_t i, std::span<SignalRow> out) {
  const std::size_t j = i + 1;
  quantity_stage(in.q10[i], in.q50[i], in.q90[i], static_cast<double>(in.vol_risk[i]), out[i]);
  quantity_stage(in.q10[j], in.q50[j], in.q90[j], static_cast<double>(in.vol_risk[j]), out[j]);
  regime_stage(in.vol_risk[i], in.vol_raw_momentum[i], cuts, out[i]);
  regime_stage(in.vol_risk[j], in.vol_raw_momentum[j], cuts, out[j]);
  classify_stage(in.q50[i], out[i]);
  classify_stage(in.q50[j], out[j]);
  sizing_stage(in.q10[i], in.q50[i], in.q90[i], in.vol_risk[i], out[i]);
  sizing_stage(in.q10[j], in.q50[j], in.q90[j], in.vol_risk[j], out[j]);
}

// The reference's column order (NAME.expected.csv after `timestamp`). Booleans of pandas are
// written 0/1; the regime flags and side/tier are int64 columns in the original.
constexpr std::array<SignalColumnSpec, 23> kSignalColumns = {{
    {"prob_up", SignalColumnKind::kFloat64,
     [](const SignalRow& r) { return static_cast<double>(r.prob_up); }},
    {"spread", SignalColumnKind::kFloat64,
     [](const SignalRow& r) { return static_cast<double>(r.spread); }},
    {"abs_q50", SignalColumnKind::kFloat64,
     [](const SignalRow& r) { return static_cast<double>(r.abs_q50); }},
    {"info_ratio", SignalColumnKind::kFloat64,
     [](const SignalRow& r) { return static_cast<double>(r.info_ratio); }},
    {"enhanced_info_ratio", SignalColumnKind::kFloat64,
     [](const SignalRow& r) { return static_cast<double>(r.enhanced_info_ratio); }},
    {"expected_value", SignalColumnKind::kFloat64,
     [](const SignalRow& r) { return static_cast<double>(r.expected_value); }},
    {"economically_significant", SignalColumnKind::kBool,
     [](const SignalRow& r) { return static_cast<double>(r.economically_significant); }},
    {"high_quality", SignalColumnKind::kBool,
     [](const SignalRow& r) { return static_cast<double>(r.high_quality); }},
    {"tradeable", SignalColumnKind::kBool,
     [](const SignalRow& r) { return static_cast<double>(r.tradeable); }},
    {"side", SignalColumnKind::kInt,
     [](const SignalRow& r) { return static_cast<double>(r.side); }},
    {"variance_regime_low", SignalColumnKind::kInt,
     [](const SignalRow& r) { return static_cast<double>(r.variance_regime_low); }},
    {"variance_regime_medium", SignalColumnKind::kInt,
     [](const SignalRow& r) { return static_cast<double>(r.variance_regime_medium); }},
    {"variance_regime_high", SignalColumnKind::kInt,
     [](const SignalRow& r) { return static_cast<double>(r.variance_regime_high); }},
    {"variance_regime_extreme", SignalColumnKind::kInt,
     [](const SignalRow& r) { return static_cast<double>(r.variance_regime_extreme); }},
    {"momentum_regime_trending", SignalColumnKind::kInt,
     [](const SignalRow& r) { return static_cast<double>(r.momentum_regime_trending); }},
    {"signal_thresh_adaptive", SignalColumnKind::kFloat64,
     [](const SignalRow& r) { return static_cast<double>(r.signal_thresh_adaptive); }},
    {"effective_info_ratio_threshold", SignalColumnKind::kFloat64,
     [](const SignalRow& r) { return static_cast<double>(r.effective_info_ratio_threshold); }},
    {"signal_tier", SignalColumnKind::kInt,
     [](const SignalRow& r) { return static_cast<double>(r.signal_tier); }},
    {"signal_strength", SignalColumnKind::kFloat64,
     [](const SignalRow& r) { return static_cast<double>(r.signal_strength); }},
    {"position_size_suggestion", SignalColumnKind::kFloat64,
     [](const SignalRow& r) { return static_cast<double>(r.position_size_suggestion); }},
    {"kelly_position_size", SignalColumnKind::kFloat64,
     [](const SignalRow& r) { return static_cast<double>(r.kelly_position_size); }},
    {"signal_rel", SignalColumnKind::kFloat64,
     [](const SignalRow& r) { return static_cast<double>(r.signal_rel); }},
    {"signal_tanh", SignalColumnKind::kFloat64,
     [](const SignalRow& r) { return static_cast<double>(r.signal_tanh); }},
}};

}  // namespace

std::span<const SignalColumnSpec> signal_columns() { return kSignalColumns; }

// Clones per CPU for tanh_stage's sake (see there); the other stages never fuse
// (-ffp-contract=off), so both clones compute the same bits.
__attribute__((target_clones("fma", "default"))) SignalRow compute_signal(
    const SignalInputs& in, const VariancePercentiles& percentiles) {
  SignalRow r;
  signal_row_without_tanh<float>(in, in.vol_risk, in.vol_raw_momentum,
                                 cuts_of<float>(percentiles), r);
  tanh_stage(r);
  return r;
}

// No clones needed: without tanh_stage nothing here differs between CPUs (no fma).
SignalRow compute_signal_without_tanh(const SignalInputs& in,
                                      const VariancePercentiles& percentiles) {
  SignalRow r;
  signal_row_without_tanh<float>(in, in.vol_risk, in.vol_raw_momentum,
                                 cuts_of<float>(percentiles), r);
  r.signal_tanh = std::numeric_limits<double>::quiet_NaN();
  return r;
}

__attribute__((target_clones("fma", "default"))) void compute_signals(
    const SignalColumns& in, const VariancePercentiles& percentiles, std::span<SignalRow> out) {
  const std::size_t n = in.q10.size();
  Q50_CHECK(in.q50.size() == n && in.q90.size() == n && in.vol_risk.size() == n &&
                in.vol_raw_momentum.size() == n && out.size() == n,
            "compute_signals: input and output spans differ in length");
  const RegimeCuts<float> cuts = cuts_of<float>(percentiles);
  // Speed, not semantics. Each row is one long dependency chain (a sqrt and several divisions
  // in series, then Kelly's three dependent divisions, then tanh's 16 dependent fused
  // multiply-adds), and one row fills the core's reorder window. So two rows are interleaved
  // stage by stage, and the tanh of a cache-resident block runs in its own tight loop: both
  // give the core independent work to overlap (together about 1.3x).
  constexpr std::size_t kBlock = 256;
  for (std::size_t start = 0; start < n; start += kBlock) {
    const std::size_t end = start + kBlock < n ? start + kBlock : n;
    std::size_t i = start;
    for (; i + 1 < end; i += 2) rows_without_tanh_pair(in, cuts, i, out);
    if (i < end) row_without_tanh_at(in, cuts, i, out[i]);
    for (std::size_t k = start; k < end; ++k) tanh_stage(out[k]);
  }
}

SignalRow compute_signal_float64_vol(const SignalInputs& in,
                                     const VariancePercentiles& percentiles) {
  SignalRow r;
  signal_row_without_tanh<double>(in, static_cast<double>(in.vol_risk),
                                  static_cast<double>(in.vol_raw_momentum),
                                  cuts_of<double>(percentiles), r);
  r.signal_tanh = numpy_tanh(py::clip(r.signal_rel, -3.0, 3.0));
  return r;
}

}  // namespace q50
