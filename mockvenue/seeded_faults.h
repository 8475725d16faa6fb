#ifndef Q50SIM_MOCKVENUE_SEEDED_FAULTS_H_
#define Q50SIM_MOCKVENUE_SEEDED_FAULTS_H_

// The venue faults of [venue.faults] and [venue.signal_file] (sim/scenario.h VenueConfig) on a
// seeded schedule. Every kind draws from its own stream Prng(seed).fork("venue-faults")
// .fork("<kind>"), once per item it applies to, whether or not an earlier kind fired -- so the
// faults a request sequence meets depend only on the seed and on that sequence, and a kind
// turned on or off never shifts another's draws:
//   per signed request (in the order the venue processes them): skew_1021, error_5xx,
//     timeout_unprocessed, timeout_processed, lost_response (+ its mode when "either"); the
//     first that fires, in that order, is applied;
//   per closed bar (in bar order): restart, wipe;
//   per published signal row (in row order): late, missing, corrupt (missing wins over late,
//     late over corrupt).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/prng.h"
#include "sim/scenario.h"

namespace q50::mockvenue {

enum class RequestFault : std::uint8_t {
  kNone,
  kSkew1021,            // -1021 at once, not processed
  kError5xx,            // 503 at once, not processed
  kTimeoutUnprocessed,  // answered after the timeout delay, not processed
  kTimeoutProcessed,    // processed, answered after the timeout delay
  kLostDrop,            // processed, the connection dropped
  kLost5xx,             // processed, answered 503
};

// The name the books count a fault under: "skew_1021", "lost_response_drop", "restart", ...
std::string_view request_fault_name(RequestFault fault);

struct BarFaults {
  bool restart = false;
  bool wipe = false;
};

struct SignalRowFaults {
  bool missing = false;
  bool late = false;
  bool corrupt = false;
};

class SeededFaults {
 public:
  SeededFaults(const sim::VenueConfig& config, std::uint64_t seed);

  RequestFault draw_request();
  BarFaults draw_bar();
  SignalRowFaults draw_row();

 private:
  // True with probability p from `stream` (no draw at 0; always at 1, without a draw).
  static bool chance(Prng& stream, double p);

  sim::VenueRequestFaults request_;
  sim::VenueSignalFileFaults rows_;
  std::map<std::string, Prng, std::less<>> streams_;
  Prng& stream(std::string_view name);
};

}  // namespace q50::mockvenue

#endif  // Q50SIM_MOCKVENUE_SEEDED_FAULTS_H_
