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

// Parses the existing system's key format "YYYY-MM-DD HH:MM:SS" (exactly 19 characters, UTC).
// Returns nullopt for anything else, including out-of-range fields such as month 13 or Feb 30.
std::optional<TimestampNs> parse_timestamp(std::string_view text);

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
