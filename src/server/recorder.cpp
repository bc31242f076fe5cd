// File: src/server/recorder.cpp
#include "server/recorder.hpp"

namespace writ::server {

DecisionRecorder::DecisionRecorder(Ledger ledger, Metrics& metrics)
    : ledger_(std::move(ledger)), metrics_(metrics), writer_([this] { WriteLoop(); }) {}

DecisionRecorder::~DecisionRecorder() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
}

void DecisionRecorder::Record(std::vector<std::string> requests, std::vector<Decision> decisions,
                              Done done) {
  if (requests.empty()) return std::move(done)(absl::OkStatus());
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(Pending{std::move(requests), std::move(decisions), std::move(done)});
      done = nullptr;
    }
  }
  if (done) return std::move(done)(absl::UnavailableError("the ledger is closing"));
  wake_.notify_one();
}

void DecisionRecorder::Drain() {
  std::unique_lock lock(mu_);
  drained_.wait(lock, [&] { return queue_.empty() && !writing_; });
}

void DecisionRecorder::WriteLoop() {
  for (;;) {
    std::deque<Pending> batch;
    {
      std::unique_lock lock(mu_);
      writing_ = false;
      if (queue_.empty()) drained_.notify_all();
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      batch.swap(queue_);
      writing_ = true;
    }
    std::vector<DecisionRecord> records;
    for (const Pending& p : batch) {
      for (size_t i = 0; i < p.requests.size(); ++i) {
        records.push_back({p.requests[i], &p.decisions[i]});
      }
    }
    const absl::StatusOr<std::uint64_t> first = ledger_.AppendDecisions(records);
    metrics_.Committed(records.size(), first.ok());
    for (Pending& p : batch) std::move(p.done)(first.status());
  }
}

}  // namespace writ::server
