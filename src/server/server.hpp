// File: src/server/server.hpp
//
// The HTTP/1.1 side of `writ serve`: one process, keep-alive, and every
// limit a client could abuse bounded (docs/serve.md): body and header sizes,
// the time to send a request once its first byte arrived, the time a
// kept-alive connection may sit idle, the time to take a response, the
// number of open connections. A refusal is a proper status with a JSON body.
//
// Threads: the thread that calls Run() accepts connections and handles
// signals, file events and reloads; the workers (worker.hpp, one per core
// by default) serve the connections, each its own.
//
// Signals: SIGHUP reloads the policy; SIGTERM and SIGINT shut down
// gracefully (no new connections, /readyz 503, requests in flight answered,
// idle connections closed; everything stopped after `shutdown_timeout`).
// Files: a change to any source file of the serving policy reloads it
// (inotify on their folders, so that editors that replace files are seen).
#ifndef WRIT_SRC_SERVER_SERVER_HPP_
#define WRIT_SRC_SERVER_SERVER_HPP_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "server/options.hpp"
#include "server/service.hpp"

namespace writ::server {

class Server {
 public:
  Server(Service& service, Metrics& metrics, const PolicyStore& store, ServerOptions options);
  ~Server();
  // Binds and listens; then port() is the port bound.
  absl::Status Listen();
  uint16_t port() const;
  // Serves until SIGTERM or SIGINT (with `handle_signals`) or Shutdown(),
  // then shuts down gracefully and returns.
  void Run();
  // Starts a graceful shutdown (any thread); Run() returns when it is done.
  void Shutdown();
  // Reloads the policy now (any thread), as SIGHUP does.
  absl::Status Reload();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace writ::server

#endif  // WRIT_SRC_SERVER_SERVER_HPP_
