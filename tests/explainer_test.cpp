// Explanations (docs/language.md §9): the deciding rule's rendered message, and
// for every other rule the first false condition with the request's value
// and what the rule needed, or the missing attributes.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>

#include "testing/helpers.hpp"

namespace writ {
namespace {

using testing::Telegram;

const char* kSubpoena = R"({"received": "2024-10-02", "requester": {"kind": "law_enforcement"},
  "instrument": {"type": "subpoena", "issuer": "judge", "expires": "2025-01-01"},
  "subject": {"status": "suspect", "violates_tos": true}, "offense": {"category": "fraud"},
  "data": {"requested": ["ip_address"]}})";

TEST(ExplainerTest, NamesTheFirstFalseConditionWithValueAndNeed) {
  auto p = Telegram();
  Explanation e = p->Explain(testing::Json(*p, kSubpoena));
  EXPECT_EQ(e.decision.effect(), Effect::kDeny);
  ASSERT_EQ(e.rules.size(), 2u);
  EXPECT_EQ(e.rules[0].rule, "judicial_order_criminal_suspect");
  EXPECT_EQ(e.rules[0].status, RuleOutcome::Status::kNotApplied);
  EXPECT_EQ(e.rules[0].reason,
            "instrument.type is subpoena; the rule needs one of {court_order, search_warrant, "
            "production_order}");
  EXPECT_EQ(e.rules[1].reason, "requester.kind is law_enforcement; the rule needs private_party");
  ASSERT_EQ(e.rules[0].cites.size(), 2u);
  EXPECT_EQ(e.rules[0].cites[0].rfind(
                "Privacy Policy §8.3 (2024): \"If Telegram receives a valid order", 0),
            0u);
  EXPECT_GT(e.rules[0].source.line, 0u);
}

TEST(ExplainerTest, DecidingRuleMessageHasPlaceholdersRendered) {
  auto p = Telegram();
  std::string json = kSubpoena;
  json.replace(json.find("subpoena"), 8, "court_order");
  Explanation e = p->Explain(testing::Json(*p, json));
  EXPECT_EQ(e.decision.effect(), Effect::kReview);
  EXPECT_TRUE(e.rules[0].deciding);
  EXPECT_NE(e.rules[0].reason.find("ip_address"), std::string::npos) << e.rules[0].reason;
  EXPECT_NE(e.rules[0].reason.find("(fraud)"), std::string::npos) << e.rules[0].reason;
  EXPECT_EQ(e.rules[0].reason.find('{'), std::string::npos) << e.rules[0].reason;
}

TEST(ExplainerTest, MissingValuesRenderAsMissingAndUnknownRulesListThem) {
  auto p = Telegram();
  Explanation e = p->Explain(testing::Json(*p, R"({"instrument": {"type": "court_order"}})"));
  EXPECT_EQ(e.decision.effect(), Effect::kReview);
  EXPECT_EQ(e.rules[0].status, RuleOutcome::Status::kUnknown);
  EXPECT_FALSE(e.rules[0].missing.empty());
  EXPECT_NE(e.summary.find("missing"), std::string::npos);
}

TEST(ExplainerTest, DateComparisonNamesBothDates) {
  auto p = Telegram();
  std::string json = kSubpoena;
  json.replace(json.find("subpoena"), 8, "court_order");
  json.replace(json.find("2025-01-01"), 10, "2024-10-01");
  Explanation e = p->Explain(testing::Json(*p, json));
  EXPECT_EQ(
      e.rules[0].reason,
      "instrument.expires is 2024-10-01; the rule needs a date on or after received (2024-10-02)");
}

TEST(ExplainerTest, NothingRequestedThatTheRuleMayDisclose) {
  auto p = Telegram();
  std::string json = kSubpoena;
  json.replace(json.find("subpoena"), 8, "court_order");
  json.replace(json.find("\"ip_address\""), 12, "\"message_content\"");
  Explanation e = p->Explain(testing::Json(*p, json));
  EXPECT_EQ(e.decision.effect(), Effect::kDeny);
  EXPECT_NE(e.rules[0].reason.find("nothing requested that this rule may disclose"),
            std::string::npos);
}

TEST(ExplainerTest, JsonRenderingIsValidAndComplete) {
  auto p = Telegram();
  Explanation e = p->Explain(testing::Json(*p, kSubpoena));
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(e.ToJson(), ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(v.at("effect").as_string(), "deny");
  EXPECT_EQ(v.at("explanation").as_array().size(), 2u);
  EXPECT_EQ(v.at("explanation").as_array()[0].at("status").as_string(), "not_applied");
  std::string text = e.ToText();
  EXPECT_NE(text.find("judicial_order_criminal_suspect"), std::string::npos);
  EXPECT_NE(text.find("the rule needs one of"), std::string::npos);
}

TEST(ExplainerTest, OrAndNotAndPresenceReasons) {
  auto p = testing::LoadOrDie(R"(
policy p {}
enum K { a, b, c }
attr k : K
attr n : int
attr flag : bool
rule either { when k == a or n > 5 then allow "x" }
rule negated { when not (k == c) then deny "y" }
rule needs { when flag is present then allow "z" }
)");
  Explanation e = p->Explain(testing::Json(*p, R"({"k": "c", "n": 1})"));
  EXPECT_EQ(e.rules[0].reason,
            "none of the alternatives holds: k is c; the rule needs a; and n is 1; the rule needs "
            "more than 5");
  EXPECT_EQ(e.rules[1].reason, "'k == c' holds, and the rule needs it not to");
  EXPECT_EQ(e.rules[2].reason, "flag is missing; the rule needs it present");
}

}  // namespace
}  // namespace writ
