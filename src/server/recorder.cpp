// File: src/server/recorder.cpp
#include "server/recorder.hpp"

namespace writ::server {

DecisionRecorder::DecisionRecorder(Ledger ledger)
    : ledger_(std::move(ledger)), writer_([this] { WriteLoop(); }) {}

DecisionRecorder::~DecisionRecorder() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
}

absl::Status DecisionRecorder::Record(std::vector<std::string> requests,
                                      std::vector<Decision> decisions) {
  if (requests.empty()) return absl::OkStatus();
  std::future<absl::Status> done;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return absl::UnavailableError("the ledger is closing");
    queue_.push_back(Pending{std::move(requests), std::move(decisions), {}});
    done = queue_.back().done.get_future();
  }
  wake_.notify_one();
  return done.get();
}

void DecisionRecorder::WriteLoop() {
  for (;;) {
    std::deque<Pending> batch;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      batch.swap(queue_);
    }
    std::vector<DecisionRecord> records;
    for (const Pending& p : batch) {
      for (size_t i = 0; i < p.requests.size(); ++i) {
        records.push_back({p.requests[i], &p.decisions[i]});
      }
    }
    const absl::StatusOr<std::uint64_t> first = ledger_.AppendDecisions(records);
    for (Pending& p : batch) p.done.set_value(first.status());
  }
}

}  // namespace writ::server
