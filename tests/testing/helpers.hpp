// File: tests/testing/helpers.hpp — small helpers shared by the tests.
#ifndef WRIT_TESTS_TESTING_HELPERS_HPP_
#define WRIT_TESTS_TESTING_HELPERS_HPP_

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "writ/writ.hpp"

namespace writ::testing {

inline std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A file reader serving files from memory, for policies written inline.
inline LoadOptions InMemory(std::map<std::string, std::string> files) {
  LoadOptions o;
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(files));
  o.reader = [shared](const std::string& path) -> absl::StatusOr<std::string> {
    auto it = shared->find(path);
    if (it == shared->end()) return absl::NotFoundError("no such file: " + path);
    return it->second;
  };
  return o;
}

// Loads `text` as policy "p.writ" (with optional other in-memory files) or fails the test.
inline std::shared_ptr<const Policy> LoadOrDie(const std::string& text,
                                               std::map<std::string, std::string> more = {}) {
  more["p.writ"] = text;
  auto p = Policy::Load("p.writ", InMemory(std::move(more)));
  EXPECT_TRUE(p.ok()) << p.status().message();
  return p.ok() ? *p : nullptr;
}

// The rendered diagnostics of checking `text` as "p.writ".
inline std::string CheckText(const std::string& text,
                             std::map<std::string, std::string> more = {}) {
  more["p.writ"] = text;
  auto r = Policy::Check("p.writ", InMemory(std::move(more)));
  if (!r.ok()) return std::string(r.status().message());
  return r->Format();
}

inline Request Json(const Policy& p, const std::string& json) {
  auto r = p.ParseRequest(json);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : p.NewRequest();
}

#ifdef WRIT_WORKLOADS_SCRIPT
// The first `count` requests of the base workload (JSON lines), from the
// project's generator; empty if it could not run (the caller asserts the
// size).
inline std::vector<std::string> BaseWorkload(int count) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            absl::StrCat("writ-base-", ::getpid(), "-", count, ".jsonl"))
                               .string();
  const std::string cmd =
      absl::StrCat("python3 ", WRIT_WORKLOADS_SCRIPT, " requests --count ", count, " ", path);
  std::vector<std::string> lines;
  if (std::system(cmd.c_str()) != 0) return lines;
  {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  std::filesystem::remove(path);
  return lines;
}
#endif

// The corpus's policy files (full paths, sorted): every *.writ file of
// policies/ but the shared schema and the histories.
inline std::vector<std::string> CorpusPolicyPaths() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(WRIT_POLICY_DIR)) {
    if (e.path().extension() != ".writ" || e.path().filename() == "disclosure-schema.writ")
      continue;
    absl::StatusOr<bool> history = PolicyHistory::IsHistory(e.path().string());
    if (history.ok() && *history) continue;
    out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Loads a policy of the corpus by file name, or fails the test (null).
inline std::shared_ptr<const Policy> LoadCorpusPolicy(const std::string& file) {
  auto p = Policy::Load(std::string(WRIT_POLICY_DIR) + "/" + file);
  EXPECT_TRUE(p.ok()) << p.status().message();
  return p.ok() ? *p : nullptr;
}

// The Telegram 2024 policy of the corpus; aborts the test program if it does
// not load (LoadCorpusPolicy has reported why), since nothing else can run.
inline std::shared_ptr<const Policy> Telegram() {
  auto p = LoadCorpusPolicy("telegram-2024.writ");
  if (!p) std::abort();
  return p;
}

}  // namespace writ::testing

#endif  // WRIT_TESTS_TESTING_HELPERS_HPP_
