#ifndef Q50SIM_MOCKVENUE_VENUE_SERVICE_H_
#define Q50SIM_MOCKVENUE_VENUE_SERVICE_H_

// The mock venue's whole behaviour, without sockets or threads: a request in, a reply out; a
// tick closes the bars that are due. The server (mockvenue/server.h) calls it under one mutex,
// so every state change happens in request order. It reads no clock: every call carries the
// wall time (for the rate-limit windows and the venue clock), which makes it deterministic in
// its inputs and testable with made-up times.
//
// Endpoints (weights as Binance's): GET /api/v3/ping [1], /api/v3/time [1],
// /api/v3/exchangeInfo [20], /api/v3/klines [2], /api/v3/account [20, signed], POST
// /api/v3/order [1, signed], POST /api/v3/order/test [1; 20 with computeCommissionRates,
// signed], GET /api/v3/order [4, signed], DELETE /api/v3/order [1, signed], GET
// /api/v3/openOrders [6; 80 without symbol, signed], GET /api/v3/myTrades [20; 5 with orderId,
// signed]; and GET /q50sim/books (the mock's own, unsigned, no weight, never faulted).
//
// A request is judged in this order: venue_outage window (503 -1001); request weight (429/418);
// parameters (-1100/-1101/-1102/-1103); for signed endpoints the API key (-2015), the HMAC
// signature over the raw bytes (-1022) and the timestamp against the venue clock, the windows
// scaled by the speed (-1021, mockvenue/venue_clock.h); then the seeded venue faults
// (mockvenue/seeded_faults.h) and the endpoint itself.
//
// After the market's last bar the clock stops: every bar is closed, klines has no bar in
// progress, orders still match at the last close (resting orders never fill again), and the
// timestamp check only applies its recvWindow rule.
//
// Determinism: with the same scenario, seed and request sequence (same requests, same order,
// each arriving after the same bars closed) the answers and the books are the same; the wall
// clock only decides when bars close (and, through the rate-limit windows, when a 429 comes).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "live/outcome.h"
#include "mockvenue/market_tape.h"
#include "sim/scenario.h"

namespace q50::mockvenue {

// The key pair requests must be signed with. Never printed, logged or echoed.
struct ApiKeys {
  std::string api_key;
  std::string api_secret;
};

struct VenueSetup {
  sim::Scenario scenario;  // the --seed override already applied (sim::apply_seed)
  MarketTape tape;
  ApiKeys keys;
  double speed = 3600;
  std::string signals_out;       // "" = no signal file
  bool wait_for_client = false;  // the clock starts at the first /api request
};

struct HttpRequest {
  std::string method;  // "GET", "POST", "DELETE", ...
  std::string target;  // raw path?query, as received
  std::string body;    // raw
  std::optional<std::string> api_key;  // the X-MBX-APIKEY header
};

struct HttpReply {
  int status = 200;
  std::vector<live::Header> headers;
  std::string body;
  std::int64_t delay_ms = 0;  // wall time to hold the answer (a timeout fault)
  bool drop = false;          // close the connection instead of answering (a lost response)
};

// The wall time of a call: the epoch ms (rate-limit windows) and the monotonic ns since the
// venue started (its clock).
struct WallTime {
  std::int64_t wall_ms = 0;
  std::int64_t elapsed_ns = 0;
};

class VenueService {
 public:
  // InvalidArgument for an exchange config the mock cannot serve (bad assets, no symbol quote
  // suffix to split); Unavailable when the signal file cannot be created.
  static absl::StatusOr<std::unique_ptr<VenueService>> create(VenueSetup setup);
  ~VenueService();

  // The wall time a request must wait before it is processed (a latency_spike window), 0
  // usually. Counts the spike.
  std::int64_t inbound_delay_ms(const WallTime& now);
  HttpReply handle(const HttpRequest& request, const WallTime& now);

  // Closes every bar due by now and writes the signal rows due. Returns the wall time the server
  // must stop listening for when a restart fault fired on a closed bar.
  struct Tick {
    std::optional<std::int64_t> restart_down_ms;
  };
  Tick tick(const WallTime& now);

  // GET /q50sim/books (README: "the books endpoint").
  std::string books_json(const WallTime& now);
  // The signal file's first write error, if any.
  absl::Status signal_status() const;
  // Venue ms now (bars due by then closed first).
  std::int64_t venue_ms(const WallTime& now);

  class Impl;

 private:
  explicit VenueService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Splits a symbol into base and quote assets by the known quote suffixes (USDT, USDC, FDUSD,
// BUSD, TUSD, BTC, ETH, BNB, EUR, TRY): "BTCUSDT" -> {"BTC", "USDT"}; nullopt when none fits.
std::optional<std::pair<std::string, std::string>> split_symbol(std::string_view symbol);

}  // namespace q50::mockvenue

#endif  // Q50SIM_MOCKVENUE_VENUE_SERVICE_H_
