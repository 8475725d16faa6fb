#ifndef Q50SIM_MOCKVENUE_VENUE_SERVICE_IMPL_H_
#define Q50SIM_MOCKVENUE_VENUE_SERVICE_IMPL_H_

// The state behind VenueService (private to mockvenue/: venue_service.cc holds the request
// pipeline and the market's clock, venue_endpoints.cc the endpoints).

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mockvenue/api_error.h"
#include "mockvenue/market_tape.h"
#include "mockvenue/params.h"
#include "mockvenue/request_limits.h"
#include "mockvenue/scenario_faults.h"
#include "mockvenue/seeded_faults.h"
#include "mockvenue/signal_feed.h"
#include "mockvenue/venue_book.h"
#include "mockvenue/venue_clock.h"
#include "mockvenue/venue_service.h"

namespace q50::mockvenue {

// An endpoint's successful answer (errors are ApiError).
struct Answer {
  int status = 200;
  std::string body;
};
using Outcome = std::variant<Answer, ApiError>;

// One request on its way through the pipeline.
struct Call {
  const HttpRequest& request;
  WallTime now;
  TimestampNs venue_ns = 0;
  Params params;
  std::int64_t weight = 0;
};

class VenueService::Impl {
 public:
  Impl(VenueSetup setup, std::string base_asset, std::string quote_asset);

  struct Endpoint {
    std::string_view method;
    std::string_view path;
    bool is_signed = false;
    std::vector<std::string_view> params;    // accepted besides recvWindow/timestamp/signature
    std::vector<std::string_view> required;  // checked in this order
    Outcome (Impl::*handler)(Call&);
  };
  static const std::vector<Endpoint>& endpoints();

  // venue_service.cc: the clock, the market, the pipeline.
  TimestampNs venue_ns(const WallTime& now) const;
  bool clock_stopped() const;
  void advance(const WallTime& now);
  void close_bar(std::size_t index);
  void publish_rows(std::size_t index);
  HttpReply handle(const HttpRequest& request, const WallTime& now);
  HttpReply route(Call& call, const Endpoint* ep);
  HttpReply limited(const Call& call, const LimitVerdict& verdict);
  void add_limit_headers(HttpReply& reply, const Endpoint* ep, const WallTime& now) const;
  std::optional<ApiError> check_signed(Call& call) const;
  std::string books_json();
  std::int64_t weight_of(const Endpoint& endpoint, const Params& params) const;

  // venue_endpoints.cc
  Outcome ping(Call& call);
  Outcome time(Call& call);
  Outcome exchange_info(Call& call);
  Outcome klines(Call& call);
  Outcome account(Call& call);
  Outcome new_order(Call& call);
  Outcome test_order(Call& call);
  Outcome query_order(Call& call);
  Outcome cancel_order(Call& call);
  Outcome open_orders(Call& call);
  Outcome my_trades(Call& call);

  // What a new order asks for, validated (shared by order and order/test).
  struct OrderAsk {
    sim::OrderRequest request;
    ResponseType response = ResponseType::kFull;
  };
  std::variant<OrderAsk, ApiError> read_order(const Call& call) const;
  std::optional<ApiError> check_symbol(const Params& params, bool required) const;
  // The order GET/DELETE name (orderId and/or origClientOrderId), or nullptr.
  std::variant<const OrderRecord*, ApiError> named_order(const Params& params) const;
  std::vector<sim::Bar> visible_klines(TimestampNs venue_ns) const;
  ApiError exchange_reject(const sim::OrderRejected& reject, TimestampNs venue_ns);
  std::int64_t retry_after_wall_s(TimestampNs venue_span_ns) const;
  void count(std::string_view what, std::int64_t n = 1) { counts_[std::string(what)] += n; }

  sim::Scenario scenario_;
  MarketTape tape_;
  ApiKeys keys_;
  std::string base_asset_;
  std::string quote_asset_;
  bool wait_for_client_ = false;
  VenueClock clock_;
  std::optional<std::int64_t> clock_origin_ns_;  // elapsed wall ns at which the clock started
  // Venue time as of the last advance: never decreases, whatever order the callers' wall
  // readings come in (the exchange requires time to move forward).
  TimestampNs current_ns_ = 0;
  VenueBook book_;
  ScenarioFaults scenario_faults_;
  SeededFaults seeded_;
  RequestLimits limits_;
  std::optional<SignalFeed> feed_;
  std::vector<KlineFault> kline_faults_;  // one per closed bar
  std::size_t bars_closed_ = 0;
  std::map<std::string, std::int64_t, std::less<>> counts_;
  std::optional<std::int64_t> pending_restart_ms_;
};

}  // namespace q50::mockvenue

#endif  // Q50SIM_MOCKVENUE_VENUE_SERVICE_IMPL_H_
