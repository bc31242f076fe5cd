// A service-style embedder: reads a JSONL stream of requests on standard
// input, decides them on several threads that share one immutable policy,
// and prints one JSON decision per line, in input order. A malformed line
// is reported with its line number; every other line is still decided.
//
//   jsonl_service POLICY [THREADS] < requests.jsonl > decisions.jsonl
#include <iostream>
#include <string>
#include <thread>
#include <vector>
#include <writ/writ.hpp>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: jsonl_service POLICY [THREADS] < requests.jsonl\n";
    return 2;
  }
  auto loaded = writ::Policy::Load(argv[1]);
  if (!loaded.ok()) {
    std::cerr << loaded.status().message() << "\n";
    return 1;
  }
  std::shared_ptr<const writ::Policy> policy = *loaded;
  unsigned threads = argc > 2 ? std::stoul(argv[2]) : std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;

  std::vector<std::string> lines;
  for (std::string line; std::getline(std::cin, line);) lines.push_back(std::move(line));
  std::vector<std::string> out(lines.size());

  // Each thread takes every n-th line; each has its own Request and Decision,
  // reused across lines, and shares the policy.
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      writ::Request request = policy->NewRequest();
      writ::Decision decision;
      for (size_t i = t; i < lines.size(); i += threads) {
        if (lines[i].find_first_not_of(" \t\r") == std::string::npos) continue;
        absl::Status s = policy->ParseRequest(lines[i], request);
        if (!s.ok()) {
          out[i] = "line " + std::to_string(i + 1) + ": " + std::string(s.message());
          continue;
        }
        policy->Decide(request, decision);
        out[i] = decision.ToJson();
      }
    });
  }
  for (auto& th : pool) th.join();
  int status = 0;
  for (const auto& o : out) {
    if (o.empty()) continue;
    if (o.rfind("line ", 0) == 0) {
      std::cerr << o << "\n";
      status = 1;
    } else {
      std::cout << o << "\n";
    }
  }
  return status;
}
