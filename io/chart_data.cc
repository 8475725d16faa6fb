#include "io/chart_data.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/check.h"

namespace q50::io {

MinMaxDownsampler::MinMaxDownsampler(std::size_t n, std::size_t max_points)
    : n_(n), all_(n <= max_points) {
  Q50_CHECK(max_points >= 4, "downsample_min_max needs room for at least 4 points");
  if (all_) return;
  buckets_ = (max_points - 2) / 2;
  interior_ = n - 2;
  points_.reserve(2 * buckets_ + 2);
}

void MinMaxDownsampler::open_bucket() {
  hi_ = 1 + interior_ * (bucket_ + 1) / buckets_;
  min_.reset();
  max_.reset();
}

void MinMaxDownsampler::close_bucket() {
  if (!min_) return;
  const Point& first = min_->index <= max_->index ? *min_ : *max_;
  const Point& second = min_->index <= max_->index ? *max_ : *min_;
  points_.push_back(first);
  if (max_->index != min_->index) points_.push_back(second);
}

void MinMaxDownsampler::add(TimestampNs ts_ns, double y) {
  const Point p{i_++, ts_ns, y};
  if (all_ || p.index == 0) {
    points_.push_back(p);
    if (!all_) open_bucket();
    return;
  }
  if (p.index == n_ - 1) {
    close_bucket();
    points_.push_back(p);
    return;
  }
  while (p.index >= hi_) {
    close_bucket();
    ++bucket_;
    open_bucket();
  }
  // The first occurrence of the extremes wins; a NaN extreme is replaced by anything.
  if (!min_ || y < min_->y || std::isnan(min_->y)) min_ = p;
  if (!max_ || y > max_->y || std::isnan(max_->y)) max_ = p;
}

ColumnCoder::ColumnCoder(std::size_t columns, TimestampNs t0, TimestampNs t1, bool take_max)
    : columns_(columns), t0_(t0), t1_(t1), take_max_(take_max) {
  out_.reserve(columns);
}

std::size_t ColumnCoder::column_of(TimestampNs t) const {
  if (t1_ <= t0_) return 0;
  const double c = static_cast<double>(t - t0_) / static_cast<double>(t1_ - t0_) *
                   static_cast<double>(columns_);
  return std::min(static_cast<std::size_t>(c), columns_ - 1);
}

void ColumnCoder::close_column() {
  std::int64_t code = out_.empty() ? 0 : out_.back();
  std::int64_t best = 0;
  for (std::size_t k = 0; k < counts_.size(); ++k) {
    if (counts_[k] == 0) continue;
    if (take_max_ || counts_[k] > best) {
      code = static_cast<std::int64_t>(k);
      best = counts_[k];
    }
  }
  out_.push_back(code);
  std::fill(counts_.begin(), counts_.end(), 0);
}

void ColumnCoder::add(TimestampNs ts_ns, std::int64_t code) {
  const std::size_t column = column_of(ts_ns);
  while (current_ < column) {
    close_column();
    ++current_;
  }
  const auto k = static_cast<std::size_t>(code);
  if (k >= counts_.size()) counts_.resize(k + 1, 0);
  ++counts_[k];
}

std::vector<std::int64_t> ColumnCoder::finish() {
  while (out_.size() < columns_) close_column();
  return std::move(out_);
}

namespace {

struct LineBuilder {
  LineBuilder(std::size_t n) : sampler(n, kMaxChartPoints) {}
  void add(TimestampNs ts, double y) {
    sampler.add(ts, y);
    if (!std::isfinite(y)) return;
    lo = std::min(lo, y);
    hi = std::max(hi, y);
  }
  ChartLine finish() { return {lo, hi, sampler.points()}; }

  MinMaxDownsampler sampler;
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
};

}  // namespace

ChartData chart_data(const SeriesRecords& records, bool variance_regime) {
  ChartData d;
  d.bars = records.bar_count();
  {
    auto bars = records.bars();
    SeriesBar b;
    for (bool first = true; bars->next(b); first = false) {
      if (first) d.t0 = b.ts_ns;
      d.t1 = b.ts_ns;
    }
  }
  LineBuilder price(d.bars), equity(d.bars), drawdown(d.bars), position(d.bars);
  ColumnCoder regimes(kChartColumns, d.t0, d.t1, false);
  ColumnCoder tiers(kChartColumns, d.t0, d.t1, true);
  ColumnCoder variance(kChartColumns, d.t0, d.t1, true);
  double peak = -std::numeric_limits<double>::infinity();
  auto bars = records.bars();
  for (SeriesBar b; bars->next(b);) {
    price.add(b.ts_ns, b.price);
    equity.add(b.ts_ns, b.equity);
    peak = std::max(peak, b.equity);  // drawdowns(equity), core/metrics.h
    drawdown.add(b.ts_ns, (b.equity - peak) / peak);
    position.add(b.ts_ns, b.position);
    regimes.add(b.ts_ns, b.regime);
    tiers.add(b.ts_ns, b.tier);
    variance.add(b.ts_ns, b.variance_regime);
  }
  d.price = price.finish();
  d.equity = equity.finish();
  d.drawdown = drawdown.finish();
  d.position = position.finish();
  d.regime_columns = regimes.finish();
  d.tier_columns = tiers.finish();
  if (variance_regime) d.variance_columns = variance.finish();
  return d;
}

}  // namespace q50::io
