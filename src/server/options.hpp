// File: src/server/options.hpp
//
// The limits and settings of `writ serve` (docs/serve.md), one flag each:
// those of the public writ::ServeOptions (writ/server.hpp), and what only
// the command line sets.
#ifndef WRIT_SRC_SERVER_OPTIONS_HPP_
#define WRIT_SRC_SERVER_OPTIONS_HPP_

#include "writ/server.hpp"

namespace writ::server {

struct ServerOptions : ServeOptions {
  // SIGHUP reloads, SIGTERM and SIGINT stop (`writ serve`); a program that
  // embeds the server keeps its signals to itself.
  bool handle_signals = true;
};

}  // namespace writ::server

#endif  // WRIT_SRC_SERVER_OPTIONS_HPP_
