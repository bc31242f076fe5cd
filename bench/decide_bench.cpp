// File: bench/decide_bench.cpp
//
// Decisions per second on the benchmark workloads (bench/workloads.py),
// Google Benchmark. Every benchmark reports ns_per_decision and decisions/s (as
// items_per_second) and checks its allow/review/deny counts against the
// expected checksums before timing. Heap allocations during the timed loop
// are counted by a global operator new and reported per decision.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <new>
#include <vector>

#include "workloads.hpp"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// Counting replacements of the global allocation functions. GCC cannot see
// that the matching delete below frees with free(), hence the pragma.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace writ::bench {
namespace {

void CheckCounts(benchmark::State& state, const Workload& w) {
  auto got = Count(w);
  if (got != w.expected) {
    state.SkipWithError(("checksum mismatch on " + w.name).c_str());
  }
  state.counters["allow"] = got[0];
  state.counters["review"] = got[1];
  state.counters["deny"] = got[2];
}

void Report(benchmark::State& state, long allocations) {
  state.SetItemsProcessed(state.iterations());
  state.counters["ns_per_decision"] =
      benchmark::Counter(static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["allocs_per_decision"] =
      static_cast<double>(allocations) /
      static_cast<double>(std::max<int64_t>(1, state.iterations()));
}

// Pre-built requests: the steady state of an embedding service.
void BM_Decide(benchmark::State& state, const char* name) {
  Workload& w = Get(name);
  CheckCounts(state, w);
  Decision d;
  size_t i = 0, n = w.requests.size();
  long before = g_allocations.load();
  for (auto _ : state) {
    w.policy->Decide(w.requests[i], d);
    benchmark::DoNotOptimize(d);
    if (++i == n) i = 0;
  }
  Report(state, g_allocations.load() - before);
}

// JSON text to decision, end to end (one Request reused, as a service would).
void BM_JsonToDecision(benchmark::State& state, const char* name) {
  Workload& w = Get(name);
  CheckCounts(state, w);
  Request r = w.policy->NewRequest();
  Decision d;
  size_t i = 0, n = w.lines.size();
  long before = g_allocations.load();
  for (auto _ : state) {
    (void)w.policy->ParseRequest(w.lines[i], r);
    w.policy->Decide(r, d);
    benchmark::DoNotOptimize(d);
    if (++i == n) i = 0;
  }
  Report(state, g_allocations.load() - before);
}

// With the full explanation (built lazily, only here).
void BM_DecideWithExplanation(benchmark::State& state, const char* name) {
  Workload& w = Get(name);
  CheckCounts(state, w);
  Request r = w.policy->NewRequest();
  size_t i = 0, n = w.lines.size();
  long before = g_allocations.load();
  for (auto _ : state) {
    (void)w.policy->ParseRequest(w.lines[i], r);
    Explanation e = w.policy->Explain(r);
    benchmark::DoNotOptimize(e);
    if (++i == n) i = 0;
  }
  Report(state, g_allocations.load() - before);
}

// Threads sharing one policy; each thread walks its own part of the requests.
void BM_DecideThreads(benchmark::State& state) {
  Workload& w = Get("base");
  if (state.thread_index() == 0) CheckCounts(state, w);
  Decision d;
  size_t n = w.requests.size();
  size_t i = (n / state.threads()) * state.thread_index();
  for (auto _ : state) {
    w.policy->Decide(w.requests[i], d);
    benchmark::DoNotOptimize(d);
    if (++i == n) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["ns_per_decision"] =
      benchmark::Counter(static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

long ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

// Loading and compiling a policy; the memory it takes once compiled.
void BM_LoadPolicy(benchmark::State& state, const char* name) {
  std::string path = name == std::string("base")
                         ? std::string(WRIT_POLICY_DIR) + "/telegram-2024.writ"
                         : std::string(WRIT_BENCH_DATA) + "/" + name + ".writ";
  // The memory one compiled policy takes: heap in use before and after
  // loading one and keeping it (the loader's temporaries are freed by then).
  size_t heap_before = mallinfo2().uordblks + mallinfo2().hblkhd;
  long rss_before = ResidentBytes();
  std::shared_ptr<const Policy> held = Policy::Load(path).value_or(nullptr);
  size_t heap_after = mallinfo2().uordblks + mallinfo2().hblkhd;
  state.counters["heap_MiB"] = static_cast<double>(heap_after - heap_before) / (1 << 20);
  state.counters["resident_MiB"] = static_cast<double>(ResidentBytes() - rss_before) / (1 << 20);
  std::shared_ptr<const Policy> keep;
  for (auto _ : state) {
    auto p = Policy::Load(path);
    if (!p.ok()) {
      state.SkipWithError(std::string(p.status().message()).c_str());
      break;
    }
    keep = *p;
  }
  state.counters["rules"] = keep ? static_cast<double>(keep->rule_count()) : 0;
  state.counters["ms_per_load"] =
      benchmark::Counter(static_cast<double>(state.iterations()) / 1000.0,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Parsing and checking alone (docs/language.md §1-§6), in MB/s of policy text.
void BM_ParseAndCheck(benchmark::State& state, const char* name) {
  std::string path = std::string(WRIT_BENCH_DATA) + "/" + name + ".writ";
  size_t bytes = 0;
  for (auto _ : state) {
    auto r = Policy::Check(path);
    if (!r.ok() || !r->ok()) {
      state.SkipWithError("policy does not check");
      break;
    }
    bytes = 0;
    for (size_t i = 0; i < r->sources.size(); ++i) bytes += r->sources.at(i).text().size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
  state.counters["ms_per_check"] =
      benchmark::Counter(static_cast<double>(state.iterations()) / 1000.0,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// As-of decisions through the Telegram history (policies/telegram.writ) on
// the base workload's dated requests (2024 and 2025: both versions decide),
// each made for the version in force on its date as ParseRequest makes it;
// against the same requests decided by that version directly. The
// difference is the cost of the as-of step.
struct AsOf {
  std::shared_ptr<const PolicyHistory> history;
  std::vector<Request> requests;
  std::vector<const Policy*> in_force;
};

AsOf& GetAsOf() {
  static AsOf* a = [] {
    auto* out = new AsOf;
    auto h = PolicyHistory::Load(std::string(WRIT_POLICY_DIR) + "/telegram.writ");
    if (!h.ok()) {
      std::cerr << h.status().message() << "\n";
      std::abort();
    }
    out->history = *h;
    for (const std::string& line : Get("base").lines) {
      auto r = out->history->ParseRequest(line);
      if (!r.ok()) continue;
      Decision d = out->history->Decide(*r);
      if (d.version_index() < 0) continue;  // undated: decided under every version
      out->in_force.push_back(out->history->versions()[d.version_index()].policy.get());
      out->requests.push_back(*std::move(r));
    }
    return out;
  }();
  return *a;
}

void BM_HistoryAsOf(benchmark::State& state) {
  AsOf& a = GetAsOf();
  Decision d;
  size_t i = 0, n = state.range(0) ? static_cast<size_t>(state.range(0)) : a.requests.size();
  long before = g_allocations.load();
  for (auto _ : state) {
    a.history->Decide(a.requests[i], d);
    benchmark::DoNotOptimize(d);
    if (++i == n) i = 0;
  }
  Report(state, g_allocations.load() - before);
}

void BM_HistoryVersionDirectly(benchmark::State& state) {
  AsOf& a = GetAsOf();
  Decision d;
  size_t i = 0, n = state.range(0) ? static_cast<size_t>(state.range(0)) : a.requests.size();
  long before = g_allocations.load();
  for (auto _ : state) {
    a.in_force[i]->Decide(a.requests[i], d);
    benchmark::DoNotOptimize(d);
    if (++i == n) i = 0;
  }
  Report(state, g_allocations.load() - before);
}

BENCHMARK_CAPTURE(BM_Decide, telegram_2024, "base");
// Arg 0: every dated request of the base workload (most of them out of
// cache); 1000: the first thousand, cycled in cache.
BENCHMARK(BM_HistoryAsOf)->Arg(0)->Arg(1000);
BENCHMARK(BM_HistoryVersionDirectly)->Arg(0)->Arg(1000);
BENCHMARK_CAPTURE(BM_JsonToDecision, telegram_2024, "base");
BENCHMARK_CAPTURE(BM_DecideWithExplanation, telegram_2024, "base");
BENCHMARK_CAPTURE(BM_Decide, scale_10, "scale_10");
BENCHMARK_CAPTURE(BM_Decide, scale_100, "scale_100");
BENCHMARK_CAPTURE(BM_Decide, scale_1000, "scale_1000");
BENCHMARK_CAPTURE(BM_Decide, scale_10000, "scale_10000");
// Rules the index cannot key on: 1,002 rules decided by the wide bitmap.
BENCHMARK_CAPTURE(BM_Decide, unindexed_1000, "unindexed_1000");
BENCHMARK_CAPTURE(BM_JsonToDecision, scale_10000, "scale_10000");
BENCHMARK(BM_DecideThreads)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK_CAPTURE(BM_LoadPolicy, scale_10000, "scale_10000")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ParseAndCheck, scale_10000, "scale_10000")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace writ::bench

BENCHMARK_MAIN();
