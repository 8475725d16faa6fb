#include "mockvenue/server.h"

#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "fmt/format.h"

namespace q50::mockvenue {
namespace {

constexpr std::int64_t kTickMs = 1;
constexpr std::size_t kWorkerThreads = 16;
constexpr int kRebindAttempts = 500;  // 10 ms apart: 5 s for the old socket to go away

}  // namespace

class MockVenueServer::Impl {
 public:
  Impl(std::unique_ptr<VenueService> service, live::Clock& clock)
      : service_(std::move(service)), clock_(clock), mono0_ns_(clock.monotonic_ns()) {}

  absl::Status listen(int port);
  // Closes what is due before the first connection (bar 0 and its signal row at least).
  void first_tick();
  void run_ticker();
  void stop();
  std::string books_json() {
    std::lock_guard<std::mutex> lock(mutex_);
    return service_->books_json(now());
  }

  int port_ = 0;
  std::atomic<std::int64_t> restarts_{0};
  std::thread ticker_;

 private:
  WallTime now() { return {clock_.wall_ms(), clock_.monotonic_ns() - mono0_ns_}; }
  void serve(const httplib::Request& req, httplib::Response& res);
  // Sleeps up to ms; false when a stop or restart cut it short (the answer is then dropped).
  bool hold(std::int64_t ms, std::uint64_t generation);
  void shut_listener();
  void restart(std::int64_t down_ms);

  std::unique_ptr<VenueService> service_;
  live::Clock& clock_;
  std::int64_t mono0_ns_;
  std::mutex mutex_;  // the venue: every call to service_

  std::mutex server_mutex_;  // server_, listener_, generation_, stopping_
  std::condition_variable wake_;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  std::uint64_t generation_ = 0;
  bool stopping_ = false;
  std::optional<std::int64_t> deferred_restart_ms_;  // asked for by first_tick
};

void MockVenueServer::Impl::first_tick() {
  std::lock_guard<std::mutex> lock(mutex_);
  deferred_restart_ms_ = service_->tick(now()).restart_down_ms;
}

absl::Status MockVenueServer::Impl::listen(int port) {
  auto server = std::make_unique<httplib::Server>();
  server->new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  server->set_payload_max_length(1 << 20);
  const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    serve(req, res);
  };
  for (const char* pattern : {".*"}) {
    server->Get(pattern, handler);
    server->Post(pattern, handler);
    server->Delete(pattern, handler);
    server->Put(pattern, handler);
    server->Patch(pattern, handler);
  }
  int bound = -1;
  if (port == 0) {
    bound = server->bind_to_any_port("127.0.0.1");
  } else {
    for (int i = 0; i < kRebindAttempts && bound < 0; ++i) {
      if (server->bind_to_port("127.0.0.1", port)) {
        bound = port;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
  }
  if (bound <= 0) {
    return absl::UnavailableError(fmt::format("cannot listen on 127.0.0.1:{}", port));
  }
  httplib::Server* raw = server.get();
  std::lock_guard<std::mutex> lock(server_mutex_);
  port_ = bound;
  server_ = std::move(server);
  listener_ = std::thread([raw] { raw->listen_after_bind(); });
  while (!raw->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return absl::OkStatus();
}

void MockVenueServer::Impl::serve(const httplib::Request& req, httplib::Response& res) {
  std::uint64_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(server_mutex_);
    generation = generation_;
  }
  HttpRequest request{req.method, req.target, req.body, std::nullopt};
  if (req.has_header("X-MBX-APIKEY")) request.api_key = req.get_header_value("X-MBX-APIKEY");
  std::int64_t delay_ms = 0;
  if (request.target.starts_with("/api/")) {
    std::lock_guard<std::mutex> lock(mutex_);
    delay_ms = service_->inbound_delay_ms(now());
  }
  if (delay_ms > 0 && !hold(delay_ms, generation)) return;
  HttpReply reply;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    reply = service_->handle(request, now());
  }
  const bool held = reply.delay_ms <= 0 || hold(reply.delay_ms, generation);
  if (!held || reply.drop) {
    // Headers go out, the body never does: the client sees the connection die mid-response.
    res.set_content_provider(
        reply.body.size() + 1, "application/json;charset=UTF-8",
        [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
    return;
  }
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  res.set_content(reply.body, "application/json;charset=UTF-8");
}

bool MockVenueServer::Impl::hold(std::int64_t ms, std::uint64_t generation) {
  std::unique_lock<std::mutex> lock(server_mutex_);
  return !wake_.wait_for(lock, std::chrono::milliseconds(ms),
                         [&] { return stopping_ || generation_ != generation; });
}

// Closes the listening socket and joins the listener, which joins the workers (held answers are
// woken first and dropped).
void MockVenueServer::Impl::shut_listener() {
  std::unique_ptr<httplib::Server> server;
  std::thread listener;
  {
    std::lock_guard<std::mutex> lock(server_mutex_);
    ++generation_;
    server = std::move(server_);
    listener = std::move(listener_);
  }
  wake_.notify_all();
  if (server) server->stop();
  if (listener.joinable()) listener.join();
}

void MockVenueServer::Impl::restart(std::int64_t down_ms) {
  shut_listener();
  restarts_.fetch_add(1);
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(down_ms);
  while (std::chrono::steady_clock::now() < until) {
    {
      std::lock_guard<std::mutex> lock(server_mutex_);
      if (stopping_) return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      (void)service_->tick(now());  // bars keep closing while the venue is unreachable
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kTickMs));
  }
  if (absl::Status s = listen(port_); !s.ok()) {
    std::fprintf(stderr, "q50sim venue: restart: %s\n", std::string(s.message()).c_str());
  }
}

void MockVenueServer::Impl::run_ticker() {
  if (deferred_restart_ms_) restart(*deferred_restart_ms_);
  while (true) {
    {
      std::unique_lock<std::mutex> lock(server_mutex_);
      if (wake_.wait_for(lock, std::chrono::milliseconds(kTickMs), [&] { return stopping_; })) {
        return;
      }
    }
    VenueService::Tick tick;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      tick = service_->tick(now());
    }
    if (tick.restart_down_ms) restart(*tick.restart_down_ms);
  }
}

void MockVenueServer::Impl::stop() {
  {
    std::lock_guard<std::mutex> lock(server_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  shut_listener();
}

absl::StatusOr<std::unique_ptr<MockVenueServer>> MockVenueServer::start(
    std::unique_ptr<VenueService> service, int port, live::Clock& clock) {
  auto impl = std::make_unique<Impl>(std::move(service), clock);
  impl->first_tick();
  if (absl::Status s = impl->listen(port); !s.ok()) return s;
  Impl* raw = impl.get();
  impl->ticker_ = std::thread([raw] { raw->run_ticker(); });
  return std::unique_ptr<MockVenueServer>(new MockVenueServer(std::move(impl)));
}

MockVenueServer::MockVenueServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MockVenueServer::~MockVenueServer() { stop(); }
int MockVenueServer::port() const { return impl_->port_; }
void MockVenueServer::stop() { impl_->stop(); }
std::string MockVenueServer::books_json() { return impl_->books_json(); }
std::int64_t MockVenueServer::restarts() const { return impl_->restarts_.load(); }

absl::Status serve_until_signal(std::unique_ptr<VenueService> service, int port,
                                live::Clock& clock, const std::function<void(int)>& on_listening,
                                const std::function<void(const std::string&)>& on_stopped) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  if (pthread_sigmask(SIG_BLOCK, &signals, nullptr) != 0) {
    return absl::InternalError("cannot block SIGINT/SIGTERM");
  }
  // A held answer written after its client gave up must not kill the venue.
  ::signal(SIGPIPE, SIG_IGN);
  auto server = MockVenueServer::start(std::move(service), port, clock);
  if (!server.ok()) return server.status();
  on_listening((*server)->port());
  int received = 0;
  while (sigwait(&signals, &received) != 0) {
  }
  (*server)->stop();
  on_stopped((*server)->books_json());
  return absl::OkStatus();
}

}  // namespace q50::mockvenue
