// File: effect.hpp
//
// What a decision does with a request: allow it, send it to legal review,
// or deny it. The numbering is the order in which deny_overrides ranks them
// (allow < review < deny); the library relies on it.
#ifndef WRIT_EFFECT_HPP_
#define WRIT_EFFECT_HPP_

#include <cstdint>
#include <string_view>

#include "writ/export.hpp"

namespace writ {

enum class Effect : uint8_t { kAllow = 0, kReview = 1, kDeny = 2 };

// "allow", "review" or "deny".
WRIT_API std::string_view EffectName(Effect effect);

}  // namespace writ

#endif  // WRIT_EFFECT_HPP_
