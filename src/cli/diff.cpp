// File: src/cli/diff.cpp — `writ diff OLD NEW`: every request the two
// policies decide differently, as kinds of change (include/writ/diff.hpp).
// Exit 0: no change; 1: changes; 2: usage; 3: a policy that cannot be read,
// does not check, or cannot be compared with the other.
#include "writ/diff.hpp"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/common.hpp"
#include "cli/replay.hpp"
#include "writ/writ.hpp"

namespace writ::cli {
namespace {

struct DiffOptions {
  std::string old_path, new_path;
  std::string format = "text";
  bool quiet = false;
  bool full = false;
  std::vector<std::string> requests;  // replay these logs
  size_t show = 20;
  size_t max_request_bytes = kMaxRequestBytes;
};

// `writ diff HISTORY`: each version against the next.
int RunHistory(const DiffOptions& o) {
  auto history = PolicyHistory::Load(o.old_path);
  if (!history.ok()) {
    std::cerr << (history.status().code() == absl::StatusCode::kInvalidArgument ? "" : "writ: ")
              << history.status().message() << "\nwrit diff: '" << o.old_path
              << "' does not check; fix it first\n";
    return kUnreadable;
  }
  if (!o.requests.empty()) {
    std::cerr << "writ diff: --requests replays a log under two policies: give OLD and NEW "
                 "(two versions' files)\n";
    return kUsage;
  }
  const auto& versions = (*history)->versions();
  bool changed = false;
  for (size_t i = 0; i + 1 < versions.size(); ++i) {
    const auto& a = versions[i];
    const auto& b = versions[i + 1];
    absl::StatusOr<PolicyDiff> diff = Diff(*a.policy, *b.policy);
    if (!diff.ok()) {
      std::cerr << "writ diff: " << a.path << " -> " << b.path << ": " << diff.status().message()
                << "\n";
      return kUnreadable;
    }
    changed |= !diff->changes.empty();
    if (o.quiet) continue;
    if (o.format == "json") {
      std::cout << "{\"history\":\"" << (*history)->name() << "\",\"old\":{\"version\":\"" << a.path
                << "\",\"from\":\"" << a.from << "\"},\"new\":{\"version\":\"" << b.path
                << "\",\"from\":\"" << b.from << "\"},\"diff\":" << diff->ToJson() << "}\n";
    } else {
      std::cout << "== history " << (*history)->name() << ": " << a.path << " (from " << a.from
                << ") -> " << b.path << " (from " << b.from << ")\n"
                << diff->ToText(o.full);
    }
  }
  return changed ? kFailed : kOk;
}

int Run(const DiffOptions& o) {
  if (o.new_path.empty()) {
    if (Decider::IsHistoryFile(o.old_path)) return RunHistory(o);
    std::cerr << "writ diff: give OLD and NEW policies, or one history file\n";
    return kUsage;
  }
  std::shared_ptr<const Policy> policies[2];
  const std::string* paths[2] = {&o.old_path, &o.new_path};
  for (int k = 0; k < 2; ++k) {
    policies[k] = LoadForAnalysis(*paths[k], "diff");
    if (!policies[k]) return kUnreadable;
  }
  absl::StatusOr<PolicyDiff> diff = Diff(*policies[0], *policies[1]);
  if (!diff.ok()) {
    std::cerr << "writ diff: " << diff.status().message() << "\n";
    return kUnreadable;
  }
  if (!o.requests.empty()) {
    ReplayOptions r;
    r.inputs = o.requests;
    r.json = o.format == "json";
    r.quiet = o.quiet;
    r.show = o.show;
    r.max_request_bytes = o.max_request_bytes;
    return Replay(policies[0], policies[1], *diff, r);
  }
  if (!o.quiet) {
    std::cout << (o.format == "json" ? diff->ToJson() + "\n" : diff->ToText(o.full));
  }
  return diff->changes.empty() ? kOk : kFailed;
}

}  // namespace

Command AddDiff(CLI::App& root) {
  auto* app = root.add_subcommand(
      "diff", "Every kind of request two policies decide differently, with the rules behind it");
  app->footer(
      "Each change: the outcome before and after, the requests that take it as a writ condition "
      "(paste it as a rule's `when`), the rules on each side, and an example request checked "
      "against both policies. The analysis covers every request (missing attributes too), not a "
      "sample. With --requests, replays a log instead: what changed for those requests.\n"
      "Exit status: 0 no change, 1 changes (or, replaying, a changed or malformed request), 2 "
      "usage, 3 a policy that cannot be read, does not check, or cannot be compared with the "
      "other.");
  auto o = std::make_shared<DiffOptions>();
  app->add_option("old", o->old_path,
                  "The policy before the change, or a history (each version against the next)")
      ->required();
  app->add_option("new", o->new_path, "The policy after the change");
  app->add_option("--format,-f", o->format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  app->add_flag("--full", o->full,
                "Print every alternative of every region (text shows six per region)");
  app->add_option("--requests,-r", o->requests,
                  "Replay a request log (JSONL, arrays or objects; '-' for standard input) under "
                  "both policies: counts per transition and per kind of change, and each changed "
                  "request with both decisions and why it changed")
      ->allow_extra_args(false);
  app->add_option("--show", o->show, "With --requests, text: changed requests listed in full")
      ->capture_default_str();
  app->add_option("--max-request-bytes", o->max_request_bytes,
                  "With --requests: the longest request read")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app->add_flag("--quiet,-q", o->quiet, "Print nothing; the exit status says whether they differ");
  return {app, [o] { return Run(*o); }};
}

}  // namespace writ::cli
