// The checker's rules, one claim per test (the malformed-policy corpus is in
// golden_test).
#include <gtest/gtest.h>

#include "testing/helpers.hpp"

namespace writ {
namespace {

using testing::CheckText;

const char* kBase = R"(policy p { items asked }
enum Kind { police, court }
enum Item { ip, phone }
enum Other { court, judge }
attr kind : Kind
attr other : Other
attr asked : set<Item>
attr country : string
)";

TEST(CheckerTest, BareMembersResolveByTheExpectedEnum) {
  EXPECT_EQ(CheckText(std::string(kBase) + R"(
rule a { when kind == court and other == court then deny "x" }
rule b { when court == kind then deny "x" }
rule c { when other in {court, judge} then deny "x" }
rule d { when Kind.court == kind then deny "x" }
)"),
            "");
}

TEST(CheckerTest, LetsFoldAndMayReferToOtherLets) {
  auto p = testing::LoadOrDie(std::string(kBase) + R"(
let eu = {"DE", "FR"}
let all = eu
let judicial = {Kind.court}
rule a { when country in all and kind in judicial then allow "x" }
)");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->Decide(testing::Json(*p, R"({"country":"FR","kind":"court"})")).effect(),
            Effect::kAllow);
}

TEST(CheckerTest, AmbiguousBareSetInALetNeedsQualification) {
  std::string out = CheckText(std::string(kBase) + "let x = {court}\n");
  EXPECT_NE(out.find("belong to several enums"), std::string::npos) << out;
}

TEST(CheckerTest, EmptySetTakesItsTypeFromContext) {
  EXPECT_EQ(
      CheckText(std::string(kBase) + R"(rule a { when asked contains_any {} then deny "x" })"), "");
}

TEST(CheckerTest, SuggestionsComeFromWhatFitsHere) {
  std::string out =
      CheckText(std::string(kBase) + R"(rule a { when kind == polise then deny "x" })");
  EXPECT_NE(out.find("did you mean 'police'?"), std::string::npos) << out;
  out = CheckText(std::string(kBase) + R"(rule a { when countr == "x" then deny "x" })");
  EXPECT_NE(out.find("did you mean 'country'?"), std::string::npos) << out;
}

TEST(CheckerTest, NoSuggestionWhenNothingIsNear) {
  std::string out =
      CheckText(std::string(kBase) + R"(rule a { when zzzzzz == "x" then deny "x" })");
  EXPECT_NE(out.find("unknown name 'zzzzzz'"), std::string::npos) << out;
  EXPECT_EQ(out.find("did you mean"), std::string::npos) << out;
}

TEST(CheckerTest, ErrorsCarryFileLineColumnAndCaret) {
  std::string out =
      CheckText(std::string(kBase) + "rule a {\n  when kind == polise\n  then deny \"x\"\n}\n");
  EXPECT_NE(out.find("p.writ:10:16: error: 'polise' is not a member of enum 'Kind'"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("\n                 ^~~~~~\n"), std::string::npos) << out;
}

TEST(CheckerTest, SixtyFourMembersAreAllowed) {
  std::string members;
  for (int i = 0; i < 64; ++i) members += (i ? ", m" : "m") + std::to_string(i);
  EXPECT_EQ(CheckText("policy p {}\nenum E { " + members + " }\n"), "");
}

TEST(CheckerTest, JsonDiagnosticsHaveEveryField) {
  auto r = Policy::Check(
      "p.writ",
      testing::InMemory(
          {{"p.writ", std::string(kBase) + "rule a { when kindd == court then deny \"x\" }"}}));
  ASSERT_TRUE(r.ok());
  std::string json = FormatDiagnosticsJson(r->sources, r->diagnostics);
  for (const char* key :
       {"\"path\":\"p.writ\"", "\"line\":9", "\"column\":15", "\"severity\":\"error\"",
        "\"code\":\"unknown-name\"", "\"suggestion\":\"kind\""})
    EXPECT_NE(json.find(key), std::string::npos) << key << " in " << json;
}

}  // namespace
}  // namespace writ

namespace writ {
namespace {

TEST(CheckerTest, AGivenFileIsReadAndItsInputProblemsAreWarnings) {
  const std::string policy = R"(enum Kind { court, police }
attr kind : Kind
policy p { default deny "no" }
rule r { when kind == court then allow "yes" }
test "from a file" {
  given file "req.json"
  expect deny
}
)";
  std::string out = testing::CheckText(policy, {{"req.json", R"({"kind": "cort"})"}});
  EXPECT_NE(out.find("warning: req.json: 'kind' has unknown value \"cort\""), std::string::npos)
      << out;
  EXPECT_NE(out.find("did you mean 'court'"), std::string::npos) << out;
  out = testing::CheckText(policy, {{"req.json", R"({"kind": )"}});
  EXPECT_NE(out.find("error: the test's request file req.json: malformed JSON"), std::string::npos)
      << out;
  // The test run says it too.
  auto p = testing::LoadOrDie(policy, {{"req.json", R"({"kind": "cort"})"}});
  ASSERT_NE(p, nullptr);
}

}  // namespace
}  // namespace writ

namespace writ {
namespace {

TEST(CheckerTest, AByteOrderMarkIsNotText) {
  const std::string text =
      "\xEF\xBB\xBF"
      "attr a : bool\npolicy p { default deny \"no\" }\n";
  EXPECT_EQ(testing::CheckText(text), "");
  // Positions after it are counted as the editor shows them.
  std::string out = testing::CheckText(
      "\xEF\xBB\xBF"
      "attr a : bool\npolicy p { default deny 3 }\n");
  EXPECT_NE(out.find("p.writ:2:"), std::string::npos) << out;
}

}  // namespace
}  // namespace writ
