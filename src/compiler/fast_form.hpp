// File: src/compiler/fast_form.hpp (internal)
//
// Conditions rewritten into branch-free forms for the fast case, where every
// attribute they read is present: rows over a byte's 64 values, ranges,
// comparisons, set tests (RangePredicate, CompactLeaf in program.hpp).
#ifndef WRIT_SRC_COMPILER_FAST_FORM_HPP_
#define WRIT_SRC_COMPILER_FAST_FORM_HPP_

#include <cstdint>
#include <optional>

#include "compiler/program.hpp"

namespace writ::detail {

// Whether a leaf compares a 1-byte attribute (an enum member or a bool)
// with constants only.
bool IsRowLeaf(const Node& n);
// A row leaf's truth for byte value `x` (0 to 63) of its attribute.
bool RowAccepts(const Node& n, uint32_t x);
// The kinds EvalPresentLeaf decides (no presence test, no Kleene).
bool PresentLeafKind(const Node& n);
// `n` as a range, comparison or set test, filling `q` (not its rules); or
// kNone.
FastForm AsRange(const Node& n, RangePredicate& q);
// `n` as a compact leaf, when it has a fast form.
std::optional<CompactLeaf> Compact(const Node& n);

}  // namespace writ::detail

#endif  // WRIT_SRC_COMPILER_FAST_FORM_HPP_
