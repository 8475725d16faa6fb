#ifndef Q50SIM_CORE_RUNTIME_H_
#define Q50SIM_CORE_RUNTIME_H_

// What a backtest and a live run share: the strategy's step (core/strategy.h) inside the order
// lifecycle, the ledger mirror and reconciliation against the venue. Events in, commands out;
// no clock, no I/O, no allocation per bar. The simulator (sim/engine.h) drives it from its
// event queue against the mock exchange; the live node drives it from a wall-clock loop
// against Binance. Either driver executes the commands on its venue port (core/ports/venue.h)
// and feeds the answers back, in order.
//
// The order lifecycle. The strategy keeps at most one order in flight. Its size (double base
// units) is rounded here to the venue: nearest 1e-8 unit (removing binary noise such as
// 0.29999999999999999), then DOWN to the instrument's step, so the venue never gets more than
// the strategy asked for; an order that rounds to 0 is answered at once with a local reject
// (LotRejected), never sent. An order's client id is `client_id_prefix` + a counter that
// continues across restarts (the order log below), so it is unique among the runtime's orders.
//   sent --OrderAccepted--> acknowledged --Fill...--> filled (leaves 0)
//     |                          |--OrderCanceled/OrderExpired--> ended
//     |--OrderRejected--> rejected
//     |--unknown outcome (the driver's send failed without an answer)--> unknown
//   unknown --QueryOrder--> not found: the same request again (same client id: it never
//            reached the venue); open: acknowledged; closed: reconcile (its fills are in the
//            venue's balances, not in our ledger).
// The venue may acknowledge less than asked (a partial_fill fault in the simulator): the
// acknowledged quantity is what can fill, and once it has, the rest of the strategy's order
// ends as expired. An order still open after cancel_after_bars bars is canceled.
//
// Ledger and reconciliation. The runtime mirrors the venue's balances from the fills it is
// told about (int64 e8, the venue's own rounding: buys cost notional + fee + slippage, sells
// yield notional - fee - slippage, all in quote) and the strategy mirrors them in doubles.
// Reconciliation makes the venue the truth: the strategy's cash and position and the ledger
// are set from an AccountReport, the order in flight is dropped, and ids continue after the
// last one sent.
//
// Restart. A runtime restarts from a strategy checkpoint (possibly older than the crash) and
// the order log (written before every request, so it is never stale). recover() asks the venue
// for the order that was in flight: still open -> it is adopted (the strategy stays detached
// until the venue ends it), otherwise -> reconcile. While not running, bars are ignored (no
// BarDone) and venue events only move the adopted order to its end.
//
// Anomalies. A venue event that does not fit the order in flight (a foreign client id, fills
// that do not add up) never reaches the strategy: it is reported as an Anomaly command. The
// simulator treats one as a broken invariant; the live node logs it and reconciles.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/instrument.h"
#include "core/ports/signal_source.h"
#include "core/strategy.h"
#include "core/timestamp.h"
#include "core/venue_protocol.h"

namespace q50::runtime {

struct Config {
  // The strategy's parameters; its initial_cash / initial_position are replaced by the opening
  // balances below (one source of truth).
  strategy::Params strategy;
  // The account's opening balances, as the venue reports them.
  std::int64_t initial_quote_e8 = 0;
  std::int64_t initial_base_e8 = 0;
  // The venue's instrument: its symbol goes into every order, its step size rounds them.
  venue::Instrument instrument;
  std::string client_id_prefix = "q50n-";
  // Cancel an acknowledged order still open after this many bars (0 = never).
  std::int64_t cancel_after_bars = 0;
  // After every order that ends, ask the venue for the account and reconcile (a live venue
  // may charge fees in the base asset or another asset, which the ledger's quote-fee model
  // cannot mirror; the simulator's venue charges in quote and needs no such step).
  bool reconcile_after_orders = false;
};


// A closed bar and the signal the feed matched to it, received at now_ns (a late bar is
// received after its own ts_ns).
struct BarInput {
  TimestampNs now_ns = 0;
  strategy::Bar bar;
  ports::SignalSample signal;
  // The signal source is unusable and its policy is to go flat: the bar runs with
  // NoSignalPolicy::kFlat (the policy "cached" is the feed's: it repeats the last row).
  bool signal_source_flat = false;
};

// The driver sent a request and got no answer (timeout, lost response, 5xx): its outcome is
// unknown.
struct OrderOutcomeUnknown {
  TimestampNs ts_ns = 0;
  std::string client_order_id;
};


struct SendOrder {
  venue::OrderRequest request;     // qty_e8 after lot rounding
  std::int64_t client_id = 0;      // the counter behind request.client_order_id
  TimestampNs decided_ts_ns = 0;   // when the strategy decided it (the bar's processing time)
  bool resend = false;             // the same order again after "not found"
};
struct SendCancel {
  venue::CancelRequest request;
};
struct QueryOrder {
  std::string client_order_id;
};
struct QueryAccount {};

// Records: what happened, for the driver's journal and sink.
struct BarDone {
  strategy::BarRecord record;
  ports::SignalSample signal;  // the signal the bar was given
  std::int64_t close_e8 = 0;   // the bar's close at the venue's scale
};
struct LotRejected {
  TimestampNs ts_ns = 0;
  std::int64_t client_id = 0;
  std::int64_t asked_e8 = 0;  // signed, nearest e8 of what the strategy asked
};
struct Restarted {
  TimestampNs ts_ns = 0;
  bool adopting = false;  // an order from before the crash is still open at the venue
};
struct Reconciled {
  TimestampNs ts_ns = 0;
  std::int64_t base_e8 = 0;   // the venue's balances, now the books'
  std::int64_t quote_e8 = 0;
  std::int64_t ledger_base_e8 = 0;   // the runtime's ledger just before (valid when running)
  std::int64_t ledger_quote_e8 = 0;
  bool ledger_known = false;  // false after a restart: there was no ledger to compare
};
struct Anomaly {
  TimestampNs ts_ns = 0;
  std::string what;
  // The strategy asked for an order beyond the range the venue's e8 amounts can hold
  // (core/limits.h kMaxOrderQty): it was rejected locally, the run cannot go on faithfully.
  bool out_of_range = false;
};

using Command = std::variant<SendOrder, SendCancel, QueryOrder, QueryAccount, BarDone,
                             LotRejected, Restarted, Reconciled, Anomaly>;
// Reused by the driver: cleared by every call, its capacity kept (no allocation per bar).
using Commands = std::vector<Command>;


enum class OrderPhase : std::uint8_t { kSent, kAcknowledged, kUnknown, kCanceling };

// The order in flight as the runtime tracks it (amounts unsigned, e8).
struct Order {
  bool active = false;
  std::int64_t client_id = 0;
  bool buy = true;
  std::int64_t asked_e8 = 0;   // sent, after lot rounding
  std::int64_t acked_e8 = 0;   // acknowledged by the venue (0 until then)
  std::int64_t filled_e8 = 0;  // cumulative
  TimestampNs decided_ts_ns = 0;
  std::int64_t order_id = 0;   // the venue's, once acknowledged
  std::int64_t bars_open = 0;  // bars seen since it was acknowledged
  OrderPhase phase = OrderPhase::kSent;
};

// The part of the state written before every request (durable in a live node, kept across a
// simulated crash): enough to find the order in flight again and never reuse an id.
struct OrderLog {
  std::int64_t last_client_id = 0;  // the last id sent to the venue (0: none)
  Order in_flight;
};

// The runtime's mirror of the venue's balances, from the fills it was told about.
struct Ledger {
  std::int64_t quote_e8 = 0;
  std::int64_t base_e8 = 0;
};

enum class Mode : std::uint8_t {
  kRunning,
  kRecovering,   // restarted: waiting for the status of the order that was in flight
  kAdopting,     // restarted with that order still open: waiting for its end
  kReconciling,  // waiting for the account report
};

struct Counters {
  std::int64_t unknown_outcomes = 0;  // requests answered by nothing
  std::int64_t resends = 0;           // orders sent again after "not found"
  std::int64_t cancels = 0;           // cancels sent (cancel_after_bars)
  std::int64_t reconciliations = 0;
  std::int64_t anomalies = 0;
};

// A plain aggregate: copying it is a checkpoint of the whole runtime.
struct State {
  strategy::State strategy;
  OrderLog orders;
  Ledger ledger;
  Mode mode = Mode::kRunning;
  std::int64_t mark_e8 = 0;  // the close of the last bar the strategy processed
  Counters counters;
};

class Runtime {
 public:
  // A fresh runtime: the strategy's initial state, the ledger at the opening balances.
  explicit Runtime(Config config);
  // A runtime restarted from `strategy` (a checkpoint, possibly stale) and the order log of
  // the process that died. It is in Mode::kRecovering until recover() and the venue's answers
  // bring it back to kRunning.
  Runtime(Config config, strategy::State strategy, const OrderLog& log, Counters counters = {});

  // A bar from before the run: features only (strategy::warm_up); no command.
  void on_warm_up(const strategy::Bar& bar);
  // A bar: the strategy's step when running (BarDone, preceded by SendOrder or LotRejected
  // when it trades, or SendCancel for an order past cancel_after_bars); nothing otherwise.
  void on_bar(const BarInput& input, Commands& out);
  // A venue event for the runtime's orders (in the order the venue sent them).
  void on_venue(const venue::VenueEvent& event, Commands& out);
  void on_outcome_unknown(const OrderOutcomeUnknown& event, Commands& out);
  // Answers to QueryOrder / QueryAccount.
  void on_order_status(const venue::OrderStatusReport& report, Commands& out);
  void on_account(const venue::AccountReport& report, Commands& out);
  // After the restart constructor: QueryOrder for the order in flight, or Restarted and
  // QueryAccount when there was none.
  void recover(TimestampNs now_ns, Commands& out);
  // Reconcile now (a periodic check, an anomaly, a reconnect): QueryAccount when running with
  // no order in flight; nothing otherwise (an order in flight reconciles when it ends).
  void request_reconcile(Commands& out);

  const State& state() const { return state_; }
  const Config& config() const { return config_; }
  bool running() const { return state_.mode == Mode::kRunning; }
  // The client order id text of counter `id`.
  std::string client_order_id(std::int64_t id) const;

 private:
  void step_strategy(const strategy::Event& event, const strategy::Params& params,
                     TimestampNs now_ns, Commands& out);
  void send(const strategy::SubmitOrder& order, TimestampNs now_ns, Commands& out);
  bool matches(std::string_view client_order_id) const;
  void on_fill(const venue::Fill& fill, Commands& out);
  void end_in_flight(Commands& out);
  void reconcile(const venue::AccountReport& report, Commands& out);
  void anomaly(TimestampNs ts_ns, std::string what, Commands& out);
  void adopted_event(const venue::VenueEvent& event, Commands& out);

  Config config_;
  strategy::Params flat_params_;  // config_.strategy with NoSignalPolicy::kFlat
  State state_;
  bool ledger_known_ = true;  // false from a restart until the first reconciliation
};

}  // namespace q50::runtime

#endif  // Q50SIM_CORE_RUNTIME_H_
