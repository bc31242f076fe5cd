// File: src/server/service.hpp
//
// What `writ serve` answers, apart from sockets: each route of the HTTP API
// as a function of method, target and body (docs/serve.md). The network
// side (server.cpp) reads a request, calls Handle, writes the response; the
// tests call Handle directly too.
#ifndef WRIT_SRC_SERVER_SERVICE_HPP_
#define WRIT_SRC_SERVER_SERVICE_HPP_

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "server/metrics.hpp"
#include "server/recorder.hpp"
#include "writ/decider.hpp"
#include "writ/policy_store.hpp"

namespace writ::server {

struct Response {
  int status = 200;
  std::string_view content_type = "application/json";  // a literal
  std::string body;
  std::string allow;  // for 405: the methods the path takes
  // With a ledger: the decisions this response carries, which Service::Record
  // records before it may be sent (the requests as received, and their
  // decisions).
  std::vector<std::string> unrecorded_requests;
  std::vector<Decision> unrecorded;
};

// A JSON error body: {"error": {"status": 400, "message": "..."}}.
Response ErrorResponse(int status, std::string_view message);

class Service {
 public:
  // With a recorder, every decision is recorded before it is answered.
  Service(PolicyStore& store, Metrics& metrics, DecisionRecorder* recorder = nullptr)
      : store_(store), metrics_(metrics), recorder_(recorder) {}

  Response Handle(std::string_view method, std::string_view target, std::string_view body);

  // With a ledger, a response to /v1/decide carries its decisions
  // unrecorded: this records them and then calls `send` with what to send
  // (the response, or a 503 if they could not be recorded), on the
  // recorder's thread. Without decisions to record, `send` is called at once.
  using Send = absl::AnyInvocable<void(Response) &&>;
  void Record(Response response, Send send);
  // Waits until every decision handed to Record is recorded and sent on.
  void DrainRecords() {
    if (recorder_) recorder_->Drain();
  }

  // Loads the policy (why: "start"), or reloads it (a file changed, SIGHUP):
  // a failed reload keeps the current policy serving, is shown by /readyz
  // and /metrics, and is written to standard error with its diagnostics.
  absl::Status Reload(std::string_view why);
  // Serves what the store already holds (loaded by its owner), as if the
  // service had loaded it now.
  void Adopt();
  // Marks the service as shutting down: /readyz answers 503.
  void Drain() { draining_.store(true, std::memory_order_relaxed); }
  bool draining() const { return draining_.load(std::memory_order_relaxed); }

 private:
  Decider Current() const { return Decider{store_.Current(), store_.CurrentHistory()}; }
  Response Decide(std::string_view query, std::string_view body);
  Response PolicyInfo();
  Response Ready();

  PolicyStore& store_;
  Metrics& metrics_;
  DecisionRecorder* recorder_;
  std::atomic<bool> draining_{false};
  mutable std::mutex reload_mu_;  // guards what follows
  std::string loaded_at_;         // when the serving policy was loaded (RFC 3339)
  std::string last_error_;        // the last failed reload's diagnostics ("" after a success)
  std::string last_error_at_;
};

}  // namespace writ::server

#endif  // WRIT_SRC_SERVER_SERVICE_HPP_
