#include "live/exchange_info.h"

#include <fmt/format.h>

#include "live/decimal.h"

namespace q50::live {
namespace {

using nlohmann::json;

absl::Status read_lot_size(FieldReader& r, LotSizeFilter& f) {
  f.present = true;
  f.min_qty_e8 = r.required_e8("minQty");
  f.max_qty_e8 = r.required_e8("maxQty");
  f.step_size_e8 = r.required_e8("stepSize");
  return r.status();
}

absl::Status read_filter(const json& value, const std::string& where, SymbolFilters& f) {
  FieldReader r(value, where);
  const std::string type = r.required_string("filterType");
  if (!r.status().ok()) return r.status();
  if (type == "PRICE_FILTER") {
    f.price.present = true;
    f.price.min_price_e8 = r.required_e8("minPrice");
    f.price.max_price_e8 = r.required_e8("maxPrice");
    f.price.tick_size_e8 = r.required_e8("tickSize");
  } else if (type == "LOT_SIZE") {
    return read_lot_size(r, f.lot_size);
  } else if (type == "MARKET_LOT_SIZE") {
    return read_lot_size(r, f.market_lot_size);
  } else if (type == "MIN_NOTIONAL") {
    f.min_notional.present = true;
    f.min_notional.min_notional_e8 = r.required_e8("minNotional");
    f.min_notional.apply_min_to_market = r.boolean("applyToMarket");
    f.min_notional.avg_price_mins = r.int64("avgPriceMins");
  } else if (type == "NOTIONAL") {
    f.notional.present = true;
    f.notional.min_notional_e8 = r.required_e8("minNotional");
    f.notional.max_notional_e8 = r.e8("maxNotional");
    f.notional.apply_min_to_market = r.boolean("applyMinToMarket");
    f.notional.apply_max_to_market = r.boolean("applyMaxToMarket");
    f.notional.avg_price_mins = r.int64("avgPriceMins");
  }
  return r.status();
}

absl::Status read_symbol_lists(const json& value, const std::string& where, SymbolInfo& s) {
  absl::StatusOr<const json*> filters = optional_array(value, "filters", where);
  if (!filters.ok()) return filters.status();
  if (*filters != nullptr) {
    std::size_t i = 0;
    for (const json& filter : **filters) {
      const std::string at = fmt::format("{}.filters[{}]", where, i++);
      if (absl::Status st = read_filter(filter, at, s.filters); !st.ok()) return st;
    }
  }
  absl::StatusOr<const json*> types = optional_array(value, "orderTypes", where);
  if (!types.ok()) return types.status();
  if (*types != nullptr) {
    std::size_t i = 0;
    for (const json& t : **types) {
      if (!t.is_string()) {
        return absl::InvalidArgumentError(fmt::format(
            "{}.orderTypes[{}]: expected a string, got {}", where, i, describe_json(t)));
      }
      s.order_types.push_back(t.get<std::string>());
      ++i;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<SymbolInfo> read_symbol(const json& value, const std::string& where) {
  FieldReader r(value, where);
  SymbolInfo s;
  s.symbol = r.required_string("symbol");
  s.status = r.string("status");
  s.base_asset = r.string("baseAsset");
  s.base_asset_precision = r.int64("baseAssetPrecision");
  s.quote_asset = r.string("quoteAsset");
  s.quote_asset_precision = r.int64("quoteAssetPrecision");
  if (!r.status().ok()) return r.status();
  if (absl::Status st = read_symbol_lists(value, where, s); !st.ok()) return st;
  if (s.filters.price.tick_size_e8 > 0) {
    s.price_decimals = decimals_of_e8(s.filters.price.tick_size_e8);
  }
  if (s.filters.lot_size.step_size_e8 > 0) {
    s.qty_decimals = decimals_of_e8(s.filters.lot_size.step_size_e8);
  }
  return s;
}

absl::StatusOr<RateLimit> read_rate_limit(const json& value, const std::string& where) {
  FieldReader r(value, where);
  RateLimit l;
  l.rate_limit_type = r.required_string("rateLimitType");
  l.interval = r.required_string("interval");
  l.interval_num = r.required_int64("intervalNum");
  l.limit = r.required_int64("limit");
  if (!r.status().ok()) return r.status();
  return l;
}

// Reads each element of the optional array `key` with read(element, "exchangeInfo.key[i]").
template <class T, class Read>
absl::Status read_each(const json& doc, std::string_view key, std::vector<T>& out, Read read) {
  absl::StatusOr<const json*> array = optional_array(doc, key, "exchangeInfo");
  if (!array.ok()) return array.status();
  if (*array == nullptr) return absl::OkStatus();
  std::size_t i = 0;
  for (const json& element : **array) {
    absl::StatusOr<T> item = read(element, fmt::format("exchangeInfo.{}[{}]", key, i++));
    if (!item.ok()) return item.status();
    out.push_back(*std::move(item));
  }
  return absl::OkStatus();
}

absl::StatusOr<ExchangeInfo> read_exchange_info(const json& doc) {
  FieldReader r(doc, "exchangeInfo");
  ExchangeInfo info;
  info.timezone = r.string("timezone");
  info.server_time_ms = r.int64("serverTime");
  if (!r.status().ok()) return r.status();
  if (absl::Status s = read_each(doc, "rateLimits", info.rate_limits, read_rate_limit); !s.ok()) {
    return s;
  }
  if (absl::Status s = read_each(doc, "symbols", info.symbols, read_symbol); !s.ok()) return s;
  return info;
}

}  // namespace

absl::StatusOr<ExchangeInfo> parse_exchange_info(std::string_view body, const JsonLimits& limits) {
  return without_exceptions("exchangeInfo", [&]() -> absl::StatusOr<ExchangeInfo> {
    absl::StatusOr<json> doc = parse_json_bounded(body, limits);
    if (!doc.ok()) return doc.status();
    return read_exchange_info(*doc);
  });
}

const SymbolInfo* find_symbol(const ExchangeInfo& info, std::string_view symbol) {
  for (const SymbolInfo& s : info.symbols) {
    if (s.symbol == symbol) return &s;
  }
  return nullptr;
}

}  // namespace q50::live
