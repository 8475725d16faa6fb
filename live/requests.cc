#include "live/requests.h"

#include <fmt/format.h>

#include "live/decimal.h"
#include "live/signing.h"
#include "live/text_quote.h"

namespace q50::live {
namespace {

constexpr std::size_t kMaxClientOrderIdBytes = 36;

absl::Status check_decimal(std::string_view field, std::string_view text) {
  if (absl::StatusOr<std::int64_t> v = parse_e8(text); !v.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("new order {}: {}", field, message_of(v.status())));
  }
  return absl::OkStatus();
}

void add_if_positive(std::vector<QueryParam>& params, std::string key, std::int64_t value) {
  if (value > 0) params.push_back({std::move(key), std::to_string(value)});
}

}  // namespace

absl::Status validate_client_order_id(std::string_view id) {
  bool ok = !id.empty() && id.size() <= kMaxClientOrderIdBytes;
  for (char c : id) {
    ok &= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_';
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(fmt::format(
      "client order id {} must be 1-36 characters of A-Z a-z 0-9 - _", quote_for_message(id)));
}

absl::StatusOr<std::vector<QueryParam>> new_order_params(const NewOrder& order) {
  if (order.symbol.empty()) return absl::InvalidArgumentError("new order: empty symbol");
  if (order.side == OrderSide::kUnknown) {
    return absl::InvalidArgumentError("new order: side must be BUY or SELL");
  }
  if (absl::Status s = check_decimal("quantity", order.quantity_text); !s.ok()) return s;
  if (absl::Status s = validate_client_order_id(order.client_order_id); !s.ok()) return s;
  const bool limit = order.kind == OrderKind::kLimit;
  std::vector<QueryParam> p = {{"symbol", order.symbol},
                               {"side", std::string(order_side_name(order.side))},
                               {"type", limit ? "LIMIT" : "MARKET"}};
  if (limit) {
    if (absl::Status s = check_decimal("price", order.price_text); !s.ok()) return s;
    p.push_back({"timeInForce", order.time_in_force});
    p.push_back({"price", order.price_text});
  }
  p.push_back({"quantity", order.quantity_text});
  p.push_back({"newClientOrderId", order.client_order_id});
  p.push_back({"newOrderRespType", order.response_type});
  return p;
}

std::vector<QueryParam> klines_params(const KlinesQuery& query) {
  std::vector<QueryParam> p = {{"symbol", query.symbol}, {"interval", query.interval}};
  add_if_positive(p, "startTime", query.start_time_ms);
  add_if_positive(p, "endTime", query.end_time_ms);
  add_if_positive(p, "limit", query.limit);
  return p;
}

std::vector<QueryParam> my_trades_params(const TradesQuery& query) {
  std::vector<QueryParam> p = {{"symbol", query.symbol}};
  add_if_positive(p, "orderId", query.order_id);
  if (query.from_id >= 0) p.push_back({"fromId", std::to_string(query.from_id)});
  add_if_positive(p, "startTime", query.start_time_ms);
  add_if_positive(p, "endTime", query.end_time_ms);
  add_if_positive(p, "limit", query.limit);
  return p;
}

absl::StatusOr<std::string> signed_query(std::vector<QueryParam> params, std::int64_t timestamp_ms,
                                         std::int64_t recv_window_ms, std::string_view secret) {
  params.push_back({"recvWindow", std::to_string(recv_window_ms)});
  params.push_back({"timestamp", std::to_string(timestamp_ms)});
  std::string query = build_query(params);
  absl::StatusOr<std::string> signature = sign_request(secret, query, "");
  if (!signature.ok()) return signature.status();
  query += "&signature=";
  query += *signature;
  return query;
}

}  // namespace q50::live
