// File: src/common/combining.hpp (internal)
//
// The combining rule (docs/language.md §7.2 and §7.3), written once. Every decision
// path of the compiled evaluator (runtime/evaluator.cpp), the settled
// decision tables (compiler/rule_bitmap.cpp) and the reference evaluator
// (runtime/reference_evaluator.cpp) call these functions; none restates
// them.
//
//   1. No rule applies: the policy's default effect decides ("by default"),
//      and every item asked for may be disclosed unless the effect is deny.
//   2. deny_overrides: the strongest effect among the applying rules
//      (deny > review > allow); every applying rule of that effect decides.
//   3. first_match: the first applying rule in policy order decides.
//   4. Items: a deny grants nothing; otherwise the items asked for that a
//      deciding rule may disclose (all of them without `disclose`).
//   5. The fail-safe rule: with some rules unknown (missing attributes),
//      the outcome above reads every unknown rule as not applying. If some
//      unknown rule, applying, would give another effect, the decision is
//      open: review, nothing granted, and the attributes that the request
//      lacks are listed as missing: all of them that some reading of the
//      unknown rules needs (v1.1), so that supplying the list always closes
//      the decision. Those are read by the unknown rules that change the
//      effect alone (ChangingEffects), by those that change it together
//      with others (JointlyChangingEffects), and by the conditions of the
//      obligations of every rule that may then decide.
//
// Effect's numbering (decision.hpp: kAllow 0, kReview 1, kDeny 2) is the
// deny_overrides order; EffectSet bit e stands for effect e.
#ifndef WRIT_SRC_COMMON_COMBINING_HPP_
#define WRIT_SRC_COMMON_COMBINING_HPP_

#include <cstdint>

#include "common/ast.hpp"
#include "writ/effect.hpp"

namespace writ::detail {

static_assert(static_cast<int>(Effect::kAllow) < static_cast<int>(Effect::kReview) &&
                  static_cast<int>(Effect::kReview) < static_cast<int>(Effect::kDeny),
              "Effect's numbering is the deny_overrides order");

// The effect a policy's text names, as decisions carry it.
constexpr Effect ToEffect(EffectKind k) {
  return k == EffectKind::kAllow    ? Effect::kAllow
         : k == EffectKind::kReview ? Effect::kReview
                                    : Effect::kDeny;
}

using EffectSet = uint8_t;
inline constexpr EffectSet kAllEffects = 0b111;
constexpr EffectSet EffectBit(Effect e) { return EffectSet{1} << static_cast<int>(e); }

// Rule 2: the strongest effect of a non-empty set.
constexpr Effect Strongest(EffectSet effects) {
  return (effects & EffectBit(Effect::kDeny))     ? Effect::kDeny
         : (effects & EffectBit(Effect::kReview)) ? Effect::kReview
                                                  : Effect::kAllow;
}

// Rules 1-3: the effect when exactly the known-applying rules apply.
// `applying` is the set of their effects; `first` the effect of the first
// of them in policy order (read only under first_match).
constexpr Effect CombinedEffect(bool first_match, Effect default_effect, EffectSet applying,
                                Effect first) {
  if (applying == 0) return default_effect;
  return first_match ? first : Strongest(applying);
}

// Rule 2: the effects of the applying rules that decide under
// deny_overrides (under first_match the first applying rule decides).
constexpr EffectSet DecidingEffects(Effect combined) { return EffectBit(combined); }

// Rules 2-3: whether an applying rule with effect `e` decides, given the
// combined effect; `is_first` says it is the first applying rule.
constexpr bool Decides(bool first_match, bool is_first, Effect e, Effect combined) {
  return first_match ? is_first : (DecidingEffects(combined) & EffectBit(e)) != 0;
}

// Rule 5: the effects an unknown rule may have for its applying to change
// the combined effect. Under first_match only unknown rules *before* the
// first applying rule count (a later one cannot come first); the callers
// apply that position test themselves.
constexpr EffectSet ChangingEffects(bool first_match, bool any_applies, Effect combined) {
  if (!any_applies || first_match) return kAllEffects & ~EffectBit(combined);
  // deny_overrides: only a stronger effect overrides.
  return kAllEffects & ~((EffectBit(combined) << 1) - 1);
}

// Rule 5, the complete missing list: the effects of unknown rules that do
// not change the effect by applying alone but do once other unknown rules
// apply. `changing` is the effects of the unknown rules that do change it
// alone. Under deny_overrides with nothing applying, a rule of the default
// effect, once a weaker rule applies (default deny: the deny rule matters
// when an allow rule applies). Under first_match, a rule of the current
// effect that comes before a changing one (the callers apply that position
// test: before the last changing rule).
constexpr EffectSet JointlyChangingEffects(bool first_match, bool any_applies, Effect combined,
                                           EffectSet changing) {
  if (first_match) return changing ? EffectBit(combined) : 0;
  if (any_applies) return 0;
  return (changing & (EffectBit(combined) - 1)) ? EffectBit(combined) : 0;
}

// Rule 5, duties: the effects of the rules that decide under some reading
// of the unknown rules, whose obligations' conditions the missing list
// must then cover. Under deny_overrides a rule no weaker than what applies
// (anything when nothing applies); under first_match any rule up to the
// first applying one (the callers apply that position test).
constexpr EffectSet MayDecideEffects(bool first_match, bool any_applies, Effect combined) {
  if (first_match || !any_applies) return kAllEffects;
  return kAllEffects & ~(EffectBit(combined) - 1);
}

// Rule 4: the items granted of `requested`, when the deciding rules may
// disclose `may` (every item when the default decided).
constexpr uint64_t GrantedItems(Effect e, uint64_t requested, uint64_t may) {
  return e == Effect::kDeny ? 0 : requested & may;
}

// Rule 5: an open decision.
inline constexpr Effect kOpenEffect = Effect::kReview;

}  // namespace writ::detail

#endif  // WRIT_SRC_COMMON_COMBINING_HPP_
