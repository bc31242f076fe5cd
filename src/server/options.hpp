// File: src/server/options.hpp
//
// The limits and settings of `writ serve` (docs/serve.md), one flag each.
#ifndef WRIT_SRC_SERVER_OPTIONS_HPP_
#define WRIT_SRC_SERVER_OPTIONS_HPP_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

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
  // SIGHUP reloads, SIGTERM and SIGINT stop (`writ serve`); a program that
  // embeds the server (writ/server.hpp) keeps its signals to itself.
  bool handle_signals = true;
};

}  // namespace writ::server

#endif  // WRIT_SRC_SERVER_OPTIONS_HPP_
