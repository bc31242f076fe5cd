// File: src/evaluator.cpp
//
// The compiled evaluator. Rules are visited in policy order; with a rule
// index, only the unindexed rules and the bucket of the request's value are
// visited (the others are certainly false: their key equality is false).
// Outcomes combine as they are found, so no per-rule array is needed.
#include "writ/detail/evaluator.hpp"

#include <algorithm>

#include "absl/container/inlined_vector.h"
#include "writ/detail/compare.hpp"
#include "writ/detail/request_access.hpp"
#include "writ/detail/schema.hpp"

namespace writ::detail {

namespace {

bool Ordered(Op op, int64_t a, int64_t b) {
  switch (op) {
    case Op::kEq: return a == b;
    case Op::kNe: return a != b;
    case Op::kLt: return a < b;
    case Op::kLe: return a <= b;
    case Op::kGt: return a > b;
    case Op::kGe: return a >= b;
    default: return false;
  }
}

}  // namespace


Tri Evaluator::Eval(const Program& p, uint32_t index, const Request& r) {
  const Node& n = p.nodes[index];
  const unsigned char* values = r.values();
  switch (n.kind) {
    case NodeKind::kConst: return static_cast<Tri>(n.k);
    case NodeKind::kBoolAttr:
      if (!r.present(n.slot)) return kUnknown;
      return LoadPacked(values + n.off, n.width, n.sign) ? kTrue : kFalse;
    case NodeKind::kPresent: return r.present(n.slot) ? kTrue : kFalse;
    case NodeKind::kMissing: return r.present(n.slot) ? kFalse : kTrue;
    case NodeKind::kEnumInMask: {
      if (!r.present(n.slot)) return kUnknown;
      bool in = (n.k >> LoadPacked(values + n.off, n.width, n.sign)) & 1;
      return in != n.negate ? kTrue : kFalse;
    }
    case NodeKind::kWordCmpConst:
      if (!r.present(n.slot)) return kUnknown;
      return Ordered(n.op, static_cast<int64_t>(LoadPacked(values + n.off, n.width, n.sign)), static_cast<int64_t>(n.k))
                 ? kTrue
                 : kFalse;
    case NodeKind::kWordCmpAttr:
      if (!r.present(n.slot) || !r.present(n.slot2)) return kUnknown;
      return Ordered(n.op, static_cast<int64_t>(LoadPacked(values + n.off, n.width, n.sign)),
                     static_cast<int64_t>(LoadPacked(values + n.off2, n.width2, n.sign2)))
                 ? kTrue
                 : kFalse;
    case NodeKind::kMaskOp: {
      if (!r.present(n.slot)) return kUnknown;
      uint64_t w = LoadPacked(values + n.off, n.width, n.sign);
      bool b;
      switch (n.op) {
        case Op::kContains:
        case Op::kContainsAny: b = (w & n.k) != 0; break;
        case Op::kContainsAll: b = (w & n.k) == n.k; break;
        case Op::kContainsNone: b = (w & n.k) == 0; break;
        case Op::kEq: b = w == n.k; break;
        case Op::kNe: b = w != n.k; break;
        default: b = false;
      }
      return b ? kTrue : kFalse;
    }
    case NodeKind::kStringEqConst:
      if (!r.present(n.slot)) return kUnknown;
      return (LoadPacked(values + n.off, n.width, n.sign) == n.k) != n.negate ? kTrue : kFalse;
    case NodeKind::kStringInConst: {
      if (!r.present(n.slot)) return kUnknown;
      uint64_t id = LoadPacked(values + n.off, n.width, n.sign);
      bool in = false;
      for (uint32_t i = 0; i < n.n; ++i) in |= p.ids[n.a + i] == id;
      return in != n.negate ? kTrue : kFalse;
    }
    case NodeKind::kGeneric: {
      ValueView l, rv;
      if (n.lhs.is_attr) {
        if (!r.present(n.lhs.index)) return kUnknown;
        l = RequestAccess::View(r, n.lhs.index, n.type);
      } else {
        l = ViewOf(p.consts[n.lhs.index]);
      }
      if (n.rhs.is_attr) {
        if (!r.present(n.rhs.index)) return kUnknown;
        // The right side's kind follows from the operator; read it as stored.
        TypeKind rk = n.type;
        if (n.op == Op::kIn || n.op == Op::kNotIn) {
          rk = n.type == TypeKind::kString ? TypeKind::kStringSet : TypeKind::kEnumSet;
        } else if (n.op == Op::kContains) {
          rk = n.type == TypeKind::kStringSet ? TypeKind::kString : TypeKind::kEnum;
        }
        rv = RequestAccess::View(r, n.rhs.index, rk);
      } else {
        rv = ViewOf(p.consts[n.rhs.index]);
      }
      return CompareViews(n.op, l, rv) ? kTrue : kFalse;
    }
    case NodeKind::kNot: {
      Tri t = Eval(p, p.children[n.a], r);
      return t == kUnknown ? kUnknown : t == kTrue ? kFalse : kTrue;
    }
    case NodeKind::kAnd: {
      Tri acc = kTrue;
      for (uint32_t i = 0; i < n.n; ++i) {
        Tri t = Eval(p, p.children[n.a + i], r);
        if (t == kFalse) return kFalse;
        if (t == kUnknown) acc = kUnknown;
      }
      return acc;
    }
    case NodeKind::kOr: {
      Tri acc = kFalse;
      for (uint32_t i = 0; i < n.n; ++i) {
        Tri t = Eval(p, p.children[n.a + i], r);
        if (t == kTrue) return kTrue;
        if (t == kUnknown) acc = kUnknown;
      }
      return acc;
    }
  }
  return kUnknown;
}

void Evaluator::Decide(const Policy& policy, const Program& p, const Request& r, Decision& out) {
  out.policy_ = &policy;
  out.open_ = false;
  out.by_default_ = false;
  out.deciding_.clear();
  out.missing_.clear();
  out.granted_ = out.withheld_ = 0;
  out.problems_ = r.problems_;

  // Rules that certainly apply, and rules whose applicability is unknown.
  absl::InlinedVector<uint32_t, 16> applying, unknown;
  bool stopped = false;  // first_match found its rule
  auto visit = [&](uint32_t i) {
    Tri t = Eval(p, p.rules[i].root, r);
    if (t == kTrue) {
      applying.push_back(i);
      stopped = p.first_match;
    } else if (t == kUnknown) {
      unknown.push_back(i);
    }
  };

  const RuleIndex& idx = p.index;
  if (idx.attr < 0 || !r.present(idx.attr)) {
    for (uint32_t i = 0; i < p.rules.size() && !stopped; ++i) visit(i);
  } else {
    // Merge the unindexed rules with the bucket of the request's value, in
    // rule order.
    static const std::vector<uint32_t> kNone;
    uint64_t key = r.Load(idx.attr);
    const std::vector<uint32_t>& bucket = key < idx.buckets.size() ? idx.buckets[key] : kNone;
    const std::vector<uint32_t>& all = idx.unindexed;
    size_t a = 0, b = 0;
    while (!stopped && (a < all.size() || b < bucket.size())) {
      if (b == bucket.size() || (a < all.size() && all[a] < bucket[b])) {
        visit(all[a++]);
      } else {
        visit(bucket[b++]);
      }
    }
  }

  // The outcome when every unknown rule is read as not applying.
  Effect baseline = p.default_effect;
  if (!applying.empty()) {
    if (p.first_match) {
      baseline = p.rules[applying.front()].effect;
    } else {
      baseline = Effect::kAllow;
      for (uint32_t i : applying) baseline = std::max(baseline, p.rules[i].effect);
    }
  }
  // An unknown rule leaves the decision open if its applying would change
  // the outcome (LANGUAGE.md §6, the fail-safe rule).
  auto changes = [&](uint32_t i) {
    Effect e = p.rules[i].effect;
    if (p.first_match) return e != baseline;  // only rules before the stop were visited
    return applying.empty() ? e != baseline : e > baseline;
  };
  for (uint32_t i : unknown) {
    if (!changes(i)) continue;
    out.open_ = true;
    for (uint32_t a : p.rules[i].reads) {
      if (!r.present(a) && std::find(out.missing_.begin(), out.missing_.end(), a) == out.missing_.end())
        out.missing_.push_back(a);
    }
  }

  const bool has_items = p.items_attr >= 0 && r.present(p.items_attr);
  const uint64_t requested = has_items ? r.Load(p.items_attr) : 0;
  if (out.open_) {
    std::sort(out.missing_.begin(), out.missing_.end());
    out.effect_ = Effect::kReview;
    out.withheld_ = requested;
    return;
  }
  out.effect_ = baseline;
  if (applying.empty()) {
    out.by_default_ = true;
  } else if (p.first_match) {
    out.deciding_.push_back(applying.front());
  } else {
    for (uint32_t i : applying)
      if (p.rules[i].effect == baseline) out.deciding_.push_back(i);
  }
  if (baseline != Effect::kDeny) {
    uint64_t may = out.by_default_ ? p.items_all : 0;
    for (uint32_t i : out.deciding_) may |= p.rules[i].disclose_mask;
    out.granted_ = requested & may;
  }
  out.withheld_ = requested & ~out.granted_;
}

}  // namespace writ::detail
