#include "live/reports.h"

#include <array>
#include <utility>

namespace q50::live {
namespace {

constexpr std::array<std::pair<OrderStatus, std::string_view>, 9> kStatusNames{{
    {OrderStatus::kNew, "NEW"},
    {OrderStatus::kPendingNew, "PENDING_NEW"},
    {OrderStatus::kPartiallyFilled, "PARTIALLY_FILLED"},
    {OrderStatus::kFilled, "FILLED"},
    {OrderStatus::kCanceled, "CANCELED"},
    {OrderStatus::kPendingCancel, "PENDING_CANCEL"},
    {OrderStatus::kRejected, "REJECTED"},
    {OrderStatus::kExpired, "EXPIRED"},
    {OrderStatus::kExpiredInMatch, "EXPIRED_IN_MATCH"},
}};

}  // namespace

OrderSide parse_order_side(std::string_view text) {
  if (text == "BUY") return OrderSide::kBuy;
  if (text == "SELL") return OrderSide::kSell;
  return OrderSide::kUnknown;
}

std::string_view order_side_name(OrderSide side) {
  switch (side) {
    case OrderSide::kBuy:
      return "BUY";
    case OrderSide::kSell:
      return "SELL";
    case OrderSide::kUnknown:
      break;
  }
  return "UNKNOWN";
}

OrderStatus parse_order_status(std::string_view text) {
  for (const auto& [status, name] : kStatusNames) {
    if (name == text) return status;
  }
  return OrderStatus::kUnknown;
}

std::string_view order_status_name(OrderStatus status) {
  for (const auto& [s, name] : kStatusNames) {
    if (s == status) return name;
  }
  return "UNKNOWN";
}

bool is_terminal(OrderStatus status) {
  return status == OrderStatus::kFilled || status == OrderStatus::kCanceled ||
         status == OrderStatus::kRejected || status == OrderStatus::kExpired ||
         status == OrderStatus::kExpiredInMatch;
}

}  // namespace q50::live
