// The test blocks of the Telegram 2024 policy (docs/language.md §8), run
// through the C++ API.
#include <gtest/gtest.h>

#include "testing/helpers.hpp"

namespace writ {
namespace {

TEST(LanguageExamplesTest, Telegram2024TestBlocksPass) {
  auto p = Policy::Load(std::string(WRIT_POLICY_DIR) + "/telegram-2024.writ");
  ASSERT_TRUE(p.ok()) << p.status().message();
  auto results = (*p)->RunTests(/*root_only=*/true);
  ASSERT_FALSE(results.empty());
  for (const auto& r : results) {
    EXPECT_TRUE(r.passed) << r.name << "\n"
                          << (r.failures.empty() ? "" : r.failures[0]) << "\n"
                          << r.explanation;
  }
}

TEST(LanguageExamplesTest, WarrantForCriminalSuspectGoesToReviewContentWithheld) {
  auto loaded = Policy::Load(std::string(WRIT_POLICY_DIR) + "/telegram-2024.writ");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const Policy& p = **loaded;
  Request r = p.NewRequest();
  ASSERT_TRUE(r.SetDate("received", "2024-10-02").ok());
  ASSERT_TRUE(r.SetEnum("requester.kind", "law_enforcement").ok());
  ASSERT_TRUE(r.SetEnum("instrument.type", "search_warrant").ok());
  ASSERT_TRUE(r.SetEnum("instrument.issuer", "judge").ok());
  ASSERT_TRUE(r.SetDate("instrument.expires", "2025-01-01").ok());
  ASSERT_TRUE(r.SetEnum("subject.status", "suspect").ok());
  ASSERT_TRUE(r.SetBool("subject.violates_tos", true).ok());
  ASSERT_TRUE(r.SetEnum("offense.category", "drug_trafficking").ok());
  ASSERT_TRUE(r.SetSet("data.requested", {"ip_address", "message_content"}).ok());
  Decision d = p.Decide(r);
  EXPECT_EQ(d.effect(), Effect::kReview);
  EXPECT_EQ(d.deciding_rules(), std::vector<std::string>{"judicial_order_criminal_suspect"});
  EXPECT_EQ(d.granted(), std::vector<std::string>{"ip_address"});
  EXPECT_EQ(d.withheld(), std::vector<std::string>{"message_content"});
  // The instrument expiring on the day it is received still counts.
  ASSERT_TRUE(r.SetDate("instrument.expires", "2024-10-02").ok());
  EXPECT_EQ(p.Decide(r).effect(), Effect::kReview);
  ASSERT_TRUE(r.SetDate("instrument.expires", "2024-10-01").ok());
  EXPECT_EQ(p.Decide(r).effect(), Effect::kDeny);
}

}  // namespace
}  // namespace writ
