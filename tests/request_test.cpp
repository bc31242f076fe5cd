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
