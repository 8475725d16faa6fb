#include "mockvenue/seeded_faults.h"

#include <string>

namespace q50::mockvenue {
namespace {

constexpr std::string_view kStreamNames[] = {
    "skew_1021", "error_5xx", "timeout_unprocessed", "timeout_processed", "lost_response",
    "lost_response_mode", "restart", "wipe", "signal_late", "signal_missing", "signal_corrupt"};

}  // namespace

std::string_view request_fault_name(RequestFault fault) {
  switch (fault) {
    case RequestFault::kNone:
      return "none";
    case RequestFault::kSkew1021:
      return "skew_1021";
    case RequestFault::kError5xx:
      return "error_5xx";
    case RequestFault::kTimeoutUnprocessed:
      return "timeout_unprocessed";
    case RequestFault::kTimeoutProcessed:
      return "timeout_processed";
    case RequestFault::kLostDrop:
      return "lost_response_drop";
    case RequestFault::kLost5xx:
      return "lost_response_5xx";
  }
  return "none";
}

SeededFaults::SeededFaults(const sim::VenueConfig& config, std::uint64_t seed)
    : request_(config.faults), rows_(config.signal_file) {
  const Prng root = Prng(seed).fork("venue-faults");
  for (std::string_view name : kStreamNames) streams_.emplace(std::string(name), root.fork(name));
}

Prng& SeededFaults::stream(std::string_view name) { return streams_.find(name)->second; }

bool SeededFaults::chance(Prng& stream, double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return stream.uniform01() < p;
}

RequestFault SeededFaults::draw_request() {
  const sim::VenueRequestFaults& f = request_;
  const bool skew = chance(stream("skew_1021"), f.skew_1021);
  const bool error = chance(stream("error_5xx"), f.error_5xx);
  const bool unprocessed = chance(stream("timeout_unprocessed"), f.timeout_unprocessed);
  const bool processed = chance(stream("timeout_processed"), f.timeout_processed);
  const bool lost = chance(stream("lost_response"), f.lost_response);
  bool drop = f.lost_response_mode == sim::LostResponseMode::kDrop;
  if (lost && f.lost_response_mode == sim::LostResponseMode::kEither) {
    drop = chance(stream("lost_response_mode"), 0.5);
  }
  if (skew) return RequestFault::kSkew1021;
  if (error) return RequestFault::kError5xx;
  if (unprocessed) return RequestFault::kTimeoutUnprocessed;
  if (processed) return RequestFault::kTimeoutProcessed;
  if (lost) return drop ? RequestFault::kLostDrop : RequestFault::kLost5xx;
  return RequestFault::kNone;
}

BarFaults SeededFaults::draw_bar() {
  BarFaults b;
  b.restart = chance(stream("restart"), request_.restart);
  b.wipe = chance(stream("wipe"), request_.wipe);
  return b;
}

SignalRowFaults SeededFaults::draw_row() {
  SignalRowFaults r;
  r.late = chance(stream("signal_late"), rows_.late);
  r.missing = chance(stream("signal_missing"), rows_.missing);
  r.corrupt = chance(stream("signal_corrupt"), rows_.corrupt);
  if (r.missing) r.late = r.corrupt = false;
  if (r.late) r.corrupt = false;
  return r;
}

}  // namespace q50::mockvenue
