// File: src/rule_bitmap.cpp
//
// The bit-parallel form of a small rule set. A conjunct that compares a
// 1-byte attribute (an enum member or a bool) with constants becomes a row
// entry: for each of the 64 possible byte values, whether the rule survives.
// The test reads exactly what the evaluator's leaf would (bit `value` of the
// mask, `value != 0`, or the range), so both forms agree on every value.
// Other conjuncts become predicates, shared by the rules that have the same
// condition.
#include "writ/detail/rule_bitmap.hpp"

#include <climits>
#include <map>
#include <tuple>

namespace writ::detail {
namespace {

// Whether a leaf compares a 1-byte attribute with constants only.
bool IsRowLeaf(const Node& n) {
  switch (n.kind) {
    case NodeKind::kEnumInMask:
    case NodeKind::kBoolAttr:
      return n.width == 1;
    case NodeKind::kIntInRange:
      return n.width == 1;  // a bool compared with true or false
    default:
      return false;
  }
}

// The leaf's truth for byte value `x` of its attribute (mirrors EvalLeaf).
bool RowAccepts(const Node& n, uint32_t x) {
  switch (n.kind) {
    case NodeKind::kEnumInMask:
      return ((n.k >> x) & 1) != n.negate;
    case NodeKind::kBoolAttr:
      return x != 0;
    default: {
      int64_t v = x;
      return (static_cast<int64_t>(n.k) <= v && v <= n.k2) != n.negate;
    }
  }
}

// The kinds EvalPresentLeaf decides (no presence test, no Kleene).
bool PresentLeafKind(const Node& n) {
  switch (n.kind) {
    case NodeKind::kEnumInMask:
    case NodeKind::kBoolAttr:
    case NodeKind::kDateInRange:
    case NodeKind::kIntInRange:
    case NodeKind::kWordCmpAttr:
    case NodeKind::kMaskOp:
    case NodeKind::kStringEqConst:
      return true;
    default:
      return false;
  }
}

enum class FastForm { kNone, kRange, kComparison, kSetTest };

// `n` in the branch-free form of the fast case, when it has one.
FastForm AsRange(const Node& n, RangePredicate& q) {
  auto load = [](uint32_t off, uint8_t width, int32_t& at, uint8_t& shift) {
    at = static_cast<int32_t>(off) + width - 8;
    shift = static_cast<uint8_t>(64 - 8 * width);
  };
  constexpr uint64_t kAll = ~uint64_t{0};
  switch (n.kind) {
    case NodeKind::kDateInRange:
    case NodeKind::kIntInRange:
      if (n.k2 < static_cast<int64_t>(n.k)) return FastForm::kNone;  // empty: no span says so
      load(n.off, n.width, q.at, q.shift);
      q.lo = n.k;
      q.span = static_cast<uint64_t>(n.k2) - n.k;
      q.negate = n.negate;
      return FastForm::kRange;
    case NodeKind::kStringEqConst:
      load(n.off, n.width, q.at, q.shift);
      q.lo = n.k;
      q.span = 0;
      q.negate = n.negate;
      return FastForm::kRange;
    case NodeKind::kWordCmpAttr: {
      // x op y as x - y in a range; no overflow for values of 4 bytes or less.
      if (n.width > 4 || n.width2 > 4) return FastForm::kNone;
      load(n.off, n.width, q.at, q.shift);
      load(n.off2, n.width2, q.at2, q.shift2);
      int64_t lo = INT64_MIN, hi = INT64_MAX;
      switch (n.op) {
        case Op::kEq:
          lo = hi = 0;
          break;
        case Op::kNe:
          lo = hi = 0;
          q.negate = true;
          break;
        case Op::kLt:
          hi = -1;
          break;
        case Op::kLe:
          hi = 0;
          break;
        case Op::kGt:
          lo = 1;
          break;
        case Op::kGe:
          lo = 0;
          break;
        default:
          return FastForm::kNone;
      }
      q.lo = static_cast<uint64_t>(lo);
      q.span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
      return FastForm::kComparison;
    }
    case NodeKind::kMaskOp:
      q.at = static_cast<int32_t>(n.off);
      q.and_mask = n.k;
      switch (n.op) {
        case Op::kContains:
        case Op::kContainsAny:
          q.negate = true;  // not (w & k) == 0
          return FastForm::kSetTest;
        case Op::kContainsAll:
          q.xor_value = n.k;
          return FastForm::kSetTest;
        case Op::kContainsNone:
          return FastForm::kSetTest;
        case Op::kEq:
        case Op::kNe:
          q.and_mask = kAll;
          q.xor_value = n.k;
          q.negate = n.op == Op::kNe;
          return FastForm::kSetTest;
        default:
          return FastForm::kNone;
      }
    default:
      return FastForm::kNone;
  }
}

// Two leaves with equal keys evaluate alike on every request.
auto LeafKey(const Node& n) {
  return std::make_tuple(n.kind, n.op, n.negate, n.type, n.width, n.width2, n.sign, n.sign2, n.slot,
                         n.off, n.slot2, n.off2, n.a, n.n, n.k, n.k2);
}

}  // namespace

RuleBitmap BuildRuleBitmap(const Program& p, const std::vector<uint32_t>& rules) {
  RuleBitmap b;
  if (rules.size() > kMaxBitmapRules) return b;
  b.enabled = true;
  b.fast = true;
  b.rule_ids = rules;
  std::map<uint32_t, size_t> attr_of_slot;
  std::map<decltype(LeafKey(Node{})), size_t> predicate_of;
  auto need = [&b](uint32_t slot) {
    if (slot >= 64) {
      b.fast = false;
    } else {
      b.need |= uint64_t{1} << slot;
    }
  };
  for (size_t j = 0; j < rules.size(); ++j) {
    const uint64_t bit = uint64_t{1} << j;
    const HotRule& h = p.hot[rules[j]];
    b.by_effect[static_cast<int>(h.effect)] |= bit;
    if (h.count == 0) {
      b.trees |= bit;
      continue;
    }
    b.flat |= bit;
    for (uint32_t c = h.first; c < h.first + h.count; ++c) {
      const Node& n = p.conjuncts[c];
      if (n.kind == NodeKind::kConst) {
        if (n.k == kFalse) b.never |= bit;  // constants are true or false
        continue;
      }
      if (IsRowLeaf(n)) {
        auto [it, added] = attr_of_slot.try_emplace(n.slot, b.attrs.size());
        if (added) {
          RowAttribute a;
          a.slot = n.slot;
          a.off = n.off;
          a.rows = static_cast<uint32_t>(b.row_masks.size());
          b.attrs.push_back(a);
          b.row_masks.resize(b.row_masks.size() + 64, ~uint64_t{0});
          need(n.slot);
        }
        RowAttribute& a = b.attrs[it->second];
        a.tests |= bit;
        for (uint32_t x = 0; x < 64; ++x) {
          if (!RowAccepts(n, x)) b.row_masks[a.rows + x] &= ~bit;
        }
        continue;
      }
      auto [it, added] = predicate_of.try_emplace(LeafKey(n), b.predicates.size());
      if (added) {
        b.predicates.push_back({n, 0});
        if (!PresentLeafKind(n)) b.fast = false;
        need(n.slot);
        if (n.kind == NodeKind::kWordCmpAttr) need(n.slot2);
      }
      b.predicates[it->second].rules |= bit;
    }
  }
  // The fast case's forms of the predicates.
  for (uint32_t i = 0; i < b.predicates.size(); ++i) {
    RangePredicate q;
    q.rules = b.predicates[i].rules;
    switch (AsRange(b.predicates[i].leaf, q)) {
      case FastForm::kRange:
        b.ranges.push_back(q);
        break;
      case FastForm::kComparison:
        b.comparisons.push_back(q);
        break;
      case FastForm::kSetTest:
        b.set_tests.push_back(q);
        break;
      case FastForm::kNone:
        b.present_leaves.push_back(i);
        break;
    }
  }
  return b;
}

}  // namespace writ::detail
