// The compiled evaluator against the reference evaluator (a direct statement
// of docs/language.md §7) on generated requests, missing attributes and input
// problems included, over every policy of the corpus and both mixes.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <functional>
#include <random>

#include "api/policy_data.hpp"
#include "runtime/evaluator.hpp"
#include "runtime/reference_evaluator.hpp"
#include "testing/helpers.hpp"

namespace writ {
namespace {

// A request for `p`'s schema: each attribute missing with `p_missing`, given
// a wrong value (an input problem) with `p_problem`, else a random valid one.
std::string Generate(const Policy& p, std::mt19937_64& rng, double p_missing, double p_problem) {
  std::uniform_real_distribution<double> u(0, 1);
  boost::json::object root;
  static const char* kStrings[] = {"US", "DE", "FR", "IN", "Q0001", "Q0002", "",
                                   "AT", "BR", "x",  "y",  "xz",    "m",     "z"};
  for (size_t i = 0; i < p.attribute_count(); ++i) {
    const std::string& path = p.attribute_path(i);
    auto h = *p.Attribute(path);
    double x = u(rng);
    if (x < p_missing) continue;
    boost::json::value v;
    if (x < p_missing + p_problem) {
      switch (rng() % 3) {
        case 0:
          v = 42;
          break;
        case 1:
          v = "no-such-value";
          break;
        default:
          v = boost::json::array{true};
          break;
      }
    } else {
      const auto& members = p.enum_members(h);
      switch (h.type) {
        case AttributeType::kBool:
          v = bool(rng() & 1);
          break;
        case AttributeType::kInt:
          v = int64_t(rng() % 8);
          break;
        case AttributeType::kString:
          v = kStrings[rng() % std::size(kStrings)];
          break;
        case AttributeType::kDate: {
          char buf[16];
          snprintf(buf, sizeof buf, "2024-%02d-%02d", int(rng() % 12) + 1, int(rng() % 28) + 1);
          v = buf;
          break;
        }
        case AttributeType::kEnum:
          v = members[rng() % members.size()];
          break;
        case AttributeType::kEnumSet: {
          boost::json::array a;
          for (const auto& m : members)
            if (rng() % 3 == 0) a.emplace_back(m);
          v = std::move(a);
          break;
        }
        case AttributeType::kStringSet: {
          boost::json::array a;
          for (const char* s : kStrings)
            if (rng() % 4 == 0) a.emplace_back(s);
          v = std::move(a);
          break;
        }
      }
    }
    // Nest by the dotted path.
    boost::json::object* obj = &root;
    size_t start = 0;
    for (size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1) {
      auto& child = (*obj)[path.substr(start, dot - start)];
      if (!child.is_object()) child = boost::json::object();
      obj = &child.as_object();
    }
    (*obj)[path.substr(start)] = std::move(v);
  }
  return boost::json::serialize(root);
}

struct Mix {
  const char* name;
  double missing, problem;
};

void ExpectEveryPathAgrees(const Policy& p, const Request& req, const Decision& want,
                           const std::string& context, size_t (&by_path)[5]);

TEST(DifferentialTest, CompiledAndReferenceEvaluatorsAgree) {
  const std::vector<std::string> files = testing::CorpusPolicyPaths();
  ASSERT_GE(files.size(), 3u);
  const Mix mixes[] = {{"complete", 0.02, 0.01}, {"missing-heavy", 0.35, 0.05}};
  const int kPerMix = 10000;
  size_t compared = 0, first_match_policies = 0, open_decisions = 0;
  size_t by_path[5] = {};
  for (const auto& f : files) {
    auto loaded = Policy::Load(f);
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    const Policy& p = **loaded;
    first_match_policies += detail::PolicyAccess::Data(p).model.first_match;
    detail::ReferenceEvaluator ref(detail::PolicyAccess::Data(p).model);
    std::mt19937_64 rng(std::hash<std::string>{}(p.name()));
    Request req = p.NewRequest();
    for (const Mix& mix : mixes) {
      for (int i = 0; i < kPerMix; ++i) {
        std::string json = Generate(p, rng, mix.missing, mix.problem);
        ASSERT_TRUE(p.ParseRequest(json, req).ok());
        Decision fast = p.Decide(req);
        Decision slow = ref.Decide(p, req);
        ++compared;
        open_decisions += fast.open();
        ASSERT_EQ(fast.effect(), slow.effect()) << p.name() << " " << mix.name << "\n" << json;
        ASSERT_EQ(fast.open(), slow.open()) << json;
        ASSERT_EQ(fast.deciding_rules(), slow.deciding_rules()) << p.name() << "\n" << json;
        ASSERT_EQ(fast.granted_mask(), slow.granted_mask()) << json;
        ASSERT_EQ(fast.withheld_mask(), slow.withheld_mask()) << json;
        ASSERT_EQ(fast.missing(), slow.missing()) << p.name() << "\n" << json;
        ASSERT_EQ(fast.problems().size(), slow.problems().size());
        ExpectEveryPathAgrees(p, req, slow, absl::StrCat(p.name(), "\n", json), by_path);
        if (HasFatalFailure()) return;
      }
    }
  }
  EXPECT_GE(compared, 100000u);
  EXPECT_GE(first_match_policies, 1u);
  EXPECT_GT(open_decisions, 0u);  // the mix does exercise the fail-safe rule
}

}  // namespace
}  // namespace writ

namespace writ {
namespace {

// A random policy over a schema of every attribute type, with conditions
// built from every operator, nested and/or/not, unless, disclose, both
// combining algorithms and any default: constructs the corpus may not use.
class RandomPolicy {
 public:
  // `many`: 20 to 100 rules, most keyed on `color == ...` or `name == ...`
  // (so the rule index is built, with more or fewer than 64 unindexed rules).
  RandomPolicy(uint64_t seed, bool many) : rng_(seed), many_(many) {}

  std::string Text() {
    std::string s = "enum Color { red, green, blue, black }\nenum Item { a, b, c, d }\n";
    s += "attr flag : bool\nattr other : bool\nattr n : int\nattr m : int\nattr name : string\n";
    s += "attr day : date\nattr due : date\nattr color : Color\nattr shade : Color\n";
    s += "attr colors : set<Color>\nattr tags : set<string>\nattr asked : set<Item>\n";
    s += "let warm = {red, black}\nlet known = {\"x\", \"y\"}\n";
    const char* effects[] = {"allow", "review", "deny"};
    s += std::string("policy p { combine ") + (rng_() % 2 ? "first_match" : "deny_overrides") +
         " items asked default " + effects[rng_() % 3] + " \"d\" }\n";
    const int rules = many_ ? 20 + rng_() % 81 : 1 + rng_() % 8;
    const int keyed_percent = rng_() % 100;
    const bool string_key = rng_() % 2;
    const char* colors[] = {"red", "green", "blue", "black"};
    const char* names[] = {"x", "z", "m", "xz"};
    for (int i = 0; i < rules; ++i) {
      std::string effect = effects[rng_() % 3];
      std::string when = Cond(0);
      if (many_ && static_cast<int>(rng_() % 100) < keyed_percent)
        when = (string_key ? std::string("name == \"") + names[rng_() % 4] + "\""
                           : std::string("color == ") + colors[rng_() % 4]) +
               " and " + when;
      s += "rule r" + std::to_string(i) + " {\n  when " + when + "\n";
      if (rng_() % 4 == 0) s += "  unless " + Cond(1) + "\n";
      s += "  then " + effect + " \"m\"\n";
      if (effect != "deny" && rng_() % 2) s += "  disclose {" + Items() + "}\n";
      // Obligations, conditional ones among them (an unknown condition
      // opens the decision; the missing list covers it).
      switch (rng_() % 6) {
        case 0:
          s += "  obligation o1 when " + Cond(1) + "\n";
          break;
        case 1:
          s += "  obligation o2(\"x\") unless " + Cond(1) + "\n  obligation o3\n";
          break;
        case 2:
          s += "  obligation o3\n";
          break;
        default:
          break;
      }
      s += "}\n";
    }
    return s;
  }

 private:
  std::string Items() {
    const char* items[] = {"a", "b", "c", "d"};
    std::string out = items[rng_() % 4];
    if (rng_() % 2) out += std::string(", ") + (out == "b" ? "c" : "b");
    return out;
  }
  std::string Atom() {
    const char* colors[] = {"red", "green", "blue", "black"};
    switch (rng_() % 20) {
      case 0:
        return "flag";
      case 1:
        return "not other";
      case 2:
        return "n > " + std::to_string(rng_() % 6);
      case 3:
        return "n <= m";
      case 4:
        return "n != 3";
      case 5:
        return std::string("name == \"") + (rng_() % 2 ? "x" : "z") + "\"";
      case 6:
        return "name in known";
      case 7:
        return "name like \"x*\"";
      case 8:
        return "name < \"m\"";
      case 9:
        return "day >= 2024-06-01";
      case 10:
        return "due > day";
      case 11:
        return std::string("color == ") + colors[rng_() % 4];
      case 12:
        return "color not in warm";
      case 13:
        return "color == shade";
      case 14:
        return std::string("colors contains ") + colors[rng_() % 4];
      case 15:
        return "colors contains_any {green, blue}";
      case 16:
        return "tags contains \"x\"";
      case 17:
        return "tags contains_all {\"x\", \"y\"}";
      case 18:
        return "asked contains_none {d}";
      default:
        return rng_() % 2 ? "name is present" : "day is missing";
    }
  }
  std::string Cond(int depth) {
    if (depth >= 2 || rng_() % 3 == 0) return Atom();
    std::string l = Cond(depth + 1), r = Cond(depth + 1);
    switch (rng_() % 3) {
      case 0:
        return "(" + l + " and " + r + ")";
      case 1:
        return "(" + l + " or " + r + ")";
      default:
        return "not (" + l + ")";
    }
  }
  std::mt19937_64 rng_;
  bool many_ = false;
};

// Every decision path (evaluator.hpp's DecisionPath) that can take `req`
// decides it, and each must agree with the reference's decision `want`.
// Counts, per path, the decisions it made.
void ExpectEveryPathAgrees(const Policy& p, const Request& req, const Decision& want,
                           const std::string& context, size_t (&by_path)[5]) {
  const detail::Program& program = detail::PolicyAccess::Data(p).program;
  for (size_t k = 0; k < std::size(detail::kAllDecisionPaths); ++k) {
    const detail::DecisionPath path = detail::kAllDecisionPaths[k];
    Decision d;
    if (!detail::Evaluator::DecideVia(path, p, program, req, d)) continue;
    ++by_path[k];
    const std::string where = absl::StrCat("path ", detail::DecisionPathName(path), "\n", context);
    ASSERT_EQ(d.effect(), want.effect()) << where;
    ASSERT_EQ(d.open(), want.open()) << where;
    ASSERT_EQ(d.by_default(), want.by_default()) << where;
    ASSERT_EQ(d.deciding_rules(), want.deciding_rules()) << where;
    ASSERT_EQ(d.granted_mask(), want.granted_mask()) << where;
    ASSERT_EQ(d.withheld_mask(), want.withheld_mask()) << where;
    ASSERT_EQ(d.missing(), want.missing()) << where;
    ASSERT_EQ(d.obligations(), want.obligations()) << where;
  }
}

// Seeds 1-150: up to 8 rules (decided bit-parallel); 151-180: 20 to 100
// rules, indexed or not (past 64 unindexed rules: the wide bitmap). Every
// request goes through every decision path that can take it, as re2's
// tester runs every engine on every case.
TEST(DifferentialTest, RandomPoliciesOfEveryConstructAgree) {
  size_t compared = 0;
  size_t shapes[4] = {0, 0, 0, 0};
  size_t wide_policies = 0;  // [indexed * 2 + bit-parallel (64 or wide)]
  size_t by_path[5] = {};
  size_t conditional_held = 0, conditional_open = 0;
  for (uint64_t seed = 1; seed <= 180; ++seed) {
    RandomPolicy gen(seed, seed > 150);
    std::string text = gen.Text();
    auto loaded = Policy::Load("p.writ", testing::InMemory({{"p.writ", text}}));
    ASSERT_TRUE(loaded.ok()) << loaded.status().message() << "\n" << text;
    const Policy& p = **loaded;
    detail::ReferenceEvaluator ref(detail::PolicyAccess::Data(p).model);
    const detail::Program& program = detail::PolicyAccess::Data(p).program;
    ++shapes[(program.index.attr >= 0 ? 2 : 0) + (program.bitmap.enabled ? 1 : 0)];
    wide_policies += program.wide.enabled;
    std::mt19937_64 rng(seed * 7919);
    Request req = p.NewRequest();
    for (int i = 0; i < 200; ++i) {
      std::string json = Generate(p, rng, 0.2, 0.03);
      ASSERT_TRUE(p.ParseRequest(json, req).ok());
      Decision slow = ref.Decide(p, req);
      Decision fast = p.Decide(req);
      ++compared;
      for (const Obligation& o : fast.obligations()) conditional_held += o.name != "o3";

      ASSERT_EQ(fast.ToJson(), slow.ToJson()) << text << "\n" << json;
      ExpectEveryPathAgrees(p, req, slow, text + "\n" + json, by_path);
      if (HasFatalFailure()) return;
      // Explanations are built for every kind of condition without failing.
      Explanation e = p.Explain(req);
      ASSERT_EQ(e.rules.size(), p.rule_count());
      bool unsure = false;
      for (const RuleOutcome& o : e.rules)
        for (const std::string& duty : o.obligations)
          unsure |= duty.find("cannot tell") != std::string::npos;
      conditional_open += fast.open() && unsure;
    }
  }
  EXPECT_EQ(compared, 36000u);
  EXPECT_GT(conditional_held, 1000u);
  EXPECT_GT(conditional_open, 1000u);
  // Every shape of evaluation was met, and every path decided.
  for (size_t n : {shapes[1], shapes[3], wide_policies}) EXPECT_GT(n, 0u);
  for (size_t k = 0; k < std::size(by_path); ++k)
    EXPECT_GT(by_path[k], 0u) << detail::DecisionPathName(detail::kAllDecisionPaths[k]);
}

}  // namespace
}  // namespace writ

namespace writ {
namespace {

// Policies shaped to reach each corner of the compiled evaluator, decided
// against the reference on generated requests (complete and missing-heavy).
TEST(DifferentialTest, EveryEvaluationPathAgrees) {
  const std::string schema = R"(
    enum Color { red, green, blue, black }
    enum Item { a, b, c, d }
    attr flag : bool
    attr n : int
    attr m : int
    attr name : string
    attr day : date
    attr due : date
    attr color : Color
    attr shade : Color
    attr asked : set<Item>
  )";
  int named = 0;  // rule names stay unique across calls
  auto rules = [&named](int count, const std::string& when, const char* effect = "allow") {
    std::string s;
    for (int i = 0; i < count; ++i) {
      s +=
          "rule r" + std::to_string(named++) + " { when " + when + " then " + effect + " \"m\" }\n";
    }
    return s;
  };
  struct Case {
    const char* what;
    std::string text;
    std::function<bool(const detail::Program&)> reaches;  // the path it is for
    int requests = 3000;                                  // per mix
    bool with_missing =
        true;  // also the missing-heavy mix (slow for the reference past 10,000 rules)
  };
  const Case cases[] = {
      // Eight rules that may all apply at once: a settled decision with more
      // deciding rules than IndexList keeps inline.
      {"eight deciding rules",
       "policy p { combine deny_overrides items asked default deny \"d\" }\n" + rules(4, "flag") +
           rules(4, "flag and color != red"),
       [](const detail::Program& p) { return p.bitmap.settled.size() == 256 && !p.bitmap.trees; }},
      // Nine flat rules: bit-parallel without a settled table.
      {"nine rules",
       "policy p { combine first_match default review \"d\" }\n" +
           rules(9, "flag and n > 2", "deny") + rules(1, "color != blue"),
       [](const detail::Program& p) { return p.bitmap.enabled && p.bitmap.settled.empty(); }},
      // Seventy rules, no index: the wide bitmap, with tree rules.
      {"seventy rules",
       "policy p { combine deny_overrides default allow \"d\" }\n" +
           rules(60, "flag and day >= due", "review") +
           rules(5, "color in {red, blue} and not flag", "deny") +
           rules(3, "name in {\"x\", \"m\"} and name != \"m\"") +
           rules(3, "name == \"x\" and name in {\"x\", \"y\"} and n > 1", "deny"),
       [](const detail::Program& p) {
         return !p.bitmap.enabled && p.wide.enabled && p.index.attr < 0 && !p.wide.trees.empty() &&
                !p.wide.strings.empty() && !p.wide.predicates.empty();
       }},
      // Seventy unindexed rules beside an index: the wide bitmap merged with
      // the bucket, in first_match order.
      {"wide beside an index",
       "policy p { combine first_match items asked default deny \"d\" }\n" +
           rules(35, "n > 3 and asked contains_any {a, b}", "review") +
           rules(5, "color == red and flag") + rules(35, "day < due or shade == green") +
           rules(5, "color == blue and n < 2", "deny"),
       [](const detail::Program& p) { return p.wide.enabled && p.index.attr >= 0; }},
      // More unindexed rules than the wide bitmap takes: rule by rule.
      {"past the wide bitmap",
       "policy p { combine deny_overrides default allow \"d\" }\n" +
           rules(16400, "flag and n > 1", "review"),
       [](const detail::Program& p) {
         return !p.bitmap.enabled && !p.wide.enabled && p.index.attr < 0;
       },
       20, false},
      // Comparisons of two integers (no branch-free form), of two dates and
      // two enums, an empty range and a constant conjunct.
      {"predicates without a fast form",
       "policy p { combine deny_overrides default deny \"d\" }\n"
       "rule i { when n <= m and flag then allow \"m\" }\n"
       "rule j { when day > due and color == shade then review \"m\" }\n"
       "rule k { when n > 9223372036854775807 then deny \"m\" }\n"
       "rule l { when flag and (1 > 2) then deny \"m\" }\n"
       "rule o { when not (flag and n > 3) then allow \"m\" }\n",
       [](const detail::Program& p) {
         const auto& b = p.bitmap;
         return b.present_leaves.size() >= 2 && b.never != 0 && b.trees != 0 &&
                !b.comparisons.empty();
       }},
      // An index on color whose buckets hold rules of many leaves, a leaf
      // without a compact form (a string set test) and first_match.
      {"index buckets",
       "policy p { combine first_match items asked default deny \"d\" }\n"
       "rule u { when name == \"x\" then review \"m\" }\n" +
           rules(3, "color == red and flag and n > 1 and day < due and asked contains a") +
           rules(3, "color == green and name in {\"x\", \"y\"}", "deny") +
           rules(3, "color == blue and not flag", "review") +
           "rule z { when color == black then allow \"m\" disclose {a} }\n",
       [](const detail::Program& p) {
         bool long_rule = false, not_compact = false;
         for (const auto& h : p.index.bucket_heads) {
           long_rule |= h.compact && h.count > detail::BucketHead::kInlineLeaves;
           not_compact |= !h.compact;
         }
         return p.index.attr >= 0 && p.bitmap.enabled && long_rule && not_compact;
       }},
  };
  size_t by_path[5] = {};
  for (const Case& c : cases) {
    auto p = testing::LoadOrDie(schema + c.text);
    ASSERT_NE(p, nullptr) << c.what;
    EXPECT_TRUE(c.reaches(detail::PolicyAccess::Data(*p).program)) << c.what;
    detail::ReferenceEvaluator ref(detail::PolicyAccess::Data(*p).model);
    std::mt19937_64 rng(std::hash<std::string>{}(c.what));
    Request req = p->NewRequest();
    for (double missing : {0.0, 0.3}) {
      if (missing > 0 && !c.with_missing) continue;
      for (int i = 0; i < c.requests; ++i) {
        std::string json = Generate(*p, rng, missing, 0.01);
        ASSERT_TRUE(p->ParseRequest(json, req).ok());
        Decision fast = p->Decide(req);
        Decision slow = ref.Decide(*p, req);
        ExpectEveryPathAgrees(*p, req, slow, absl::StrCat(c.what, "\n", json), by_path);
        if (HasFatalFailure()) return;
        ASSERT_EQ(fast.effect(), slow.effect()) << c.what << "\n" << json;
        ASSERT_EQ(fast.open(), slow.open()) << c.what << "\n" << json;
        ASSERT_EQ(fast.deciding_rules(), slow.deciding_rules()) << c.what << "\n" << json;
        ASSERT_EQ(fast.granted_mask(), slow.granted_mask()) << c.what << "\n" << json;
        ASSERT_EQ(fast.withheld_mask(), slow.withheld_mask()) << c.what << "\n" << json;
        ASSERT_EQ(fast.missing(), slow.missing()) << c.what << "\n" << json;
      }
    }
  }
}

}  // namespace
}  // namespace writ
