// The parser: the whole language parses, spans are exact, imports resolve
// relative to the importing file, each file loads once, cycles are reported
// whole, and hostile input is an error, not a crash.
#include "parser/parser.hpp"

#include <gtest/gtest.h>

#include "common/dates.hpp"
#include "parser/printer.hpp"
#include "testing/helpers.hpp"

namespace writ {
namespace {

using testing::CheckText;

detail::File Parse(const std::string& text, std::vector<Diagnostic>& diags, SourceSet& sources) {
  uint32_t id = sources.Add("t.writ", text);
  return detail::ParseFile(id, sources, {}, diags);
}

TEST(ParserTest, LanguageExamplesParseWithoutErrors) {
  for (const char* f : {"/telegram-2024.writ", "/disclosure-schema.writ"}) {
    SourceSet s;
    std::vector<Diagnostic> d;
    Parse(testing::ReadFileOrDie(std::string(WRIT_POLICY_DIR) + f), d, s);
    EXPECT_TRUE(d.empty()) << FormatDiagnostics(s, d);
  }
}

TEST(ParserTest, EveryNodeKeepsItsSpan) {
  SourceSet s;
  std::vector<Diagnostic> d;
  detail::File f = Parse("rule abc {\n  when x.y in {a, b} and not z\n  then deny \"m\"\n}", d, s);
  ASSERT_TRUE(d.empty()) << FormatDiagnostics(s, d);
  ASSERT_EQ(f.rules.size(), 1u);
  const auto& r = f.rules[0];
  EXPECT_EQ(s.Locate(r.name.span).line, 1u);
  EXPECT_EQ(s.Locate(r.name.span).column, 6u);
  const detail::Expr& when = *r.when;
  EXPECT_EQ(when.kind, detail::ExprKind::kAnd);
  EXPECT_EQ(s.Locate(when.children[0].children[0].span).column, 8u);  // x.y
  EXPECT_EQ(when.children[0].children[0].span.length, 3u);
  EXPECT_EQ(s.Locate(when.children[0].children[1].span).column, 15u);  // {a, b}
  EXPECT_EQ(s.Locate(r.then->message.span).line, 3u);
}

TEST(ParserTest, PrecedenceIsOrAndNotComparison) {
  SourceSet s;
  std::vector<Diagnostic> d;
  detail::File f = Parse("let x = not a == b or c and d", d, s);
  ASSERT_TRUE(d.empty());
  EXPECT_EQ(detail::PrintExpr(f.lets[0].value), "not a == b or c and d");
  const auto& e = f.lets[0].value;
  ASSERT_EQ(e.kind, detail::ExprKind::kOr);
  EXPECT_EQ(e.children[0].kind, detail::ExprKind::kNot);
  EXPECT_EQ(e.children[0].children[0].kind, detail::ExprKind::kCompare);
  EXPECT_EQ(e.children[1].kind, detail::ExprKind::kAnd);
}

TEST(ParserTest, LiteralsAndEscapes) {
  SourceSet s;
  std::vector<Diagnostic> d;
  detail::File f = Parse(R"(let a = "q\"b\\n\n\t\u{41}\u{20AC}"
let b = -42
let c = 2024-02-29
let d = {}
let e = true)",
                         d, s);
  ASSERT_TRUE(d.empty()) << FormatDiagnostics(s, d);
  EXPECT_EQ(f.lets[0].value.text, "q\"b\\n\n\tA\xE2\x82\xAC");
  EXPECT_EQ(f.lets[1].value.int_value, -42);
  EXPECT_EQ(detail::CivilFromDays(f.lets[2].value.int_value), "2024-02-29");
  EXPECT_EQ(f.lets[3].value.kind, detail::ExprKind::kSet);
  EXPECT_TRUE(f.lets[4].value.bool_value);
}

TEST(ParserTest, RecoversAtTheNextDeclaration) {
  SourceSet s;
  std::vector<Diagnostic> d;
  detail::File f = Parse(
      "rule a { when then deny \"x\" }\nrule b { then allow \"y\" }\nlet = 3\nlet ok = 1\n", d, s);
  ASSERT_EQ(d.size(), 2u) << FormatDiagnostics(s, d);
  EXPECT_EQ(s.Locate(d[0].span).line, 1u);
  EXPECT_EQ(s.Locate(d[1].span).line, 3u);
  EXPECT_EQ(f.rules.size(), 1u);
  EXPECT_EQ(f.lets.size(), 1u);
}

TEST(ParserTest, ImportsAreRelativeAndLoadedOnce) {
  auto p = testing::LoadOrDie(R"(import "lib/a.writ"
import "lib/b.writ"
policy p {}
rule mine { then allow "x" })",
                              {{"lib/a.writ", "import \"b.writ\"\nrule from_a { then deny \"a\" }"},
                               {"lib/b.writ", "rule from_b { then deny \"b\" }"}});
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->rule_count(), 3u);
  // Imported rules come first, at the point of their import.
  EXPECT_EQ(p->rule_name(0), "from_b");
  EXPECT_EQ(p->rule_name(1), "from_a");
  EXPECT_EQ(p->rule_name(2), "mine");
  EXPECT_EQ(p->sources().size(), 3u);
}

TEST(ParserTest, ImportCycleIsReportedWhole) {
  std::string out = CheckText("import \"a.writ\"\npolicy p {}",
                              {{"a.writ", "import \"b.writ\""}, {"b.writ", "import \"a.writ\""}});
  EXPECT_NE(out.find("import cycle: a.writ -> b.writ -> a.writ"), std::string::npos) << out;
}

TEST(ParserTest, SelfImportIsACycle) {
  std::string out = CheckText("import \"p.writ\"\npolicy p {}");
  EXPECT_NE(out.find("import cycle: p.writ -> p.writ"), std::string::npos) << out;
}

TEST(ParserTest, MissingImportIsAnErrorAtTheImport) {
  std::string out = CheckText("import \"nope.writ\"\npolicy p {}");
  EXPECT_NE(out.find("p.writ:1:8: error: cannot read imported file 'nope.writ'"), std::string::npos)
      << out;
}

TEST(ParserTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep =
      "policy p {}\nlet x = " + std::string(10000, '(') + "1" + std::string(10000, ')');
  std::string out = CheckText(deep);
  EXPECT_NE(out.find("nesting deeper than"), std::string::npos) << out.substr(0, 300);
}

TEST(ParserTest, LongAndChainsDoNotRecurse) {
  std::string text = "policy p {}\nattr a : bool\nrule r { when a";
  for (int i = 0; i < 20000; ++i) text += " and a";
  text += " then allow \"x\" }";
  auto p = testing::LoadOrDie(text);
  ASSERT_NE(p, nullptr);
  Request r = p->NewRequest();
  ASSERT_TRUE(r.SetBool("a", true).ok());
  EXPECT_EQ(p->Decide(r).effect(), Effect::kAllow);
}

TEST(ParserTest, EmptyAndBinaryFiles) {
  EXPECT_NE(CheckText("").find("the file is empty"), std::string::npos);
  std::string binary(
      "\x7f"
      "ELF\x02\x01\x01\0\0\0",
      10);
  EXPECT_NE(CheckText(binary).find("binary file"), std::string::npos);
}

TEST(ParserTest, TooManyErrorsStops) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "rule r" + std::to_string(i) + " { when }\n";
  std::string out = CheckText(text);
  EXPECT_NE(out.find("too many errors"), std::string::npos) << out;
}

}  // namespace
}  // namespace writ
