// The compiler's structures against the meaning they encode: the
// branch-free forms (fast_form.hpp) against each leaf's meaning
// (leaf_meaning.hpp) on many values, the rule bitmap's rows and fast case
// against the rules one by one, the settled tables and the flat rules'
// layout.
#include <gtest/gtest.h>

#include <random>

#include "api/policy_data.hpp"
#include "compiler/fast_form.hpp"
#include "compiler/leaf_meaning.hpp"
#include "compiler/node_kind.hpp"
#include "runtime/bitmap_eval.hpp"
#include "runtime/conditions.hpp"
#include "testing/helpers.hpp"

namespace writ::detail {
namespace {

// A value area with room before it: fast forms load 8 bytes ending where a
// narrower value ends, which may start before the area (program.hpp).
struct Values {
  unsigned char bytes[8 + 64] = {};
  unsigned char* v() { return bytes + 8; }
  void Put(uint32_t off, uint8_t width, int64_t x) {
    uint64_t u = static_cast<uint64_t>(x);
    std::memcpy(v() + off, &u, width);
  }
};

// Leaves of every kind that has a fast form, with random constants.
std::vector<Node> RandomLeaves(std::mt19937_64& rng) {
  std::vector<Node> out;
  auto pick = [&](std::initializer_list<int64_t> xs) { return *(xs.begin() + rng() % xs.size()); };
  for (int i = 0; i < 200; ++i) {
    Node n;
    n.slot = 0;
    n.off = 16;
    switch (rng() % 6) {
      case 0:  // a date range
        n.kind = NodeKind::kDateInRange;
        n.width = 4;
        n.sign = true;
        n.k = static_cast<uint64_t>(pick({INT32_MIN, -5, 0, 19000, 20000}));
        n.k2 = pick({-5, 0, 19000, 20000, INT32_MAX, INT64_MAX});
        n.negate = rng() & 1;
        break;
      case 1:  // an int range, 8 bytes or a 1-byte bool
        n.kind = NodeKind::kIntInRange;
        n.width = rng() & 1 ? 8 : 1;
        n.k = static_cast<uint64_t>(n.width == 1 ? pick({0, 1}) : pick({INT64_MIN, -3, 0, 7}));
        n.k2 = n.width == 1 ? pick({0, 1}) : pick({-3, 0, 7, INT64_MAX});
        n.negate = rng() & 1;
        break;
      case 2:  // a string id
        n.kind = NodeKind::kStringEqConst;
        n.width = 4;
        n.k = rng() % 4;
        n.negate = rng() & 1;
        break;
      case 3: {  // two attributes compared
        n.kind = NodeKind::kWordCmpAttr;
        n.op = static_cast<Op>(rng() % 6);  // == != < <= > >=
        n.width = static_cast<uint8_t>(pick({1, 4}));
        n.sign = n.width == 4;
        n.slot2 = 1;
        n.off2 = 24;
        n.width2 = n.width;
        n.sign2 = n.sign;
        break;
      }
      case 4: {  // an enum set against a mask
        n.kind = NodeKind::kMaskOp;
        n.width = 8;
        const Op ops[] = {Op::kContains,     Op::kContainsAny, Op::kContainsAll,
                          Op::kContainsNone, Op::kEq,          Op::kNe};
        n.op = ops[rng() % 6];
        n.k = n.op == Op::kContains ? uint64_t{1} << (rng() % 6) : rng() % 64;
        break;
      }
      default:  // an enum member in a mask
        n.kind = NodeKind::kEnumInMask;
        n.width = 1;
        n.k = rng() % 64;
        break;
    }
    out.push_back(n);
  }
  return out;
}

int64_t RandomValue(std::mt19937_64& rng, const Node& n, bool second) {
  const uint8_t width = second ? n.width2 : n.width;
  const bool sign = second ? n.sign2 : n.sign;
  if (n.kind == NodeKind::kMaskOp) return static_cast<int64_t>(rng() % 64);
  if (n.kind == NodeKind::kEnumInMask) return static_cast<int64_t>(rng() % 6);
  if (n.kind == NodeKind::kStringEqConst) return static_cast<int64_t>(rng() % 5);
  if (width == 1) return static_cast<int64_t>(rng() % (n.kind == NodeKind::kIntInRange ? 2 : 6));
  if (width == 4 && sign) {
    const int64_t xs[] = {INT32_MIN, -6, -5, 0, 1, 18999, 19000, 20000, 20001, INT32_MAX};
    return xs[rng() % std::size(xs)];
  }
  const int64_t xs[] = {INT64_MIN, -4, -3, 0, 6, 7, 8, INT64_MAX};
  return xs[rng() % std::size(xs)];
}

TEST(CompilerTest, FastFormsMeanWhatTheLeafMeans) {
  std::mt19937_64 rng(7);
  size_t checked[4] = {};
  for (const Node& n : RandomLeaves(rng)) {
    ASSERT_TRUE(Info(n.kind).present_form) << Info(n.kind).name;
    std::optional<CompactLeaf> compact = Compact(n);
    RangePredicate q;
    const FastForm form = IsRowLeaf(n) ? FastForm::kByteMask : AsRange(n, q);
    for (int i = 0; i < 50; ++i) {
      Values vals;
      vals.Put(n.off, n.width, RandomValue(rng, n, false));
      if (Info(n.kind).reads_slot2) vals.Put(n.off2, n.width2, RandomValue(rng, n, true));
      const bool want = PresentLeafHolds(n, vals.v(), nullptr);
      if (compact) {
        EXPECT_EQ(eval::EvalCompact(*compact, vals.v()), want) << Info(n.kind).name;
        ++checked[0];
      }
      switch (form) {
        case FastForm::kByteMask:
          EXPECT_EQ(RowAccepts(n, vals.v()[n.off]), want);
          ++checked[1];
          break;
        case FastForm::kRange:
          EXPECT_EQ(RangeHolds(vals.v(), q.at, q.shift, q.lo, q.span, q.negate), want)
              << Info(n.kind).name << " [" << int64_t(n.k) << ", " << n.k2 << "]";
          ++checked[2];
          break;
        case FastForm::kComparison:
          EXPECT_EQ(
              ComparisonHolds(vals.v(), q.at, q.shift, q.at2, q.shift2, q.lo, q.span, q.negate),
              want);
          ++checked[3];
          break;
        case FastForm::kSetTest:
          EXPECT_EQ(SetTestHolds(vals.v(), q.at, q.and_mask, q.xor_value, q.negate), want);
          ++checked[3];
          break;
        case FastForm::kNone:
          break;
      }
    }
  }
  for (size_t n : checked) EXPECT_GT(n, 0u);
}

TEST(CompilerTest, EveryLeafKindIsDecidedOnPresentValuesOrByTheEvaluator) {
  for (size_t k = 0; k < kNodeKindCount; ++k) {
    const NodeKindInfo& info = kNodeKinds[k];
    EXPECT_EQ(info.leaf, IsLeaf(static_cast<NodeKind>(k))) << info.name;
    EXPECT_TRUE(!info.row_form || info.present_form) << info.name;
    EXPECT_TRUE(!info.reads_slot2 || info.reads_slot) << info.name;
    EXPECT_TRUE(info.leaf || !info.present_form) << info.name;
  }
}

const char* kSchema = R"(
enum Kind { police, court, agency }
enum Item { ip, phone, content }
attr kind : Kind
attr urgent : bool
attr level : int
attr received : date
attr expires : date
attr data.requested : set<Item>
)";

TEST(CompilerTest, TheBitmapDecidesAsTheRulesDoOneByOne) {
  auto p = testing::LoadOrDie(std::string(kSchema) + R"(
policy p {
  items data.requested
  default deny "no"
}
rule a { when kind == court and expires >= received then allow "a" disclose {ip} }
rule b { when kind in {police, agency} and urgent then review "b" }
rule c { when level > 3 and not urgent then deny "c" }
rule d { when data.requested contains content and (urgent or level == 2) then review "d" }
rule e { when kind != agency and level <= 5 then allow "e" }
)");
  ASSERT_NE(p, nullptr);
  const PolicyData& d = PolicyAccess::Data(*p);
  const Program& program = d.program;
  ASSERT_TRUE(program.bitmap.enabled);
  ASSERT_LT(program.index.attr, 0);
  // Rules c (a `not`) and d (an `or`) are trees; the others are flat
  // conjunctions, cheapest first.
  EXPECT_EQ(program.hot[2].count, 0u);
  EXPECT_EQ(program.hot[3].count, 0u);
  for (uint32_t i : {0u, 1u, 4u}) {
    const HotRule& h = program.hot[i];
    ASSERT_GT(h.count, 0u);
    for (uint32_t c = h.first + 1; c < h.first + h.count; ++c)
      EXPECT_LE(Info(program.conjuncts[c - 1].kind).cost, Info(program.conjuncts[c].kind).cost);
  }
  std::mt19937_64 rng(3);
  const char* kinds[] = {"police", "court", "agency"};
  for (int i = 0; i < 500; ++i) {
    Request r = p->NewRequest();
    ASSERT_TRUE(r.SetEnum("kind", kinds[rng() % 3]).ok());
    ASSERT_TRUE(r.SetBool("urgent", rng() & 1).ok());
    ASSERT_TRUE(r.SetInt("level", static_cast<int64_t>(rng() % 8)).ok());
    ASSERT_TRUE(r.SetDate("received", "2024-06-01").ok());
    ASSERT_TRUE(r.SetDate("expires", rng() & 1 ? "2024-05-01" : "2024-07-01").ok());
    ASSERT_TRUE(r.SetSet("data.requested", {rng() & 1 ? "content" : "ip"}).ok());
    const uint64_t* present = RequestAccess::Presence(r);
    const unsigned char* values = RequestAccess::Values(r);
    eval::BitOutcome o = eval::EvalBitmap(program, r, present, values);
    EXPECT_EQ(o.unknown, 0u);
    for (uint32_t j = 0; j < program.bitmap.rule_ids.size(); ++j) {
      const uint32_t rule = program.bitmap.rule_ids[j];
      const Tri t = eval::EvalRule(program, rule, r, present, values);
      EXPECT_EQ(((o.applies >> j) & 1) != 0, t == kTrue) << "rule " << rule;
    }
  }
}

TEST(CompilerTest, SettledTablesCoverEverySetOfApplyingRules) {
  auto p = testing::LoadOrDie(std::string(kSchema) + R"(
policy p {
  items data.requested
  default review "ask"
}
rule a { when kind == court then allow "a" disclose {ip} }
rule b { when urgent then deny "b" }
rule c { when level > 3 then allow "c" disclose {phone} }
)");
  ASSERT_NE(p, nullptr);
  const Program& program = PolicyAccess::Data(*p).program;
  ASSERT_EQ(program.bitmap.settled.size(), 8u);
  // Nothing applies: the default, every item.
  EXPECT_EQ(program.bitmap.settled[0].effect, Effect::kReview);
  EXPECT_TRUE(program.bitmap.settled[0].by_default);
  EXPECT_EQ(program.bitmap.settled[0].may, program.items_all);
  // a and c: both allow and decide; their items together.
  const Settled& ac = program.bitmap.settled[0b101];
  EXPECT_EQ(ac.effect, Effect::kAllow);
  EXPECT_EQ(ac.n_deciding, 2);
  EXPECT_EQ(ac.may, 0b011u);
  // b overrides: deny grants nothing.
  const Settled& abc = program.bitmap.settled[0b111];
  EXPECT_EQ(abc.effect, Effect::kDeny);
  EXPECT_EQ(abc.n_deciding, 1);
  EXPECT_EQ(abc.may, 0u);
}

TEST(CompilerTest, EqualityTestsOfOneAttributeBecomeAnIndex) {
  std::string text =
      std::string(kSchema) + "attr country : string\npolicy p { default deny \"no\" }\n";
  for (int i = 0; i < 80; ++i)
    text += absl::StrCat("rule r", i, " { when country == \"C", i, "\" and level > ", i % 5,
                         " then allow \"ok\" }\n");
  auto p = testing::LoadOrDie(text);
  ASSERT_NE(p, nullptr);
  const Program& program = PolicyAccess::Data(*p).program;
  ASSERT_GE(program.index.attr, 0);
  EXPECT_TRUE(program.index.is_string);
  EXPECT_TRUE(program.index.unindexed.empty());
  EXPECT_EQ(program.index.bucket_rules.size(), 80u);
  for (const BucketHead& h : program.index.bucket_heads) {
    EXPECT_TRUE(h.compact);
    EXPECT_EQ(h.count, 1u);  // the key's own test is dropped
  }
}

}  // namespace
}  // namespace writ::detail
