#ifndef Q50SIM_CORE_TIMESTAMP_H_
#define Q50SIM_CORE_TIMESTAMP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace q50 {

// Nanoseconds since the Unix epoch, UTC. Every event and row in q50sim is keyed by one.
using TimestampNs = std::int64_t;

inline constexpr TimestampNs kNsPerSecond = 1'000'000'000;
inline constexpr TimestampNs kNsPerMinute = 60 * kNsPerSecond;
inline constexpr TimestampNs kNsPerHour = 60 * kNsPerMinute;

// The timestamps q50sim accepts: [1900-01-01 00:00:00, 2100-01-01 00:00:00) UTC. int64 ns
// spans 1677..2262; the narrower range keeps every difference of two timestamps and every sum
// of a timestamp and a bounded duration inside int64 (core/limits.h derives it).
inline constexpr TimestampNs kMinTimestampNs = -2'208'988'800LL * kNsPerSecond;
inline constexpr TimestampNs kMaxTimestampNs = 4'102'444'800LL * kNsPerSecond - 1;
inline constexpr std::string_view kTimestampRangeText = "1900-01-01 00:00:00 .. 2099-12-31 23:59:59";

inline constexpr bool timestamp_in_range(TimestampNs ts_ns) {
  return ts_ns >= kMinTimestampNs && ts_ns <= kMaxTimestampNs;
}

// Parses the existing system's key format "YYYY-MM-DD HH:MM:SS" (exactly 19 characters, UTC).
// Returns nullopt for anything else, including out-of-range fields such as month 13 or Feb 30
// and valid dates outside [kMinTimestampNs, kMaxTimestampNs] (never a wrapped-around value).
std::optional<TimestampNs> parse_timestamp(std::string_view text);

// Why parse_timestamp refused text, for an error message: "expected 'YYYY-MM-DD HH:MM:SS'" or
// "outside the supported range 1900-01-01 00:00:00 .. 2099-12-31 23:59:59".
std::string timestamp_problem(std::string_view text);

// Formats ts_ns (whole seconds; sub-second parts are truncated) as "YYYY-MM-DD HH:MM:SS".
std::string format_timestamp(TimestampNs ts_ns);

// Appends the same text as format_timestamp to out (no allocation when out has capacity).
void append_timestamp(std::string& out, TimestampNs ts_ns);

// A duration with one unit: an optional '-', digits, then ns, us, ms, s, m, h or d ("250ms",
// "-2s", "1h"). nullopt on anything else or on overflow.
std::optional<TimestampNs> parse_duration(std::string_view text);

// The largest unit that divides ns exactly ("90m" -> "90m", 3'600'000'000'000 -> "1h").
std::string format_duration(TimestampNs ns);

}  // namespace q50

#endif  // Q50SIM_CORE_TIMESTAMP_H_
