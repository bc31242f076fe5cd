// File: src/server/server.hpp
//
// The HTTP/1.1 side of `writ serve` on Boost.Beast: one process, a thread
// per core running one io_context, keep-alive, and every limit a client
// could abuse bounded (docs/serve.md): body and header sizes, the time to
// send a request once its first byte arrived, the time a kept-alive
// connection may sit idle, the time to take a response, the number of open
// connections. A refusal is a proper status with a JSON body.
//
// Signals: SIGHUP reloads the policy; SIGTERM and SIGINT shut down
// gracefully (no new connections, /readyz 503, requests in flight answered,
// idle connections closed; everything stopped after `shutdown_timeout`).
// Files: a change to any source file of the serving policy reloads it
// (inotify on their folders, so that editors that replace files are seen).
#ifndef WRIT_SRC_SERVER_SERVER_HPP_
#define WRIT_SRC_SERVER_SERVER_HPP_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "server/service.hpp"

namespace writ::server {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8181;  // 0: any free port (printed when listening)
  int threads = 0;       // 0: one per core
  size_t max_body_bytes = size_t{8} << 20;
  size_t max_header_bytes = size_t{16} << 10;
  std::chrono::milliseconds read_timeout{10'000};  // a request, from its first byte to its last
  std::chrono::milliseconds idle_timeout{60'000};  // a kept-alive connection with no request
  std::chrono::milliseconds write_timeout{10'000};
  std::chrono::milliseconds shutdown_timeout{10'000};
  size_t max_connections = 10'000;
  bool access_log = false;  // one JSON line per request to standard error
  bool watch = true;        // reload when a source file changes
};

class Server {
 public:
  Server(Service& service, Metrics& metrics, const PolicyStore& store, ServerOptions options);
  ~Server();
  // Binds and listens; then port() is the port bound.
  absl::Status Listen();
  uint16_t port() const;
  // Serves until SIGTERM or SIGINT, then shuts down gracefully.
  void Run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace writ::server

#endif  // WRIT_SRC_SERVER_SERVER_HPP_
