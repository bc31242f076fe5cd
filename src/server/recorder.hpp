// File: src/server/recorder.hpp
//
// `writ serve --ledger`: every decision is recorded before its response is
// sent. Serving threads hand their decisions to one writer thread, which
// appends everything waiting in one transaction (group commit: one fsync
// for all the requests that arrived while the previous one was written) and
// then releases the waiting requests. A request whose decisions could not be
// recorded is not answered with them.
#ifndef WRIT_SRC_SERVER_RECORDER_HPP_
#define WRIT_SRC_SERVER_RECORDER_HPP_

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "writ/decision.hpp"
#include "writ/ledger.hpp"

namespace writ::server {

class DecisionRecorder {
 public:
  explicit DecisionRecorder(Ledger ledger);
  // Records what is still waiting, then stops the writer.
  ~DecisionRecorder();
  DecisionRecorder(const DecisionRecorder&) = delete;
  DecisionRecorder& operator=(const DecisionRecorder&) = delete;

  // Returns once the decisions are in the ledger (durably), or why not.
  absl::Status Record(std::vector<std::string> requests, std::vector<Decision> decisions);

  const Ledger& ledger() const { return ledger_; }

 private:
  struct Pending {
    std::vector<std::string> requests;
    std::vector<Decision> decisions;
    std::promise<absl::Status> done;
  };
  void WriteLoop();

  Ledger ledger_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace writ::server

#endif  // WRIT_SRC_SERVER_RECORDER_HPP_
