// File: src/cli/lint.cpp — `writ lint FILE...`: the findings of
// include/writ/lint.hpp for each policy, as text, JSON or SARIF 2.1.0.
#include "writ/lint.hpp"

#include <algorithm>
#include <iostream>

#include "cli/common.hpp"
#include "writ/writ.hpp"

namespace writ::cli {
namespace {

struct LintOptions {
  std::vector<std::string> files;
  std::string format = "text";
  bool werror = false;
};

int Run(const LintOptions& o) {
  int status = kOk;
  size_t open = 0;
  // A history stands for its versions, each linted once.
  std::vector<std::string> files;
  for (const std::string& path : o.files) {
    if (!Decider::IsHistoryFile(path)) {
      files.push_back(path);
      continue;
    }
    auto history = PolicyHistory::Load(path);
    if (!history.ok()) {
      std::cerr << (history.status().code() == absl::StatusCode::kInvalidArgument ? "" : "writ: ")
                << history.status().message() << "\nwrit lint: '" << path
                << "' does not check; fix it first\n";
      status = kUnreadable;
      continue;
    }
    for (const auto& v : (*history)->versions()) files.push_back(v.policy->sources().at(0).path());
  }
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& path = files[i];
    if (std::find(files.begin(), files.begin() + i, path) != files.begin() + i) continue;
    std::shared_ptr<const Policy> loaded = LoadForAnalysis(path, "lint");
    if (!loaded) {
      status = kUnreadable;
      continue;
    }
    absl::StatusOr<LintReport> report = Lint(*loaded);
    if (!report.ok()) {
      std::cerr << "writ lint: " << path << ": " << report.status().message() << "\n";
      status = kUnreadable;
      continue;
    }
    open += report->open_findings();
    if (o.format == "json") {
      std::cout << report->ToJson() << "\n";
    } else if (o.format == "sarif") {
      std::cout << report->ToSarif() << "\n";
    } else {
      std::cout << report->ToText();
    }
  }
  if (status != kOk) return status;
  return o.werror && open > 0 ? kFailed : kOk;
}

}  // namespace

Command AddLint(CLI::App& root) {
  auto* app = root.add_subcommand(
      "lint",
      "Findings about policies, proven over every request: dead, shadowed, overridden or "
      "redundant rules, vacuous conditions, unused declarations, fail-open attributes");
  app->footer(
      "Accept a finding on purpose with a comment on the line before the declaration: "
      "// writ-lint: accept CODE \"reason\"\n"
      "Exit status: 0 (1 with --werror and findings not accepted), 2 usage, 3 a policy that "
      "cannot be read, does not check, or that the analysis does not cover.");
  auto o = std::make_shared<LintOptions>();
  app->add_option("files", o->files, "Policy files (*.writ); a history stands for its versions")
      ->required();
  app->add_option("--format,-f", o->format, "text (default), json, or sarif (SARIF 2.1.0)")
      ->check(CLI::IsMember({"text", "json", "sarif"}));
  app->add_flag("--werror", o->werror, "Exit 1 when there are findings not accepted");
  return {app, [o] { return Run(*o); }};
}

}  // namespace writ::cli
