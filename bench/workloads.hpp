// File: bench/workloads.hpp — the shared workloads, loaded once per process.
#ifndef WRIT_BENCH_WORKLOADS_HPP_
#define WRIT_BENCH_WORKLOADS_HPP_

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "writ/writ.hpp"

namespace writ::bench {

struct Workload {
  std::string name;           // base, scale_10, ...
  std::string requests_file;  // JSONL
  std::string policy_file;    // .writ
  std::string rules_file;     // "" for base
  std::shared_ptr<const Policy> policy;
  std::vector<std::string> lines;
  std::vector<Request> requests;  // pre-built, the native form
  // Expected allow / review / deny of all 100000 requests (README §3), in Effect order.
  std::array<long, 3> expected{};
};

// Loads a workload by name: base, scale_10, scale_100, scale_1000, scale_10000.
Workload& Get(const std::string& name);

// allow / review / deny of deciding every pre-built request.
std::array<long, 3> Count(const Workload& w);

}  // namespace writ::bench

#endif  // WRIT_BENCH_WORKLOADS_HPP_
