// File: server.hpp
//
// `writ::Server` runs the decision service of `writ serve` inside your own
// program: HTTP/1.1 with keep-alive, `POST /v1/decide`, `GET /v1/policy`,
// `/healthz`, `/readyz` and `/metrics`, with the same limits, timeouts,
// reloads and graceful stop (docs/serve.md has the API). It serves what a
// `PolicyStore` holds, on its own threads, and returns from `Start` once it
// listens. It installs no signal handlers: your program owns its signals and
// calls `Reload()` and `Stop()` when it sees fit. Several servers may run in
// one process (on different ports), and a server may share its store with
// the rest of the program.
//
// Example:
//   writ::PolicyStore store("policies/telegram-2024.writ");
//   writ::ServeOptions options;
//   options.port = 0;  // any free port
//   absl::StatusOr<std::unique_ptr<writ::Server>> server = writ::Server::Start(store, options);
//   if (!server.ok()) return server.status();
//   std::cout << "deciding on http://127.0.0.1:" << (*server)->port() << "/v1/decide\n";
//   (*server)->Stop();  // graceful: requests in flight are answered first
#ifndef WRIT_SERVER_HPP_
#define WRIT_SERVER_HPP_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "writ/export.hpp"
#include "writ/policy_store.hpp"

namespace writ {

// The settings of a server; each is a flag of `writ serve` (docs/serve.md).
struct ServeOptions {
  std::string address = "127.0.0.1";           // an IPv4 or IPv6 address
  uint16_t port = 8181;                        // 0: any free port (Server::port() says which)
  int threads = 0;                             // serving threads; 0: one per core
  size_t max_body_bytes = size_t{8} << 20;     // larger bodies: 413
  size_t max_header_bytes = size_t{16} << 10;  // larger headers: 431
  // From a request's first byte to its last (408 after), a kept-alive
  // connection waiting for its next request, a client taking a response.
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds write_timeout{10'000};
  // Stop()'s wait for requests in flight.
  std::chrono::milliseconds shutdown_timeout{10'000};
  size_t max_connections = 10'000;  // more: refused with 503
  bool access_log = false;          // one JSON line per request on standard error
  bool watch = true;                // reload when a file of the serving policy changes
  // A decision ledger (ledger.hpp) in which every decision is recorded before
  // it is answered; empty: none.
  std::string ledger;
};

class WRIT_API Server {
 public:
  // Serves `store`, which must outlive the server: loads it first if it
  // holds nothing yet (its diagnostics are the error), opens the ledger if
  // one is given, binds and listens (Unavailable if the address is taken),
  // then serves on background threads.
  static absl::StatusOr<std::unique_ptr<Server>> Start(PolicyStore& store,
                                                       ServeOptions options = {});
  // Stops (as Stop()) if still serving.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The port listened on.
  uint16_t port() const;
  // Reloads the store's files now, as SIGHUP does for `writ serve`: on
  // failure (the diagnostics) the policy loaded before keeps serving, and
  // /readyz and /metrics show the failure.
  absl::Status Reload();
  // Stops gracefully: no new connections, /readyz answers 503, requests in
  // flight are answered and idle connections closed; returns when all is
  // stopped, after `shutdown_timeout` at most. Idempotent.
  void Stop();
  // What GET /metrics answers (the Prometheus text format).
  std::string Metrics() const;

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace writ

#endif  // WRIT_SERVER_HPP_
