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
  for (const auto& e : fs::directory_iterator(WRIT_POLICY_DIR)) {
    if (e.path().extension() != ".writ" || e.path().filename() == "disclosure-schema.writ")
      continue;
    ++policies;
    CheckResult check;
    auto p = Policy::Load(e.path().string(), {}, check);
    ASSERT_TRUE(p.ok()) << p.status().message();
    EXPECT_TRUE(check.diagnostics.empty()) << check.Format();
    std::set<std::string> decided;
    for (const auto& r : (*p)->RunTests(/*root_only=*/true)) {
      ++tests;
      EXPECT_TRUE(r.passed) << e.path() << ": " << r.name << "\n"
                            << (r.failures.empty() ? "" : r.failures[0]) << "\n"
                            << r.explanation;
      decided.insert(r.deciding_rules.begin(), r.deciding_rules.end());
    }
    for (size_t i = 0; i < (*p)->rule_count(); ++i) {
      EXPECT_TRUE(decided.count((*p)->rule_name(i)))
          << e.path().filename() << ": rule '" << (*p)->rule_name(i) << "' decides no test";
    }
  }
  EXPECT_GE(policies, 6u);
  EXPECT_GE(tests, 120u);
}

}  // namespace
}  // namespace writ
