#ifndef Q50SIM_MOCKVENUE_API_ERROR_H_
#define Q50SIM_MOCKVENUE_API_ERROR_H_

// Binance's error answers as the mock gives them: an HTTP status and the body
// {"code":-NNNN,"msg":"..."} with the codes and message texts of the Binance spot docs
// (spec/binance-testnet.md §1.6). A message never quotes a parameter's value, so nothing a
// client sent (keys included) is ever echoed back.

#include <cstdint>
#include <string>
#include <string_view>

namespace q50::mockvenue {

struct ApiError {
  int http_status = 400;
  std::int64_t code = 0;
  std::string msg;
  std::int64_t retry_after_s = 0;  // > 0: sent as the Retry-After header (429, 418)
};

// {"code":<code>,"msg":"<msg>"} (msg JSON-escaped).
std::string error_body(const ApiError& error);

// The errors the mock answers with, one constructor per Binance code and message.
namespace errors {
ApiError disconnected();                                // 503 -1001
ApiError backend_timeout();                             // 503 -1007
ApiError too_much_weight(std::int64_t limit, std::string_view interval);   // 429 -1003
ApiError banned(std::int64_t until_ms);                 // 418 -1003
ApiError too_many_orders(std::int64_t limit, std::string_view interval);   // 429 -1015
ApiError timestamp_outside_window();                    // 400 -1021
ApiError timestamp_ahead();                             // 400 -1021
ApiError bad_signature();                               // 400 -1022
ApiError illegal_characters();                          // 400 -1100, no parameter named
ApiError illegal_parameter(std::string_view name, std::string_view legal_range);  // 400 -1100
ApiError duplicate_parameter();                         // 400 -1101
ApiError mandatory_missing(std::string_view name);      // 400 -1102
ApiError ids_missing();                                 // 400 -1102 (orderId/origClientOrderId)
ApiError unknown_parameter();                           // 400 -1103
ApiError not_required(std::string_view name);           // 400 -1106
ApiError bad_precision(std::string_view name);          // 400 -1111
ApiError invalid_tif();                                 // 400 -1115
ApiError invalid_order_type();                          // 400 -1116
ApiError invalid_side();                                // 400 -1117
ApiError invalid_interval();                            // 400 -1120
ApiError invalid_symbol();                              // 400 -1121
ApiError invalid_parameter(std::string_view name);      // 400 -1130
ApiError bad_recv_window();                             // 400 -1131
ApiError filter_failure(std::string_view filter);       // 400 -1013 "Filter failure: X"
ApiError insufficient_balance();                        // 400 -2010
ApiError duplicate_order();                             // 400 -2010
ApiError unknown_order_cancel();                        // 400 -2011 "Unknown order sent."
ApiError cancel_restricted();                           // 400 -2011
ApiError no_such_order();                               // 400 -2013 "Order does not exist."
ApiError bad_api_key();                                 // 401 -2015
ApiError unknown_endpoint();                            // 404 -1000 (Binance answers HTML)
}  // namespace errors

}  // namespace q50::mockvenue

#endif  // Q50SIM_MOCKVENUE_API_ERROR_H_
