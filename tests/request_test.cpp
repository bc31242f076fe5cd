// Requests from JSON (docs/language.md §7.5, input problems) and through the API.
#include <gtest/gtest.h>

#include "testing/helpers.hpp"

namespace writ {
namespace {

using testing::Telegram;

TEST(RequestTest, WrongTypeUnknownEnumAndBadDateAreProblemsDecidedFailSafe) {
  auto p = Telegram();
  auto r = p->ParseRequest(R"({
    "received": "2024-10-02", "requester": {"kind": "law_enforcement"},
    "instrument": {"type": "search_warant", "issuer": "judge", "expires": "2025-13-01"},
    "subject": {"status": "suspect", "violates_tos": "yes"},
    "data": {"requested": ["ip_address"]}})");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->problems().size(), 3u);
  Decision d = p->Decide(*r);
  EXPECT_EQ(d.effect(), Effect::kReview);
  EXPECT_TRUE(d.open());
  EXPECT_EQ(d.missing(), (std::vector<std::string>{"instrument.type", "instrument.expires",
                                                   "subject.violates_tos"}));
  ASSERT_EQ(d.problems().size(), 3u);
  std::string json = d.ToJson();
  EXPECT_NE(json.find("instrument.type"), std::string::npos);
  EXPECT_NE(json.find("not a date"), std::string::npos);
  EXPECT_NE(json.find("must be true or false"), std::string::npos);
  EXPECT_NE(json.find("did you mean 'search_warrant'"), std::string::npos);
}

TEST(RequestTest, MalformedJsonIsAnErrorForThatRequestAlone) {
  auto p = Telegram();
  EXPECT_EQ(p->ParseRequest(R"({"received": )").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p->ParseRequest(R"([1, 2])").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p->ParseRequest("").status().code(), absl::StatusCode::kInvalidArgument);
  // The same Request object is usable afterwards.
  Request r = p->NewRequest();
  EXPECT_FALSE(p->ParseRequest("{", r).ok());
  EXPECT_TRUE(p->ParseRequest(R"({"requester": {"kind": "private_party"}})", r).ok());
  EXPECT_EQ(p->Decide(r).effect(), Effect::kDeny);
}

TEST(RequestTest, UndeclaredFieldsAreIgnoredAndNullIsMissing) {
  auto p = Telegram();
  auto r = p->ParseRequest(R"({"extra": 1, "requester": {"kind": null, "shoe_size": 42}})");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->problems().empty());
  auto h = p->Attribute("requester.kind");
  ASSERT_TRUE(h.ok());
  EXPECT_FALSE(r->present(h->index));
}

TEST(RequestTest, NonObjectWhereAnObjectIsExpectedIsAProblem) {
  auto p = Telegram();
  auto r = p->ParseRequest(R"({"instrument": "court_order"})");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->problems().size(), 1u);
  EXPECT_EQ(r->problems()[0].attribute, "instrument");
}

TEST(RequestTest, UnknownSetMemberMakesTheWholeSetMissing) {
  auto p = Telegram();
  auto r = p->ParseRequest(R"({"data": {"requested": ["ip_address", "dna"]}})");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->problems().size(), 1u);
  auto h = p->Attribute("data.requested");
  EXPECT_FALSE(r->present(h->index));
}

TEST(RequestTest, ClearKeepsNothing) {
  auto p = Telegram();
  auto r = p->ParseRequest(R"({"requester": {"kind": "court"}, "received": 5})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->problems().size(), 1u);
  r->Clear();
  EXPECT_TRUE(r->problems().empty());
  for (size_t i = 0; i < p->attribute_count(); ++i) EXPECT_FALSE(r->present(i));
}

TEST(RequestTest, DeeplyNestedJsonIsRejectedNotACrash) {
  auto p = Telegram();
  std::string deep(10000, '[');
  EXPECT_FALSE(p->ParseRequest(deep).ok());
  std::string objs;
  for (int i = 0; i < 5000; ++i) objs += "{\"a\":";
  EXPECT_FALSE(p->ParseRequest(objs).ok());
}

}  // namespace
}  // namespace writ

namespace writ {
namespace {

TEST(RequestTest, AKeyGivenTwiceIsMissingWhicheverOrder) {
  auto p = testing::Telegram();
  const char* a = R"({"requester": {"kind": "private_party", "kind": "law_enforcement"}})";
  const char* b = R"({"requester": {"kind": "law_enforcement", "kind": "private_party"}})";
  Request ra = testing::Json(*p, a), rb = testing::Json(*p, b);
  for (const Request* r : {&ra, &rb}) {
    EXPECT_FALSE(r->present(p->Attribute("requester.kind")->index));
    ASSERT_EQ(r->problems().size(), 1u);
    EXPECT_EQ(r->problems()[0].attribute, "requester.kind");
    EXPECT_NE(r->problems()[0].message.find("given twice"), std::string::npos);
  }
  EXPECT_EQ(p->Decide(ra).ToJson(), p->Decide(rb).ToJson());
  // A whole object given twice: every attribute under it is missing.
  Request rc =
      testing::Json(*p, R"({"subject": {"status": "suspect"}, "subject": {"status": "witness"}})");
  EXPECT_FALSE(rc.present(p->Attribute("subject.status")->index));
  ASSERT_EQ(rc.problems().size(), 1u);
  EXPECT_EQ(rc.problems()[0].attribute, "subject");
}

TEST(RequestTest, ARequestWithNoDeclaredFieldIsReported) {
  auto p = testing::Telegram();
  Request r = testing::Json(*p, R"({"caller": {"agency": "x"}, "when": "2024-01-01"})");
  ASSERT_EQ(r.problems().size(), 1u);
  EXPECT_NE(r.problems()[0].message.find("none of the request's fields (caller, when)"),
            std::string::npos)
      << r.problems()[0].message;
  EXPECT_NE(r.problems()[0].message.find("telegram_2024"), std::string::npos);
  // Some declared fields: the others are ignored, as before.
  Request ok = testing::Json(*p, R"({"received": "2024-01-01", "note": "x"})");
  EXPECT_TRUE(ok.problems().empty());
  // An empty request has no fields at all: nothing to report.
  EXPECT_TRUE(testing::Json(*p, "{}").problems().empty());
}

TEST(RequestTest, UndeclaredFieldsAreProblemsWhenAsked) {
  auto p = testing::Telegram();
  Request r = p->NewRequest();
  ParseOptions strict;
  strict.undeclared_fields_are_problems = true;
  ASSERT_TRUE(
      p->ParseRequest(R"({"received": "2024-01-01", "requester": {"knd": "court"}})", r, strict)
          .ok());
  ASSERT_EQ(r.problems().size(), 1u);
  EXPECT_EQ(r.problems()[0].attribute, "requester.knd");
  EXPECT_NE(r.problems()[0].message.find("did you mean 'requester.kind'"), std::string::npos);
  EXPECT_TRUE(r.present(p->Attribute("received")->index));
}

TEST(RequestTest, IntegersOutOfRangeSaySo) {
  auto p = testing::LoadOrDie(R"(
attr n : int
policy p { default deny "no" }
rule r { when n > 3 then allow "yes" }
)");
  for (const char* text :
       {R"({"n": 9223372036854775808})", R"({"n": 18446744073709551615})", R"({"n": -1e30})"}) {
    Request r = testing::Json(*p, text);
    ASSERT_EQ(r.problems().size(), 1u) << text;
    EXPECT_NE(r.problems()[0].message.find("out of the range of an int"), std::string::npos)
        << r.problems()[0].message;
    EXPECT_EQ(p->Decide(r).effect(), Effect::kReview);  // missing: open
  }
  Request frac = testing::Json(*p, R"({"n": 2.5})");
  ASSERT_EQ(frac.problems().size(), 1u);
  EXPECT_NE(frac.problems()[0].message.find("must be an integer, not a number"), std::string::npos);
}

}  // namespace
}  // namespace writ
