// File: src/server/recorder.hpp
//
// `writ serve --ledger`: every decision is recorded before its response is
// sent. Serving threads hand their decisions to one writer thread, which
// appends everything waiting in one transaction (group commit: one fsync
// for all the requests that arrived while the previous one was written) and
// then calls each request back. The serving threads do not wait: a
// connection whose answer is being recorded pauses, and the others on its
// thread go on (and join the next commit). A request whose decisions could
// not be recorded is not answered with them.
#ifndef WRIT_SRC_SERVER_RECORDER_HPP_
#define WRIT_SRC_SERVER_RECORDER_HPP_

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "server/metrics.hpp"
#include "writ/decision.hpp"
#include "writ/ledger.hpp"

namespace writ::server {

class DecisionRecorder {
 public:
  DecisionRecorder(Ledger ledger, Metrics& metrics);
  // Records what is still waiting, then stops the writer.
  ~DecisionRecorder();
  DecisionRecorder(const DecisionRecorder&) = delete;
  DecisionRecorder& operator=(const DecisionRecorder&) = delete;

  using Done = absl::AnyInvocable<void(absl::Status) &&>;
  // Records the decisions (durably), then calls `done` with OK or why not,
  // on the writer thread (at once, on this thread, if there is nothing to
  // record or the recorder is closing).
  void Record(std::vector<std::string> requests, std::vector<Decision> decisions, Done done);
  // Waits until everything handed over so far is recorded and called back.
  void Drain();

  const Ledger& ledger() const { return ledger_; }

 private:
  struct Pending {
    std::vector<std::string> requests;
    std::vector<Decision> decisions;
    Done done;
  };
  void WriteLoop();

  Ledger ledger_;
  Metrics& metrics_;
  std::mutex mu_;
  std::condition_variable wake_;     // the writer: something to write, or stop
  std::condition_variable drained_;  // Drain: the queue is empty and no batch is being written
  std::deque<Pending> queue_;
  bool writing_ = false;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace writ::server

#endif  // WRIT_SRC_SERVER_RECORDER_HPP_
