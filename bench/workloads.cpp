// File: bench/workloads.cpp
#include "workloads.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>

namespace writ::bench {

Workload& Get(const std::string& name) {
  static std::map<std::string, Workload> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  Workload w;
  w.name = name;
  std::string data = WRIT_BENCH_DATA;
  w.requests_file = data + "/" + name + ".jsonl";
  if (name == "base") {
    w.policy_file = std::string(WRIT_POLICY_DIR) + "/telegram-2024.writ";
  } else if (name == "unindexed_1000") {
    // scale_1000's requests against its rules written without equalities.
    w.requests_file = data + "/scale_1000.jsonl";
    w.policy_file = data + "/unindexed_1000.writ";
    w.rules_file = data + "/rules_1000.jsonl";
  } else {
    w.policy_file = data + "/" + name + ".writ";
    w.rules_file = data + "/rules_" + name.substr(6) + ".jsonl";
  }
  static const std::map<std::string, std::array<long, 3>> kExpected = {
      // allow, review, deny (the order of writ::Effect)
      {"base", {0, 21272, 78728}},          {"scale_10", {403, 21306, 78291}},
      {"scale_100", {372, 21435, 78193}},   {"scale_1000", {332, 21534, 78134}},
      {"scale_10000", {352, 21536, 78112}}, {"unindexed_1000", {332, 21534, 78134}}};
  w.expected = kExpected.at(name);
  auto p = Policy::Load(w.policy_file);
  if (!p.ok()) {
    std::cerr << p.status().message() << "\n";
    std::exit(1);
  }
  w.policy = *p;
  std::ifstream in(w.requests_file);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) w.lines.push_back(line);
  w.requests.reserve(w.lines.size());
  for (const auto& l : w.lines) {
    auto r = w.policy->ParseRequest(l);
    if (!r.ok()) {
      std::cerr << w.requests_file << ": " << r.status().message() << "\n";
      std::exit(1);
    }
    w.requests.push_back(*std::move(r));
  }
  return cache.emplace(name, std::move(w)).first->second;
}

std::array<long, 3> Count(const Workload& w) {
  std::array<long, 3> c{};
  Decision d;
  for (const auto& r : w.requests) {
    w.policy->Decide(r, d);
    ++c[static_cast<int>(d.effect())];
  }
  return c;
}

}  // namespace writ::bench
