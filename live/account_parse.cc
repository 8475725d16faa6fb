// GET /api/v3/account.
#include <fmt/format.h>

#include "live/response_parse.h"

namespace q50::live {
namespace {

using nlohmann::json;

absl::StatusOr<Balance> read_balance(const json& value, std::string where) {
  FieldReader r(value, std::move(where));
  Balance b;
  b.asset = r.required_string("asset");
  b.free_e8 = r.required_e8("free");
  b.locked_e8 = r.required_e8("locked");
  if (!r.status().ok()) return r.status();
  return b;
}

absl::Status read_commission_rates(const json& doc, AccountReport& account) {
  if (!doc.is_object()) return absl::OkStatus();
  const auto it = doc.find("commissionRates");
  if (it == doc.end() || it->is_null()) return absl::OkStatus();
  FieldReader r(*it, "account.commissionRates");
  account.maker_commission_rate_e8 = r.e8("maker");
  account.taker_commission_rate_e8 = r.e8("taker");
  return r.status();
}

absl::Status read_balances(const json& doc, AccountReport& account) {
  absl::StatusOr<const json*> balances = optional_array(doc, "balances", "account");
  if (!balances.ok()) return balances.status();
  if (*balances == nullptr) return absl::OkStatus();
  std::size_t i = 0;
  for (const json& element : **balances) {
    absl::StatusOr<Balance> b = read_balance(element, fmt::format("account.balances[{}]", i++));
    if (!b.ok()) return b.status();
    account.balances.push_back(*std::move(b));
  }
  return absl::OkStatus();
}

absl::StatusOr<AccountReport> read_account(const json& doc) {
  FieldReader r(doc, "account");
  AccountReport a;
  a.can_trade = r.boolean("canTrade");
  a.account_type = r.string("accountType");
  a.update_time_ms = r.int64("updateTime");
  if (!r.status().ok()) return r.status();
  if (absl::Status s = read_commission_rates(doc, a); !s.ok()) return s;
  if (absl::Status s = read_balances(doc, a); !s.ok()) return s;
  return a;
}

}  // namespace

absl::StatusOr<AccountReport> parse_account(std::string_view body, const JsonLimits& limits) {
  return without_exceptions("account", [&]() -> absl::StatusOr<AccountReport> {
    absl::StatusOr<json> doc = parse_json_bounded(body, limits);
    if (!doc.ok()) return doc.status();
    return read_account(*doc);
  });
}

}  // namespace q50::live
