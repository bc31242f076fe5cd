// File: src/cli/serve.cpp
//
// `writ serve`: the decision service (src/server/, docs/serve.md).
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cli/common.hpp"
#include "server/server.hpp"
#include "server/service.hpp"

namespace writ::cli {
namespace {

struct ServeOptions {
  std::string policy;
  std::string history;
  std::string listen = "127.0.0.1:8181";
  std::string ledger;
  server::ServerOptions server;
  double read_timeout = 10, idle_timeout = 60, write_timeout = 10, shutdown_timeout = 10;
  bool no_watch = false;
};

std::chrono::milliseconds Millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

int Run(ServeOptions& o) {
  if (o.policy.empty() == o.history.empty()) {
    std::cerr << "writ serve: give --policy FILE or --history FILE\n";
    return kUsage;
  }
  const std::string path = o.policy.empty() ? o.history : o.policy;
  if (!o.history.empty() && !Decider::IsHistoryFile(path)) {
    std::cerr << "writ serve: '" << path << "' is not a history file; use --policy for a policy\n";
    return kUsage;
  }
  // HOST:PORT, the host an IP address ([::1] for IPv6).
  const size_t colon = o.listen.rfind(':');
  uint32_t port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(o.listen.substr(colon + 1), &port) ||
      port > 65535) {
    std::cerr << "writ serve: --listen takes HOST:PORT (e.g. 127.0.0.1:8181), not '" << o.listen
              << "'\n";
    return kUsage;
  }
  std::string host = o.listen.substr(0, colon);
  if (host.size() > 1 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  o.server.address = host;
  o.server.port = static_cast<uint16_t>(port);
  o.server.read_timeout = Millis(o.read_timeout);
  o.server.idle_timeout = Millis(o.idle_timeout);
  o.server.write_timeout = Millis(o.write_timeout);
  o.server.shutdown_timeout = Millis(o.shutdown_timeout);
  o.server.watch = !o.no_watch;

  PolicyStore store(path);
  server::Metrics metrics;
  std::unique_ptr<server::DecisionRecorder> recorder;
  if (!o.ledger.empty()) {
    absl::StatusOr<Ledger> ledger = Ledger::Open(o.ledger);
    if (!ledger.ok()) {
      std::cerr << "writ serve: --ledger " << ledger.status().message() << "\n";
      return kUnreadable;
    }
    recorder = std::make_unique<server::DecisionRecorder>(std::move(*ledger), metrics);
  }
  server::Service service(store, metrics, recorder.get());
  if (absl::Status s = service.Reload("start"); !s.ok()) {
    std::cerr << s.message() << (s.message().empty() || s.message().back() == '\n' ? "" : "\n")
              << "writ serve: '" << path << "' does not load; nothing served\n";
    return s.code() == absl::StatusCode::kInvalidArgument ? kFailed : kUnreadable;
  }
  server::Server srv(service, metrics, store, o.server);
  if (absl::Status s = srv.Listen(); !s.ok()) {
    std::cerr << "writ serve: " << s.message() << "\n";
    return kUnreadable;
  }
  const Decider current{store.Current(), store.CurrentHistory()};
  std::cerr << "writ serve: listening on http://"
            << (host.find(':') != std::string::npos ? "[" + host + "]" : host) << ":" << srv.port()
            << " (" << current.label() << ")"
            << (recorder ? ", recording every decision in " + o.ledger : std::string())
            << std::endl;
  srv.Run();
  std::cerr << "writ serve: stopped" << std::endl;
  return kOk;
}

}  // namespace

Command AddServe(CLI::App& root) {
  auto* app = root.add_subcommand(
      "serve",
      "Serve decisions over HTTP: POST /v1/decide, GET /v1/policy, /healthz, /readyz, /metrics");
  app->footer(absl::StrCat(
      "Reloads the policy when its files change and on SIGHUP (a reload that fails keeps the "
      "old policy serving); shuts down gracefully on SIGTERM. docs/serve.md has the API.\n",
      kExitCodesHelp));
  auto o = std::make_shared<ServeOptions>();
  app->add_option("--policy,-p", o->policy, "Policy file (or a history file) to serve");
  app->add_option("--history", o->history, "History file to serve: each request as of its date");
  app->add_option("--listen,-l", o->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  app->add_option("--threads", o->server.threads, "Serving threads (0: one per core)")
      ->capture_default_str();
  app->add_option("--max-body-bytes", o->server.max_body_bytes, "The largest request body (413)")
      ->capture_default_str();
  app->add_option("--max-header-bytes", o->server.max_header_bytes, "The largest header (431)")
      ->capture_default_str();
  app->add_option("--read-timeout", o->read_timeout,
                  "Seconds a request may take to arrive, from its first byte (408)")
      ->capture_default_str();
  app->add_option("--idle-timeout", o->idle_timeout,
                  "Seconds a kept-alive connection may wait for its next request")
      ->capture_default_str();
  app->add_option("--write-timeout", o->write_timeout,
                  "Seconds a client may take to read a response")
      ->capture_default_str();
  app->add_option("--shutdown-timeout", o->shutdown_timeout,
                  "Seconds SIGTERM waits for requests in flight before stopping")
      ->capture_default_str();
  app->add_option("--max-connections", o->server.max_connections,
                  "Open connections at most; more are refused with 503")
      ->capture_default_str();
  app->add_flag("--access-log", o->server.access_log,
                "One JSON line per request on standard error");
  app->add_flag("--no-watch", o->no_watch, "Do not reload when the policy's files change");
  app->add_option("--ledger", o->ledger, "Record every decision in this ledger before answering");
  return {app, [o] { return Run(*o); }};
}

}  // namespace writ::cli
