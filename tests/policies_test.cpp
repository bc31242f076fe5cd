// The policy corpus: every policy loads without warnings, its tests pass,
// there are at least 120 tests, and every rule decides at least one test.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "testing/helpers.hpp"

namespace writ {
namespace {

TEST(PoliciesTest, EveryRuleOfEveryPolicyDecidesATestAndAllPass) {
  namespace fs = std::filesystem;
  size_t tests = 0, policies = 0;
  for (const std::string& path : testing::CorpusPolicyPaths()) {
    const fs::path e(path);
    ++policies;
    CheckResult check;
    auto p = Policy::Load(path, {}, check);
    ASSERT_TRUE(p.ok()) << p.status().message();
    EXPECT_TRUE(check.diagnostics.empty()) << check.Format();
    std::set<std::string> decided;
    for (const auto& r : (*p)->RunTests(/*root_only=*/true)) {
      ++tests;
      EXPECT_TRUE(r.passed) << path << ": " << r.name << "\n"
                            << (r.failures.empty() ? "" : r.failures[0]) << "\n"
                            << r.explanation;
      decided.insert(r.deciding_rules.begin(), r.deciding_rules.end());
    }
    for (size_t i = 0; i < (*p)->rule_count(); ++i) {
      EXPECT_TRUE(decided.count((*p)->rule_name(i)))
          << e.filename() << ": rule '" << (*p)->rule_name(i) << "' decides no test";
    }
  }
  EXPECT_GE(policies, 6u);
  EXPECT_GE(tests, 120u);
}

TEST(PoliciesTest, TheTelegramHistoryChecksCleanAndItsTestsPass) {
  CheckResult check;
  auto h = PolicyHistory::Load(std::string(WRIT_POLICY_DIR) + "/telegram.writ", {}, check);
  ASSERT_TRUE(h.ok()) << h.status().message();
  EXPECT_TRUE(check.diagnostics.empty()) << check.Format();
  const std::vector<TestResult> results = (*h)->RunTests();
  EXPECT_GE(results.size(), 7u);
  for (const auto& r : results)
    EXPECT_TRUE(r.passed) << r.name << "\n"
                          << (r.failures.empty() ? "" : r.failures[0]) << "\n"
                          << r.explanation;
}

}  // namespace
}  // namespace writ
