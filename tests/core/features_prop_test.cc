// Properties of the qlib features (core/qlib_features): the streaming form a simulator calls bar
// by bar equals a from-scratch evaluation of the qlib expressions on every row, bit for bit.
#include <rapidcheck/boost_test.h>

#include <bit>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/qlib_features.h"
#include "tests/support/bits.h"

namespace q50 {
namespace {

using testing::same_bits;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr std::size_t kWindow = 6;

bool same_row(const FeatureRow& a, const FeatureRow& b) {
  return same_bits(a.close, b.close) && same_bits(a.log_return, b.log_return) &&
         same_bits(a.vol_raw, b.vol_raw) && same_bits(a.vol_risk, b.vol_risk) &&
         same_bits(a.vol_raw_momentum, b.vol_raw_momentum) && same_bits(a.truth, b.truth);
}

// A positive close series on a random walk of +-5% steps (flat runs are common, so windows of
// zero variance occur), with ~10% missing bars (NaN) as a calendar gap in qlib gives.
std::vector<float> closes() {
  const auto n = *rc::gen::inRange<std::size_t>(0, 60);
  double price = *rc::gen::inRange(100, 100001);
  std::vector<float> out;
  for (std::size_t i = 0; i < n; ++i) {
    const int step = *rc::gen::oneOf(rc::gen::just(0), rc::gen::inRange(-500, 501));
    price *= 1.0 + static_cast<double>(step) * 1e-4;
    out.push_back(*rc::gen::inRange(0, 10) == 0 ? kNaN : static_cast<float>(price));
  }
  return out;
}

// The qlib expressions evaluated row by row from the whole series, as pandas would: Ref is a
// shift by rows, Std(r, 6) a min_periods=1 window over rows [i-5, i] skipping NaN, and the
// casts to float32 at the end of each expression.
std::vector<FeatureRow> from_scratch(const std::vector<float>& c, std::size_t labelled) {
  std::vector<float> r(c.size(), kNaN);
  for (std::size_t i = 1; i < c.size(); ++i) r[i] = numpy_log_f32(c[i] / c[i - 1]);
  std::vector<double> s(c.size());
  for (std::size_t i = 0; i < c.size(); ++i) {
    const std::size_t first = i + 1 >= kWindow ? i + 1 - kWindow : 0;
    s[i] = window_sample_std(std::vector<float>(r.begin() + static_cast<std::ptrdiff_t>(first),
                                                r.begin() + static_cast<std::ptrdiff_t>(i) + 1));
  }
  std::vector<FeatureRow> rows;
  for (std::size_t i = 0; i < labelled; ++i) {
    const float mom = i == 0 ? kNaN : static_cast<float>(s[i] - s[i - 1]);
    const float truth = i + 2 < c.size() ? c[i + 2] / c[i + 1] - 1.0f : kNaN;
    rows.push_back(
        {c[i], r[i], static_cast<float>(s[i]), static_cast<float>(s[i] * s[i]), mom, truth});
  }
  return rows;
}

RC_BOOST_PROP(prop_batch_equals_from_scratch_expressions, ()) {
  const std::vector<float> c = closes();
  const auto labelled = *rc::gen::inRange<std::size_t>(0, c.size() + 1);
  const std::vector<FeatureRow> got = compute_features(c, labelled);
  const std::vector<FeatureRow> want = from_scratch(c, labelled);
  RC_ASSERT(got.size() == labelled);
  for (std::size_t i = 0; i < labelled; ++i) RC_ASSERT(same_row(got[i], want[i]));
}

RC_BOOST_PROP(prop_stream_equals_batch_without_the_label, ()) {
  // The simulator's form: one close at a time, no look-ahead, so truth is NaN.
  const std::vector<float> c = closes();
  const std::vector<FeatureRow> batch = compute_features(c, c.size());
  FeatureStream stream;
  for (std::size_t i = 0; i < c.size(); ++i) {
    FeatureRow want = batch[i];
    want.truth = kNaN;
    RC_ASSERT(same_row(stream.push(c[i]), want));
  }
}

RC_BOOST_PROP(prop_copied_stream_is_a_checkpoint, ()) {
  const std::vector<float> c = closes();
  const auto cut = *rc::gen::inRange<std::size_t>(0, c.size() + 1);
  FeatureStream original;
  for (std::size_t i = 0; i < cut; ++i) original.push(c[i]);
  FeatureStream resumed = original;
  for (std::size_t i = cut; i < c.size(); ++i) {
    RC_ASSERT(same_row(original.push(c[i]), resumed.push(c[i])));
  }
}

RC_BOOST_PROP(prop_unlabelled_tail_only_feeds_the_label, ()) {
  // Values past the calendar (VALIDATED_2's 4,020) change nothing but the last two truths.
  const std::vector<float> c = closes();
  const auto labelled = *rc::gen::inRange<std::size_t>(0, c.size() + 1);
  const std::vector<FeatureRow> all = compute_features(c, c.size());
  const std::vector<FeatureRow> some = compute_features(c, labelled);
  const std::vector<float> cut(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(labelled));
  const std::vector<FeatureRow> no_tail = compute_features(cut, labelled);
  for (std::size_t i = 0; i < labelled; ++i) {
    RC_ASSERT(same_row(some[i], all[i]));
    FeatureRow a = some[i];
    FeatureRow b = no_tail[i];
    if (i + 2 >= labelled) {
      RC_ASSERT(std::isnan(b.truth));
      a.truth = b.truth;
    }
    RC_ASSERT(same_row(a, b));
  }
}

RC_BOOST_PROP(prop_power_of_two_scaling_changes_nothing_but_close, ()) {
  // Only ratios of closes enter the features, and scaling by 2^k is exact in float32.
  const std::vector<float> c = closes();
  const int k = *rc::gen::inRange(-20, 21);
  std::vector<float> scaled;
  for (const float v : c) scaled.push_back(std::ldexp(v, k));
  const std::vector<FeatureRow> a = compute_features(c, c.size());
  const std::vector<FeatureRow> b = compute_features(scaled, scaled.size());
  for (std::size_t i = 0; i < c.size(); ++i) {
    FeatureRow bi = b[i];
    RC_ASSERT(same_bits(bi.close, std::ldexp(a[i].close, k)));
    bi.close = a[i].close;
    RC_ASSERT(same_row(a[i], bi));
  }
}

RC_BOOST_PROP(prop_nan_pattern_follows_min_periods, ()) {
  // vol_raw is NaN exactly when the 6-row window holds fewer than two valid returns, and
  // vol_raw_momentum exactly when either of two consecutive windows does.
  const std::vector<float> c = closes();
  const std::vector<FeatureRow> rows = compute_features(c, c.size());
  std::vector<bool> std_valid;
  for (std::size_t i = 0; i < c.size(); ++i) {
    int valid = 0;
    for (std::size_t j = i + 1 >= kWindow ? i + 1 - kWindow : 0; j <= i; ++j) {
      valid += j > 0 && !std::isnan(c[j]) && !std::isnan(c[j - 1]) ? 1 : 0;
    }
    std_valid.push_back(valid >= 2);
    RC_ASSERT(std::isnan(rows[i].vol_raw) == !std_valid[i]);
    RC_ASSERT(std::isnan(rows[i].vol_risk) == !std_valid[i]);
    RC_ASSERT(std::isnan(rows[i].vol_raw_momentum) == !(i > 0 && std_valid[i] && std_valid[i - 1]));
    if (std_valid[i]) RC_ASSERT(rows[i].vol_raw >= 0.0f);
  }
}

RC_BOOST_PROP(prop_window_std_matches_long_double_two_pass, ()) {
  // Any float64 std algorithm would do (README §3: the float32 cast hides the difference on
  // real data); this pins ours to within a few float64 ulps of an extended-precision one.
  const auto n = *rc::gen::inRange<std::size_t>(0, kWindow + 1);
  std::vector<float> w;
  for (std::size_t i = 0; i < n; ++i) {
    const int v = *rc::gen::inRange(-100000, 100001);
    w.push_back(*rc::gen::inRange(0, 5) == 0 ? kNaN : static_cast<float>(v) * 1e-6f);
  }
  long double sum = 0;
  int valid = 0;
  for (const float v : w) {
    if (!std::isnan(v)) {
      sum += static_cast<long double>(v);
      ++valid;
    }
  }
  const double got = window_sample_std(w);
  if (valid < 2) {
    RC_ASSERT(std::isnan(got));
    return;
  }
  const long double mean = sum / valid;
  long double ss = 0;
  for (const float v : w) {
    if (!std::isnan(v))
      ss += (static_cast<long double>(v) - mean) * (static_cast<long double>(v) - mean);
  }
  const auto want = static_cast<double>(std::sqrt(ss / (valid - 1)));
  RC_ASSERT(std::fabs(got - want) <= 1e-15 * want + 1e-300);
}

}  // namespace
}  // namespace q50
