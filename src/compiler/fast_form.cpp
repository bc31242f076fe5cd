// File: src/compiler/fast_form.cpp
//
// The branch-free forms of conditions. Rows are computed from the leaf's
// own meaning (leaf_meaning.hpp); ranges, comparisons and set tests are
// rewritings that compiler_test checks against that meaning on every kind
// and many values, and the differential test on whole policies.
#include "compiler/fast_form.hpp"

#include <climits>

namespace writ::detail {

// Whether a leaf compares a 1-byte attribute with constants only.
bool IsRowLeaf(const Node& n) { return Info(n.kind).row_form && n.width == 1; }

// The leaf's truth for byte value `x` of its attribute: the leaf itself,
// read from a one-byte value area.
bool RowAccepts(const Node& n, uint32_t x) {
  Node at_zero = n;
  at_zero.off = 0;
  at_zero.off2 = 0;
  unsigned char values[16] = {};  // room for any width the kind could read
  values[0] = static_cast<unsigned char>(x);
  return PresentLeafHolds(at_zero, values, nullptr);
}

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

std::optional<CompactLeaf> Compact(const Node& n) {
  CompactLeaf c;
  if (IsRowLeaf(n)) {
    if (n.off > INT16_MAX) return std::nullopt;
    c.form = FastForm::kByteMask;
    c.at = static_cast<int16_t>(n.off);
    for (uint32_t x = 0; x < 64; ++x) {
      if (RowAccepts(n, x)) c.a |= uint64_t{1} << x;
    }
    return c;
  }
  RangePredicate q;
  c.form = AsRange(n, q);
  if (c.form == FastForm::kNone) return std::nullopt;
  if (q.at < INT16_MIN || q.at > INT16_MAX || q.at2 < INT16_MIN || q.at2 > INT16_MAX)
    return std::nullopt;
  c.at = static_cast<int16_t>(q.at);
  c.at2 = static_cast<int16_t>(q.at2);
  c.shift = q.shift;
  c.shift2 = q.shift2;
  c.negate = q.negate;
  c.a = c.form == FastForm::kSetTest ? q.and_mask : q.lo;
  c.b = c.form == FastForm::kSetTest ? q.xor_value : q.span;
  return c;
}

}  // namespace writ::detail
