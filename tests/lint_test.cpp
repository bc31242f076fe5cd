// writ::Lint: each finding on a policy made to have it (and its witness
// checked), accepting a finding in the policy, the output forms, and the
// findings against brute force over the whole request space of random small
// policies: a rule is flagged never-applies, shadowed, overridden or
// redundant, the default unreachable, an attribute fails-open, exactly when
// deciding every request says so.
#include "writ/lint.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "testing/helpers.hpp"
#include "testing/small_policies.hpp"

namespace writ {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || !defined(NDEBUG)
constexpr int kPolicies = 150;
#else
constexpr int kPolicies = 2000;
#endif

std::vector<std::string> Codes(const LintReport& r, const std::string& subject = "") {
  std::vector<std::string> out;
  for (const auto& f : r.findings)
    if (subject.empty() || f.subject == subject) out.push_back(f.code);
  return out;
}

const LintFinding* Find(const LintReport& r, const std::string& code, const std::string& subject) {
  for (const auto& f : r.findings)
    if (f.code == code && f.subject == subject) return &f;
  return nullptr;
}

LintReport LintOf(const std::string& text) {
  auto p = testing::LoadOrDie(text);
  auto r = Lint(*p);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : LintReport{};
}

const char* kSchema = R"(enum K { a, b, c }
enum Unused { u }
attr k : K
attr x : int
attr flag : bool
attr note : string
)";

TEST(LintTest, NeverApplies) {
  auto r = LintOf(absl::StrCat(kSchema, R"(policy p { default deny "d" }
rule r { when x > 5 and x < 3 and flag then allow "m" }
rule s { when k == a then allow "m" })"));
  ASSERT_EQ(Codes(r, "r"), std::vector<std::string>{"never-applies"});
  EXPECT_EQ(Find(r, "never-applies", "r")->evidence, (std::vector<std::string>{"x > 5", "x < 3"}));
  EXPECT_EQ(Find(r, "never-applies", "r")->where.line, 8u);
  EXPECT_TRUE(Codes(r, "s").empty());
}

TEST(LintTest, ShadowedUnderFirstMatch) {
  auto r = LintOf(absl::StrCat(kSchema, R"(policy p { combine first_match default deny "d" }
rule wide { when k in {a, b} then review "m" }
rule narrow { when k == a and flag then allow "m" })"));
  ASSERT_EQ(Codes(r, "narrow"), std::vector<std::string>{"shadowed"});
  EXPECT_EQ(Find(r, "shadowed", "narrow")->evidence, std::vector<std::string>{"wide"});
  EXPECT_FALSE(Find(r, "shadowed", "narrow")->witness.empty());
}

TEST(LintTest, OverriddenUnderDenyOverrides) {
  auto r = LintOf(absl::StrCat(kSchema, R"(policy p { default allow "d" }
rule strong { when k == a then deny "m" }
rule weak { when k == a and x > 3 then review "m" })"));
  ASSERT_EQ(Codes(r, "weak"), std::vector<std::string>{"overridden"});
}

TEST(LintTest, RedundantAndVacuous) {
  auto r = LintOf(absl::StrCat(kSchema, R"(policy p { default deny "d" }
rule same_as_default { when k == c and x < 0 then deny "m" }
rule loose { when x > 5 and x > 3 then allow "m" })"));
  EXPECT_EQ(Codes(r, "same_as_default"), std::vector<std::string>{"redundant"});
  EXPECT_EQ(Codes(r, "loose"), std::vector<std::string>{"vacuous-condition"});
  for (const auto& f : r.findings) {
    if (f.code == "vacuous-condition") {
      EXPECT_EQ(f.evidence, std::vector<std::string>{"x > 3"});
    }
  }
}

TEST(LintTest, DefaultUnreachableAndUnused) {
  auto r = LintOf(absl::StrCat(kSchema, R"(policy p { default deny "d" }
let spare = {a}
rule yes { when flag then allow "m" }
rule no { when not flag then review "m" }
rule unknown { when flag is missing then deny "m" })"));
  const auto codes = Codes(r);
  EXPECT_EQ(std::count(codes.begin(), codes.end(), "default-unreachable"), 1);
  std::set<std::string> unused;
  for (const auto& f : r.findings)
    if (f.code == "unused") unused.insert(f.subject);
  EXPECT_EQ(unused, (std::set<std::string>{"spare", "k", "x", "note", "Unused"}));
}

TEST(LintTest, FailsOpenWithAPairOfCheckedWitnesses) {
  auto p = testing::LoadOrDie(absl::StrCat(kSchema, R"(policy p { default allow "d" }
rule stop { when note is present and note != "ok" then deny "m" })"));
  auto r = Lint(*p);
  ASSERT_TRUE(r.ok());
  const LintFinding* f = nullptr;
  for (const auto& x : r->findings)
    if (x.code == "fails-open") f = &x;
  ASSERT_NE(f, nullptr) << r->ToText();
  EXPECT_EQ(f->subject, "note");
  const Decision without = p->Decide(*p->ParseRequest(f->witness));
  const Decision with = p->Decide(*p->ParseRequest(f->witness_with));
  EXPECT_EQ(without.effect(), Effect::kAllow);
  EXPECT_EQ(with.effect(), Effect::kDeny);
}

TEST(LintTest, TheFailSafeRuleIsNotFailingOpen) {
  // A missing attribute opens the decision (review, nothing granted): not
  // more permissive than a deny.
  auto r = LintOf(absl::StrCat(kSchema, R"(policy p { default deny "d" }
rule r { when k == a then allow "m" })"));
  const auto codes = Codes(r);
  EXPECT_EQ(std::count(codes.begin(), codes.end(), "fails-open"), 0) << r.ToText();
}

TEST(LintTest, AFindingIsAcceptedWithAReasonInThePolicy) {
  auto r = LintOf(absl::StrCat(kSchema, R"(policy p { default deny "d" }
// writ-lint: accept redundant "says what the text says"
rule same_as_default { when k == c then deny "m" }
// writ-lint: accept redundant
rule no_reason { when k == b then deny "m" })"));
  ASSERT_EQ(r.findings.size(), 2u + 4u) << r.ToText();  // and four unused
  for (const auto& f : r.findings) {
    if (f.subject == "same_as_default") {
      EXPECT_TRUE(f.accepted);
      EXPECT_EQ(f.reason, "says what the text says");
    }
    if (f.subject == "no_reason") {
      EXPECT_FALSE(f.accepted);  // a reason is required
    }
  }
  EXPECT_EQ(r.open_findings(), r.findings.size() - 1);
}

TEST(LintTest, JsonAndSarifAreValid) {
  auto r = LintOf(absl::StrCat(kSchema, R"(policy p { default deny "d" }
// writ-lint: accept redundant "on purpose"
rule same_as_default { when k == c then deny "m" })"));
  boost::json::value j = boost::json::parse(r.ToJson());
  EXPECT_EQ(j.at("findings").as_array().size(), r.findings.size());
  boost::json::value s = boost::json::parse(r.ToSarif());
  EXPECT_EQ(s.at("version").as_string(), "2.1.0");
  const auto& results = s.at("runs").as_array()[0].at("results").as_array();
  ASSERT_EQ(results.size(), r.findings.size());
  bool suppressed = false;
  for (const auto& res : results) suppressed |= res.as_object().contains("suppressions");
  EXPECT_TRUE(suppressed);
}

TEST(LintTest, TheBundledPoliciesAreLintCleanOrAccepted) {
  for (const char* file : {"telegram-2018.writ", "telegram-2024.writ", "us-ecpa.writ",
                           "eu-e-evidence.writ", "e2ee-messenger.writ", "notice-platform.writ"}) {
    auto p = testing::LoadCorpusPolicy(file);
    auto r = Lint(*p);
    ASSERT_TRUE(r.ok()) << file << ": " << r.status();
    EXPECT_EQ(r->open_findings(), 0u) << file << "\n" << r->ToText();
  }
}

// ---- Against brute force ---------------------------------------------------

// Each rule's status on a request, from the explanation.
std::vector<RuleOutcome::Status> Statuses(const Policy& p, const Request& r) {
  std::vector<RuleOutcome::Status> out;
  for (const auto& o : p.Explain(r).rules) out.push_back(o.status);
  return out;
}

bool Looser(const Decision& a, const Decision& b) {
  auto rank = [](const Decision& d) {
    if (d.open() || d.effect() == Effect::kDeny) return 0;
    return d.effect() == Effect::kReview ? 1 : 2;
  };
  if (rank(a) == 0) return false;
  if (rank(b) == 0) return true;
  if (a.granted_mask() != b.granted_mask())
    return (a.granted_mask() & ~b.granted_mask()) != 0 &&
           (b.granted_mask() & ~a.granted_mask()) == 0;
  return rank(a) > rank(b);
}

bool SameOutcome(const Decision& a, const Decision& b) {
  return a.effect() == b.effect() && a.open() == b.open() && a.granted() == b.granted() &&
         a.obligations() == b.obligations();
}

TEST(LintTest, RandomPoliciesAgreeWithBruteForce) {
  std::mt19937_64 rng(11);
  int findings = 0;
  for (int n = 0; n < kPolicies; ++n) {
    const std::vector<std::string> attrs = testing::RandomAttributes(rng);
    const std::string text = testing::RandomPolicy(rng, attrs, "p");
    auto p = testing::LoadOrDie(text);
    ASSERT_TRUE(p) << text;
    auto report = Lint(*p);
    ASSERT_TRUE(report.ok()) << report.status() << "\n" << text;
    auto flagged = [&](const std::string& code, const std::string& subject) {
      for (const auto& f : report->findings)
        if (f.code == code && f.subject == subject) return true;
      return false;
    };
    findings += static_cast<int>(report->findings.size());
    // Rule policies without each rule, for `redundant`.
    std::vector<std::string> lines = absl::StrSplit(text, '\n');
    std::vector<std::shared_ptr<const Policy>> without;
    const size_t rules = p->rule_count();
    for (size_t i = 0; i < rules; ++i) {
      std::vector<std::string> kept;
      for (const auto& l : lines)
        if (l.rfind(absl::StrCat("rule r", i, " {"), 0) != 0) kept.push_back(l);
      without.push_back(testing::LoadOrDie(absl::StrJoin(kept, "\n")));
    }
    const bool first_match = text.find("first_match") != std::string::npos;
    std::vector<bool> applies_somewhere(rules), decides_alone(rules), changes(rules);
    bool default_reachable = false;
    std::map<std::string, bool> fails_open;
    testing::ForEachRequest(attrs, [&](const std::string& json) {
      Request r = *p->ParseRequest(json);
      const Decision d = p->Decide(r);
      const auto st = Statuses(*p, r);
      bool any = false;
      for (size_t i = 0; i < rules; ++i) {
        if (st[i] != RuleOutcome::Status::kApplied) continue;
        any = true;
        applies_somewhere[i] = true;
        // Not covered by the rules that would take it.
        bool covered = false;
        for (size_t j = 0; j < rules; ++j) {
          if (st[j] != RuleOutcome::Status::kApplied || j == i) continue;
          const auto& rules_out = p->Explain(r).rules;
          covered |= first_match ? j < i
                                 : static_cast<int>(rules_out[j].effect) >
                                       static_cast<int>(rules_out[i].effect);
        }
        if (!covered) decides_alone[i] = true;
      }
      if (!any) default_reachable = true;
      for (size_t i = 0; i < rules; ++i)
        if (!SameOutcome(d, without[i]->Decide(*without[i]->ParseRequest(json)))) changes[i] = true;
      // fails-open: this request without an attribute it has, against it with.
      boost::json::value v = boost::json::parse(json);
      for (const auto& a : attrs) {
        if (!v.as_object().contains(a)) continue;
        boost::json::object less = v.as_object();
        less.erase(a);
        const Decision d0 = p->Decide(*p->ParseRequest(boost::json::serialize(less)));
        if (Looser(d0, d)) fails_open[a] = true;
      }
    });
    for (size_t i = 0; i < rules; ++i) {
      const std::string name = absl::StrCat("r", i);
      const bool never = !applies_somewhere[i];
      EXPECT_EQ(flagged("never-applies", name), never) << name << "\n" << text << report->ToText();
      if (!never) {
        const bool hidden = !decides_alone[i];
        EXPECT_EQ(flagged(first_match ? "shadowed" : "overridden", name), hidden)
            << name << "\n"
            << text << report->ToText();
        if (!hidden) {
          EXPECT_EQ(flagged("redundant", name), !changes[i]) << name << "\n"
                                                             << text << report->ToText();
        }
      }
    }
    EXPECT_EQ(flagged("default-unreachable", "p"), !default_reachable) << text << report->ToText();
    for (const auto& a : attrs)
      EXPECT_EQ(flagged("fails-open", a), fails_open.count(a) > 0) << a << "\n"
                                                                   << text << report->ToText();
    if (HasFailure()) return;
  }
  EXPECT_GT(findings, kPolicies / 4);
}

}  // namespace
}  // namespace writ
