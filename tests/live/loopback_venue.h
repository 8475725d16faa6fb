#ifndef Q50SIM_TESTS_LIVE_LOOPBACK_VENUE_H_
#define Q50SIM_TESTS_LIVE_LOOPBACK_VENUE_H_

// A tiny Binance-shaped HTTP server on 127.0.0.1 for the REST client's tests: it checks the
// API key header and the HMAC signature over the raw bytes it received (query without the
// signature, then the body; never re-encoded) and answers with canned statuses, bodies, headers
// and delays. Nothing here reaches beyond the loopback interface.

#include <httplib.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "live/clock.h"
#include "live/outcome.h"
#include "live/signing.h"

namespace q50::live::testing {

struct Canned {
  Canned() = default;
  Canned(int status_code, std::string body_text, std::vector<Header> extra_headers = {},
         int delay = 0)
      : status(status_code),
        body(std::move(body_text)),
        headers(std::move(extra_headers)),
        delay_ms(delay) {}
  int status = 200;
  std::string body = "{}";
  std::vector<Header> headers;
  int delay_ms = 0;  // sleep before answering (to trip the client's read timeout)
};

// One request as the venue saw it.
struct Seen {
  std::string method;
  std::string target;  // raw path?query, as received
  std::string body;
  std::string api_key;  // the X-MBX-APIKEY header, "" when absent
  bool is_signed = false;
  bool signature_ok = false;
  std::map<std::string, std::string> params;  // decoded by httplib
};

class LoopbackVenue {
 public:
  LoopbackVenue(std::string api_key, std::string secret)
      : api_key_(std::move(api_key)), secret_(std::move(secret)) {
    const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      handle(req, res);
    };
    server_.Get(".*", handler);
    server_.Post(".*", handler);
    server_.Delete(".*", handler);
    port_ = server_.bind_to_any_port("127.0.0.1");
    BOOST_REQUIRE_MESSAGE(port_ > 0, "could not bind a loopback port");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~LoopbackVenue() {
    server_.stop();
    thread_.join();
  }
  LoopbackVenue(const LoopbackVenue&) = delete;
  LoopbackVenue& operator=(const LoopbackVenue&) = delete;

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

  // The answer to every later request for `method path` (until replaced).
  void answer(const std::string& method, const std::string& path, Canned canned) {
    std::lock_guard<std::mutex> lock(mutex_);
    canned_[method + " " + path] = std::move(canned);
  }

  // The answer to the next request for `method path` only; queued answers go first, in order,
  // then the standing one of answer().
  void answer_once(const std::string& method, const std::string& path, Canned canned) {
    std::lock_guard<std::mutex> lock(mutex_);
    queued_[method + " " + path].push_back(std::move(canned));
  }

  std::vector<Seen> seen() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_;
  }
  Seen last() const {
    std::lock_guard<std::mutex> lock(mutex_);
    BOOST_REQUIRE(!seen_.empty());
    return seen_.back();
  }

 private:
  // Splits "path?query&signature=hex" into the signed payload and the signature.
  static bool split_signature(const std::string& query, std::string& payload, std::string& sig) {
    const std::string marker = "signature=";
    const std::size_t at = query.rfind(marker);
    if (at == std::string::npos || (at != 0 && query[at - 1] != '&')) return false;
    payload = query.substr(0, at == 0 ? 0 : at - 1);
    sig = query.substr(at + marker.size());
    return true;
  }

  void handle(const httplib::Request& req, httplib::Response& res) {
    Seen s;
    s.method = req.method;
    s.target = req.target;
    s.body = req.body;
    s.api_key = req.get_header_value("X-MBX-APIKEY");
    for (const auto& [k, v] : req.params) s.params[k] = v;
    const std::size_t q = req.target.find('?');
    const std::string query = q == std::string::npos ? "" : req.target.substr(q + 1);
    std::string payload;
    std::string sig;
    s.is_signed = split_signature(query, payload, sig);
    if (s.is_signed) {
      absl::StatusOr<std::string> expected = sign_request(secret_, payload, req.body);
      s.signature_ok = expected.ok() && signature_matches(*expected, sig);
    }
    Canned c;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      seen_.push_back(s);
      const std::string path = q == std::string::npos ? req.target : req.target.substr(0, q);
      auto queued = queued_.find(req.method + " " + path);
      const auto it = canned_.find(req.method + " " + path);
      if (queued != queued_.end() && !queued->second.empty()) {
        c = queued->second.front();
        queued->second.pop_front();
      } else if (it != canned_.end()) {
        c = it->second;
      }
    }
    if (s.is_signed && s.api_key != api_key_) {
      c = {401, R"({"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."})"};
    } else if (s.is_signed && !s.signature_ok) {
      c = {400, R"({"code":-1022,"msg":"Signature for this request is not valid."})"};
    }
    if (c.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(c.delay_ms));
    res.status = c.status;
    for (const auto& [name, value] : c.headers) res.set_header(name, value);
    res.set_content(c.body, "application/json;charset=UTF-8");
  }

  std::string api_key_;
  std::string secret_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::map<std::string, Canned> canned_;
  std::map<std::string, std::deque<Canned>> queued_;
  std::vector<Seen> seen_;
};

// A clock the test drives: wall_ms() returns `wall_ms`, monotonic_ns() advances by step_ns on
// every reading (so a round trip measured by the client is exactly step_ns), sleep_ms() moves
// the wall clock on at once.
class FakeClock final : public Clock {
 public:
  std::int64_t wall_ms_value = 1499827300000;
  std::int64_t monotonic_now_ns = 0;
  std::int64_t step_ns = 40000000;
  std::int64_t wall_ms() override { return wall_ms_value; }
  std::int64_t monotonic_ns() override {
    const std::int64_t now = monotonic_now_ns;
    monotonic_now_ns += step_ns;
    return now;
  }
  void sleep_ms(std::int64_t ms) override {
    slept_ms += ms;
    wall_ms_value += ms;
  }
  std::int64_t slept_ms = 0;
};

}  // namespace q50::live::testing

#endif  // Q50SIM_TESTS_LIVE_LOOPBACK_VENUE_H_
