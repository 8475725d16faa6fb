#include "live/rest_client.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <exception>
#include <optional>

#include "live/base_url.h"
#include "live/redaction.h"
#include "live/response_parse.h"
#include "live/text_quote.h"

namespace q50::live {
namespace {

constexpr std::int64_t kMaxTimeoutMs = 10 * 60 * 1000;
constexpr std::int64_t kMaxRecvWindowMs = 60000;

// What came back from one HTTP exchange, before interpretation.
struct RawResponse {
  bool transport_error = false;
  bool tls_verification_failed = false;
  std::string transport_message;
  int http_status = 0;
  std::vector<Header> headers;
  std::string body;
};

void set_timeout(httplib::Client& cli, void (httplib::Client::*setter)(time_t, time_t),
                 std::int64_t timeout_ms) {
  (cli.*setter)(static_cast<time_t>(timeout_ms / 1000),
                static_cast<time_t>((timeout_ms % 1000) * 1000));
}

// httplib's error names are terse ("Read"); say what each means for the caller.
std::string describe_transport_error(httplib::Error error, const RestConfig& config) {
  switch (error) {
    case httplib::Error::Connection:
    case httplib::Error::ConnectionTimeout:
      return fmt::format("could not connect within {} ms ({})", config.connect_timeout_ms,
                         httplib::to_string(error));
    case httplib::Error::Read:
      return fmt::format("read failed or no data for {} ms ({})", config.read_timeout_ms,
                         httplib::to_string(error));
    case httplib::Error::Write:
      return fmt::format("write failed or blocked for {} ms ({})", config.write_timeout_ms,
                         httplib::to_string(error));
    case httplib::Error::SSLServerVerification:
      return "TLS certificate of the server did not verify";
    default:
      return httplib::to_string(error);
  }
}

absl::Status check_config(const RestConfig& c) {
  for (const std::int64_t t : {c.connect_timeout_ms, c.read_timeout_ms, c.write_timeout_ms}) {
    if (t < 1 || t > kMaxTimeoutMs) {
      return absl::InvalidArgumentError(
          fmt::format("timeouts must be 1..{} ms, got {}", kMaxTimeoutMs, t));
    }
  }
  if (c.recv_window_ms < 1 || c.recv_window_ms > kMaxRecvWindowMs) {
    return absl::InvalidArgumentError(
        fmt::format("recv_window_ms must be 1..{}, got {}", kMaxRecvWindowMs, c.recv_window_ms));
  }
  return absl::OkStatus();
}

}  // namespace

struct RestClient::Impl {
  RestConfig config;
  std::string api_key;
  std::string api_secret;
  Clock* clock = nullptr;
  std::unique_ptr<httplib::Client> http;
  std::int64_t offset_ms = 0;
  // After a 429 for request weight or a 418 ban, the wall time (ms) before which nothing is
  // sent: a request made earlier is answered locally (kRetryAfter, no HTTP status), so a node
  // that keeps going after a 429 can never turn it into a ban.
  std::int64_t blocked_until_wall_ms = 0;
  Redactor redactor{{}};

  RawResponse exchange(const std::string& method, std::string_view path, std::string_view query,
                       bool with_key);
};

RawResponse RestClient::Impl::exchange(const std::string& method, std::string_view path,
                                       std::string_view query, bool with_key) {
  RawResponse raw;
  httplib::Request req;
  req.method = method;
  req.path = query.empty() ? std::string(path) : fmt::format("{}?{}", path, query);
  // Identity encoding: the size limit below then bounds what is actually held in memory.
  req.headers.emplace("Accept-Encoding", "identity");
  if (with_key) req.headers.emplace("X-MBX-APIKEY", api_key);
  bool too_large = false;
  const std::size_t max_bytes = config.json_limits.max_body_bytes;
  req.content_receiver = [&](const char* data, std::size_t n, std::uint64_t, std::uint64_t) {
    if (raw.body.size() + n > max_bytes) {
      too_large = true;
      return false;
    }
    raw.body.append(data, n);
    return true;
  };
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  bool sent = false;
  try {
    sent = http->send(req, res, error);
  } catch (const std::exception& e) {
    raw.transport_message = fmt::format("exception in the HTTP client: {}", e.what());
  }
  if (!sent || too_large) {
    raw.transport_error = true;
    if (too_large) {
      raw.transport_message = fmt::format("response body over {} bytes", max_bytes);
    } else if (raw.transport_message.empty()) {
      raw.transport_message =
          fmt::format("no response: {}", describe_transport_error(error, config));
    }
    raw.tls_verification_failed = error == httplib::Error::SSLServerVerification;
    return raw;
  }
  raw.http_status = res.status;
  // Scrubbed before parsing, so that no error message can quote a (possibly truncated) key.
  raw.body = redactor.whole(std::move(raw.body));
  for (const auto& [name, value] : res.headers) {
    raw.headers.emplace_back(name, redactor.whole(value));
  }
  return raw;
}

namespace {

// Turns a raw response into a RestResult: maps the outcome, parses the body with `parse` on
// 2xx (a parse failure makes the outcome unknown), the error body otherwise.
template <class T, class Parse>
RestResult<T> interpret(const RestClient::Impl& impl, std::string_view method,
                        std::string_view path, const RawResponse& raw, Parse parse) {
  RestResult<T> result;
  ResponseFacts facts{raw.transport_error, raw.tls_verification_failed, raw.http_status,
                      std::nullopt, raw.headers};
  std::string detail = raw.transport_message;
  const bool success = !raw.transport_error && raw.http_status >= 200 && raw.http_status < 300;
  if (!raw.transport_error && !success) {
    absl::StatusOr<ApiError> error = parse_api_error(raw.body, impl.config.json_limits);
    if (error.ok()) {
      facts.error = *std::move(error);
    } else {
      detail = fmt::format("unreadable error body: {}", message_of(error.status()));
    }
  }
  result.outcome = map_outcome(facts);
  result.usage = parse_rate_usage(raw.headers);
  if (success && result.outcome.kind == OutcomeKind::kOk) {
    absl::StatusOr<T> value = parse(raw.body, impl.config.json_limits);
    if (value.ok()) {
      result.value = *std::move(value);
    } else {
      result.outcome.kind = OutcomeKind::kUnknownOutcome;
      detail =
          fmt::format("unreadable {} response: {}", raw.http_status, message_of(value.status()));
    }
  }
  result.outcome.error_msg = impl.redactor.pieces(std::move(result.outcome.error_msg));
  std::string line = fmt::format("{} {}: {}", method, path, outcome_kind_name(result.outcome.kind));
  if (raw.http_status != 0) line += fmt::format(" (HTTP {})", raw.http_status);
  if (result.outcome.error_code != 0 || !result.outcome.error_msg.empty()) {
    line += fmt::format(" code {}: {}", result.outcome.error_code,
                        quote_for_message(result.outcome.error_msg, 200));
  }
  if (!detail.empty()) line += fmt::format(": {}", detail);
  result.message = impl.redactor.pieces(std::move(line));
  return result;
}

// A result without a response: the request was never sent (invalid parameters, signing
// failure) or an exception ended the call.
template <class T>
RestResult<T> not_sent(const RestClient::Impl& impl, std::string_view method, std::string_view path,
                       OutcomeKind kind, const absl::Status& why) {
  RestResult<T> result;
  result.outcome.kind = kind;
  result.outcome.error_msg = impl.redactor.pieces(std::string(message_of(why)));
  const char* what = kind == OutcomeKind::kUnknownOutcome ? "no response" : "not sent";
  result.message = impl.redactor.pieces(fmt::format(
      "{} {}: {} ({}): {}", method, path, outcome_kind_name(kind), what, message_of(why)));
  return result;
}

}  // namespace

namespace {

// Runs one call; an exception (bad_alloc, a library surprise) becomes kUnknownOutcome: the
// request may have been sent.
template <class T, class Call>
RestResult<T> guarded(const RestClient::Impl& impl, std::string_view method, std::string_view path,
                      Call call) {
  try {
    return call();
  } catch (const std::exception& e) {
    return not_sent<T>(impl, method, path, OutcomeKind::kUnknownOutcome,
                       absl::InternalError(fmt::format("exception: {}", e.what())));
  }
}

// The local answer while the IP is blocked (nullopt: the request may go).
template <class T>
std::optional<RestResult<T>> while_blocked(const RestClient::Impl& impl, std::string_view method,
                                           std::string_view path) {
  const std::int64_t left_ms = impl.blocked_until_wall_ms - impl.clock->wall_ms();
  if (left_ms <= 0) return std::nullopt;
  RestResult<T> result = not_sent<T>(
      impl, method, path, OutcomeKind::kRetryAfter,
      absl::UnavailableError(fmt::format("the venue asked for a pause; {} ms left", left_ms)));
  result.outcome.retry_after_s = (left_ms + 999) / 1000;
  return result;
}

// Starts the pause a 429 for request weight (not -1015, the order rate, which only concerns
// orders) or a 418 asks for.
template <class T>
void note_pause(RestClient::Impl& impl, const RestResult<T>& r) {
  const Outcome& o = r.outcome;
  const bool weight_429 = o.kind == OutcomeKind::kRetryAfter && o.http_status == 429 &&
                          o.error_code != -1015;
  if (!weight_429 && o.kind != OutcomeKind::kBanned) return;
  const std::int64_t now = impl.clock->wall_ms();
  std::int64_t until = now + 1000 * std::max<std::int64_t>(o.retry_after_s, 1);
  if (o.kind == OutcomeKind::kBanned && o.banned_until_ms > 0) {
    // The ban's end is in server time; capped at three days of a wrong clock.
    until = std::max(until, std::min(o.banned_until_ms - impl.offset_ms,
                                     now + std::int64_t{3} * 24 * 3600 * 1000));
  }
  impl.blocked_until_wall_ms = std::max(impl.blocked_until_wall_ms, until);
}

template <class T, class Parse>
RestResult<T> call_public(RestClient::Impl& impl, std::string_view path,
                          const std::vector<QueryParam>& params, Parse parse) {
  if (auto blocked = while_blocked<T>(impl, "GET", path)) return *std::move(blocked);
  RestResult<T> result = guarded<T>(impl, "GET", path, [&] {
    const RawResponse raw = impl.exchange("GET", path, build_query(params), false);
    return interpret<T>(impl, "GET", path, raw, parse);
  });
  note_pause(impl, result);
  return result;
}

template <class T, class Parse>
RestResult<T> call_signed(RestClient::Impl& impl, const std::string& method, std::string_view path,
                          std::vector<QueryParam> params, Parse parse) {
  if (auto blocked = while_blocked<T>(impl, method, path)) return *std::move(blocked);
  RestResult<T> result = guarded<T>(impl, method, path, [&] {
    const std::int64_t timestamp_ms = impl.clock->wall_ms() + impl.offset_ms;
    absl::StatusOr<std::string> query =
        signed_query(std::move(params), timestamp_ms, impl.config.recv_window_ms, impl.api_secret);
    if (!query.ok()) {
      return not_sent<T>(impl, method, path, OutcomeKind::kAuthFatal, query.status());
    }
    const RawResponse raw = impl.exchange(method, path, *query, true);
    return interpret<T>(impl, method, path, raw, parse);
  });
  note_pause(impl, result);
  return result;
}

absl::StatusOr<Empty> parse_empty(std::string_view body, const JsonLimits& limits) {
  if (absl::Status s = parse_json_object(body, limits); !s.ok()) return s;
  return Empty{};
}

std::vector<QueryParam> order_id_params(std::string_view symbol, std::string_view client_order_id) {
  return {{"symbol", std::string(symbol)}, {"origClientOrderId", std::string(client_order_id)}};
}

}  // namespace

absl::StatusOr<std::unique_ptr<RestClient>> RestClient::create(RestConfig config,
                                                               Credentials credentials,
                                                               Clock& clock) {
  absl::StatusOr<BaseUrl> url = parse_base_url(config.base_url);
  if (!url.ok()) return url.status();
  if (absl::Status s = check_config(config); !s.ok()) return s;
  auto impl = std::make_unique<Impl>();
  try {
    impl->http = std::make_unique<httplib::Client>(
        fmt::format("{}://{}:{}", url->https ? "https" : "http", url->host, url->port));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(fmt::format("HTTP client: {}", e.what()));
  }
  httplib::Client& http = *impl->http;
  set_timeout(http, &httplib::Client::set_connection_timeout, config.connect_timeout_ms);
  set_timeout(http, &httplib::Client::set_read_timeout, config.read_timeout_ms);
  set_timeout(http, &httplib::Client::set_write_timeout, config.write_timeout_ms);
  http.set_url_encode(false);  // the codec encoded the query; it is signed byte for byte
  http.set_follow_location(false);
  if (url->https) http.enable_server_certificate_verification(true);
  impl->config = std::move(config);
  impl->api_key = std::move(credentials.api_key_);
  impl->api_secret = std::move(credentials.api_secret_);
  impl->redactor = Redactor({impl->api_key, impl->api_secret});
  impl->clock = &clock;
  return std::unique_ptr<RestClient>(new RestClient(std::move(impl)));
}

RestClient::RestClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RestClient::~RestClient() = default;

std::int64_t RestClient::clock_offset_ms() const { return impl_->offset_ms; }
void RestClient::set_clock_offset_ms(std::int64_t offset_ms) { impl_->offset_ms = offset_ms; }

RestResult<Empty> RestClient::ping() {
  return call_public<Empty>(*impl_, "/api/v3/ping", {}, parse_empty);
}

RestResult<TimeSample> RestClient::server_time() {
  Clock& clock = *impl_->clock;
  const std::int64_t start_ns = clock.monotonic_ns();
  const std::int64_t start_wall_ms = clock.wall_ms();
  RestResult<ServerTime> server =
      call_public<ServerTime>(*impl_, "/api/v3/time", {}, parse_server_time);
  const std::int64_t round_trip_ms = (clock.monotonic_ns() - start_ns) / 1000000;
  RestResult<TimeSample> result{server.outcome, std::nullopt, server.usage, server.message};
  if (server.ok()) {
    TimeSample t;
    t.server_time_ms = server.value->server_time_ms;
    t.round_trip_ms = round_trip_ms;
    t.local_mid_ms = start_wall_ms + round_trip_ms / 2;
    t.offset_ms = t.server_time_ms - t.local_mid_ms;
    impl_->offset_ms = t.offset_ms;
    result.value = t;
  }
  return result;
}

RestResult<ExchangeInfo> RestClient::exchange_info(std::string_view symbol) {
  return call_public<ExchangeInfo>(*impl_, "/api/v3/exchangeInfo",
                                   {{"symbol", std::string(symbol)}}, parse_exchange_info);
}

RestResult<std::vector<Kline>> RestClient::klines(const KlinesQuery& query) {
  return call_public<std::vector<Kline>>(*impl_, "/api/v3/klines", klines_params(query),
                                         parse_klines);
}

RestResult<AccountReport> RestClient::account() {
  return call_signed<AccountReport>(*impl_, "GET", "/api/v3/account", {}, parse_account);
}

RestResult<OrderReport> RestClient::new_order(const NewOrder& order) {
  absl::StatusOr<std::vector<QueryParam>> params = new_order_params(order);
  if (!params.ok()) {
    return not_sent<OrderReport>(*impl_, "POST", "/api/v3/order", OutcomeKind::kRejected,
                                 params.status());
  }
  return call_signed<OrderReport>(*impl_, "POST", "/api/v3/order", *std::move(params),
                                  parse_order_report);
}

RestResult<Empty> RestClient::test_order(const NewOrder& order) {
  absl::StatusOr<std::vector<QueryParam>> params = new_order_params(order);
  if (!params.ok()) {
    return not_sent<Empty>(*impl_, "POST", "/api/v3/order/test", OutcomeKind::kRejected,
                           params.status());
  }
  return call_signed<Empty>(*impl_, "POST", "/api/v3/order/test", *std::move(params), parse_empty);
}

RestResult<OrderReport> RestClient::query_order(std::string_view symbol,
                                                std::string_view client_order_id) {
  return call_signed<OrderReport>(*impl_, "GET", "/api/v3/order",
                                  order_id_params(symbol, client_order_id), parse_order_report);
}

RestResult<OrderReport> RestClient::cancel_order(std::string_view symbol,
                                                 std::string_view client_order_id) {
  return call_signed<OrderReport>(*impl_, "DELETE", "/api/v3/order",
                                  order_id_params(symbol, client_order_id), parse_order_report);
}

RestResult<std::vector<OrderReport>> RestClient::open_orders(std::string_view symbol) {
  return call_signed<std::vector<OrderReport>>(
      *impl_, "GET", "/api/v3/openOrders", {{"symbol", std::string(symbol)}}, parse_open_orders);
}

RestResult<std::vector<TradeReport>> RestClient::my_trades(const TradesQuery& query) {
  return call_signed<std::vector<TradeReport>>(*impl_, "GET", "/api/v3/myTrades",
                                               my_trades_params(query), parse_my_trades);
}

}  // namespace q50::live
