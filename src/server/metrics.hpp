// File: src/server/metrics.hpp
//
// The counters behind `GET /metrics`, in the Prometheus text format
// (https://prometheus.io/docs/instrumenting/exposition_formats/). Lock-free:
// every handler thread adds with relaxed atomics; a scrape reads them.
#ifndef WRIT_SRC_SERVER_METRICS_HPP_
#define WRIT_SRC_SERVER_METRICS_HPP_

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "writ/effect.hpp"

namespace writ::server {

class Metrics {
 public:
  // The latency histogram's upper bounds, in seconds.
  static constexpr std::array<double, 12> kBuckets = {
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 1.0};

  void Decided(Effect effect, bool open);
  // One HTTP request answered with `status` after `seconds` (decide requests
  // also go into the latency histogram).
  void Answered(int status, double seconds, bool decide);
  void RequestError() { request_errors_.fetch_add(1, std::memory_order_relaxed); }
  void Reloaded(bool ok);
  // With --ledger: one transaction of the group commit, and the decisions it
  // recorded (none if it failed).
  void Committed(size_t decisions, bool ok) {
    commits_.fetch_add(1, std::memory_order_relaxed);
    if (ok) recorded_.fetch_add(decisions, std::memory_order_relaxed);
  }
  void ConnectionOpened() { connections_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { connections_.fetch_sub(1, std::memory_order_relaxed); }
  void ConnectionRefused() { refused_.fetch_add(1, std::memory_order_relaxed); }
  int64_t connections() const { return connections_.load(std::memory_order_relaxed); }

  // The exposition text; `generation` is the policy store's.
  std::string Render(uint64_t generation) const;

 private:
  static constexpr int kStatusClasses = 6;            // index status / 100 (1xx .. 5xx)
  std::array<std::atomic<uint64_t>, 3> decisions_{};  // by Effect
  std::atomic<uint64_t> open_{0};
  std::array<std::atomic<uint64_t>, kStatusClasses> responses_{};
  std::array<std::atomic<uint64_t>, kBuckets.size() + 1> latency_{};  // the last: +Inf
  std::atomic<uint64_t> latency_sum_ns_{0};
  std::atomic<uint64_t> reloads_{0}, reload_failures_{0}, request_errors_{0}, refused_{0};
  std::atomic<uint64_t> commits_{0}, recorded_{0};
  std::atomic<int64_t> connections_{0};
};

}  // namespace writ::server

#endif  // WRIT_SRC_SERVER_METRICS_HPP_
