#ifndef Q50SIM_LIVE_BINANCE_VENUE_H_
#define Q50SIM_LIVE_BINANCE_VENUE_H_

// The Binance spot REST API behind the venue port (core/ports/venue.h): what the runtime's
// commands become on the wire, and what the answers mean to it.
//
//   submit  -> the order is rounded to the symbol's filters (a local FilterReject is answered
//              as OrderRejected, never sent), then POST /api/v3/order (FULL response):
//              OrderAccepted, a Fill per fills[] element, OrderExpired / OrderCanceled for a
//              terminal status with quantity left. A definite refusal (4xx with a code, 429,
//              418) is OrderRejected; -1021 (clock skew) resynchronises the clock and sends
//              the same request once more (it was not processed); a timeout, 5xx, -1006/-1007
//              or an unreadable 2xx body answers nothing: the outcome is unknown and the
//              runtime queries the order before it sends it again.
//   query_order / query_account -> GET order / GET account + openOrders; nullopt when the
//              query itself failed (the driver asks again later).
//   poll    -> for every order still open at the venue, its fills since the last look
//              (GET order, then GET myTrades for its trades, each trade once by id) and its
//              end (FILLED, CANCELED, EXPIRED), as events.
//
// Paper mode (--paper): every order is validated by POST /api/v3/order/test and, when the venue
// accepts it, filled in full at the latest close against a local paper book (fee at the
// account's taker rate, in quote); query_account answers from that book, so reconciliation sees
// what the paper orders did. Nothing is placed.
//
// Amounts: fills' notional is price * qty rounded in the venue's favour (up for a buy, down for
// a sell, as the mock exchange rounds it); the commission is reported as the fee when it is
// charged in the quote asset. A commission in any other asset (BNB, or the base asset on a
// buy) is not mirrored: take_unmirrored_fee() tells the node, which then reconciles so that
// its books follow the venue's balances.
//
// Timestamps: events carry the driver's `now_ns` (venue time) of the call.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ports/venue.h"
#include "live/exchange_info.h"
#include "live/rest_client.h"

namespace q50::live {

struct BinanceVenueConfig {
  SymbolInfo symbol;  // from exchangeInfo: filters, base and quote asset
  bool paper = false;
  // Paper mode: the opening balances of the paper book (the account's at start) and the taker
  // fee rate in ppm (the account's commissionRates.taker).
  std::int64_t paper_base_e8 = 0;
  std::int64_t paper_quote_e8 = 0;
  std::int64_t paper_fee_ppm = 1000;
};

// What the adapter saw, for live_metrics.json and the monitoring endpoint.
struct VenueStats {
  std::int64_t requests = 0;
  std::int64_t orders_sent = 0;    // POST order (or order/test in paper mode) attempts
  std::int64_t orders_accepted = 0;
  std::int64_t orders_rejected = 0;  // definite refusals, local filter rejects included
  std::int64_t unknown_outcomes = 0;
  std::int64_t clock_resyncs = 0;   // after -1021
  std::int64_t rate_limited = 0;    // 429 answers
  std::int64_t banned = 0;          // 418 answers
  std::int64_t fills = 0;
  std::int64_t transport_errors = 0;
  std::int64_t orders_vanished = 0;  // open orders the venue stopped knowing (a testnet wipe)
  std::int64_t used_weight_1m = 0;  // the latest X-MBX-USED-WEIGHT-1M
};

class BinanceVenue final : public ports::Venue {
 public:
  // `rest` must outlive the venue.
  BinanceVenue(RestClient& rest, BinanceVenueConfig config);

  void submit(const venue::OrderRequest& request, TimestampNs now_ns,
              std::vector<venue::VenueEvent>& out) override;
  void cancel(const venue::CancelRequest& request, TimestampNs now_ns,
              std::vector<venue::VenueEvent>& out) override;
  std::optional<venue::OrderStatusReport> query_order(std::string_view client_order_id,
                                                      TimestampNs now_ns) override;
  std::optional<venue::AccountReport> query_account(TimestampNs now_ns) override;

  // An order whose answer was lost and that has ended since (a query found it closed): its
  // life as events — accepted, each of its trades (GET myTrades) as a fill, then its end when
  // it did not fill whole — so the books learn every fill as if the answer had arrived. False
  // (and nothing added) when the trades do not add up to the report (or the order is not one
  // that ended with fills); nullopt when GET myTrades failed (ask again later).
  // True once after a fill whose commission was charged in an asset other than the quote.
  bool take_unmirrored_fee() { return std::exchange(unmirrored_fee_, false); }

  std::optional<bool> replay_closed(const venue::OrderStatusReport& report, TimestampNs now_ns,
                     std::vector<venue::VenueEvent>& out);

  // The orders still open at the venue: their new fills and their end, as events.
  void poll(TimestampNs now_ns, std::vector<venue::VenueEvent>& out);

  // The latest close, e8: market orders are checked against it (notional rules) and paper
  // orders fill at it.
  void set_reference_price(std::int64_t close_e8) { reference_price_e8_ = close_e8; }

  // The wait the venue asked for since the last call (429 / 418 Retry-After, in wall
  // milliseconds as Binance means it; 0 = none); taking it clears it.
  std::int64_t take_backoff_ms() { return std::exchange(backoff_ms_, 0); }
  // Credentials or the certificate were refused: stop, nothing else can succeed.
  bool fatal() const { return !fatal_message_.empty(); }
  const std::string& fatal_message() const { return fatal_message_; }
  const VenueStats& stats() const { return stats_; }
  // One line per request that did not succeed, for the node's log; emptied by the caller.
  std::vector<std::string>& problems() { return problems_; }

 private:
  struct Tracked {
    std::string client_order_id;
    std::int64_t order_id = 0;
    venue::Side side = venue::Side::kBuy;
    std::int64_t qty_e8 = 0;
    std::int64_t filled_e8 = 0;
    std::set<std::int64_t> trade_ids;  // trades already reported
  };

  template <class T>
  void note(const RestResult<T>& result, TimestampNs now_ns);
  void submit_paper(const venue::OrderRequest& request, const std::string& quantity_text,
                    TimestampNs now_ns, std::vector<venue::VenueEvent>& out);
  void accepted(const OrderReport& report, const venue::OrderRequest& request,
                TimestampNs now_ns, std::vector<venue::VenueEvent>& out);
  venue::Fill fill_of(Tracked& t, std::int64_t trade_id, std::int64_t price_e8,
                      std::int64_t qty_e8, std::int64_t commission_e8,
                      std::string_view commission_asset, bool maker, TimestampNs now_ns);
  void close_if_done(Tracked& t, const OrderReport& report, TimestampNs now_ns,
                     std::vector<venue::VenueEvent>& out);
  void poll_one(Tracked& t, TimestampNs now_ns, std::vector<venue::VenueEvent>& out);

  RestClient& rest_;
  BinanceVenueConfig config_;
  std::int64_t reference_price_e8_ = 0;
  std::int64_t backoff_ms_ = 0;
  bool unmirrored_fee_ = false;
  std::string fatal_message_;
  VenueStats stats_;
  std::vector<std::string> problems_;
  std::map<std::string, Tracked, std::less<>> open_;  // by client order id
  std::int64_t paper_next_id_ = 1;
};

// The runtime's reject code for a Binance error (code and message).
venue::RejectCode reject_code_for(std::int64_t binance_code, std::string_view msg);

}  // namespace q50::live

#endif  // Q50SIM_LIVE_BINANCE_VENUE_H_
