#include "mockvenue/api_error.h"

#include <nlohmann/json.hpp>

#include <utility>

#include "fmt/format.h"

namespace q50::mockvenue {

std::string error_body(const ApiError& error) {
  nlohmann::ordered_json j;
  j["code"] = error.code;
  j["msg"] = error.msg;
  return j.dump();
}

namespace errors {
namespace {

ApiError bad(std::int64_t code, std::string msg) { return {400, code, std::move(msg)}; }

}  // namespace

ApiError disconnected() {
  return {503, -1001, "Internal error; unable to process your request. Please try again."};
}
ApiError backend_timeout() {
  return {503, -1007,
          "Timeout waiting for response from backend server. Send status unknown; execution "
          "status unknown."};
}
ApiError too_much_weight(std::int64_t limit, std::string_view interval) {
  return {429, -1003,
          fmt::format("Too much request weight used; current limit is {} request weight per {}. "
                      "Please use WebSocket Streams for live updates to avoid polling the API.",
                      limit, interval)};
}
ApiError banned(std::int64_t until_ms) {
  return {418, -1003,
          fmt::format("Way too much request weight used; IP banned until {}. Please use WebSocket "
                      "Streams for live updates to avoid bans.",
                      until_ms)};
}
ApiError too_many_orders(std::int64_t limit, std::string_view interval) {
  return {429, -1015,
          fmt::format("Too many new orders; current limit is {} orders per {}.", limit, interval)};
}
ApiError timestamp_outside_window() {
  return bad(-1021, "Timestamp for this request is outside of the recvWindow.");
}
ApiError timestamp_ahead() {
  return bad(-1021, "Timestamp for this request was 1000ms ahead of the server's time.");
}
ApiError bad_signature() { return bad(-1022, "Signature for this request is not valid."); }
ApiError illegal_characters() { return bad(-1100, "Illegal characters found in a parameter."); }
ApiError illegal_parameter(std::string_view name, std::string_view legal_range) {
  return bad(-1100, fmt::format("Illegal characters found in parameter '{}'; legal range is '{}'.",
                                name, legal_range));
}
ApiError duplicate_parameter() { return bad(-1101, "Duplicate values for a parameter detected."); }
ApiError mandatory_missing(std::string_view name) {
  return bad(-1102, fmt::format(
                        "Mandatory parameter '{}' was not sent, was empty/null, or malformed.", name));
}
ApiError ids_missing() {
  return bad(-1102,
             "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
}
ApiError unknown_parameter() { return bad(-1103, "An unknown parameter was sent."); }
ApiError not_required(std::string_view name) {
  return bad(-1106, fmt::format("Parameter '{}' sent when not required.", name));
}
ApiError bad_precision(std::string_view name) {
  return bad(-1111, fmt::format("Parameter '{}' has too much precision.", name));
}
ApiError invalid_tif() { return bad(-1115, "Invalid timeInForce."); }
ApiError invalid_order_type() { return bad(-1116, "Invalid orderType."); }
ApiError invalid_side() { return bad(-1117, "Invalid side."); }
ApiError invalid_interval() { return bad(-1120, "Invalid interval."); }
ApiError invalid_symbol() { return bad(-1121, "Invalid symbol."); }
ApiError invalid_parameter(std::string_view name) {
  return bad(-1130, fmt::format("Invalid data sent for a parameter '{}'.", name));
}
ApiError bad_recv_window() { return bad(-1131, "recvWindow must be less than 60000"); }
ApiError filter_failure(std::string_view filter) {
  return bad(-1013, fmt::format("Filter failure: {}", filter));
}
ApiError insufficient_balance() {
  return bad(-2010, "Account has insufficient balance for requested action.");
}
ApiError duplicate_order() { return bad(-2010, "Duplicate order sent."); }
ApiError unknown_order_cancel() { return bad(-2011, "Unknown order sent."); }
ApiError cancel_restricted() {
  return bad(-2011, "Order was not canceled due to cancel restrictions.");
}
ApiError no_such_order() { return bad(-2013, "Order does not exist."); }
ApiError bad_api_key() {
  return {401, -2015, "Invalid API-key, IP, or permissions for action."};
}
ApiError unknown_endpoint() { return {404, -1000, "Unknown endpoint."}; }

}  // namespace errors
}  // namespace q50::mockvenue
