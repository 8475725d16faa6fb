#ifndef Q50SIM_LIVE_REST_CLIENT_H_
#define Q50SIM_LIVE_REST_CLIENT_H_

// The Binance spot REST transport over cpp-httplib: https with certificate verification for
// the venue, plain http only to a loopback address (the mock venue of the tests). Every call
// returns a RestResult -- the mapped outcome (outcome.h), the parsed body and the rate-limit
// headers -- and never throws. Signed requests carry every parameter in the query string,
// percent-encoded by the codec and signed over exactly the bytes sent (the HTTP client's own
// URL encoding is off). Not thread-safe: one owner calls it.
//
// Secrets: the API key travels only in the X-MBX-APIKEY header and the secret only into the
// HMAC. No message, outcome or report this client produces contains either: its own text never
// includes them; any occurrence in a response (body and header values, before parsing) is
// replaced by "<redacted>", and so is any run of 8 or more bytes of either in a message (a
// truncated quote of caller input or of an echo). Keys shorter than 8 bytes are not scrubbed;
// real Binance keys have 64 characters.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "live/clock.h"
#include "live/exchange_info.h"
#include "live/json_reader.h"
#include "live/outcome.h"
#include "live/reports.h"
#include "live/requests.h"

namespace q50::live {

struct RestConfig {
  // "https://host[:port]" (the venue; default: Binance's spot testnet) or
  // "http://127.0.0.1:port" / "http://localhost:port" (a loopback mock). No path.
  std::string base_url = "https://testnet.binance.vision";
  std::int64_t connect_timeout_ms = 3000;
  std::int64_t read_timeout_ms = 10000;
  std::int64_t write_timeout_ms = 5000;
  std::int64_t recv_window_ms = 5000;  // 1..60000, sent with every signed request
  JsonLimits json_limits;              // response body size (enforced while receiving) and depth
};

// An HMAC API key pair. Deliberately not printable: no accessor outside the client.
class Credentials {
 public:
  Credentials(std::string api_key, std::string api_secret)
      : api_key_(std::move(api_key)), api_secret_(std::move(api_secret)) {}

 private:
  friend class RestClient;
  std::string api_key_;
  std::string api_secret_;
};

// What a call returns. `value` is set iff outcome.kind == kOk and the body parsed; a 2xx body
// that does not parse turns the outcome into kUnknownOutcome (the venue acted, we cannot tell
// how). `message` is one line for logs: method, path, outcome, HTTP status, Binance code/msg or
// the transport/parse error -- never the query string, key or secret.
template <class T>
struct RestResult {
  Outcome outcome;
  std::optional<T> value;
  RateUsage usage;
  std::string message;
  bool ok() const { return outcome.kind == OutcomeKind::kOk && value.has_value(); }
};

struct Empty {};

// GET /api/v3/time measured against the local clock: offset_ms = server - local midpoint of
// the round trip (positive when the server is ahead).
struct TimeSample {
  std::int64_t server_time_ms = 0;
  std::int64_t local_mid_ms = 0;
  std::int64_t offset_ms = 0;
  std::int64_t round_trip_ms = 0;
};

class RestClient {
 public:
  // InvalidArgument for a malformed base_url, plain http to a non-loopback host, a timeout
  // outside 1 ms..10 min or a recv_window_ms outside 1..60000. `clock` must outlive the client.
  static absl::StatusOr<std::unique_ptr<RestClient>> create(RestConfig config,
                                                            Credentials credentials, Clock& clock);
  ~RestClient();
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  // GET /api/v3/ping.
  RestResult<Empty> ping();
  // GET /api/v3/time. On success the measured offset becomes the one signed timestamps use.
  RestResult<TimeSample> server_time();
  // GET /api/v3/exchangeInfo?symbol=...
  RestResult<ExchangeInfo> exchange_info(std::string_view symbol);
  // GET /api/v3/klines.
  RestResult<std::vector<Kline>> klines(const KlinesQuery& query);
  // GET /api/v3/account (signed).
  RestResult<AccountReport> account();
  // POST /api/v3/order (signed). An invalid order is not sent: kRejected with HTTP status 0.
  RestResult<OrderReport> new_order(const NewOrder& order);
  // POST /api/v3/order/test (signed): full validation without the matching engine.
  RestResult<Empty> test_order(const NewOrder& order);
  // GET /api/v3/order by origClientOrderId (signed). kNotFound on -2013.
  RestResult<OrderReport> query_order(std::string_view symbol, std::string_view client_order_id);
  // DELETE /api/v3/order by origClientOrderId (signed). kNotFound on -2011 "Unknown order".
  RestResult<OrderReport> cancel_order(std::string_view symbol, std::string_view client_order_id);
  // GET /api/v3/openOrders?symbol=... (signed).
  RestResult<std::vector<OrderReport>> open_orders(std::string_view symbol);
  // GET /api/v3/myTrades (signed).
  RestResult<std::vector<TradeReport>> my_trades(const TradesQuery& query);

  // The offset (server - local, ms) added to the local clock for signed timestamps.
  std::int64_t clock_offset_ms() const;
  void set_clock_offset_ms(std::int64_t offset_ms);

  struct Impl;

 private:
  explicit RestClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace q50::live

#endif  // Q50SIM_LIVE_REST_CLIENT_H_
