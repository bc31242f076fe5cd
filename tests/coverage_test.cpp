// What `writ test --coverage` counts: rules seen applying and not, each
// condition's true / false / unknown, and the condition that was the reason
// a rule did not apply.
#include "writ/coverage.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "testing/helpers.hpp"

namespace writ {
namespace {

const char* kPolicy = R"(enum K { a, b }
attr k : K
attr x : int
attr flag : bool
policy p { default deny "d" }
rule r { when k == a and (x > 3 or flag) unless flag is missing then allow "m" }
test "applies" { given { k = a  x = 4  flag = false } expect allow by r }
test "k is b" { given { k = b  x = 4  flag = true } expect deny }
test "x missing, flag true" { given { k = a  flag = true } expect allow by r }
)";

const ConditionCoverage& Condition(const CoverageReport& r, const std::string& text) {
  for (const auto& c : r.conditions)
    if (c.text == text) return c;
  ADD_FAILURE() << "no condition " << text;
  static ConditionCoverage none;
  return none;
}

TEST(CoverageTest, CountsRulesConditionsAndReasons) {
  auto p = testing::LoadOrDie(kPolicy);
  CoverageReport report;
  auto results = p->RunTests(/*root_only=*/true, &report);
  for (const auto& t : results) EXPECT_TRUE(t.passed) << t.name;
  EXPECT_EQ(report.tests, 3);
  ASSERT_EQ(report.rules.size(), 1u);
  EXPECT_EQ(report.rules[0].applied, 2);
  EXPECT_EQ(report.rules[0].not_applied, 1);
  EXPECT_TRUE(report.rules[0].covered());
  ASSERT_EQ(report.conditions.size(), 4u);
  const auto& k = Condition(report, "k == a");
  EXPECT_EQ(k.seen_true, 2);
  EXPECT_EQ(k.seen_false, 1);
  EXPECT_EQ(k.reason, 1);  // the first false conjunct when k is b
  const auto& x = Condition(report, "x > 3");
  EXPECT_EQ(x.seen_unknown, 1);
  EXPECT_EQ(x.reason, 0);
  const auto& missing = Condition(report, "flag is missing");
  EXPECT_FALSE(missing.can_be_unknown);
  EXPECT_EQ(missing.seen_false, 3);
  EXPECT_EQ(missing.outcomes(), 2);
  // 4 conditions: k (3 outcomes; true and false seen), x (3; true and
  // unknown), flag (3; false and true), flag is missing (2; false).
  EXPECT_EQ(report.condition_outcomes(), 11);
  EXPECT_EQ(report.condition_outcomes_seen(), 7);
  EXPECT_EQ(report.rule_percent(), 100.0);
}

TEST(CoverageTest, LcovAndJsonForms) {
  auto p = testing::LoadOrDie(kPolicy);
  CoverageReport report;
  p->RunTests(true, &report);
  const std::string lcov = report.ToLcov();
  EXPECT_NE(lcov.find("SF:p.writ\n"), std::string::npos) << lcov;
  EXPECT_NE(lcov.find("DA:6,2\n"), std::string::npos) << lcov;
  EXPECT_NE(lcov.find("end_of_record\n"), std::string::npos);
  boost::json::value j = boost::json::parse(report.ToJson());
  EXPECT_EQ(j.at("summary").at("rules_covered").as_int64(), 1);
  EXPECT_EQ(j.at("conditions").as_array().size(), 4u);
}

}  // namespace
}  // namespace writ
