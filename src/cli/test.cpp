// File: src/cli/test.cpp — `writ test [PATH...]`: run the policies' test blocks.
#include <boost/json.hpp>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "cli/common.hpp"
#include "writ/writ.hpp"

namespace writ::cli {
namespace {

struct TestOptions {
  std::vector<std::string> paths;
  std::string filter;
  bool verbose = false;
  bool coverage = false;
  std::string coverage_format = "text";  // text | lcov | json
  double min_coverage = -1;
};

// True if the file itself holds `test` blocks (imports are not followed).
bool HoldsTests(const std::string& text) {
  // A cheap look for a `test "` at the start of a line; loading decides the rest.
  size_t pos = 0;
  while ((pos = text.find("test", pos)) != std::string::npos) {
    size_t ls = text.rfind('\n', pos == 0 ? 0 : pos - 1);
    ls = ls == std::string::npos ? 0 : ls + 1;
    if (text.find_first_not_of(" \t", ls) == pos && pos + 4 < text.size() &&
        (text[pos + 4] == ' ' || text[pos + 4] == '\t' || text[pos + 4] == '"'))
      return true;
    pos += 4;
  }
  return false;
}

int Run(const TestOptions& o) {
  std::vector<std::string> roots = o.paths.empty() ? std::vector<std::string>{"."} : o.paths;
  auto files = FindPolicyFiles(roots);
  if (!files.ok()) {
    std::cerr << "writ: " << files.status().message() << "\n";
    return kUnreadable;
  }
  const bool color = UseColor(StdoutIsTerminal());
  const char* red = color ? "\033[1;31m" : "";
  const char* green = color ? "\033[1;32m" : "";
  const char* reset = color ? "\033[0m" : "";
  int passed = 0, failed = 0;
  int status = kOk;
  // With coverage as lcov or JSON, that document is standard output and the
  // test lines go to standard error.
  const bool document = o.coverage && o.coverage_format != "text";
  std::ostream& lines = document ? std::cerr : std::cout;
  std::string coverage_out;
  std::vector<std::string> below;  // files under --min-coverage
  auto report = [&](const std::vector<TestResult>& results) {
    for (const auto& r : results) {
      if (!o.filter.empty() && !absl::StrContains(r.name, o.filter)) continue;
      std::string where = absl::StrCat(r.location.path, ":", r.location.line);
      for (const auto& note : r.notes)
        std::cerr << where << ": " << r.name << ": note: " << note << "\n";
      if (r.passed) {
        ++passed;
        if (o.verbose) lines << green << "PASS" << reset << " " << where << ": " << r.name << "\n";
        continue;
      }
      ++failed;
      lines << red << "FAIL" << reset << " " << where << ": " << r.name << "\n";
      for (const auto& why : r.failures) lines << "  " << why << "\n";
      lines << "  explanation:\n";
      for (absl::string_view line : absl::StrSplit(r.explanation, '\n'))
        if (!line.empty()) lines << "    " << line << "\n";
    }
  };
  for (const auto& f : *files) {
    auto text = ReadText(f, kMaxPolicyBytes);
    if (!text.ok()) {
      std::cerr << "writ: " << text.status().message() << "\n";
      status = kUnreadable;
      continue;
    }
    if (!HoldsTests(*text)) continue;
    if (Decider::IsHistoryFile(f)) {
      // A history's tests, each decided as of its date (coverage is the
      // versions': run it on their files).
      auto history = PolicyHistory::Load(f);
      if (!history.ok()) {
        lines << red << "FAIL" << reset << " " << f << ": the history does not load\n"
              << history.status().message();
        if (!absl::EndsWith(history.status().message(), "\n")) lines << "\n";
        ++failed;
        continue;
      }
      report((*history)->RunTests());
      continue;
    }
    auto policy = Policy::Load(f);
    if (!policy.ok()) {
      lines << red << "FAIL" << reset << " " << f << ": the policy does not load\n"
            << policy.status().message();
      if (!absl::EndsWith(policy.status().message(), "\n")) lines << "\n";
      ++failed;
      continue;
    }
    CoverageReport coverage;
    report((*policy)->RunTests(/*root_only=*/true, o.coverage ? &coverage : nullptr));
    if (o.coverage) {
      if (o.coverage_format == "lcov") {
        coverage_out += coverage.ToLcov();
      } else if (o.coverage_format == "json") {
        absl::StrAppend(&coverage_out,
                        "{\"policy\":", boost::json::serialize(boost::json::value(f)),
                        ",\"coverage\":", coverage.ToJson(), "}\n");
      } else {
        absl::StrAppend(&coverage_out, "coverage of ", f, ": ", coverage.ToText());
      }
      if (o.min_coverage >= 0 && (coverage.rule_percent() < o.min_coverage ||
                                  coverage.condition_percent() < o.min_coverage))
        below.push_back(absl::StrFormat("%s (rules %.1f%%, condition outcomes %.1f%%)", f,
                                        coverage.rule_percent(), coverage.condition_percent()));
    }
  }
  lines << passed << " passed, " << failed << " failed\n";
  std::cout << coverage_out;
  for (const auto& b : below)
    std::cerr << "writ test: coverage below " << o.min_coverage << "%: " << b << "\n";
  if (status != kOk) return status;
  return failed || !below.empty() ? kFailed : kOk;
}

}  // namespace

Command AddTest(CLI::App& root) {
  auto* app = root.add_subcommand("test", "Run the test blocks of the policies under PATHs");
  app->footer(kExitCodesHelp);
  auto o = std::make_shared<TestOptions>();
  app->add_option("paths", o->paths, "Files or folders (default: the current folder)");
  app->add_option("--filter", o->filter, "Run only tests whose description contains PATTERN");
  app->add_flag("--verbose,-v", o->verbose, "List passing tests too");
  app->add_flag("--coverage", o->coverage,
                "Report what the tests exercise: each rule seen applying and not, each condition "
                "seen true, false and unknown, and as the reason a rule did not apply");
  app->add_option("--coverage-format", o->coverage_format,
                  "text (after the results), lcov or json (on standard output; the test lines "
                  "then go to standard error)")
      ->check(CLI::IsMember({"text", "lcov", "json"}));
  app->add_option("--min-coverage", o->min_coverage,
                  "With --coverage: fail (exit 1) when a policy's rule or condition-outcome "
                  "coverage is below N percent")
      ->check(CLI::Range(0.0, 100.0));
  return {app, [o] { return Run(*o); }};
}

}  // namespace writ::cli
