// File: bench/ledger_bench.cpp — the decision ledger's costs (docs/ledger.md,
// LEDGER.md §5): appending decisions in batches with synchronous=FULL,
// verifying a ledger of N entries, and a transparency report over it.
//
// N is $WRIT_LEDGER_ENTRIES (default 1,000,000; bench/run --smoke uses
// 10,000). The N-entry ledger is built once from the base workload's
// decisions and kept in the build tree (bench/data/ledger_N.db) for the
// next run.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "workloads.hpp"
#include "writ/ledger.hpp"
#include "writ/report.hpp"

namespace {

namespace fs = std::filesystem;
using writ::bench::Get;

std::uint64_t Entries() {
  const char* e = std::getenv("WRIT_LEDGER_ENTRIES");
  return e ? std::strtoull(e, nullptr, 10) : 1'000'000;
}

// The base workload's decisions, made once.
const std::vector<writ::Decision>& Decisions() {
  static const std::vector<writ::Decision> d = [] {
    auto& w = Get("base");
    std::vector<writ::Decision> out;
    for (const auto& r : w.requests) out.push_back(w.policy->Decide(r));
    return out;
  }();
  return d;
}

void AppendRange(writ::Ledger& l, std::uint64_t from, std::uint64_t to, size_t batch) {
  auto& w = Get("base");
  const auto& d = Decisions();
  std::vector<writ::DecisionRecord> records;
  for (std::uint64_t i = from; i < to; ++i) {
    const size_t k = i % w.lines.size();
    records.push_back({w.lines[k], &d[k]});
    if (records.size() == batch || i + 1 == to) {
      if (!l.AppendDecisions(records).ok()) std::abort();
      records.clear();
    }
  }
}

// The N-entry ledger, built on first use.
const std::string& BigLedger() {
  static const std::string path = [] {
    const std::string p =
        std::string(WRIT_BENCH_DATA) + "/ledger_" + std::to_string(Entries()) + ".db";
    writ::LedgerOptions read;
    read.create = false;
    read.read_only = true;
    if (auto l = writ::Ledger::Open(p, read); l.ok() && *l->Size() == Entries()) return p;
    fs::remove(p);
    auto l = writ::Ledger::Open(p);
    if (!l.ok()) std::abort();
    AppendRange(*l, 0, Entries(), 10'000);
    return p;
  }();
  return path;
}

void BM_LedgerAppendBatched(benchmark::State& state) {
  const size_t batch = static_cast<size_t>(state.range(0));
  const fs::path p = fs::temp_directory_path() / ("writ_ledger_bench_" + std::to_string(getpid()));
  fs::remove(p);
  {
    auto l = writ::Ledger::Open(p.string());
    if (!l.ok()) {
      state.SkipWithError(std::string(l.status().message()).c_str());
      return;
    }
    Decisions();
    std::uint64_t next = 0;
    for (auto _ : state) {
      AppendRange(*l, next, next + batch, batch);
      next += batch;
    }
    state.SetItemsProcessed(static_cast<int64_t>(next));
    state.counters["ns_per_decision"] = benchmark::Counter(
        static_cast<double>(next), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(p.string() + suffix);
}
BENCHMARK(BM_LedgerAppendBatched)
    ->Arg(1000)
    ->Arg(100)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_LedgerVerify(benchmark::State& state) {
  const std::string& path = BigLedger();
  writ::LedgerOptions read;
  read.read_only = true;
  auto l = writ::Ledger::Open(path, read);
  for (auto _ : state) {
    auto v = l->Verify();
    if (!v.ok() || !v->ok) state.SkipWithError("the ledger does not verify");
  }
  state.counters["entries"] = static_cast<double>(Entries());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * Entries()));
}
BENCHMARK(BM_LedgerVerify)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

void BM_LedgerReport(benchmark::State& state) {
  const std::string& path = BigLedger();
  writ::LedgerOptions read;
  read.read_only = true;
  auto l = writ::Ledger::Open(path, read);
  writ::ReportOptions o;
  o.period = "quarter";
  o.by = {"requester.country"};
  o.threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    auto r = writ::MakeReport(*l, o);
    if (!r.ok() || r->entries != Entries()) state.SkipWithError("the report failed");
    benchmark::DoNotOptimize(r);
  }
  state.counters["entries"] = static_cast<double>(Entries());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * Entries()));
}
// 0 threads: one per core; 1: one thread.
BENCHMARK(BM_LedgerReport)->Arg(0)->Arg(1)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
