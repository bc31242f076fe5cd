// File: detail/rule_bitmap.hpp (not API)
//
// Builds the bit-parallel form of up to 64 rules (RuleBitmap in program.hpp)
// from their compiled conditions.
#ifndef WRIT_DETAIL_RULE_BITMAP_HPP_
#define WRIT_DETAIL_RULE_BITMAP_HPP_

#include <cstdint>
#include <vector>

#include "writ/detail/program.hpp"

namespace writ::detail {

inline constexpr size_t kMaxBitmapRules = 64;

// The bitmap of `rules` (ascending rule indices of `program`, whose rules,
// hot records and conjuncts are built); disabled when there are more than
// kMaxBitmapRules.
RuleBitmap BuildRuleBitmap(const Program& program, const std::vector<uint32_t>& rules);

}  // namespace writ::detail

#endif  // WRIT_DETAIL_RULE_BITMAP_HPP_
