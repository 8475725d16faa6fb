#include "mockvenue/request_limits.h"

#include <algorithm>

#include "fmt/format.h"

namespace q50::mockvenue {
namespace {

constexpr std::int64_t kDayMs = 24 * 3600 * 1000;
constexpr std::int64_t kMaxBanMs = 3 * kDayMs;

std::int64_t ceil_seconds(std::int64_t ms) { return std::max<std::int64_t>(1, (ms + 999) / 1000); }

}  // namespace

RequestLimits::RequestLimits(const sim::VenueRateLimits& limits)
    : limits_(limits),
      weight_window_ms_(limits.weight_window_ns / 1'000'000),
      order_window_ms_(limits.order_window_ns / 1'000'000),
      next_ban_ms_(limits.ban_ns / 1'000'000) {}

std::int64_t RequestLimits::current(const Window& w, std::int64_t wall_ms,
                                    std::int64_t window_ms) {
  return w.index == wall_ms / window_ms ? w.count : 0;
}

void RequestLimits::roll(Window& w, std::int64_t wall_ms, std::int64_t window_ms) {
  const std::int64_t index = wall_ms / window_ms;
  if (index != w.index) w = {index, 0};
}

LimitVerdict RequestLimits::admit_request(std::int64_t weight, std::int64_t wall_ms) {
  if (wall_ms < banned_until_ms_) {
    return {LimitVerdict::Kind::kBanned, ceil_seconds(banned_until_ms_ - wall_ms), banned_until_ms_};
  }
  roll(weight_, wall_ms, weight_window_ms_);
  roll(refusals_, wall_ms, weight_window_ms_);
  if (weight_.count + weight <= limits_.weight_limit) {
    weight_.count += weight;
    return {};
  }
  if (refusals_.count >= limits_.ban_after_429s) {
    banned_until_ms_ = wall_ms + next_ban_ms_;
    next_ban_ms_ = std::min(kMaxBanMs, next_ban_ms_ * 2);
    refusals_.count = 0;
    return {LimitVerdict::Kind::kBanned, ceil_seconds(banned_until_ms_ - wall_ms), banned_until_ms_};
  }
  ++refusals_.count;
  const std::int64_t window_end = (wall_ms / weight_window_ms_ + 1) * weight_window_ms_;
  return {LimitVerdict::Kind::kTooMany, ceil_seconds(window_end - wall_ms), 0};
}

LimitVerdict RequestLimits::admit_order(std::int64_t wall_ms) {
  roll(orders_, wall_ms, order_window_ms_);
  roll(orders_day_, wall_ms, kDayMs);
  if (orders_.count >= limits_.order_limit) {
    const std::int64_t window_end = (wall_ms / order_window_ms_ + 1) * order_window_ms_;
    return {LimitVerdict::Kind::kTooMany, ceil_seconds(window_end - wall_ms), 0};
  }
  ++orders_.count;
  ++orders_day_.count;
  return {};
}

std::int64_t RequestLimits::used_weight(std::int64_t wall_ms) const {
  return current(weight_, wall_ms, weight_window_ms_);
}

std::int64_t RequestLimits::order_count(std::int64_t wall_ms) const {
  return current(orders_, wall_ms, order_window_ms_);
}

std::int64_t RequestLimits::order_count_day(std::int64_t wall_ms) const {
  return current(orders_day_, wall_ms, kDayMs);
}

std::string RequestLimits::interval_tag(std::int64_t window_ms) {
  if (window_ms % kDayMs == 0) return fmt::format("{}D", window_ms / kDayMs);
  if (window_ms % 3'600'000 == 0) return fmt::format("{}H", window_ms / 3'600'000);
  if (window_ms % 60'000 == 0) return fmt::format("{}M", window_ms / 60'000);
  return fmt::format("{}S", window_ms / 1000);
}

std::string RequestLimits::interval_text(std::int64_t window_ms) {
  if (window_ms % kDayMs == 0) return fmt::format("{} DAY", window_ms / kDayMs);
  if (window_ms % 3'600'000 == 0) return fmt::format("{} HOUR", window_ms / 3'600'000);
  if (window_ms % 60'000 == 0) return fmt::format("{} MINUTE", window_ms / 60'000);
  return fmt::format("{} SECOND", window_ms / 1000);
}

}  // namespace q50::mockvenue
