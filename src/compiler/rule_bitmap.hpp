// File: src/compiler/rule_bitmap.hpp (internal)
//
// Builds the bit-parallel form of up to 64 rules (RuleBitmap in program.hpp)
// from their compiled conditions.
#ifndef WRIT_SRC_COMPILER_RULE_BITMAP_HPP_
#define WRIT_SRC_COMPILER_RULE_BITMAP_HPP_

#include <cstdint>
#include <vector>

#include "compiler/program.hpp"

namespace writ::detail {

inline constexpr size_t kMaxBitmapRules = 64;
inline constexpr size_t kMaxSettledRules = 8;

// The bitmap of `rules` (ascending rule indices of `program`, whose rules,
// hot records and conjuncts are built); disabled when there are more than
// kMaxBitmapRules.
RuleBitmap BuildRuleBitmap(const Program& program, const std::vector<uint32_t>& rules);

// The wide bitmap of `rules` when there are more than kMaxBitmapRules (and
// the masks stay within WideBitmap's limits); else disabled.
WideBitmap BuildWideBitmap(const Program& program, const std::vector<uint32_t>& rules);

// Every settled decision of a bitmap over `rules` (at most kMaxSettledRules;
// with an index, the unindexed rules, valid when no rule of the request's
// bucket applies or is unknown): for each set of applying rules, the
// effect, the deciding rules and the items they may disclose (docs/language.md
// §7.2, without unknowns).
std::vector<Settled> SettleOutcomes(const Program& program, const std::vector<uint32_t>& rules);

}  // namespace writ::detail

#endif  // WRIT_SRC_COMPILER_RULE_BITMAP_HPP_
