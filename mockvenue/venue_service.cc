#include "mockvenue/venue_service.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "fmt/format.h"
#include "live/signing.h"
#include "mockvenue/binance_json.h"
#include "mockvenue/venue_service_impl.h"

namespace q50::mockvenue {
namespace {

constexpr std::string_view kBooksPath = "/q50sim/books";
constexpr std::int64_t kMaxInboundDelayMs = 60'000;

// The exchange as the mock runs it: requests arrive when the venue receives them (the network
// is real now), so the scenario's latency model and its spikes are not applied here; outages
// come from the fault windows.
sim::ExchangeConfig mock_exchange_config(const sim::Scenario& sc) {
  sim::ExchangeConfig c = sc.exchange;
  c.latency = sim::LatencyModel::constant(0);
  c.outages.clear();
  return c;
}

// The venue clock starts at the scenario's start (never after its first bar) and stops at the
// close of its last bar.
VenueClock make_clock(const sim::Scenario& sc, const MarketTape& tape, double speed) {
  const TimestampNs first = tape.bars.front().ts_ns;
  const TimestampNs start = std::min(sc.start_ts_ns.value_or(first), first);
  return VenueClock(start, tape.bars.back().ts_ns, speed);
}

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

std::string_view query_of(std::string_view target) {
  const std::size_t q = target.find('?');
  return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

HttpReply reply_of(const Outcome& outcome) {
  HttpReply r;
  if (const auto* a = std::get_if<Answer>(&outcome)) {
    r.status = a->status;
    r.body = a->body;
  } else {
    const auto& e = std::get<ApiError>(outcome);
    r.status = e.http_status;
    r.body = error_body(e);
    if (e.retry_after_s > 0) r.headers.push_back({"Retry-After", std::to_string(e.retry_after_s)});
  }
  return r;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> split_symbol(std::string_view symbol) {
  static constexpr std::string_view kQuotes[] = {"FDUSD", "USDT", "USDC", "BUSD", "TUSD",
                                                 "BTC",   "ETH",  "BNB",  "EUR",  "TRY"};
  for (std::string_view q : kQuotes) {
    if (symbol.size() > q.size() && symbol.ends_with(q)) {
      return std::make_pair(std::string(symbol.substr(0, symbol.size() - q.size())),
                            std::string(q));
    }
  }
  return std::nullopt;
}

VenueService::Impl::Impl(VenueSetup setup, std::string base_asset, std::string quote_asset)
    : scenario_(std::move(setup.scenario)),
      tape_(std::move(setup.tape)),
      keys_(std::move(setup.keys)),
      base_asset_(std::move(base_asset)),
      quote_asset_(std::move(quote_asset)),
      wait_for_client_(setup.wait_for_client),
      clock_(make_clock(scenario_, tape_, setup.speed)),
      book_(mock_exchange_config(scenario_)),
      scenario_faults_(scenario_.faults, scenario_.seed),
      seeded_(scenario_.venue, scenario_.seed),
      limits_(scenario_.venue.rate_limits) {
  if (!wait_for_client_) clock_origin_ns_ = 0;
  current_ns_ = clock_.start_ns();
}

TimestampNs VenueService::Impl::venue_ns(const WallTime& now) const {
  if (!clock_origin_ns_) return clock_.start_ns();
  return clock_.at(now.elapsed_ns - *clock_origin_ns_);
}

bool VenueService::Impl::clock_stopped() const { return current_ns_ >= clock_.end_ns(); }

void VenueService::Impl::advance(const WallTime& now) {
  current_ns_ = std::max(current_ns_, venue_ns(now));
  const TimestampNs t = current_ns_;
  while (bars_closed_ < tape_.bars.size() && tape_.bars[bars_closed_].ts_ns <= t) {
    close_bar(bars_closed_);
    ++bars_closed_;
  }
  if (feed_) feed_->flush(t);
}

// A bar closes: the fault windows advance, the exchange matches resting orders on it, its
// kline's fault is drawn, the seeded bar faults fire, its signal rows are queued.
void VenueService::Impl::close_bar(std::size_t index) {
  const sim::Bar& bar = tape_.bars[index];
  scenario_faults_.on_bar(static_cast<std::int64_t>(index), bar.ts_ns, book_.exchange());
  book_.on_bar(bar);
  kline_faults_.push_back(scenario_faults_.kline_fault(bar.ts_ns));
  const BarFaults faults = seeded_.draw_bar();
  if (faults.wipe) {
    count("wipe");
    count("wiped_orders", static_cast<std::int64_t>(book_.wipe(bar.ts_ns)));
  }
  if (faults.restart) {
    count("restart");
    pending_restart_ms_ = scenario_.venue.faults.restart_down_ns / 1'000'000;
  }
  if (feed_) publish_rows(index);
}

void VenueService::Impl::publish_rows(std::size_t index) {
  SignalFeed& feed = *feed_;
  feed.repair();
  const bool missing = scenario_faults_.file_missing();
  const bool corrupt = scenario_faults_.file_corrupt();
  if (missing) scenario_faults_.count_file_fault(sim::FaultKind::kSignalFileMissing);
  if (corrupt) scenario_faults_.count_file_fault(sim::FaultKind::kSignalFileCorrupt);
  feed.set_missing(missing);
  feed.set_corrupt(corrupt);
  const std::size_t first = tape_.first_signal[index];
  const std::size_t last = tape_.first_signal[index + 1];
  if (first == last) return;
  const RowFault scenario_fault = scenario_faults_.row_fault();
  const TimestampNs close_ns = tape_.bars[index].ts_ns;
  for (std::size_t i = first; i < last; ++i) {
    const SignalRowFaults seeded = seeded_.draw_row();
    if (scenario_fault.missing || seeded.missing) {
      if (seeded.missing) count("signal_missing");
      continue;
    }
    TimestampNs due = close_ns + scenario_fault.lag_ns;
    if (seeded.late) {
      count("signal_late");
      due += scenario_.venue.signal_file.late_by_ns;
    }
    if (seeded.corrupt) count("signal_corrupt");
    feed.publish(tape_.signals[i], due, seeded.corrupt);
  }
}

std::int64_t VenueService::Impl::retry_after_wall_s(TimestampNs venue_span_ns) const {
  const std::int64_t wall_ms = clock_.wall_ns_for(venue_span_ns) / 1'000'000;
  return std::max<std::int64_t>(1, (wall_ms + 999) / 1000);
}

// API key, signature over the raw bytes, timestamp against the (scaled) recvWindow.
std::optional<ApiError> VenueService::Impl::check_signed(Call& call) const {
  const std::optional<std::string>& key = call.request.api_key;
  if (!key || !same_secret(*key, keys_.api_key)) return errors::bad_api_key();
  const Params& p = call.params;
  if (!p.has_signature || p.signature.empty()) return errors::mandatory_missing("signature");
  const absl::StatusOr<std::string> expected = live::hmac_sha256_hex(keys_.api_secret,
                                                                     p.signed_payload);
  if (!expected.ok() || !live::signature_matches(*expected, p.signature)) {
    return errors::bad_signature();
  }
  const auto ts = read_integer(p, "timestamp");
  if (std::holds_alternative<ApiError>(ts)) return errors::mandatory_missing("timestamp");
  const auto window_us = read_recv_window_us(p);
  if (const auto* e = std::get_if<ApiError>(&window_us)) return *e;
  const long double speed = static_cast<long double>(clock_.speed());
  const std::int64_t server_ms = to_ms(call.venue_ns + scenario_faults_.clock_skew_ns());
  const std::int64_t timestamp_ms = std::get<std::int64_t>(ts);
  const auto ahead_ms = static_cast<std::int64_t>(std::ceil(1000.0L * speed));
  const auto window_ms =
      static_cast<std::int64_t>(std::floor(std::get<std::int64_t>(window_us) * speed / 1000.0L));
  if (call.venue_ns < clock_.end_ns() && timestamp_ms >= server_ms + ahead_ms) {
    return errors::timestamp_ahead();
  }
  if (server_ms - timestamp_ms > window_ms) return errors::timestamp_outside_window();
  return std::nullopt;
}

std::int64_t VenueService::Impl::weight_of(const Endpoint& ep, const Params& params) const {
  if (ep.path == "/api/v3/ping" || ep.path == "/api/v3/time") return 1;
  if (ep.path == "/api/v3/exchangeInfo" || ep.path == "/api/v3/account") return 20;
  if (ep.path == "/api/v3/klines") return 2;
  if (ep.path == "/api/v3/openOrders") return params.has("symbol") ? 6 : 80;
  if (ep.path == "/api/v3/myTrades") return params.has("orderId") ? 5 : 20;
  if (ep.path == "/api/v3/order/test") {
    return params.get("computeCommissionRates") == std::optional<std::string>("true") ? 20 : 1;
  }
  if (ep.path == "/api/v3/order" && ep.method == "GET") return 4;
  return 1;
}

namespace {

// Unknown parameters (-1103: recvWindow and timestamp only on signed endpoints), then the
// mandatory ones (-1102) in the endpoint's order.
std::optional<ApiError> check_params(const Params& params,
                                     const VenueService::Impl::Endpoint& ep) {
  for (const auto& [key, value] : params.values) {
    const bool protocol = key == "recvWindow" || key == "timestamp";
    const bool listed = std::find(ep.params.begin(), ep.params.end(), key) != ep.params.end();
    if (!(listed || (protocol && ep.is_signed))) return errors::unknown_parameter();
  }
  if (!ep.is_signed && params.has_signature) return errors::unknown_parameter();
  for (std::string_view name : ep.required) {
    if (!params.get(name)) return errors::mandatory_missing(name);
  }
  return std::nullopt;
}

}  // namespace

HttpReply VenueService::Impl::limited(const Call& call, const LimitVerdict& v) {
  const bool ban = v.kind == LimitVerdict::Kind::kBanned;
  count(ban ? "banned_418" : "rate_limited_429");
  const std::int64_t wall_left_ns = (v.banned_until_wall_ms - call.now.wall_ms) * 1'000'000;
  const std::int64_t until_ms = to_ms(call.venue_ns + clock_.venue_ns_for(wall_left_ns));
  const sim::VenueRateLimits& l = limits_.limits();
  ApiError e = ban ? errors::banned(until_ms)
                   : errors::too_much_weight(
                         l.weight_limit, RequestLimits::interval_text(l.weight_window_ns / 1'000'000));
  e.retry_after_s = v.retry_after_s;
  return reply_of(e);
}

// Outage, weight, parameters, signature and timestamp, then the seeded faults and the endpoint.
HttpReply VenueService::Impl::route(Call& call, const Endpoint* ep) {
  if (scenario_faults_.outage()) {
    scenario_faults_.count_outage();
    return reply_of(errors::disconnected());
  }
  if (ep == nullptr) return reply_of(errors::unknown_endpoint());
  auto parsed = parse_params(query_of(call.request.target), call.request.body);
  if (auto* p = std::get_if<Params>(&parsed)) call.params = std::move(*p);
  call.weight = weight_of(*ep, call.params);
  const LimitVerdict verdict = limits_.admit_request(call.weight, call.now.wall_ms);
  if (verdict.kind != LimitVerdict::Kind::kOk) return limited(call, verdict);
  if (const auto* e = std::get_if<ApiError>(&parsed)) return reply_of(*e);
  if (auto e = check_params(call.params, *ep)) return reply_of(*e);
  if (!ep->is_signed) return reply_of((this->*ep->handler)(call));
  count("signed_requests");
  if (auto e = check_signed(call)) return reply_of(*e);
  const RequestFault fault = seeded_.draw_request();
  if (fault == RequestFault::kNone) return reply_of((this->*ep->handler)(call));
  count(request_fault_name(fault));
  const std::int64_t delay_ms = scenario_.venue.faults.timeout_delay_ns / 1'000'000;
  switch (fault) {
    case RequestFault::kSkew1021:
      return reply_of(errors::timestamp_outside_window());
    case RequestFault::kError5xx:
      return reply_of(errors::disconnected());
    case RequestFault::kTimeoutUnprocessed: {
      HttpReply r = reply_of(errors::backend_timeout());
      r.delay_ms = delay_ms;
      return r;
    }
    case RequestFault::kTimeoutProcessed: {
      HttpReply r = reply_of((this->*ep->handler)(call));
      r.delay_ms = delay_ms;
      return r;
    }
    case RequestFault::kLostDrop: {
      HttpReply r = reply_of((this->*ep->handler)(call));
      r.drop = true;
      return r;
    }
    default:  // kLost5xx: processed, answered as if the venue had failed
      (void)(this->*ep->handler)(call);
      return reply_of(errors::disconnected());
  }
}

void VenueService::Impl::add_limit_headers(HttpReply& reply, const Endpoint* ep,
                                           const WallTime& now) const {
  const sim::VenueRateLimits& l = limits_.limits();
  reply.headers.push_back(
      {"X-MBX-USED-WEIGHT-" + RequestLimits::interval_tag(l.weight_window_ns / 1'000'000),
       std::to_string(limits_.used_weight(now.wall_ms))});
  if (ep == nullptr || ep->path != "/api/v3/order" || ep->method != "POST") return;
  reply.headers.push_back(
      {"X-MBX-ORDER-COUNT-" + RequestLimits::interval_tag(l.order_window_ns / 1'000'000),
       std::to_string(limits_.order_count(now.wall_ms))});
  reply.headers.push_back({"X-MBX-ORDER-COUNT-1D", std::to_string(limits_.order_count_day(now.wall_ms))});
}

HttpReply VenueService::Impl::handle(const HttpRequest& request, const WallTime& now) {
  const std::string_view path = path_of(request.target);
  if (path == kBooksPath && request.method == "GET") {
    advance(now);
    HttpReply r;
    r.body = books_json();
    return r;
  }
  if (!clock_origin_ns_ && path.starts_with("/api/")) clock_origin_ns_ = now.elapsed_ns;
  advance(now);
  count("requests");
  const Endpoint* ep = nullptr;
  for (const Endpoint& e : endpoints()) {
    if (e.path == path && e.method == request.method) ep = &e;
  }
  if (scenario_faults_.clock_skew_ns() != 0) scenario_faults_.count_skewed_request();
  Call call{request, now, current_ns_, {}, 0};
  HttpReply reply = route(call, ep);
  add_limit_headers(reply, ep, now);
  return reply;
}

namespace {

Json balance_json(const std::string& asset, const sim::Balance& b) {
  Json j;
  j["asset"] = asset;
  j["free_e8"] = std::to_string(b.free_e8);
  j["locked_e8"] = std::to_string(b.locked_e8);
  return j;
}

Json book_order_json(const OrderRecord& o) {
  Json j;
  j["order_id"] = o.order_id;
  j["client_order_id"] = o.client_order_id;
  j["side"] = sim::side_name(o.side);
  j["type"] = sim::order_type_name(o.type);
  j["time_in_force"] = sim::tif_name(o.tif);
  j["status"] = sim::order_status_name(o.status);
  j["wiped"] = o.wiped;
  j["price_e8"] = std::to_string(o.price_e8);
  j["orig_qty_e8"] = std::to_string(o.orig_qty_e8);
  j["venue_qty_e8"] = std::to_string(o.venue_qty_e8);
  j["executed_qty_e8"] = std::to_string(o.executed_qty_e8);
  j["cum_quote_e8"] = std::to_string(o.cum_quote_e8);
  j["time_ms"] = o.time_ms;
  j["update_time_ms"] = o.update_time_ms;
  return j;
}

}  // namespace

std::string VenueService::Impl::books_json() {
  const sim::AccountState& acct = book_.balances();
  Json j;
  j["venue_time_ms"] = to_ms(current_ns_);
  j["clock_started"] = clock_origin_ns_.has_value();
  j["clock_stopped"] = clock_stopped();
  j["speed"] = clock_.speed();
  j["bars_closed"] = bars_closed_;
  j["bars_total"] = tape_.bars.size();
  j["symbol"] = book_.config().instrument.symbol;
  Json balances;
  balances["base"] = balance_json(base_asset_, acct.base);
  balances["quote"] = balance_json(quote_asset_, acct.quote);
  j["balances"] = std::move(balances);
  j["position_base_e8"] = std::to_string(acct.base.total_e8());
  j["fees_paid_e8"] = std::to_string(acct.fees_paid_e8);
  j["slippage_paid_e8"] = std::to_string(acct.slippage_paid_e8);
  Json open = Json::array();
  for (const OrderRecord* o : book_.open_orders()) open.push_back(book_order_json(*o));
  j["open_orders"] = std::move(open);
  Json orders = Json::array();
  for (const auto& [id, o] : book_.orders()) orders.push_back(book_order_json(o));
  j["orders"] = std::move(orders);
  j["trades"] = book_.trades().size();
  Json counts = Json::object();
  for (const auto& [name, n] : counts_) counts[name] = n;
  j["counts"] = std::move(counts);
  Json scenario = Json::object();
  for (const auto& [kind, stats] : scenario_faults_.stats()) {
    scenario[std::string(sim::fault_kind_name(kind))] = {{"windows", stats.windows},
                                                         {"injected", stats.injected}};
  }
  j["scenario_faults"] = std::move(scenario);
  j["signal_rows_written"] = feed_ ? feed_->rows_written() : 0;
  return j.dump();
}

absl::StatusOr<std::unique_ptr<VenueService>> VenueService::create(VenueSetup setup) {
  const sim::Scenario& sc = setup.scenario;
  const std::string& symbol = sc.exchange.instrument.symbol;
  std::string base = sc.venue.base_asset;
  std::string quote = sc.venue.quote_asset;
  if (base.empty() || quote.empty()) {
    const auto split = split_symbol(symbol);
    if (!split) {
      return absl::InvalidArgumentError(fmt::format(
          "{}: cannot tell the assets of symbol '{}': set [venue] base_asset and quote_asset",
          sc.path, symbol));
    }
    if (base.empty()) base = split->first;
    if (quote.empty()) quote = split->second;
  }
  if (base + quote != symbol) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: [venue] base_asset '{}' + quote_asset '{}' must spell the symbol '{}'", sc.path, base,
        quote, symbol));
  }
  const std::string signals_out = setup.signals_out;
  auto impl = std::make_unique<Impl>(std::move(setup), std::move(base), std::move(quote));
  if (!signals_out.empty()) {
    auto feed = SignalFeed::create(signals_out);
    if (!feed.ok()) return feed.status();
    impl->feed_.emplace(*std::move(feed));
  }
  return std::unique_ptr<VenueService>(new VenueService(std::move(impl)));
}

VenueService::VenueService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VenueService::~VenueService() = default;

std::int64_t VenueService::inbound_delay_ms(const WallTime& now) {
  impl_->advance(now);
  const TimestampNs extra = impl_->scenario_faults_.latency_ns();
  if (extra <= 0) return 0;
  return std::min(kMaxInboundDelayMs, impl_->clock_.wall_ns_for(extra) / 1'000'000);
}

HttpReply VenueService::handle(const HttpRequest& request, const WallTime& now) {
  return impl_->handle(request, now);
}

VenueService::Tick VenueService::tick(const WallTime& now) {
  impl_->advance(now);
  Tick t;
  t.restart_down_ms = impl_->pending_restart_ms_;
  impl_->pending_restart_ms_.reset();
  return t;
}

std::string VenueService::books_json(const WallTime& now) {
  impl_->advance(now);
  return impl_->books_json();
}

absl::Status VenueService::signal_status() const {
  return impl_->feed_ ? impl_->feed_->status() : absl::OkStatus();
}

std::int64_t VenueService::venue_ms(const WallTime& now) {
  impl_->advance(now);
  return to_ms(impl_->current_ns_);
}

}  // namespace q50::mockvenue
