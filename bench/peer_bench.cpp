// File: bench/peer_bench.cpp
//
// writ measured the way the peer engines' harness measures the peers
// (setup, warm-up, prep, eval and e2e medians of several passes), printing
// one JSON line per workload in its format ("peer": "writ"), so that the
// harness can set writ in the same table (bench/README.md).
//
//   peer_bench --requests FILE [--rules FILE] --workload NAME [--n N] [--reps R]
//
// With --rules, the scale_N policy is written as writ source from the rules
// JSONL (as bench/workloads.py policy does) and loaded; that is its setup.
#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "writ/writ.hpp"

namespace {

using Clock = std::chrono::steady_clock;
double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

std::string ScalePolicy(const std::string& rules_file) {
  std::ifstream in(rules_file);
  std::ostringstream out;
  out << "import \"telegram-2024.writ\"\n";
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    boost::json::object r = boost::json::parse(line).as_object();
    const auto& w = r.at("when").as_object();
    out << "rule " << r.at("id").as_string().c_str() << " { when requester.country == \""
        << w.at("requester.country").as_string().c_str()
        << "\" and instrument.type == " << w.at("instrument.type").as_string().c_str()
        << " and offense.category == " << w.at("offense.category").as_string().c_str() << " then "
        << r.at("effect").as_string().c_str() << " \"generated\" }\n";
  }
  return out.str();
}

}  // namespace

int main(int argc, char** argv) {
  std::string requests_file, rules_file, workload = "base";
  size_t n = 0;
  int reps = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--requests")
      requests_file = argv[i + 1];
    else if (flag == "--rules")
      rules_file = argv[i + 1];
    else if (flag == "--workload")
      workload = argv[i + 1];
    else if (flag == "--n")
      n = std::stoul(argv[i + 1]);
    else if (flag == "--reps")
      reps = std::stoi(argv[i + 1]);
    else {
      std::cerr << "peer_bench: unknown flag " << flag << "\n";
      return 2;
    }
  }
  if (requests_file.empty()) {
    std::cerr
        << "usage: peer_bench --requests FILE [--rules FILE] --workload NAME [--n N] [--reps R]\n";
    return 2;
  }

  // Setup: load (and for scale_N write) the policy.
  auto t0 = Clock::now();
  std::string policy_dir = WRIT_POLICY_DIR;
  absl::StatusOr<std::shared_ptr<const writ::Policy>> loaded =
      rules_file.empty()
          ? writ::Policy::Load(policy_dir + "/telegram-2024.writ")
          : writ::Policy::FromText(policy_dir + "/" + workload + ".writ", ScalePolicy(rules_file));
  if (!loaded.ok()) {
    std::cerr << loaded.status().message() << "\n";
    return 1;
  }
  const writ::Policy& policy = **loaded;
  double setup_s = Seconds(t0, Clock::now());

  std::vector<std::string> lines;
  {
    std::ifstream in(requests_file);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) lines.push_back(std::move(line));
  }
  if (n == 0 || n > lines.size()) n = lines.size();
  lines.resize(n);

  // Warm-up: passes over the first min(n, 2000) requests for at least 1 s.
  {
    writ::Request r = policy.NewRequest();
    writ::Decision d;
    auto start = Clock::now();
    size_t warm = std::min<size_t>(n, 2000);
    while (Seconds(start, Clock::now()) < 1.0) {
      for (size_t i = 0; i < warm; ++i) {
        (void)policy.ParseRequest(lines[i], r);
        policy.Decide(r, d);
      }
    }
  }

  // Prep: every line to the native form, once, outside the clock.
  auto p0 = Clock::now();
  std::vector<writ::Request> requests;
  requests.reserve(n);
  for (const auto& l : lines) {
    auto r = policy.ParseRequest(l);
    if (!r.ok()) {
      std::cerr << r.status().message() << "\n";
      return 1;
    }
    requests.push_back(*std::move(r));
  }
  double prep_s = Seconds(p0, Clock::now());

  long counts[3] = {0, 0, 0};
  std::vector<double> eval_times, e2e_times;
  writ::Decision d;
  for (int rep = 0; rep < reps; ++rep) {
    long c[3] = {0, 0, 0};
    auto s = Clock::now();
    for (const auto& r : requests) {
      policy.Decide(r, d);
      ++c[static_cast<int>(d.effect())];
    }
    eval_times.push_back(Seconds(s, Clock::now()));
    std::copy(c, c + 3, counts);
  }
  writ::Request r = policy.NewRequest();
  for (int rep = 0; rep < reps; ++rep) {
    long c[3] = {0, 0, 0};
    auto s = Clock::now();
    for (const auto& l : lines) {
      if (policy.ParseRequest(l, r).ok()) {
        policy.Decide(r, d);
        ++c[static_cast<int>(d.effect())];
      }
    }
    e2e_times.push_back(Seconds(s, Clock::now()));
    if (!std::equal(c, c + 3, counts)) {
      std::cerr << "peer_bench: e2e counts differ from eval counts\n";
      return 1;
    }
  }
  std::sort(eval_times.begin(), eval_times.end());
  std::sort(e2e_times.begin(), e2e_times.end());
  double eval_s = eval_times[eval_times.size() / 2], e2e_s = e2e_times[e2e_times.size() / 2];

  boost::json::object o;
  o["peer"] = "writ";
  o["version"] = "writ 0.1.0 (g++ " __VERSION__ ", -O3)";
  o["workload"] = workload;
  o["policy"] = rules_file.empty() ? "telegram_2024" : workload;
  o["requests_file"] = requests_file;
  o["rules_file"] = rules_file;
  o["requests"] = n;
  o["reps"] = reps;
  o["setup_s"] = setup_s;
  o["prep_s"] = prep_s;
  o["eval_s"] = eval_s;
  o["eval_ns_per_decision"] = eval_s * 1e9 / static_cast<double>(n);
  o["decisions_per_s"] = static_cast<double>(n) / eval_s;
  o["e2e_s"] = e2e_s;
  o["e2e_ns_per_decision"] = e2e_s * 1e9 / static_cast<double>(n);
  o["counts"] = {{"allow", counts[0]}, {"deny", counts[2]}, {"review", counts[1]}};
  std::cout << boost::json::serialize(o) << std::endl;
  return 0;
}
