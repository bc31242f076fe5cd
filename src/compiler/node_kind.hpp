// File: src/compiler/node_kind.hpp (internal)
//
// The kinds of a compiled condition node, documented as an instruction set
// (after Lua's lopcodes.h): the node's format, each kind's meaning, notes,
// and one property table that the compiler, the rule bitmaps and the
// evaluator consult instead of keeping lists of kinds of their own.
//
// Format of a Node (program.hpp), 48 bytes:
//
//   kind op negate type | width width2 sign sign2 | slot off | slot2 off2 | a n | k | k2
//
//   slot, slot2  attribute indices: presence bits of the request
//   off, off2    byte offsets of their values in the request's value area
//   width, sign  how wide the packed value is (1, 4 or 8 bytes), and signed?
//   a, n         a range of Program::children (not/and/or), of Program::ids
//                (string-in), or the index into Program::generic (generic)
//   k, k2        constants: a mask, a member bit, a range [k, k2], a string id
//
// Meaning, with x the value at (off, width) and y the one at (off2, width2);
// every leaf but const/present/missing is unknown when an attribute it reads
// is missing (Kleene logic, docs/language.md §7.1):
//
//   kConst          k (0 false, 1 true)
//   kBoolAttr       x != 0                                         (1)
//   kPresent        slot is present (never unknown)
//   kMissing        slot is missing (never unknown)
//   kEnumInMask     bit x of k                                     (2)
//   kDateInRange    k <= x <= k2 (x a signed 4-byte day), != negate (3)
//   kIntInRange     k <= x <= k2, != negate                        (1)(3)
//   kWordCmpAttr    x op y, both ints, dates, enums or bools
//   kMaskOp         enum set x op mask k (contains, any, all, none, ==, !=)
//   kStringEqConst  x == k (interned string ids), != negate        (4)
//   kStringInConst  x is one of ids[a, a+n), != negate             (4)
//   kGeneric        operands of generic[a] compared by their type (any
//                   comparison the forms above do not cover)
//   kNot            not children[a]
//   kAnd            children[a, a+n) all true
//   kOr             children[a, a+n) some true
//
// Notes.
//   (1) A bool compared with a constant compiles to a 1-byte kIntInRange.
//   (2) `negate` is always false: the compiler folds != and `not in` into
//       the complement mask within the enum's members (FoldNegation).
//   (3) Every order comparison with a constant is a range: x < c is
//       [min, c - 1], x == c is [c, c], x != c is [c, c] negated.
//   (4) A string no rule names interns to kNotInterned, equal to no id.
//   (5) Leaves come before kNot: `kind < NodeKind::kNot` is the leaf test on
//       the hot path (static_assert below holds the table to it).
//   (6) What a leaf means on present values is written once, in
//       leaf_meaning.hpp; the evaluator's Kleene form adds the presence tests
//       and the fast forms (fast_form.hpp) are derived from it or tested
//       against it (compiler_test).
//
// Adding a kind: its line above, its row below, its meaning in
// leaf_meaning.hpp, the compiler's case that makes it; the fast forms take
// it only if asked to.
#ifndef WRIT_SRC_COMPILER_NODE_KIND_HPP_
#define WRIT_SRC_COMPILER_NODE_KIND_HPP_

#include <cstddef>
#include <cstdint>

namespace writ::detail {

enum class NodeKind : uint8_t {
  kConst,
  kBoolAttr,
  kPresent,
  kMissing,
  kEnumInMask,
  kDateInRange,
  kIntInRange,
  kWordCmpAttr,
  kMaskOp,
  kStringEqConst,
  kStringInConst,
  kGeneric,
  kNot,
  kAnd,
  kOr,
};
inline constexpr size_t kNodeKindCount = static_cast<size_t>(NodeKind::kOr) + 1;

struct NodeKindInfo {
  const char* name;
  bool leaf;        // not a not/and/or
  bool reads_slot;  // its value depends on attribute `slot`'s value
  bool reads_slot2;
  // leaf_meaning.hpp decides it from present values alone: the evaluator's
  // all-present fast path and the bitmaps' branch-free predicates take it.
  bool present_form;
  // Compares a 1-byte value with constants: with width 1, a row of 64 bits
  // (one per value) says it for every value (the rule bitmaps' rows).
  bool row_form;
  uint8_t cost;  // relative evaluation cost: flat conjunctions run cheapest first
};

// clang-format off
inline constexpr NodeKindInfo kNodeKinds[kNodeKindCount] = {
  //  name               leaf   slot   slot2  present row    cost
  {"const",             true,  false, false, false,  false, 0},
  {"bool",              true,  true,  false, true,   true,  1},
  {"present",           true,  false, false, false,  false, 1},
  {"missing",           true,  false, false, false,  false, 1},
  {"enum_in_mask",      true,  true,  false, true,   true,  1},
  {"date_in_range",     true,  true,  false, true,   false, 3},
  {"int_in_range",      true,  true,  false, true,   true,  3},
  {"word_cmp_attr",     true,  true,  true,  true,   false, 4},
  {"mask_op",           true,  true,  false, true,   false, 2},
  {"string_eq_const",   true,  true,  false, true,   false, 2},
  {"string_in_const",   true,  true,  false, false,  false, 4},
  {"generic",           true,  true,  false, false,  false, 5},
  {"not",               false, false, false, false,  false, 6},
  {"and",               false, false, false, false,  false, 6},
  {"or",                false, false, false, false,  false, 6},
};
// clang-format on

constexpr const NodeKindInfo& Info(NodeKind k) { return kNodeKinds[static_cast<size_t>(k)]; }

// Note (5).
constexpr bool IsLeaf(NodeKind k) { return k < NodeKind::kNot; }
constexpr bool LeavesComeFirst() {
  for (size_t i = 0; i < kNodeKindCount; ++i)
    if (kNodeKinds[i].leaf != IsLeaf(static_cast<NodeKind>(i))) return false;
  return true;
}
static_assert(LeavesComeFirst(), "every leaf kind precedes kNot");

}  // namespace writ::detail

#endif  // WRIT_SRC_COMPILER_NODE_KIND_HPP_
