// The request-policy contract (request.hpp: lifetime and binding): a request
// decided by a policy other than the one it was made for is decided as that
// policy would decide the same values, and a request never dangles.
#include <gtest/gtest.h>

#include "testing/helpers.hpp"

namespace writ {
namespace {

using testing::LoadOrDie;

// Two policies that differ only in a string constant (and so in their
// interned string ids) and in the order of an enum's members.
std::string PolicyText(const char* country, const char* members) {
  return absl::StrCat(R"(
enum Kind { )",
                      members, R"( }
attr requester.kind : Kind
attr requester.country : string
attr tags : set<string>
policy p { default deny "no" }
rule domestic_court {
  when requester.kind == court and requester.country == ")",
                      country, R"("
  then allow "ok"
}
rule foreign {
  when requester.kind == court and requester.country != ")",
                      country, R"(" and tags contains "x"
  then review "check"
}
)");
}

Request Build(const Policy& p, const std::string& country) {
  Request r = p.NewRequest();
  EXPECT_TRUE(r.SetEnum("requester.kind", "court").ok());
  EXPECT_TRUE(r.SetString("requester.country", country).ok());
  EXPECT_TRUE(r.SetSet("tags", {"x", "y"}).ok());
  return r;
}

TEST(RequestBindingTest, ARequestDecidedByAnotherPolicyIsDecidedAsThatPolicyWould) {
  auto first = LoadOrDie(PolicyText("DE", "police, court"));
  auto second = LoadOrDie(PolicyText("FR", "court, police, agency"));
  for (const char* country : {"DE", "FR", "US"}) {
    Request for_first = Build(*first, country);
    Request for_second = Build(*second, country);
    EXPECT_TRUE(for_first.BoundTo(*first));
    EXPECT_FALSE(for_first.BoundTo(*second));
    Decision crossed = second->Decide(for_first);
    Decision native = second->Decide(for_second);
    EXPECT_EQ(crossed.effect(), native.effect()) << country;
    EXPECT_EQ(crossed.deciding_rules(), native.deciding_rules()) << country;
    EXPECT_EQ(crossed.ToJson(), native.ToJson()) << country;
    EXPECT_EQ(second->Explain(for_first).ToJson(), second->Explain(for_second).ToJson());
  }
  // The case that used to be silently wrong: built for the first policy,
  // "FR" is not one of its interned strings; the second policy allows it.
  EXPECT_EQ(second->Decide(Build(*first, "FR")).effect(), Effect::kAllow);
  EXPECT_EQ(first->Decide(Build(*second, "FR")).effect(), Effect::kReview);
}

TEST(RequestBindingTest, ValuesThatDoNotFitTheOtherSchemaAreInputProblems) {
  auto first = LoadOrDie(PolicyText("DE", "court, prosecutor"));
  auto second = LoadOrDie(PolicyText("DE", "court, police"));
  Request r = first->NewRequest();
  ASSERT_TRUE(r.SetEnum("requester.kind", "prosecutor").ok());
  ASSERT_TRUE(r.SetString("requester.country", "DE").ok());
  Decision d = second->Decide(r);
  ASSERT_EQ(d.problems().size(), 1u);
  EXPECT_EQ(d.problems()[0].attribute, "requester.kind");
  EXPECT_NE(d.problems()[0].message.find("prosecutor"), std::string::npos);
  // requester.kind is missing for the second policy: the fail-safe rule.
  EXPECT_EQ(d.effect(), Effect::kReview);
  EXPECT_TRUE(d.open());
}

TEST(RequestBindingTest, ARequestOutlivesThePolicyThatMadeIt) {
  auto second = LoadOrDie(PolicyText("DE", "police, court"));
  Request r = [] {
    auto first = LoadOrDie(PolicyText("DE", "court, police"));
    return Build(*first, "DE");
  }();  // the first policy is freed here; the request keeps its schema
  EXPECT_EQ(second->Decide(r).effect(), Effect::kAllow);
  Request copy = r;
  ASSERT_TRUE(copy.SetString("requester.country", "FR").ok());
  EXPECT_EQ(second->Decide(copy).effect(), Effect::kReview);
}

TEST(RequestBindingTest, ParsingIntoARequestOfAnotherPolicyRebindsIt) {
  auto first = LoadOrDie(PolicyText("DE", "court, police"));
  auto second = LoadOrDie(PolicyText("FR", "police, court"));
  Request r = first->NewRequest();
  ASSERT_TRUE(second->ParseRequest(R"({"requester": {"kind": "court", "country": "FR"}})", r).ok());
  EXPECT_TRUE(r.BoundTo(*second));
  EXPECT_EQ(second->Decide(r).effect(), Effect::kAllow);
}

TEST(RequestBindingTest, SettersSuggestNearNames) {
  auto p = LoadOrDie(PolicyText("DE", "court, police"));
  Request r = p->NewRequest();
  absl::Status s = r.SetEnum("requester.knd", "court");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(s.message().find("did you mean 'requester.kind'"), std::string::npos) << s;
  s = r.SetEnum("requester.kind", "cort");
  EXPECT_NE(s.message().find("did you mean 'court'"), std::string::npos) << s;
}

}  // namespace
}  // namespace writ
