// The REST endpoints of the mock venue (see mockvenue/venue_service.h for the pipeline that
// runs before them): market data, account, orders and trades, answered from the books.
#include <algorithm>
#include <utility>

#include "core/fixed_point.h"
#include "mockvenue/binance_json.h"
#include "mockvenue/venue_service_impl.h"

namespace q50::mockvenue {
namespace {

using Impl = VenueService::Impl;

Answer ok(const Json& j) { return {200, j.dump()}; }

// A parameter's integer value, or its error; absent optional parameters give `fallback`.
std::variant<std::int64_t, ApiError> optional_integer(const Params& p, std::string_view name,
                                                      std::int64_t fallback) {
  if (!p.get(name)) return fallback;
  return read_integer(p, name);
}

}  // namespace

const std::vector<Impl::Endpoint>& Impl::endpoints() {
  static const std::vector<Endpoint> kEndpoints = {
      {"GET", "/api/v3/ping", false, {}, {}, &Impl::ping},
      {"GET", "/api/v3/time", false, {}, {}, &Impl::time},
      {"GET",
       "/api/v3/exchangeInfo",
       false,
       {"symbol", "symbols", "permissions", "showPermissionSets", "symbolStatus"},
       {},
       &Impl::exchange_info},
      {"GET",
       "/api/v3/klines",
       false,
       {"symbol", "interval", "startTime", "endTime", "limit", "timeZone"},
       {"symbol", "interval"},
       &Impl::klines},
      {"GET", "/api/v3/account", true, {"omitZeroBalances"}, {}, &Impl::account},
      {"POST",
       "/api/v3/order",
       true,
       {"symbol", "side", "type", "timeInForce", "quantity", "price", "newClientOrderId",
        "newOrderRespType", "selfTradePreventionMode"},
       {"symbol", "side", "type"},
       &Impl::new_order},
      {"POST",
       "/api/v3/order/test",
       true,
       {"symbol", "side", "type", "timeInForce", "quantity", "price", "newClientOrderId",
        "newOrderRespType", "selfTradePreventionMode", "computeCommissionRates"},
       {"symbol", "side", "type"},
       &Impl::test_order},
      {"GET",
       "/api/v3/order",
       true,
       {"symbol", "orderId", "origClientOrderId"},
       {"symbol"},
       &Impl::query_order},
      {"DELETE",
       "/api/v3/order",
       true,
       {"symbol", "orderId", "origClientOrderId", "newClientOrderId", "cancelRestrictions"},
       {"symbol"},
       &Impl::cancel_order},
      {"GET", "/api/v3/openOrders", true, {"symbol"}, {}, &Impl::open_orders},
      {"GET",
       "/api/v3/myTrades",
       true,
       {"symbol", "orderId", "startTime", "endTime", "fromId", "limit"},
       {"symbol"},
       &Impl::my_trades},
  };
  return kEndpoints;
}

std::optional<ApiError> Impl::check_symbol(const Params& p, bool required) const {
  const std::optional<std::string> symbol = p.get("symbol");
  if (!symbol) return required ? std::optional(errors::mandatory_missing("symbol")) : std::nullopt;
  if (*symbol != book_.config().instrument.symbol) return errors::invalid_symbol();
  return std::nullopt;
}

Outcome Impl::ping(Call&) { return ok(Json::object()); }

Outcome Impl::time(Call& call) {
  Json j;
  j["serverTime"] = to_ms(call.venue_ns + scenario_faults_.clock_skew_ns());
  return ok(j);
}

Outcome Impl::exchange_info(Call& call) {
  if (auto e = check_symbol(call.params, false)) return *e;
  if (const auto symbols = call.params.get("symbols")) {
    const Json list = Json::parse(*symbols, nullptr, false);
    if (!list.is_array() || list.empty()) return errors::illegal_parameter("symbols", "[\"A\",\"B\"]");
    for (const Json& s : list) {
      if (!s.is_string() || s.get<std::string>() != book_.config().instrument.symbol) {
        return errors::invalid_symbol();
      }
    }
  }
  const sim::VenueRateLimits& l = limits_.limits();
  const std::vector<RateLimitInfo> limits = {
      {"REQUEST_WEIGHT", l.weight_window_ns / 1'000'000, l.weight_limit},
      {"ORDERS", l.order_window_ns / 1'000'000, l.order_limit}};
  return ok(exchange_info_json(book_.config().instrument, base_asset_, quote_asset_,
                               to_ms(call.venue_ns), limits));
}

// The klines a request may see at venue_ns: closed bars with their faults applied (stale ones
// once due, missing ones never, duplicates repeated, out-of-order ones after the bars they wait
// for), in that order.
std::vector<sim::Bar> Impl::visible_klines(TimestampNs now_ns) const {
  std::vector<sim::Bar> out;
  std::vector<std::pair<std::size_t, std::size_t>> held;  // (bar, release after this bar)
  for (std::size_t i = 0; i < bars_closed_; ++i) {
    const KlineFault& f = kline_faults_[i];
    const sim::Bar& bar = tape_.bars[i];
    switch (f.kind) {
      case KlineFault::Kind::kMissing:
        break;
      case KlineFault::Kind::kStale:
        if (f.visible_ns <= now_ns) out.push_back(bar);
        break;
      case KlineFault::Kind::kDuplicate:
        for (std::int64_t c = 0; c <= f.copies; ++c) out.push_back(bar);
        break;
      case KlineFault::Kind::kOutOfOrder:
        held.emplace_back(i, i + static_cast<std::size_t>(f.delay_items));
        break;
      case KlineFault::Kind::kNone:
        out.push_back(bar);
        break;
    }
    for (auto it = held.begin(); it != held.end();) {
      if (it->second != i) {
        ++it;
        continue;
      }
      out.push_back(tape_.bars[it->first]);
      it = held.erase(it);
    }
  }
  return out;
}

Outcome Impl::klines(Call& call) {
  const Params& p = call.params;
  if (auto e = check_symbol(p, true)) return *e;
  if (*p.get("interval") != tape_.interval) return errors::invalid_interval();
  const auto tz = p.get("timeZone");
  if (tz && *tz != "0" && *tz != "+00:00" && *tz != "00:00" && *tz != "-00:00") {
    return errors::invalid_parameter("timeZone");
  }
  const auto start = optional_integer(p, "startTime", -1);
  const auto end = optional_integer(p, "endTime", -1);
  const auto limit = optional_integer(p, "limit", 500);
  for (const auto* v : {&start, &end, &limit}) {
    if (const auto* e = std::get_if<ApiError>(v)) return *e;
  }
  const std::int64_t start_ms = std::get<std::int64_t>(start);
  const std::int64_t end_ms = std::get<std::int64_t>(end);
  const std::int64_t n = std::clamp<std::int64_t>(std::get<std::int64_t>(limit), 1, 1000);
  const std::int64_t interval_ms = tape_.interval_ns / 1'000'000;
  const auto keep = [&](const sim::Bar& b) {
    const std::int64_t open_ms = to_ms(b.ts_ns) - interval_ms;
    return (start_ms < 0 || open_ms >= start_ms) && (end_ms < 0 || open_ms <= end_ms);
  };
  // The rows selected first (a null bar is the one in progress), rendered after the limit cut.
  std::vector<sim::Bar> visible = visible_klines(call.venue_ns);
  std::vector<const sim::Bar*> rows;
  for (const sim::Bar& b : visible) {
    if (keep(b)) rows.push_back(&b);
  }
  const sim::Bar* forming = bars_closed_ < tape_.bars.size() ? &tape_.bars[bars_closed_] : nullptr;
  if (forming != nullptr && to_ms(forming->ts_ns) - interval_ms <= to_ms(call.venue_ns) &&
      keep(*forming)) {
    rows.push_back(nullptr);
  }
  const auto count_rows = static_cast<std::int64_t>(rows.size());
  const std::int64_t first = start_ms >= 0 ? 0 : std::max<std::int64_t>(0, count_rows - n);
  const std::int64_t last = std::min(count_rows, first + n);
  Json out = Json::array();
  for (std::int64_t i = first; i < last; ++i) {
    const sim::Bar* b = rows[static_cast<std::size_t>(i)];
    out.push_back(b != nullptr ? kline_json(*b, interval_ms) : forming_kline_json(*forming, interval_ms));
  }
  return ok(out);
}

Outcome Impl::account(Call& call) {
  const auto omit = call.params.get("omitZeroBalances");
  if (omit && *omit != "true" && *omit != "false") {
    return errors::illegal_parameter("omitZeroBalances", "true, false");
  }
  const sim::AccountState& acct = book_.balances();
  return ok(account_json(book_.config().fee, {{base_asset_, acct.base}, {quote_asset_, acct.quote}},
                         to_ms(call.venue_ns), omit && *omit == "true"));
}

}  // namespace q50::mockvenue
