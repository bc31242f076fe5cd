// File: src/runtime/bitmap_eval.hpp (internal to the runtime)
//
// Evaluating a RuleBitmap (rule_bitmap.hpp): up to 64 rules at once, one bit
// each; and a WideBitmap, any number of 64-rule words with Kleene logic. The fast case, where every
// attribute read is present, is a row per enum or bool attribute and branch-free predicates;
// otherwise Kleene, and the rules that are not flat conjunctions as trees.
#ifndef WRIT_SRC_RUNTIME_BITMAP_EVAL_HPP_
#define WRIT_SRC_RUNTIME_BITMAP_EVAL_HPP_

#include "runtime/conditions.hpp"

namespace writ::detail::eval {

// The rules of a RuleBitmap that certainly apply, and those whose
// applicability is unknown (bit j: rule rule_ids[j]).
struct BitOutcome {
  uint64_t applies = 0;
  uint64_t unknown = 0;
};

// Some attribute the rules read is missing (or the bitmap has conditions
// EvalPresentLeaf does not decide): Kleene. A rule is false when some
// conjunct is false, else unknown when some conjunct is unknown.
inline __attribute__((noinline)) BitOutcome EvalBitmapKleene(const Program& p, const Request& r,
                                                             const uint64_t* present,
                                                             const unsigned char* values) {
  const RuleBitmap& b = p.bitmap;
  uint64_t falsified = b.never, open = 0;
  auto has = [present](uint32_t i) { return (present[i >> 6] >> (i & 63)) & 1; };
  for (const RowAttribute& a : b.attrs) {
    if (has(a.slot)) {
      falsified |= ~b.row_masks[a.rows + (values[a.off] & 63)];
    } else {
      open |= a.tests;
    }
  }
  for (const Predicate& q : b.predicates) {
    Tri t = EvalLeaf(p, q.leaf, r, present, values);
    if (t == kFalse) falsified |= q.rules;
    if (t == kUnknown) open |= q.rules;
  }
  return {b.flat & ~falsified & ~open, b.flat & ~falsified & open};
}

// The rules that are not flat conjunctions, added to `o`.
inline __attribute__((noinline)) void EvalBitmapTrees(const Program& p, const Request& r,
                                                      const uint64_t* present,
                                                      const unsigned char* values, BitOutcome& o) {
  const RuleBitmap& b = p.bitmap;
  for (uint64_t t = b.trees; t != 0; t &= t - 1) {
    const int j = __builtin_ctzll(t);
    Tri x = EvalNode(p, p.hot[b.rule_ids[j]].root, r, present, values);
    if (x == kTrue) o.applies |= uint64_t{1} << j;
    if (x == kUnknown) o.unknown |= uint64_t{1} << j;
  }
}

// The rules the predicates without a branch-free form leave alive. Out of
// line: few policies have them (comparisons of two 8-byte integers).
inline __attribute__((noinline)) uint64_t PresentLeaves(const Program& p,
                                                        const unsigned char* values) {
  const RuleBitmap& b = p.bitmap;
  uint64_t alive = ~uint64_t{0};
  for (uint32_t i : b.present_leaves) {
    const Predicate& q = b.predicates[i];
    if (!EvalPresentLeaf(p, q.leaf, values)) alive &= ~q.rules;
  }
  return alive;
}

// Whether the fast case holds: every attribute the bitmap's rows and
// predicates read is present, and each predicate has a branch-free form.
// Presence words past the first (schemas past 64 attributes). Out of line.
inline __attribute__((noinline)) bool PresentPastFirstWord(const RuleBitmap& b,
                                                           const uint64_t* present) {
  for (size_t w = 0; w < b.need_more.size(); ++w) {
    if ((present[w + 1] & b.need_more[w]) != b.need_more[w]) return false;
  }
  return true;
}

inline bool FastCase(const RuleBitmap& b, const uint64_t* present) {
  if (!b.fast || (present[0] & b.need) != b.need) return false;
  return !b.need_past_first_word || PresentPastFirstWord(b, present);
}

// The fast case: a flat rule applies unless some row or predicate
// falsifies it; no condition is unknown.
inline __attribute__((always_inline)) uint64_t FastApplies(const Program& p,
                                                           const unsigned char* values) {
  const RuleBitmap& b = p.bitmap;
  uint64_t alive = ~b.never;
  for (const RowAttribute& a : b.attrs) alive &= b.row_masks[a.rows + (values[a.off] & 63)];
  // A false predicate clears its rules' bits: alive &= ~(rules & -false).
  auto apply = [&alive](bool ok, uint64_t rules) { alive &= ~(rules & (uint64_t{0} - !ok)); };
  for (const RangePredicate& q : b.ranges)
    apply(RangeHolds(values, q.at, q.shift, q.lo, q.span, q.negate), q.rules);
  for (const RangePredicate& q : b.comparisons)
    apply(ComparisonHolds(values, q.at, q.shift, q.at2, q.shift2, q.lo, q.span, q.negate), q.rules);
  for (const RangePredicate& q : b.set_tests)
    apply(SetTestHolds(values, q.at, q.and_mask, q.xor_value, q.negate), q.rules);
  if (!b.present_leaves.empty()) alive &= PresentLeaves(p, values);
  return alive & b.flat;
}

// Every rule of the bitmap: the fast case or Kleene, then the trees.
inline __attribute__((always_inline)) BitOutcome EvalBitmap(const Program& p, const Request& r,
                                                            const uint64_t* present,
                                                            const unsigned char* values) {
  BitOutcome o;
  if (FastCase(p.bitmap, present)) {
    o.applies = FastApplies(p, values);
  } else {
    o = EvalBitmapKleene(p, r, present, values);
  }
  if (p.bitmap.trees != 0) EvalBitmapTrees(p, r, present, values, o);
  return o;
}

// The outcome of the wide bitmap: bit w*64+j of applies / unknown is the
// rule at that position (each array `words` long).
inline void EvalWide(const Program& p, const Request& r, const uint64_t* present,
                     const unsigned char* values, uint64_t* applies, uint64_t* unknown) {
  const WideBitmap& b = p.wide;
  const uint32_t words = b.words;
  const uint64_t* masks = b.masks.data();
  // First the rules some conjunct falsifies (in applies) and those some
  // conjunct leaves unknown (in unknown).
  uint64_t* falsified = applies;
  uint64_t* open = unknown;
  for (uint32_t w = 0; w < words; ++w) {
    falsified[w] = masks[b.never + w];
    open[w] = 0;
  }
  for (const WideBitmap::Attribute& a : b.attrs) {
    if ((present[a.slot >> 6] >> (a.slot & 63)) & 1) {
      const uint64_t* row = masks + a.rows + size_t{values[a.off] & 63u} * words;
      for (uint32_t w = 0; w < words; ++w) falsified[w] |= ~row[w];
    } else {
      for (uint32_t w = 0; w < words; ++w) open[w] |= masks[a.tests + w];
    }
  }
  for (const WideBitmap::StringAttribute& s : b.strings) {
    const uint64_t* tests = masks + s.tests;
    if (!((present[s.slot >> 6] >> (s.slot & 63)) & 1)) {
      for (uint32_t w = 0; w < words; ++w) open[w] |= tests[w];
      continue;
    }
    auto it = s.accept.find(Load4(values + s.off));
    if (it == s.accept.end()) {
      for (uint32_t w = 0; w < words; ++w) falsified[w] |= tests[w];
    } else {
      const uint64_t* accept = masks + it->second;
      for (uint32_t w = 0; w < words; ++w) falsified[w] |= tests[w] & ~accept[w];
    }
  }
  for (const WideBitmap::Predicate& q : b.predicates) {
    const Tri t = EvalLeaf(p, q.leaf, r, present, values);
    if (t == kTrue) continue;
    uint64_t* into = t == kFalse ? falsified : open;
    for (uint32_t k = q.first; k < q.first + q.count; ++k) {
      into[b.positions[k] >> 6] |= uint64_t{1} << (b.positions[k] & 63);
    }
  }
  for (uint32_t w = 0; w < words; ++w) {
    const uint64_t flat = masks[b.flat + w], f = falsified[w], o = open[w];
    applies[w] = flat & ~f & ~o;
    unknown[w] = flat & ~f & o;
  }
  for (uint32_t j : b.trees) {
    const Tri t = EvalNode(p, p.hot[b.rule_ids[j]].root, r, present, values);
    if (t == kTrue) applies[j >> 6] |= uint64_t{1} << (j & 63);
    if (t == kUnknown) unknown[j >> 6] |= uint64_t{1} << (j & 63);
  }
}

}  // namespace writ::detail::eval

#endif  // WRIT_SRC_RUNTIME_BITMAP_EVAL_HPP_
