// File: src/compiler/fast_form.hpp (internal)
//
// Conditions rewritten into branch-free forms for the fast case, where every
// attribute they read is present: rows over a byte's 64 values, ranges,
// comparisons, set tests (RangePredicate, CompactLeaf in program.hpp).
#ifndef WRIT_SRC_COMPILER_FAST_FORM_HPP_
#define WRIT_SRC_COMPILER_FAST_FORM_HPP_

#include <cstdint>
#include <optional>

#include "compiler/leaf_meaning.hpp"
#include "compiler/program.hpp"

namespace writ::detail {

// The meaning of the three branch-free forms, written once for the rule
// bitmaps' predicates (RangePredicate) and the index buckets' compact leaves
// (CompactLeaf). Values narrower than 8 bytes are loaded as the 8 bytes that
// end where they end and shifted down arithmetically (program.hpp).
inline __attribute__((always_inline)) bool RangeHolds(const unsigned char* v, int32_t at,
                                                      uint8_t shift, uint64_t lo, uint64_t span,
                                                      bool negate) {
  const uint64_t x = static_cast<uint64_t>(static_cast<int64_t>(Load8(v + at)) >> shift);
  return (x - lo <= span) != negate;
}
inline __attribute__((always_inline)) bool ComparisonHolds(const unsigned char* v, int32_t at,
                                                           uint8_t shift, int32_t at2,
                                                           uint8_t shift2, uint64_t lo,
                                                           uint64_t span, bool negate) {
  const int64_t x = static_cast<int64_t>(Load8(v + at)) >> shift;
  const int64_t y = static_cast<int64_t>(Load8(v + at2)) >> shift2;
  return (static_cast<uint64_t>(x - y) - lo <= span) != negate;
}
inline __attribute__((always_inline)) bool SetTestHolds(const unsigned char* v, int32_t at,
                                                        uint64_t and_mask, uint64_t xor_value,
                                                        bool negate) {
  return (((Load8(v + at) & and_mask) ^ xor_value) == 0) != negate;
}

// Whether a leaf compares a 1-byte attribute (an enum member or a bool)
// with constants only.
bool IsRowLeaf(const Node& n);
// A row leaf's truth for byte value `x` (0 to 63) of its attribute.
bool RowAccepts(const Node& n, uint32_t x);
// `n` as a range, comparison or set test, filling `q` (not its rules); or
// kNone.
FastForm AsRange(const Node& n, RangePredicate& q);
// `n` as a compact leaf, when it has a fast form.
std::optional<CompactLeaf> Compact(const Node& n);

}  // namespace writ::detail

#endif  // WRIT_SRC_COMPILER_FAST_FORM_HPP_
