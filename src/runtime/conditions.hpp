// File: src/runtime/conditions.hpp (internal to the runtime)
//
// Evaluating one condition of a compiled rule: a leaf node (one dispatch,
// each kind knowing the width of what it reads, so a condition is a presence
// test, one load and one compare), a tree of not/and/or over Kleene values,
// a whole rule, or a compact leaf of an index bucket. Included by
// evaluator.cpp only; everything is inline so that a conjunction of leaves
// costs no call per condition.
#ifndef WRIT_SRC_RUNTIME_CONDITIONS_HPP_
#define WRIT_SRC_RUNTIME_CONDITIONS_HPP_

#include <cstring>

#include "common/operators.hpp"
#include "common/schema.hpp"
#include "compiler/fast_form.hpp"
#include "compiler/leaf_meaning.hpp"
#include "compiler/program.hpp"
#include "request/request_access.hpp"
#include "writ/request.hpp"

namespace writ::detail::eval {

inline Tri Truth(bool b) { return b ? kTrue : kFalse; }

// Evaluates a leaf node (anything but not/and/or) with Kleene logic: the
// presence tests here, the meaning on present values in
// compiler/leaf_meaning.hpp. Inlined into the loops of EvalRule and
// EvalNode: a conjunction of leaves costs no call per condition.
inline __attribute__((always_inline)) Tri EvalLeaf(const Program& p, const Node& n,
                                                   const Request& r, const uint64_t* present,
                                                   const unsigned char* v) {
  auto has = [present](uint32_t i) { return (present[i >> 6] >> (i & 63)) & 1; };
  switch (n.kind) {
    case NodeKind::kConst:
      return static_cast<Tri>(n.k);
    case NodeKind::kPresent:
      return Truth(has(n.slot));
    case NodeKind::kMissing:
      return Truth(!has(n.slot));
    case NodeKind::kGeneric: {
      if (!has(n.slot)) return kUnknown;
      const GenericOperands& g = p.generic[n.a];
      ValueView l, rv;
      if (g.lhs.is_attr) {
        l = RequestAccess::View(r, g.lhs.index, n.type);
      } else {
        l = ViewOf(p.consts[g.lhs.index]);
      }
      if (g.rhs.is_attr) {
        if (!has(g.rhs.index)) return kUnknown;
        // The right side's kind follows from the operator.
        TypeKind rk = n.type;
        if (n.op == Op::kIn || n.op == Op::kNotIn) {
          rk = n.type == TypeKind::kString ? TypeKind::kStringSet : TypeKind::kEnumSet;
        } else if (n.op == Op::kContains) {
          rk = n.type == TypeKind::kStringSet ? TypeKind::kString : TypeKind::kEnum;
        }
        rv = RequestAccess::View(r, g.rhs.index, rk);
      } else {
        rv = ViewOf(p.consts[g.rhs.index]);
      }
      return Truth(CompareViews(n.op, l, rv));
    }
    case NodeKind::kNot:
    case NodeKind::kAnd:
    case NodeKind::kOr:
      return kUnknown;  // not leaves: EvalNode takes them
    // The leaves of leaf_meaning.hpp: each case knows its kind, so the
    // inlined meaning compiles to that kind's code alone.
    case NodeKind::kEnumInMask:
      return has(n.slot) ? Truth(PresentLeafHolds(n, v, p.ids.data())) : kUnknown;
    case NodeKind::kBoolAttr:
      return has(n.slot) ? Truth(PresentLeafHolds(n, v, p.ids.data())) : kUnknown;
    case NodeKind::kDateInRange:
      return has(n.slot) ? Truth(PresentLeafHolds(n, v, p.ids.data())) : kUnknown;
    case NodeKind::kIntInRange:
      return has(n.slot) ? Truth(PresentLeafHolds(n, v, p.ids.data())) : kUnknown;
    case NodeKind::kMaskOp:
      return has(n.slot) ? Truth(PresentLeafHolds(n, v, p.ids.data())) : kUnknown;
    case NodeKind::kStringEqConst:
      return has(n.slot) ? Truth(PresentLeafHolds(n, v, p.ids.data())) : kUnknown;
    case NodeKind::kStringInConst:
      return has(n.slot) ? Truth(PresentLeafHolds(n, v, p.ids.data())) : kUnknown;
    case NodeKind::kWordCmpAttr:  // reads two attributes (Info(kind).reads_slot2)
      return has(n.slot) && has(n.slot2) ? Truth(PresentLeafHolds(n, v, p.ids.data())) : kUnknown;
  }
  return kUnknown;
}

// A leaf whose attributes are all present (Info(kind).present_form): plain
// true or false.
inline __attribute__((always_inline)) bool EvalPresentLeaf(const Program& p, const Node& n,
                                                           const unsigned char* v) {
  return PresentLeafHolds(n, v, p.ids.data());
}

// Not, and, or over Kleene values.
inline Tri EvalNode(const Program& p, uint32_t index, const Request& r, const uint64_t* present,
                    const unsigned char* values) {
  const Node& n = p.nodes[index];
  if (IsLeaf(n.kind)) return EvalLeaf(p, n, r, present, values);
  const uint32_t* kids = p.children.data() + n.a;
  auto child = [&](uint32_t i) {
    const Node& c = p.nodes[kids[i]];
    return IsLeaf(c.kind) ? EvalLeaf(p, c, r, present, values)
                          : EvalNode(p, kids[i], r, present, values);
  };
  if (n.kind == NodeKind::kNot) {
    Tri t = child(0);
    return t == kUnknown ? kUnknown : t == kTrue ? kFalse : kTrue;
  }
  // A false (for and; true for or) child decides; otherwise any unknown
  // child makes the whole unknown.
  const Tri decisive = n.kind == NodeKind::kAnd ? kFalse : kTrue;
  Tri acc = n.kind == NodeKind::kAnd ? kTrue : kFalse;
  for (uint32_t i = 0; i < n.n; ++i) {
    Tri t = child(i);
    if (t == decisive) return decisive;
    if (t == kUnknown) acc = kUnknown;
  }
  return acc;
}

// One rule, on its own.
inline __attribute__((always_inline)) Tri EvalRule(const Program& p, uint32_t i, const Request& r,
                                                   const uint64_t* present,
                                                   const unsigned char* values) {
  const HotRule& h = p.hot[i];
  if (h.all_in_first_word && (present[0] & h.need) == h.need) {
    // Every attribute present: a plain conjunction. All leaves are
    // evaluated, without an early exit: each is a few instructions, while
    // an early exit on random requests is a mispredicted branch.
    bool all = true;
    const Node* c = p.conjuncts.data() + h.first;
    for (uint32_t k = 0; k < h.count; ++k) all &= EvalPresentLeaf(p, c[k], values);
    return all ? kTrue : kFalse;
  }
  if (h.count != 0) {
    // A flat conjunction of leaves: the first false one decides.
    Tri t = kTrue;
    const Node* c = p.conjuncts.data() + h.first;
    for (uint32_t k = 0; k < h.count; ++k) {
      Tri x = EvalLeaf(p, c[k], r, present, values);
      if (x == kFalse) return kFalse;
      if (x == kUnknown) t = kUnknown;
    }
    return t;
  }
  return EvalNode(p, h.root, r, present, values);
}

// A compact leaf whose attributes are present.
inline __attribute__((always_inline)) bool EvalCompact(const CompactLeaf& c,
                                                       const unsigned char* v) {
  switch (c.form) {
    case FastForm::kByteMask:
      return (c.a >> (v[c.at] & 63)) & 1;
    case FastForm::kRange:
      return RangeHolds(v, c.at, c.shift, c.a, c.b, c.negate);
    case FastForm::kComparison:
      return ComparisonHolds(v, c.at, c.shift, c.at2, c.shift2, c.a, c.b, c.negate);
    case FastForm::kSetTest:
      return SetTestHolds(v, c.at, c.a, c.b, c.negate);
    default:
      return false;  // never built
  }
}

}  // namespace writ::detail::eval

#endif  // WRIT_SRC_RUNTIME_CONDITIONS_HPP_
