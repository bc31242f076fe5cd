// File: src/compiler/program.hpp (internal)
//
// A compiled policy: flat, index-addressed condition nodes over the request's
// dense attribute slots, with enum sets as 64-bit masks, dates as day numbers
// and strings as interned ids. Rules keep their effect, disclose mask and the
// attributes they read. An optional index maps the value of one attribute to
// the rules that test it for equality, so a request only evaluates the rules
// that can apply (plus the rules that are not indexed); each bucket keeps its
// rules' conditions together in compact form. Up to 64 unindexed rules are
// also laid out bit-parallel (RuleBitmap), with their settled decisions.
#ifndef WRIT_SRC_COMPILER_PROGRAM_HPP_
#define WRIT_SRC_COMPILER_PROGRAM_HPP_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "checker/checker.hpp"
#include "common/ast.hpp"
#include "common/value.hpp"
#include "compiler/node_kind.hpp"
#include "writ/effect.hpp"

namespace writ::detail {

// Kleene's three truth values.
enum Tri : uint8_t { kFalse = 0, kTrue = 1, kUnknown = 2 };

// The branch-free forms of conditions (fast_form.hpp).
enum class FastForm : uint8_t { kNone, kByteMask, kRange, kComparison, kSetTest };

// An operand of a generic comparison: an attribute slot or a constant.
struct Operand {
  bool is_attr = false;
  uint32_t index = 0;  // attribute index or constant index
};

// One condition node, 48 bytes. Leaves read one attribute (two for
// kWordCmpAttr); kNot/kAnd/kOr list their children in Program::children.
struct Node {
  NodeKind kind = NodeKind::kConst;
  Op op = Op::kEq;
  bool negate = false;
  TypeKind type = TypeKind::kBool;  // of the compared values (kGeneric)
  uint8_t width = 8, width2 = 8;    // packed value widths (Schema::Layout)
  bool sign = false, sign2 = false;
  uint32_t slot = 0, off = 0;    // attribute index (presence bit), value offset
  uint32_t slot2 = 0, off2 = 0;  // the second attribute of kWordCmpAttr
  uint32_t a = 0, n = 0;         // children / ids range; kGeneric: index into generic
  uint64_t k = 0;                // the constant: mask, member bit, day, int, string id
  int64_t k2 = 0;                // upper bound of kDateInRange / kIntInRange (lower is k)
};

// The operands of a kGeneric node.
struct GenericOperands {
  Operand lhs, rhs;
};

struct CompiledObligation {
  std::string name;
  std::string argument;
  bool has_argument = false;
  // A conditional obligation (docs/language.md §4): the node of its
  // condition (`unless` already negated), its number among the policy's
  // conditional obligations (what a Decision records when it holds), and
  // the attributes the condition reads. condition < 0: unconditional.
  int32_t condition = -1;
  uint32_t id = 0;
  std::vector<uint32_t> reads;
};

struct CompiledRule {
  std::string name;
  Effect effect = Effect::kDeny;
  uint32_t root = 0;  // node index of the whole applicability test
  bool has_disclose = false;
  uint64_t disclose_mask = 0;   // items this rule may disclose (all when !has_disclose)
  std::vector<uint32_t> reads;  // attribute indices read (for the missing list)
  std::vector<CompiledObligation> obligations;
  bool conditional_obligations = false;  // some obligation has a condition
  std::string message;
};

// What evaluation reads of a rule, packed together (40 bytes) so that
// visiting a rule touches one small record, not the whole CompiledRule.
// Most rules are a conjunction of leaf conditions: those are copied, in
// evaluation order, to Program::conjuncts[first, first + count), and the
// evaluator loops over them without following child links.
struct HotRule {
  uint32_t root = 0;
  uint32_t first = 0, count = 0;  // count == 0: evaluate the tree at `root`
  // Presence bits (first word) of every attribute the flat leaves read;
  // when all are present the leaves are plain true/false (no Kleene).
  // `all_in_first_word` is false when some leaf reads an attribute past 63.
  uint64_t need = 0;
  bool all_in_first_word = false;
  Effect effect = Effect::kDeny;
  uint64_t disclose_mask = 0;
};

// One condition of an indexed rule in a fast form (24 bytes): kByteMask
// tests bit `value` of `a` for the byte at `at`; kRange, kComparison and
// kSetTest are RangePredicate's forms, with (lo, span) or (and_mask,
// xor_value) in (a, b).
struct CompactLeaf {
  FastForm form = FastForm::kNone;
  uint8_t shift = 0, shift2 = 0;
  bool negate = false;
  int16_t at = 0, at2 = 0;
  uint64_t a = 0, b = 0;
};

// How to evaluate a rule of a bucket, in one cache line with its first
// leaves and next to the other rules of its bucket, so that a decision reads
// its bucket and little else.
struct alignas(64) BucketHead {
  static constexpr uint32_t kInlineLeaves = 2;
  uint64_t need = 0;  // presence bits (word 0) its compact leaves need
  uint32_t more = 0;  // leaves past the inline ones: bucket_leaves[more, ...)
  uint8_t count = 0;  // its leaves, without the index key's own test
  Effect effect = Effect::kDeny;
  bool compact = false;  // else evaluated as a rule (EvalRule)
  CompactLeaf leaves[kInlineLeaves];
};

// Rules keyed by the value of one attribute (string id or enum member), in
// compressed rows: the rules of key k are bucket_rules[bucket_start[k] ..
// bucket_start[k + 1]), in rule order.
struct RuleIndex {
  int32_t attr = -1;  // -1: no index
  bool is_string = false;
  std::vector<uint32_t> bucket_start;
  std::vector<uint32_t> bucket_rules;
  std::vector<BucketHead> bucket_heads;  // parallel to bucket_rules
  std::vector<CompactLeaf> bucket_leaves;
  std::vector<uint32_t> unindexed;  // rules evaluated for every request
};

// Up to 64 rules decided together, one bit per rule ("bit-parallel", after
// Lakshman and Stiliadis' packet classifiers). For each enum or bool
// attribute that the rules compare with constants, a row per value holds the
// rules that value does not falsify, so a decision reads one row per
// attribute instead of one condition per rule. Every other condition is a
// predicate, evaluated once however many rules share it; rules that are not
// flat conjunctions are evaluated as trees. Bit j stands for rule
// rule_ids[j] (ascending).
struct RowAttribute {
  uint32_t slot = 0;   // attribute index (presence bit)
  uint32_t off = 0;    // value offset: a 1-byte member index or bool
  uint32_t rows = 0;   // row_masks[rows + value], value in [0, 64)
  uint64_t tests = 0;  // the rules that compare this attribute
};

struct Predicate {
  Node leaf;
  uint64_t rules = 0;  // the rules this condition is a conjunct of
};

// A predicate in branch-free form, for the fast case. With x and y the
// values at two offsets, it is one of
//   a range:       x - lo <= span (unsigned), e.g. a date or int range or a
//                  string id equality;
//   a comparison:  (x - y) - lo <= span, two attributes of 4 bytes or less;
//   a set test:    ((x & and_mask) ^ xor_value) == 0, on an 8-byte set;
// negated when `negate`. Values narrower than 8 bytes are loaded as the 8
// bytes that end where they end and shifted down arithmetically (`shift` =
// 64 - 8 * width), so the load never reads past the request's values (the
// presence words lie before them).
struct RangePredicate {
  int32_t at = 0, at2 = 0;  // load offsets, relative to the values
  uint8_t shift = 0, shift2 = 0;
  bool negate = false;
  uint64_t lo = 0, span = 0;
  uint64_t and_mask = 0, xor_value = 0;
  uint64_t rules = 0;
};

// The decision when exactly the rules of a bit set apply and none is
// unknown, for a bitmap of up to kMaxSettledRules rules (and no rule of the
// request's index bucket applies).
struct Settled {
  uint64_t may = 0;  // the items granted of those asked for (0 for deny)
  Effect effect = Effect::kDeny;
  bool by_default = false;
  uint8_t n_deciding = 0;
  uint32_t deciding[8] = {};  // rule indices, in rule order
};

struct RuleBitmap {
  // The fast case: every attribute the attrs and predicates read is present
  // (`need`: presence word 0; `need_more`: words 1, 2, ... for schemas past
  // 64 attributes), and every predicate is a kind EvalPresentLeaf decides;
  // then no condition is unknown. What the fast case reads comes first.
  bool enabled = false;
  bool fast = false;
  bool need_past_first_word = false;  // need_more is not empty
  uint64_t need = 0;
  uint64_t flat = 0;   // rules decided by attrs and predicates alone
  uint64_t trees = 0;  // rules evaluated as a tree
  uint64_t never = 0;  // flat rules with a constant false conjunct
  std::vector<RowAttribute> attrs;
  std::vector<uint64_t> row_masks;
  // The predicates as ranges, comparisons and set tests, and the others
  // (indices into predicates).
  std::vector<RangePredicate> ranges, comparisons, set_tests;
  std::vector<uint32_t> present_leaves;
  std::vector<Settled> settled;       // [applies], when built
  uint64_t by_effect[3] = {0, 0, 0};  // rules with each Effect
  std::vector<uint32_t> rule_ids;
  std::vector<Predicate> predicates;  // every conjunct but the rows, for Kleene
  std::vector<uint64_t> need_more;
};

// More than 64 rules (without an index, or the unindexed rules of one),
// bit-parallel in `words` words of 64: the rows and shared predicates of
// RuleBitmap, decided with Kleene logic and read back in rule order. A
// predicate lists the positions of its rules (most conditions belong to a
// few rules of many).
struct WideBitmap {
  static constexpr uint32_t kMaxWords = 256;                // 16,384 rules
  static constexpr size_t kMaxMaskWords = size_t{1} << 21;  // 16 MiB of masks
  struct Attribute {
    uint32_t slot = 0, off = 0;
    uint32_t rows = 0;   // masks[rows + value * words + w]: the rules value does not falsify
    uint32_t tests = 0;  // masks[tests + w]: the rules that compare it
  };
  // A string attribute that rules test for membership in constants: the
  // rules the request's interned id does not falsify, by id (an id no rule
  // names falsifies every rule that tests the attribute).
  struct StringAttribute {
    uint32_t slot = 0, off = 0;                      // the 4-byte interned id
    uint32_t tests = 0;                              // masks[tests + w]: the rules that test it
    absl::flat_hash_map<uint32_t, uint32_t> accept;  // id -> masks offset
  };
  struct Predicate {
    Node leaf;
    uint32_t first = 0, count = 0;  // positions[first, first + count)
  };
  bool enabled = false;
  uint32_t words = 0;
  std::vector<uint32_t> rule_ids;  // position -> rule index, ascending
  std::vector<Attribute> attrs;
  std::vector<StringAttribute> strings;
  std::vector<Predicate> predicates;
  std::vector<uint32_t> positions;
  std::vector<uint64_t> masks;
  uint32_t flat = 0, never = 0;  // masks[flat + w], masks[never + w]
  std::vector<uint32_t> trees;   // positions of the rules evaluated as trees
};

struct Program {
  // What a decision reads first, together.
  bool has_duties = false;  // some obligation has a condition (conditional_obligations > 0)
  bool first_match = false;
  Effect default_effect = Effect::kDeny;
  int32_t items_attr = -1;
  uint32_t items_off = 0;    // where a Request keeps the items mask
  uint64_t items_all = 0;    // every member of the items enum
  std::vector<HotRule> hot;  // parallel to rules
  RuleBitmap bitmap;         // over index.unindexed (every rule without an index)
  RuleIndex index;
  std::vector<Node> conjuncts;  // the leaves of conjunctive rules, contiguous
  std::vector<Node> nodes;
  std::vector<uint32_t> children;
  std::vector<uint64_t> ids;  // interned string ids, for kStringInConst (sorted per node)
  std::vector<Value> consts;  // constants of kGeneric operands
  std::vector<GenericOperands> generic;
  std::vector<CompiledRule> rules;
  WideBitmap wide;  // the bitmap's form past 64 unindexed rules
  std::string default_message;
  // How many obligations have conditions: when none do, a decision never
  // looks at obligations (they follow from its deciding rules).
  uint32_t conditional_obligations = 0;
  // The attributes some condition tests for presence (`is present`, `is
  // missing`), by index: an open decision listing one of them has its
  // missing list completed the slow way (runtime/reference_evaluator.hpp,
  // CompleteMissing), over the checked model this program was compiled
  // from (which its owner keeps alive and in place).
  std::vector<bool> presence_tested;
  bool presence_tested_any = false;
  const Model* model = nullptr;
};

}  // namespace writ::detail

#endif  // WRIT_SRC_COMPILER_PROGRAM_HPP_
