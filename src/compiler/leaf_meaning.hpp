// File: src/compiler/leaf_meaning.hpp (internal)
//
// What each leaf kind (node_kind.hpp) means on present values: the one
// definition that the evaluator's leaves (runtime/conditions.hpp) use after
// their presence tests, that the rows of the rule bitmaps are computed from
// (RowAccepts), and that the branch-free forms (fast_form.hpp) are tested
// against. Comparisons are common/operators.hpp's, as in CompareViews.
#ifndef WRIT_SRC_COMPILER_LEAF_MEANING_HPP_
#define WRIT_SRC_COMPILER_LEAF_MEANING_HPP_

#include <cstdint>
#include <cstring>

#include "common/operators.hpp"
#include "common/schema.hpp"
#include "compiler/program.hpp"

namespace writ::detail {

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

// The truth of leaf `n` when every attribute it reads is present, read from
// a request's value area `v`; `ids` is Program::ids (for kStringInConst).
// Only kinds with Info(kind).present_form, and kStringInConst, are asked.
inline __attribute__((always_inline)) bool PresentLeafHolds(const Node& n, const unsigned char* v,
                                                            const uint64_t* ids) {
  switch (n.kind) {
    case NodeKind::kEnumInMask:
      return MemberOf(v[n.off], n.k);  // never negated (node_kind.hpp note 2)
    case NodeKind::kBoolAttr:
      return v[n.off] != 0;
    case NodeKind::kDateInRange: {
      const int64_t x = static_cast<int32_t>(Load4(v + n.off));
      return ((static_cast<int64_t>(n.k) <= x) & (x <= n.k2)) != n.negate;
    }
    case NodeKind::kIntInRange: {
      const int64_t x = n.width == 8 ? static_cast<int64_t>(Load8(v + n.off)) : v[n.off];
      return ((static_cast<int64_t>(n.k) <= x) & (x <= n.k2)) != n.negate;
    }
    case NodeKind::kWordCmpAttr:
      return OrderHolds(n.op, static_cast<int64_t>(LoadPacked(v + n.off, n.width, n.sign)),
                        static_cast<int64_t>(LoadPacked(v + n.off2, n.width2, n.sign2)));
    case NodeKind::kMaskOp:
      return MaskHolds(n.op, Load8(v + n.off), n.k);
    case NodeKind::kStringEqConst:
      return (Load4(v + n.off) == n.k) != n.negate;
    case NodeKind::kStringInConst: {
      const uint64_t id = Load4(v + n.off);
      bool in = false;
      for (uint32_t i = 0; i < n.n; ++i) in |= ids[n.a + i] == id;
      return in != n.negate;
    }
    default:
      return false;  // not a present-value leaf (node_kind.hpp)
  }
}

}  // namespace writ::detail

#endif  // WRIT_SRC_COMPILER_LEAF_MEANING_HPP_
