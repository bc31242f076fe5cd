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
#include "compiler/program.hpp"
#include "request/request_access.hpp"
#include "writ/request.hpp"

namespace writ::detail::eval {

inline bool Ordered(Op op, int64_t a, int64_t b) {
  switch (op) {
    case Op::kEq:
      return a == b;
    case Op::kNe:
      return a != b;
    case Op::kLt:
      return a < b;
    case Op::kLe:
      return a <= b;
    case Op::kGt:
      return a > b;
    case Op::kGe:
      return a >= b;
    default:
      return false;
  }
}

inline Tri Truth(bool b) { return b ? kTrue : kFalse; }

inline uint32_t Load4(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint64_t Load8(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Evaluates a leaf node (anything but not/and/or). One dispatch; each kind
// knows the width of what it reads, so a condition is a presence test, one
// load and one compare. Inlined into the loops of Eval: a conjunction of
// leaves costs no call per condition.
inline __attribute__((always_inline)) Tri EvalLeaf(const Program& p, const Node& n,
                                                   const Request& r, const uint64_t* present,
                                                   const unsigned char* v) {
  auto has = [present](uint32_t i) { return (present[i >> 6] >> (i & 63)) & 1; };
  switch (n.kind) {
    case NodeKind::kEnumInMask:
      if (!has(n.slot)) return kUnknown;
      return Truth(((n.k >> v[n.off]) & 1) != n.negate);
    case NodeKind::kDateInRange: {
      if (!has(n.slot)) return kUnknown;
      int64_t x = static_cast<int32_t>(Load4(v + n.off));
      return Truth((static_cast<int64_t>(n.k) <= x && x <= n.k2) != n.negate);
    }
    case NodeKind::kIntInRange: {
      if (!has(n.slot)) return kUnknown;
      int64_t x = n.width == 8 ? static_cast<int64_t>(Load8(v + n.off)) : v[n.off];
      return Truth((static_cast<int64_t>(n.k) <= x && x <= n.k2) != n.negate);
    }
    case NodeKind::kBoolAttr:
      if (!has(n.slot)) return kUnknown;
      return Truth(v[n.off] != 0);
    case NodeKind::kWordCmpAttr:
      if (!has(n.slot) || !has(n.slot2)) return kUnknown;
      return Truth(Ordered(n.op, static_cast<int64_t>(LoadPacked(v + n.off, n.width, n.sign)),
                           static_cast<int64_t>(LoadPacked(v + n.off2, n.width2, n.sign2))));
    case NodeKind::kMaskOp: {
      if (!has(n.slot)) return kUnknown;
      uint64_t w = Load8(v + n.off);
      switch (n.op) {
        case Op::kContains:
        case Op::kContainsAny:
          return Truth((w & n.k) != 0);
        case Op::kContainsAll:
          return Truth((w & n.k) == n.k);
        case Op::kContainsNone:
          return Truth((w & n.k) == 0);
        case Op::kEq:
          return Truth(w == n.k);
        case Op::kNe:
          return Truth(w != n.k);
        default:
          return kFalse;
      }
    }
    case NodeKind::kStringEqConst:
      if (!has(n.slot)) return kUnknown;
      return Truth((Load4(v + n.off) == n.k) != n.negate);
    case NodeKind::kStringInConst: {
      if (!has(n.slot)) return kUnknown;
      uint64_t id = Load4(v + n.off);
      bool in = false;
      for (uint32_t i = 0; i < n.n; ++i) in |= p.ids[n.a + i] == id;
      return Truth(in != n.negate);
    }
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
    default:
      return kUnknown;
  }
}

// A leaf whose attributes are all present: plain true or false.
inline __attribute__((always_inline)) bool EvalPresentLeaf(const Program& p, const Node& n,
                                                           const unsigned char* v) {
  switch (n.kind) {
    case NodeKind::kEnumInMask:
      return (n.k >> v[n.off]) & 1;  // negation folded by the compiler
    case NodeKind::kBoolAttr:
      return v[n.off] != 0;
    case NodeKind::kDateInRange: {
      int64_t x = static_cast<int32_t>(Load4(v + n.off));
      return ((static_cast<int64_t>(n.k) <= x) & (x <= n.k2)) != n.negate;
    }
    case NodeKind::kIntInRange: {
      int64_t x = n.width == 8 ? static_cast<int64_t>(Load8(v + n.off)) : v[n.off];
      return ((static_cast<int64_t>(n.k) <= x) & (x <= n.k2)) != n.negate;
    }
    case NodeKind::kWordCmpAttr:
      return Ordered(n.op, static_cast<int64_t>(LoadPacked(v + n.off, n.width, n.sign)),
                     static_cast<int64_t>(LoadPacked(v + n.off2, n.width2, n.sign2)));
    case NodeKind::kMaskOp: {
      uint64_t w = Load8(v + n.off);
      switch (n.op) {
        case Op::kContains:
        case Op::kContainsAny:
          return (w & n.k) != 0;
        case Op::kContainsAll:
          return (w & n.k) == n.k;
        case Op::kContainsNone:
          return (w & n.k) == 0;
        case Op::kEq:
          return w == n.k;
        case Op::kNe:
          return w != n.k;
        default:
          return false;
      }
    }
    case NodeKind::kStringEqConst:
      return (Load4(v + n.off) == n.k) != n.negate;
    default:
      return false;  // the compiler keeps other kinds off this path
  }
  (void)p;
}

// Not, and, or over Kleene values.
inline Tri EvalNode(const Program& p, uint32_t index, const Request& r, const uint64_t* present,
                    const unsigned char* values) {
  const Node& n = p.nodes[index];
  if (n.kind < NodeKind::kNot) return EvalLeaf(p, n, r, present, values);
  const uint32_t* kids = p.children.data() + n.a;
  auto child = [&](uint32_t i) {
    const Node& c = p.nodes[kids[i]];
    return c.kind < NodeKind::kNot ? EvalLeaf(p, c, r, present, values)
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
    case FastForm::kRange: {
      const uint64_t x = static_cast<uint64_t>(static_cast<int64_t>(Load8(v + c.at)) >> c.shift);
      return (x - c.a <= c.b) != c.negate;
    }
    case FastForm::kComparison: {
      const int64_t x = static_cast<int64_t>(Load8(v + c.at)) >> c.shift;
      const int64_t y = static_cast<int64_t>(Load8(v + c.at2)) >> c.shift2;
      return (static_cast<uint64_t>(x - y) - c.a <= c.b) != c.negate;
    }
    case FastForm::kSetTest:
      return (((Load8(v + c.at) & c.a) ^ c.b) == 0) != c.negate;
    default:
      return false;  // never built
  }
}

}  // namespace writ::detail::eval

#endif  // WRIT_SRC_RUNTIME_CONDITIONS_HPP_
