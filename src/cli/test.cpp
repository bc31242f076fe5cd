// File: src/cli/test.cpp — `writ test [PATH...]`: run the policies' test blocks.
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/common.hpp"
#include "writ/writ.hpp"

namespace writ::cli {
namespace {

struct TestOptions {
  std::vector<std::string> paths;
  std::string filter;
  bool verbose = false;
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
  for (const auto& f : *files) {
    auto text = ReadText(f, kMaxPolicyBytes);
    if (!text.ok()) {
      std::cerr << "writ: " << text.status().message() << "\n";
      status = kUnreadable;
      continue;
    }
    if (!HoldsTests(*text)) continue;
    auto policy = Policy::Load(f);
    if (!policy.ok()) {
      std::cout << red << "FAIL" << reset << " " << f << ": the policy does not load\n"
                << policy.status().message();
      if (!absl::EndsWith(policy.status().message(), "\n")) std::cout << "\n";
      ++failed;
      continue;
    }
    for (const auto& r : (*policy)->RunTests(/*root_only=*/true)) {
      if (!o.filter.empty() && !absl::StrContains(r.name, o.filter)) continue;
      std::string where = absl::StrCat(r.location.path, ":", r.location.line);
      for (const auto& note : r.notes)
        std::cerr << where << ": " << r.name << ": note: " << note << "\n";
      if (r.passed) {
        ++passed;
        if (o.verbose)
          std::cout << green << "PASS" << reset << " " << where << ": " << r.name << "\n";
        continue;
      }
      ++failed;
      std::cout << red << "FAIL" << reset << " " << where << ": " << r.name << "\n";
      for (const auto& why : r.failures) std::cout << "  " << why << "\n";
      std::cout << "  explanation:\n";
      for (absl::string_view line : absl::StrSplit(r.explanation, '\n'))
        if (!line.empty()) std::cout << "    " << line << "\n";
    }
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  if (status != kOk) return status;
  return failed ? kFailed : kOk;
}

}  // namespace

Command AddTest(CLI::App& root) {
  auto* app = root.add_subcommand("test", "Run the test blocks of the policies under PATHs");
  app->footer(kExitCodesHelp);
  auto o = std::make_shared<TestOptions>();
  app->add_option("paths", o->paths, "Files or folders (default: the current folder)");
  app->add_option("--filter", o->filter, "Run only tests whose description contains PATTERN");
  app->add_flag("--verbose,-v", o->verbose, "List passing tests too");
  return {app, [o] { return Run(*o); }};
}

}  // namespace writ::cli
