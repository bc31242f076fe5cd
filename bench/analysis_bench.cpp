// File: bench/analysis_bench.cpp
//
// What `writ diff` costs (docs/analysis.md): the Telegram 2018 → 2024 diff,
// and scale_1000 (the Telegram policy and a thousand generated rules)
// against a copy with every hundredth rule's effect changed (ten rules).
// Reports the time per diff (Time, in ms) and the process's peak resident
// memory; checks the
// number of kinds of change before timing.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "api/policy_data.hpp"
#include "writ/diff.hpp"
#include "writ/writ.hpp"

namespace writ::bench {
namespace {

std::shared_ptr<const Policy> LoadOrAbort(const std::string& path, LoadOptions o = {}) {
  auto p = Policy::Load(path, o);
  if (!p.ok()) {
    std::fprintf(stderr, "%s\n", std::string(p.status().message()).c_str());
    std::abort();
  }
  return *p;
}

void Report(benchmark::State& state, size_t changes) {
  state.counters["changes"] = static_cast<double>(changes);
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  state.counters["peak_rss_MiB"] = static_cast<double>(u.ru_maxrss) / 1024;
}

void BM_DiffTelegram(benchmark::State& state) {
  auto a = LoadOrAbort(std::string(WRIT_POLICY_DIR) + "/telegram-2018.writ");
  auto b = LoadOrAbort(std::string(WRIT_POLICY_DIR) + "/telegram-2024.writ");
  size_t changes = 0;
  for (auto _ : state) {
    auto d = Diff(*a, *b);
    if (!d.ok()) {
      state.SkipWithError(std::string(d.status().message()).c_str());
      return;
    }
    changes = d->changes.size();
    benchmark::DoNotOptimize(d);
  }
  if (changes != 9) state.SkipWithError("expected 9 kinds of change");
  Report(state, changes);
}
BENCHMARK(BM_DiffTelegram)->Unit(benchmark::kMillisecond);

void BM_DiffScale1000TenRulesChanged(benchmark::State& state) {
  const std::string path = std::string(WRIT_BENCH_DATA) + "/scale_1000.writ";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  // Every hundredth rule's effect turned: deny → review → allow → deny.
  std::string changed;
  const std::string s = text.str();
  const std::regex then("then  (deny|review|allow)");
  size_t n = 0, last = 0;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), then); it != std::sregex_iterator();
       ++it) {
    changed.append(s, last, static_cast<size_t>(it->position()) - last);
    std::string e = (*it)[1];
    if (++n % 100 == 0) e = e == "deny" ? "review" : e == "review" ? "allow" : "deny";
    changed += "then  " + e;
    last = static_cast<size_t>(it->position() + it->length());
  }
  changed.append(s, last);
  auto a = LoadOrAbort(path);
  LoadOptions o;
  o.reader = [&](const std::string& p) -> absl::StatusOr<std::string> {
    if (p == "changed.writ") return changed;
    std::ifstream f(p);
    std::stringstream t;
    t << f.rdbuf();
    return t.str();
  };
  auto b = LoadOrAbort("changed.writ", o);
  size_t changes = 0;
  for (auto _ : state) {
    auto d = Diff(*a, *b);
    if (!d.ok()) {
      state.SkipWithError(std::string(d.status().message()).c_str());
      return;
    }
    changes = d->changes.size();
    benchmark::DoNotOptimize(d);
  }
  if (changes == 0) state.SkipWithError("expected changes");
  Report(state, changes);
}
BENCHMARK(BM_DiffScale1000TenRulesChanged)->Unit(benchmark::kMillisecond)->Iterations(3);

// The replay loop of `writ diff --requests` on the base workload: each JSON
// line parsed for both policies, decided by both, outcomes compared, and a
// changed request placed in its kind of change (ChangeOf). Reports
// requests/s (items_per_second) on one core.
void BM_ReplayBase(benchmark::State& state) {
  auto a = LoadOrAbort(std::string(WRIT_POLICY_DIR) + "/telegram-2018.writ");
  auto b = LoadOrAbort(std::string(WRIT_POLICY_DIR) + "/telegram-2024.writ");
  auto d = Diff(*a, *b);
  std::ifstream in(std::string(WRIT_BENCH_DATA) + "/base.jsonl");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  Request ra = a->NewRequest(), rb = b->NewRequest();
  Decision da, db;
  size_t i = 0, changed = 0;
  const bool same_schema = detail::RequestBinding::SameSchema(*a, *b);
  for (auto _ : state) {
    const std::string& line = lines[i++ % lines.size()];
    // As the command line reads a log: one parse, copied to the other
    // policy's request when the two share their schema.
    if (!a->ParseRequest(line, ra).ok()) {
      state.SkipWithError("a request does not parse");
      return;
    }
    if (same_schema) {
      detail::RequestBinding::CopyValues(ra, rb);
    } else if (!b->ParseRequest(line, rb).ok()) {
      state.SkipWithError("a request does not parse");
      return;
    }
    a->Decide(ra, da);
    b->Decide(rb, db);
    // As the command line compares: obligations only where a rule decided
    // (an allocation), after effect, open and items.
    bool same = da.effect() == db.effect() && da.open() == db.open() &&
                da.granted_mask() == db.granted_mask();
    if (same && (!da.deciding_rule_indices().empty() || !db.deciding_rule_indices().empty()))
      same = da.obligations() == db.obligations();
    if (!same) changed += d->ChangeOf(ra, rb) >= 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["changed_share"] =
      static_cast<double>(changed) / static_cast<double>(std::max<int64_t>(1, state.iterations()));
}
BENCHMARK(BM_ReplayBase);

}  // namespace
}  // namespace writ::bench

BENCHMARK_MAIN();
