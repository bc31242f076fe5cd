// Tests of evaluation semantics (docs/language.md §7): Kleene logic over missing
// attributes, both combining algorithms, the fail-safe rule, items and
// obligations.
#include <gtest/gtest.h>

#include "api/policy_data.hpp"
#include "testing/helpers.hpp"

namespace writ {
namespace {

using testing::Json;
using testing::LoadOrDie;

const char* kSchema = R"(
enum Kind { police, court, private_party }
enum Item { ip, phone, content }
attr kind     : Kind
attr urgent   : bool
attr count    : int
attr country  : string
attr tags     : set<string>
attr received : date
attr expires  : date
attr asked    : set<Item>
)";

std::shared_ptr<const Policy> Make(const std::string& head, const std::string& rules) {
  return LoadOrDie(std::string(kSchema) + head + rules);
}

const char* kDenyOverrides = R"(
policy p { items asked default deny "nothing applies" }
)";

TEST(EvaluatorTest, DefaultDecidesWhenNoRuleApplies) {
  auto p = Make(kDenyOverrides, R"(rule r { when kind == court then allow "ok" })");
  Decision d = p->Decide(Json(*p, R"({"kind": "police", "asked": ["ip"]})"));
  EXPECT_EQ(d.effect(), Effect::kDeny);
  EXPECT_TRUE(d.by_default());
  EXPECT_TRUE(d.deciding_rules().empty());
  EXPECT_EQ(d.withheld(), std::vector<std::string>{"ip"});
}

TEST(EvaluatorTest, DenyOverridesReviewAndAllow) {
  auto p = Make(kDenyOverrides, R"(
rule a { when kind == court then allow "a" }
rule r { when count > 1 then review "r" }
rule d { when urgent then deny "d" }
)");
  EXPECT_EQ(p->Decide(Json(*p, R"({"kind":"court","count":2,"urgent":true})")).effect(),
            Effect::kDeny);
  Decision d = p->Decide(Json(*p, R"({"kind":"court","count":2,"urgent":false})"));
  EXPECT_EQ(d.effect(), Effect::kReview);
  EXPECT_EQ(d.deciding_rules(), std::vector<std::string>{"r"});
  EXPECT_EQ(p->Decide(Json(*p, R"({"kind":"court","count":0,"urgent":false})")).effect(),
            Effect::kAllow);
}

TEST(EvaluatorTest, EveryApplyingRuleWithTheWinningEffectDecides) {
  auto p = Make(kDenyOverrides, R"(
rule a { when kind == court then review "a" disclose {ip} obligation one }
rule b { when count > 1 then review "b" disclose {phone} obligation two obligation one }
)");
  Decision d =
      p->Decide(Json(*p, R"({"kind":"court","count":2,"asked":["ip","phone","content"]})"));
  EXPECT_EQ(d.effect(), Effect::kReview);
  EXPECT_EQ(d.deciding_rules(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(d.granted(), (std::vector<std::string>{"ip", "phone"}));
  EXPECT_EQ(d.withheld(), std::vector<std::string>{"content"});
  EXPECT_EQ(d.obligations(),
            (std::vector<Obligation>{{"one", std::nullopt}, {"two", std::nullopt}}));
}

TEST(EvaluatorTest, FirstMatchTakesTheFirstApplyingRuleInOrder) {
  auto p = Make(R"(policy p { combine first_match items asked })", R"(
rule a { when count > 10 then allow "big" }
rule b { when count > 1 then deny "medium" }
rule c { when count > 0 then review "small" }
)");
  EXPECT_EQ(p->Decide(Json(*p, R"({"count":20})")).deciding_rules(), std::vector<std::string>{"a"});
  EXPECT_EQ(p->Decide(Json(*p, R"({"count":5})")).effect(), Effect::kDeny);
  EXPECT_EQ(p->Decide(Json(*p, R"({"count":1})")).effect(), Effect::kReview);
  EXPECT_EQ(p->Decide(Json(*p, R"({"count":0})")).effect(), Effect::kDeny);  // default
}

TEST(EvaluatorTest, MissingAttributeThatCouldDenyGivesReview) {
  auto p = Make(kDenyOverrides, R"(
rule ok { when kind == court then allow "ok" }
rule no { when urgent then deny "no" }
)");
  Decision d = p->Decide(Json(*p, R"({"kind":"court"})"));
  EXPECT_EQ(d.effect(), Effect::kReview);
  EXPECT_TRUE(d.open());
  EXPECT_EQ(d.missing(), std::vector<std::string>{"urgent"});
  EXPECT_TRUE(d.granted().empty());
}

TEST(EvaluatorTest, MissingAttributeThatCannotChangeTheOutcomeIsNotListed) {
  auto p = Make(kDenyOverrides, R"(
rule no  { when kind == private_party then deny "no" }
rule may { when urgent then allow "urgent" }
)");
  // Denied whatever `urgent` is.
  Decision d = p->Decide(Json(*p, R"({"kind":"private_party"})"));
  EXPECT_EQ(d.effect(), Effect::kDeny);
  EXPECT_FALSE(d.open());
  EXPECT_TRUE(d.missing().empty());
}

TEST(EvaluatorTest, KleeneAndWithFalseIsFalseEvenWhenTheOtherSideIsMissing) {
  auto p = Make(kDenyOverrides, R"(rule r { when urgent and kind == court then allow "r" })");
  Decision d = p->Decide(Json(*p, R"({"kind":"police"})"));
  EXPECT_EQ(d.effect(), Effect::kDeny);
  EXPECT_FALSE(d.open());
}

TEST(EvaluatorTest, KleeneOrWithTrueIsTrueEvenWhenTheOtherSideIsMissing) {
  auto p = Make(kDenyOverrides, R"(rule r { when urgent or kind == court then allow "r" })");
  EXPECT_EQ(p->Decide(Json(*p, R"({"kind":"court"})")).effect(), Effect::kAllow);
}

TEST(EvaluatorTest, NotOfUnknownIsUnknown) {
  auto p = Make(kDenyOverrides, R"(rule r { when not urgent then allow "r" })");
  Decision d = p->Decide(Json(*p, R"({})"));
  EXPECT_EQ(d.effect(), Effect::kReview);
  EXPECT_EQ(d.missing(), std::vector<std::string>{"urgent"});
}

TEST(EvaluatorTest, PresenceTestsAreNeverUnknown) {
  auto p = Make(kDenyOverrides, R"(
rule a { when urgent is missing then allow "a" }
rule b { when kind is present and kind != court then deny "b" }
)");
  EXPECT_EQ(p->Decide(Json(*p, R"({})")).effect(), Effect::kAllow);
  EXPECT_EQ(p->Decide(Json(*p, R"({"urgent":true,"kind":"police"})")).effect(), Effect::kDeny);
}

TEST(EvaluatorTest, UnlessExceptsARule) {
  auto p = Make(kDenyOverrides, R"(rule r { when kind == court unless urgent then allow "r" })");
  EXPECT_EQ(p->Decide(Json(*p, R"({"kind":"court","urgent":false})")).effect(), Effect::kAllow);
  EXPECT_EQ(p->Decide(Json(*p, R"({"kind":"court","urgent":true})")).effect(), Effect::kDeny);
  EXPECT_TRUE(p->Decide(Json(*p, R"({"kind":"court"})")).open());
}

TEST(EvaluatorTest, DiscloseRuleDoesNotApplyWhenNothingItMayDiscloseIsRequested) {
  auto p =
      Make(kDenyOverrides, R"(rule r { when kind == court then review "r" disclose {ip, phone} })");
  EXPECT_EQ(p->Decide(Json(*p, R"({"kind":"court","asked":["content"]})")).effect(), Effect::kDeny);
  Decision d = p->Decide(Json(*p, R"({"kind":"court","asked":["content","phone"]})"));
  EXPECT_EQ(d.effect(), Effect::kReview);
  EXPECT_EQ(d.granted(), std::vector<std::string>{"phone"});
  EXPECT_EQ(d.withheld(), std::vector<std::string>{"content"});
}

TEST(EvaluatorTest, MissingItemsLeaveADiscloseRuleOpen) {
  auto p = Make(kDenyOverrides, R"(rule r { when kind == court then review "r" disclose {ip} })");
  Decision d = p->Decide(Json(*p, R"({"kind":"court"})"));
  EXPECT_EQ(d.effect(), Effect::kReview);
  EXPECT_TRUE(d.open());
  EXPECT_EQ(d.missing(), std::vector<std::string>{"asked"});
}

TEST(EvaluatorTest, RuleWithoutDiscloseGrantsEveryRequestedItem) {
  auto p = Make(kDenyOverrides, R"(rule r { when kind == court then allow "r" })");
  Decision d = p->Decide(Json(*p, R"({"kind":"court","asked":["ip","content"]})"));
  EXPECT_EQ(d.granted(), (std::vector<std::string>{"ip", "content"}));
  EXPECT_TRUE(d.withheld().empty());
}

TEST(EvaluatorTest, DefaultAllowWithAMissingDenyConditionIsReview) {
  auto p = Make(R"(policy p { default allow "open by default" })",
                R"(rule r { when country == "XX" then deny "embargo" })");
  EXPECT_EQ(p->Decide(Json(*p, R"({"country":"DE"})")).effect(), Effect::kAllow);
  EXPECT_EQ(p->Decide(Json(*p, R"({"country":"XX"})")).effect(), Effect::kDeny);
  Decision d = p->Decide(Json(*p, R"({})"));
  EXPECT_EQ(d.effect(), Effect::kReview);
  EXPECT_EQ(d.missing(), std::vector<std::string>{"country"});
}

TEST(EvaluatorTest, FirstMatchUnknownRuleBeforeTheDecidingOneLeavesItOpen) {
  auto p = Make(R"(policy p { combine first_match })", R"(
rule a { when urgent then deny "a" }
rule b { when kind == court then allow "b" }
)");
  Decision d = p->Decide(Json(*p, R"({"kind":"court"})"));
  EXPECT_EQ(d.effect(), Effect::kReview);
  EXPECT_EQ(d.missing(), std::vector<std::string>{"urgent"});
  // An unknown rule after the deciding one changes nothing.
  auto q = Make(R"(policy p { combine first_match })", R"(
rule b { when kind == court then allow "b" }
rule a { when urgent then deny "a" }
)");
  EXPECT_EQ(q->Decide(Json(*q, R"({"kind":"court"})")).effect(), Effect::kAllow);
}

TEST(EvaluatorTest, FirstMatchUnknownRuleWithTheSameEffectDoesNotOpen) {
  auto p = Make(R"(policy p { combine first_match })", R"(
rule a { when urgent then allow "a" }
rule b { when kind == court then allow "b" }
)");
  Decision d = p->Decide(Json(*p, R"({"kind":"court"})"));
  EXPECT_EQ(d.effect(), Effect::kAllow);
  EXPECT_EQ(d.deciding_rules(), std::vector<std::string>{"b"});
}

TEST(EvaluatorTest, ComparisonsOfEveryType) {
  auto p = Make(kDenyOverrides, R"(
rule int_ge   { when count >= 3 then allow "x" }
rule date_cmp { when expires >= received then allow "x" }
rule str_like { when country like "D*" then allow "x" }
rule str_in   { when country in {"FR", "IT"} then allow "x" }
rule set_has  { when tags contains "vip" then allow "x" }
rule set_any  { when tags contains_any {"a", "b"} then allow "x" }
rule set_all  { when asked contains_all {ip, phone} then allow "x" }
rule set_none { when asked contains_none {content} and count == 0 then allow "x" }
rule not_in   { when kind not in {police, court} then allow "x" }
)");
  auto rules = [&](const std::string& json) { return p->Decide(Json(*p, json)).deciding_rules(); };
  EXPECT_EQ(rules(R"({"count":3})"), std::vector<std::string>{"int_ge"});
  EXPECT_EQ(rules(R"({"expires":"2024-01-01","received":"2024-01-01"})"),
            std::vector<std::string>{"date_cmp"});
  EXPECT_TRUE(rules(R"({"expires":"2023-12-31","received":"2024-01-01"})").empty());
  EXPECT_EQ(rules(R"({"country":"DE"})"), std::vector<std::string>{"str_like"});
  EXPECT_EQ(rules(R"({"country":"IT"})"), std::vector<std::string>{"str_in"});
  EXPECT_EQ(rules(R"({"tags":["x","vip"]})"), std::vector<std::string>{"set_has"});
  EXPECT_EQ(rules(R"({"tags":["b"]})"), std::vector<std::string>{"set_any"});
  EXPECT_EQ(rules(R"({"asked":["ip","phone"],"count":1})"), std::vector<std::string>{"set_all"});
  EXPECT_EQ(rules(R"({"asked":["ip"],"count":0})"), std::vector<std::string>{"set_none"});
  EXPECT_EQ(rules(R"({"kind":"private_party"})"), std::vector<std::string>{"not_in"});
}

TEST(EvaluatorTest, LikeTreatsEscapedStarLiterally) {
  auto p = Make(kDenyOverrides, R"(rule r { when country like "a\\*b" then allow "x" })");
  EXPECT_EQ(p->Decide(Json(*p, R"({"country":"a*b"})")).effect(), Effect::kAllow);
  EXPECT_EQ(p->Decide(Json(*p, R"({"country":"axxb"})")).effect(), Effect::kDeny);
}

TEST(EvaluatorTest, IndexedRulesDecideLikeUnindexedOnes) {
  // Enough equality rules on one attribute that the compiler indexes them.
  std::string rules;
  for (int i = 0; i < 50; ++i) {
    rules += "rule c" + std::to_string(i) + " { when country == \"C" + std::to_string(i) +
             "\" and count > " + std::to_string(i % 3) + " then " + (i % 2 ? "allow" : "deny") +
             " \"x\" }\n";
  }
  rules += "rule any { when urgent then review \"u\" }\n";
  auto p = Make(kDenyOverrides, rules);
  for (int i = 0; i < 50; ++i) {
    std::string json = "{\"country\":\"C" + std::to_string(i) + "\",\"count\":2,\"urgent\":true}";
    Decision d = p->Decide(Json(*p, json));
    // c<i> applies when 2 > i % 3; an applying deny (even i) overrides `any`.
    bool applies = 2 > i % 3;
    EXPECT_EQ(d.effect(), applies && i % 2 == 0 ? Effect::kDeny : Effect::kReview) << i;
    EXPECT_EQ(d.deciding_rules().size(), applies && i % 2 == 0 ? 1u : 1u) << i;
  }
  // An unknown country value, and a missing one.
  EXPECT_EQ(p->Decide(Json(*p, R"({"country":"nope","urgent":false})")).effect(), Effect::kDeny);
  Decision open = p->Decide(Json(*p, R"({"count":2,"urgent":false})"));
  EXPECT_EQ(open.effect(), Effect::kReview);
  EXPECT_EQ(open.missing(), std::vector<std::string>{"country"});
}

TEST(EvaluatorTest, DecisionCarriesThePolicyIdentity) {
  auto p = Make(R"(policy named { version "7" })", R"(rule r { then allow "x" })");
  Decision d = p->Decide(p->NewRequest());
  EXPECT_EQ(d.policy()->name(), "named");
  EXPECT_EQ(d.policy()->version(), "7");
  EXPECT_EQ(d.policy()->sha256().size(), 64u);
  EXPECT_NE(d.ToJson().find(p->sha256()), std::string::npos);
}

TEST(EvaluatorTest, ApiSettersAndHandlesAgree) {
  auto p = Make(kDenyOverrides, R"(rule r { when kind == court and count > 1 then allow "x" })");
  Request a = p->NewRequest();
  ASSERT_TRUE(a.SetEnum("kind", "court").ok());
  ASSERT_TRUE(a.SetInt("count", 2).ok());
  Request b = p->NewRequest();
  auto kind = p->Attribute("kind");
  auto count = p->Attribute("count");
  ASSERT_TRUE(kind.ok() && count.ok());
  b.SetEnum(*kind, *p->Member(*kind, "court"));
  b.SetInt(*count, 2);
  EXPECT_EQ(p->Decide(a).effect(), Effect::kAllow);
  EXPECT_EQ(p->Decide(b).effect(), Effect::kAllow);
  EXPECT_EQ(a.SetEnum("kind", "judge").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(a.SetInt("knd", 1).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(a.SetBool("count", true).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(a.SetDate("received", "2024-02-30").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(a.SetDate("received", "2024-02-29").ok());
}

}  // namespace
}  // namespace writ

namespace writ {
namespace {

TEST(EvaluatorTest, ManyApplyingAndUnknownRulesAreAllCounted) {
  // More applying rules than the evaluator keeps on its stack.
  std::string rules;
  for (int i = 0; i < 70; ++i) {
    rules += "rule a" + std::to_string(i) + " { when count >= 0 then review \"x\" }\n";
    rules += "rule u" + std::to_string(i) + " { when urgent then deny \"y\" }\n";
  }
  auto p = testing::LoadOrDie(std::string(kSchema) + "policy p {}\n" + rules);
  ASSERT_NE(p, nullptr);
  Decision d = p->Decide(testing::Json(*p, R"({"count": 1, "urgent": false})"));
  EXPECT_EQ(d.effect(), Effect::kReview);
  EXPECT_EQ(d.deciding_rules().size(), 70u);
  Decision open = p->Decide(testing::Json(*p, R"({"count": 1})"));
  EXPECT_TRUE(open.open());
  EXPECT_EQ(open.missing(), std::vector<std::string>{"urgent"});
}

}  // namespace
}  // namespace writ

namespace writ {
namespace {

TEST(EvaluatorTest, SchemasWithMoreThan64AttributesSpillAndStillDecide) {
  std::string text = "policy p { default deny \"no\" }\n";
  for (int i = 0; i < 130; ++i) text += "attr a" + std::to_string(i) + " : bool\n";
  text += "attr day : date\nattr n : int\n";
  text +=
      "rule late { when a129 and a70 and not a3 and day >= 2024-01-01 and n > 2 then allow \"x\" "
      "}\n";
  auto p = testing::LoadOrDie(text);
  ASSERT_NE(p, nullptr);
  Decision d = p->Decide(testing::Json(
      *p, R"({"a129": true, "a70": true, "a3": false, "day": "2024-05-01", "n": 3})"));
  EXPECT_EQ(d.effect(), Effect::kAllow);
  Decision open =
      p->Decide(testing::Json(*p, R"({"a70": true, "a3": false, "day": "2024-05-01", "n": 3})"));
  EXPECT_EQ(open.effect(), Effect::kReview);
  EXPECT_EQ(open.missing(), std::vector<std::string>{"a129"});
  Decision no = p->Decide(testing::Json(*p, R"({"a129": true, "a70": true, "a3": true})"));
  EXPECT_EQ(no.effect(), Effect::kDeny);
}

TEST(EvaluatorTest, BitParallelFastCaseReadsPresencePastTheFirstWord) {
  std::string text = "policy p { default deny \"no\" }\n";
  for (int i = 0; i < 140; ++i) text += "attr a" + std::to_string(i) + " : bool\n";
  text += "rule r { when a139 and a70 and a1 then allow \"x\" }\n";
  auto p = testing::LoadOrDie(text);
  ASSERT_NE(p, nullptr);
  const detail::RuleBitmap& b = detail::PolicyAccess::Data(*p).program.bitmap;
  EXPECT_TRUE(b.fast);
  ASSERT_EQ(b.need_more.size(), 2u);  // words 1 and 2
  EXPECT_EQ(b.need_more[0], uint64_t{1} << (70 - 64));
  EXPECT_EQ(b.need_more[1], uint64_t{1} << (139 - 128));
  auto decide = [&](const char* json) { return p->Decide(testing::Json(*p, json)); };
  EXPECT_EQ(decide(R"({"a139": true, "a70": true, "a1": true})").effect(), Effect::kAllow);
  EXPECT_EQ(decide(R"({"a139": false, "a70": true, "a1": true})").effect(), Effect::kDeny);
  Decision open = decide(R"({"a70": true, "a1": true})");
  EXPECT_EQ(open.effect(), Effect::kReview);
  EXPECT_EQ(open.missing(), std::vector<std::string>{"a139"});
  EXPECT_EQ(decide(R"({"a70": false, "a1": true})").effect(), Effect::kDeny);
}

}  // namespace
}  // namespace writ
