#include "core/venue_protocol.h"

#include <string>
#include <utility>
#include <variant>

namespace q50::venue {

std::string_view order_type_name(OrderType t) {
  return t == OrderType::kMarket ? "MARKET" : "LIMIT";
}

std::string_view tif_name(TimeInForce t) { return t == TimeInForce::kGtc ? "GTC" : "IOC"; }

std::string_view order_status_name(OrderStatus s) {
  switch (s) {
    case OrderStatus::kNew:
      return "NEW";
    case OrderStatus::kPartiallyFilled:
      return "PARTIALLY_FILLED";
    case OrderStatus::kFilled:
      return "FILLED";
    case OrderStatus::kCanceled:
      return "CANCELED";
    case OrderStatus::kExpired:
      return "EXPIRED";
  }
  return "UNKNOWN";
}

std::string_view reject_code_name(RejectCode c) {
  switch (c) {
    case RejectCode::kInvalidRequest:
      return "INVALID_REQUEST";
    case RejectCode::kFilterFailure:
      return "FILTER_FAILURE";
    case RejectCode::kInsufficientBalance:
      return "INSUFFICIENT_BALANCE";
    case RejectCode::kDuplicateOrder:
      return "DUPLICATE_ORDER";
    case RejectCode::kRateLimited:
      return "RATE_LIMITED";
    case RejectCode::kVenueDown:
      return "VENUE_DOWN";
    case RejectCode::kUnknownOrder:
      return "UNKNOWN_ORDER";
    case RejectCode::kOrderAlreadyFilled:
      return "ORDER_ALREADY_FILLED";
  }
  return "UNKNOWN";
}

int binance_error_code(RejectCode c) {
  switch (c) {
    case RejectCode::kInvalidRequest:
      return -1102;
    case RejectCode::kFilterFailure:
      return -1013;
    case RejectCode::kInsufficientBalance:
    case RejectCode::kDuplicateOrder:
      return -2010;
    case RejectCode::kRateLimited:
      return -1015;
    case RejectCode::kVenueDown:
      return -1001;
    case RejectCode::kUnknownOrder:
    case RejectCode::kOrderAlreadyFilled:
      return -2011;
  }
  return 0;
}

TimestampNs event_ts_ns(const VenueEvent& e) {
  return std::visit([](const auto& ev) { return ev.ts_ns; }, e);
}

namespace {

// Appends " key=value" pieces; integers and known tokens only, so the line is canonical.
class Line {
 public:
  explicit Line(std::string_view kind) : text_(kind) {}
  Line& num(std::string_view key, std::int64_t v) { return raw(key, std::to_string(v)); }
  Line& token(std::string_view key, std::string_view v) { return raw(key, v); }
  Line& client_id(std::string_view v) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string escaped;
    for (const char c : v) {
      const auto u = static_cast<unsigned char>(c);
      const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (plain) {
        escaped += c;
      } else {
        escaped += "\\x";
        escaped += kHex[u >> 4];
        escaped += kHex[u & 15];
      }
    }
    return raw("client_id", escaped);
  }
  Line& quoted(std::string_view key, std::string_view v) {
    std::string q;  // built by appends: GCC 12 misreports operator+ here (-Wrestrict)
    q.reserve(v.size() + 2);
    q += '"';
    q += v;
    q += '"';
    return raw(key, q);
  }
  std::string take() { return std::move(text_); }

 private:
  Line& raw(std::string_view key, std::string_view v) {
    text_ += ' ';
    text_ += key;
    text_ += '=';
    text_ += v;
    return *this;
  }
  std::string text_;
};

std::string describe_one(const OrderAccepted& e) {
  return Line("accepted")
      .num("ts_ns", e.ts_ns)
      .num("order_id", e.order_id)
      .client_id(e.client_order_id)
      .token("side", side_name(e.side))
      .token("type", order_type_name(e.type))
      .token("tif", tif_name(e.tif))
      .num("qty_e8", e.qty_e8)
      .num("price_e8", e.price_e8)
      .take();
}

std::string describe_one(const OrderRejected& e) {
  return Line("rejected")
      .num("ts_ns", e.ts_ns)
      .token("request", e.request == RequestKind::kNewOrder ? "NEW_ORDER" : "CANCEL")
      .num("order_id", e.order_id)
      .client_id(e.client_order_id)
      .token("code", reject_code_name(e.code))
      .num("binance_code", binance_error_code(e.code))
      .quoted("reason", e.reason)
      .take();
}

std::string describe_one(const Fill& e) {
  return Line("fill")
      .num("ts_ns", e.ts_ns)
      .num("order_id", e.order_id)
      .client_id(e.client_order_id)
      .num("trade_id", e.trade_id)
      .token("side", side_name(e.side))
      .token("liquidity", liquidity_name(e.liquidity))
      .num("qty_e8", e.qty_e8)
      .num("price_e8", e.price_e8)
      .num("notional_e8", e.notional_e8)
      .num("fee_e8", e.fee_e8)
      .num("slippage_e8", e.slippage_e8)
      .num("filled_qty_e8", e.filled_qty_e8)
      .num("leaves_qty_e8", e.leaves_qty_e8)
      .take();
}

std::string describe_one(const OrderCanceled& e) {
  return Line("canceled")
      .num("ts_ns", e.ts_ns)
      .num("order_id", e.order_id)
      .client_id(e.client_order_id)
      .num("filled_qty_e8", e.filled_qty_e8)
      .take();
}

std::string describe_one(const OrderExpired& e) {
  return Line("expired")
      .num("ts_ns", e.ts_ns)
      .num("order_id", e.order_id)
      .client_id(e.client_order_id)
      .num("filled_qty_e8", e.filled_qty_e8)
      .quoted("reason", e.reason)
      .take();
}

}  // namespace

std::string describe(const VenueEvent& e) {
  return std::visit([](const auto& ev) { return describe_one(ev); }, e);
}

}  // namespace q50::venue
