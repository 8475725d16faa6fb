#ifndef Q50SIM_MOCKVENUE_REQUEST_LIMITS_H_
#define Q50SIM_MOCKVENUE_REQUEST_LIMITS_H_

// Binance's REST limits as the mock enforces them, on fixed WALL-CLOCK windows aligned to the
// epoch (a 1-minute window resets at every :00, as Binance's do), whatever the venue's speed:
//  - request weight per IP: every request adds its endpoint's weight; one that would pass
//    weight_limit is refused 429 -1003 with Retry-After = seconds to the window's end (its
//    weight is not added). After ban_after_429s such refusals in one window the next request
//    over the limit bans the IP: 418 -1003 "IP banned until <venue ms>" with Retry-After =
//    seconds to the ban's end, for every request until it ends. The first ban lasts `ban`;
//    each later one twice as long as the one before (at most 3 days).
//  - new orders per account: every POST /api/v3/order that reaches the matching stage counts;
//    one beyond order_limit in the window is refused 429 -1015.
// Headers: X-MBX-USED-WEIGHT-<n><unit> on every response, X-MBX-ORDER-COUNT-<n><unit> (the
// order window) and X-MBX-ORDER-COUNT-1D on order responses; <n><unit> is the window, e.g. 1M,
// 10S.

#include <cstdint>
#include <string>

#include "sim/scenario.h"

namespace q50::mockvenue {

struct LimitVerdict {
  enum class Kind : std::uint8_t { kOk, kTooMany, kBanned };
  Kind kind = Kind::kOk;
  std::int64_t retry_after_s = 0;      // kTooMany, kBanned: whole seconds, >= 1
  std::int64_t banned_until_wall_ms = 0;  // kBanned
};

class RequestLimits {
 public:
  explicit RequestLimits(const sim::VenueRateLimits& limits);

  // A request of `weight` at wall_ms (non-decreasing across calls).
  LimitVerdict admit_request(std::int64_t weight, std::int64_t wall_ms);
  // A new order at wall_ms: kOk (counted) or kTooMany.
  LimitVerdict admit_order(std::int64_t wall_ms);

  std::int64_t used_weight(std::int64_t wall_ms) const;
  std::int64_t order_count(std::int64_t wall_ms) const;
  std::int64_t order_count_day(std::int64_t wall_ms) const;

  const sim::VenueRateLimits& limits() const { return limits_; }
  // "1M", "10S", ...: a window as Binance writes it in header names.
  static std::string interval_tag(std::int64_t window_ms);
  // "1 MINUTE", "10 SECOND": as Binance writes it in messages.
  static std::string interval_text(std::int64_t window_ms);

 private:
  struct Window {
    std::int64_t index = -1;  // wall_ms / window_ms
    std::int64_t count = 0;
  };
  static std::int64_t current(const Window& w, std::int64_t wall_ms, std::int64_t window_ms);
  static void roll(Window& w, std::int64_t wall_ms, std::int64_t window_ms);

  sim::VenueRateLimits limits_;
  std::int64_t weight_window_ms_;
  std::int64_t order_window_ms_;
  Window weight_;
  Window refusals_;  // 429s answered in the weight window
  Window orders_;
  Window orders_day_;
  std::int64_t banned_until_ms_ = 0;
  std::int64_t next_ban_ms_;
};

}  // namespace q50::mockvenue

#endif  // Q50SIM_MOCKVENUE_REQUEST_LIMITS_H_
