// File: src/server/metrics.cpp
#include "server/metrics.hpp"

#include "absl/strings/str_cat.h"

namespace writ::server {

void Metrics::Decided(Effect effect, bool open) {
  decisions_[static_cast<int>(effect)].fetch_add(1, std::memory_order_relaxed);
  if (open) open_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::Answered(int status, double seconds, bool decide) {
  const int cls = status / 100;
  if (cls >= 1 && cls < kStatusClasses) responses_[cls].fetch_add(1, std::memory_order_relaxed);
  if (!decide) return;
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  latency_[b].fetch_add(1, std::memory_order_relaxed);
  latency_sum_ns_.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

void Metrics::Reloaded(bool ok) {
  (ok ? reloads_ : reload_failures_).fetch_add(1, std::memory_order_relaxed);
}

std::string Metrics::Render(uint64_t generation) const {
  auto get = [](const auto& a) { return a.load(std::memory_order_relaxed); };
  std::string out;
  absl::StrAppend(&out,
                  "# HELP writ_decisions_total Requests decided, by effect.\n"
                  "# TYPE writ_decisions_total counter\n");
  const char* effects[3] = {"allow", "review", "deny"};
  for (int e = 0; e < 3; ++e)
    absl::StrAppend(&out, "writ_decisions_total{effect=\"", effects[e], "\"} ", get(decisions_[e]),
                    "\n");
  absl::StrAppend(&out,
                  "# HELP writ_decisions_open_total Decisions left open (review) by missing "
                  "information.\n# TYPE writ_decisions_open_total counter\n"
                  "writ_decisions_open_total ",
                  get(open_), "\n");
  absl::StrAppend(&out,
                  "# HELP writ_http_responses_total HTTP responses, by status class.\n"
                  "# TYPE writ_http_responses_total counter\n");
  for (int c = 1; c < kStatusClasses; ++c)
    absl::StrAppend(&out, "writ_http_responses_total{code=\"", c, "xx\"} ", get(responses_[c]),
                    "\n");
  absl::StrAppend(&out,
                  "# HELP writ_decide_latency_seconds Time from a decide request read to its "
                  "response written.\n# TYPE writ_decide_latency_seconds histogram\n");
  uint64_t cumulative = 0;
  for (size_t b = 0; b <= kBuckets.size(); ++b) {
    cumulative += get(latency_[b]);
    absl::StrAppend(&out, "writ_decide_latency_seconds_bucket{le=\"",
                    b < kBuckets.size() ? absl::StrCat(kBuckets[b]) : std::string("+Inf"), "\"} ",
                    cumulative, "\n");
  }
  absl::StrAppend(&out, "writ_decide_latency_seconds_sum ", get(latency_sum_ns_) / 1e9, "\n",
                  "writ_decide_latency_seconds_count ", cumulative, "\n");
  absl::StrAppend(
      &out,
      "# HELP writ_request_errors_total Requests refused: malformed JSON, too large, wrong "
      "method or path, timeouts.\n# TYPE writ_request_errors_total counter\n"
      "writ_request_errors_total ",
      get(request_errors_), "\n",
      "# HELP writ_reloads_total Policy reloads that took effect.\n"
      "# TYPE writ_reloads_total counter\nwrit_reloads_total ",
      get(reloads_), "\n",
      "# HELP writ_reload_failures_total Reloads refused (the old policy kept serving).\n"
      "# TYPE writ_reload_failures_total counter\nwrit_reload_failures_total ",
      get(reload_failures_), "\n",
      "# HELP writ_policy_generation Policies loaded since start (1: the first).\n"
      "# TYPE writ_policy_generation gauge\nwrit_policy_generation ",
      generation, "\n",
      "# HELP writ_connections Open client connections.\n"
      "# TYPE writ_connections gauge\nwrit_connections ",
      get(connections_), "\n",
      "# HELP writ_connections_refused_total Connections refused at the connection limit.\n"
      "# TYPE writ_connections_refused_total counter\nwrit_connections_refused_total ",
      get(refused_), "\n",
      "# HELP writ_ledger_commits_total Transactions written to the ledger (--ledger): each "
      "records the decisions of every request waiting.\n"
      "# TYPE writ_ledger_commits_total counter\nwrit_ledger_commits_total ",
      get(commits_), "\n",
      "# HELP writ_ledger_decisions_recorded_total Decisions recorded in the ledger.\n"
      "# TYPE writ_ledger_decisions_recorded_total counter\nwrit_ledger_decisions_recorded_total ",
      get(recorded_), "\n");
  return out;
}

}  // namespace writ::server
