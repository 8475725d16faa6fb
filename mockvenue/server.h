#ifndef Q50SIM_MOCKVENUE_SERVER_H_
#define Q50SIM_MOCKVENUE_SERVER_H_

// The mock venue on a socket: cpp-httplib's server on 127.0.0.1 (never another interface), its
// worker threads calling the VenueService under one mutex, and a ticker thread that closes bars
// (and writes signal rows) on time even when no request comes. A restart fault stops the server
// for its down time -- the listening socket closed, open connections dropped, requests in
// flight or held by a delay fault unanswered -- then listens again on the same port with the
// books kept. The wall clock comes from live::Clock (the project's only one).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "live/clock.h"
#include "mockvenue/venue_service.h"

namespace q50::mockvenue {

class MockVenueServer {
 public:
  // Binds 127.0.0.1:port (0: a free port) and starts serving; returns once the server accepts
  // connections. Unavailable when the port cannot be bound. `clock` must outlive the server.
  static absl::StatusOr<std::unique_ptr<MockVenueServer>> start(
      std::unique_ptr<VenueService> service, int port, live::Clock& clock);
  ~MockVenueServer();  // stop()
  MockVenueServer(const MockVenueServer&) = delete;
  MockVenueServer& operator=(const MockVenueServer&) = delete;

  int port() const;
  // Stops serving and joins every thread; idempotent.
  void stop();
  // The books (GET /q50sim/books) without a socket, for tests and the exit summary.
  std::string books_json();
  // How many restarts the server went through.
  std::int64_t restarts() const;

  class Impl;

 private:
  explicit MockVenueServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Blocks SIGINT and SIGTERM (so every thread started from here on inherits the mask), ignores
// SIGPIPE (a client that gave up on a held answer), starts the server, calls on_listening(port) once it accepts connections, and returns OK after one of the
// two signals arrived and the server stopped cleanly; on_stopped(books) runs before it returns.
absl::Status serve_until_signal(std::unique_ptr<VenueService> service, int port,
                                live::Clock& clock, const std::function<void(int)>& on_listening,
                                const std::function<void(const std::string&)>& on_stopped);

}  // namespace q50::mockvenue

#endif  // Q50SIM_MOCKVENUE_SERVER_H_
