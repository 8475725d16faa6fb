// The Binance REST response bodies the live node reads (live/response_parse.h and
// live/exchange_info.h): every parser over the same bytes.
#include <cstdint>

#include "live/exchange_info.h"
#include "live/response_parse.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = q50::fuzz::as_text(data, size);
  (void)q50::live::parse_order_report(body);
  (void)q50::live::parse_open_orders(body);
  (void)q50::live::parse_account(body);
  (void)q50::live::parse_my_trades(body);
  if (auto klines = q50::live::parse_klines(body); klines.ok()) {
    (void)q50::live::closed_klines(*klines, 1'700'000'000'000);
  }
  (void)q50::live::parse_server_time(body);
  (void)q50::live::parse_json_object(body);
  (void)q50::live::parse_api_error(body);
  (void)q50::live::parse_exchange_info(body);
  return 0;
}
