// The policy corpus: every policy loads without warnings (every rule cites
// its text), its tests pass, there are at least 120 tests, and every rule
// decides at least one test; no policy tells a user about a request under a
// non-disclosure order, or when whether there is one is unknown.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
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
    LoadOptions options;
    options.require_cites = true;
    auto p = Policy::Load(path, options, check);
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

// Notifying a user under a gag order can be contempt; a gag status that is
// not known must not default to notifying. Every request of the base
// workload, signed, from a government address, with every value of the
// notice exceptions, with the gag status set and left out.
TEST(PoliciesTest, NoPolicyNotifiesAUserUnderAGagOrderOrAnUnknownOne) {
  const std::vector<std::string> lines = testing::BaseWorkload(3000);
  ASSERT_EQ(lines.size(), 3000u);
  const std::set<std::string> notices = {"notify_user", "publish_response"};
  size_t decided = 0, withheld = 0, notified = 0;
  for (const std::string& file : testing::CorpusPolicyPaths()) {
    auto p = Policy::Load(file);
    ASSERT_TRUE(p.ok()) << p.status().message();
    for (const std::string& line : lines) {
      for (int gag : {0, 1, 2}) {  // false, true, missing
        for (int counter : {0, 1, 2}) {
          absl::StatusOr<Request> r = (*p)->ParseRequest(line);
          ASSERT_TRUE(r.ok());
          if ((*p)->Attribute("instrument.signed").ok()) {
            ASSERT_TRUE(r->SetBool("instrument.signed", true).ok());
            ASSERT_TRUE(r->SetString("requester.email", "agent@fbi.gov").ok());
            if (gag < 2) {
              ASSERT_TRUE(r->SetBool("instrument.gag_order", gag == 1).ok());
            }
            if (counter < 2) {
              ASSERT_TRUE(r->SetBool("instrument.notice_counterproductive", counter == 1).ok());
            }
          }
          const Decision d = (*p)->Decide(*r);
          ++decided;
          bool notice = false;
          for (const Obligation& o : d.obligations()) notice |= notices.count(o.name) > 0;
          notified += notice;
          if (gag != 0) {
            withheld += d.effect() != Effect::kDeny;
            EXPECT_FALSE(notice) << file << (gag == 1 ? " (gag order)" : " (gag unknown)") << "\n"
                                 << line << "\n"
                                 << d.ToText();
          }
        }
      }
    }
  }
  EXPECT_GT(decided, 100000u);
  EXPECT_GT(notified, 1000u);  // notice is given where it is owed
  EXPECT_GT(withheld, 1000u);
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
