// File: src/runtime/evaluator.cpp
//
// The compiled evaluator: Program x Request -> Decision (docs/language.md §7).
// Three paths, chosen by the policy's shape:
//   DecideSmall    up to 64 rules, no index: the rules bit-parallel
//                  (bitmap_eval.hpp), and for up to 8 flat rules with every
//                  attribute present the decision looked up by the set of
//                  applying rules, with no branch on the outcome;
//   DecideIndexed  the unindexed rules bit-parallel and the request's bucket
//                  of the rule index rule by rule, combined from bit sets;
//   DecideGeneral  with lists, in rule order: more than 64 unindexed rules
//                  (their outcomes from the wide bitmap, or rule by rule
//                  past its limit), a request without the index's key, a
//                  bucket of more than 64 rules.
// Conditions themselves are evaluated in conditions.hpp.
#include "runtime/evaluator.hpp"

#include <algorithm>
#include <cstring>
#include <memory>

#include "common/combining.hpp"
#include "runtime/bitmap_eval.hpp"
#include "runtime/conditions.hpp"
#include "runtime/reference_evaluator.hpp"

namespace writ::detail {

using eval::BitOutcome;
using eval::EvalBitmap;
using eval::EvalCompact;
using eval::EvalNode;
using eval::EvalRule;
using eval::EvalWide;
using eval::FastApplies;
using eval::FastCase;

namespace {

// Rule indices found during one decision. On the stack; moves to the heap
// only past kInline rules (a decision with more than 32 applying rules).
class RuleList {
 public:
  void push_back(uint32_t i) {
    if (n_ == cap_) Grow();
    data_[n_++] = i;
  }
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  const uint32_t* begin() const { return data_; }
  const uint32_t* end() const { return data_ + n_; }
  uint32_t front() const { return data_[0]; }

 private:
  void Grow() {
    auto bigger = std::make_unique<uint32_t[]>(cap_ * 2);
    std::copy(data_, data_ + n_, bigger.get());
    heap_ = std::move(bigger);
    data_ = heap_.get();
    cap_ *= 2;
  }
  static constexpr uint32_t kInline = 32;
  uint32_t n_ = 0, cap_ = kInline;
  uint32_t* data_ = inline_;
  uint32_t inline_[kInline];
  std::unique_ptr<uint32_t[]> heap_;
};

// Rule outcomes from one source of up to 64 rules: bit j is rule ids[j],
// ids ascending.
struct Source {
  const uint32_t* ids = nullptr;
  uint64_t applies = 0, unknown = 0;
  const uint64_t* by_effect = nullptr;  // [3]: the positions of each effect
};

}  // namespace

struct Evaluator::Steps {
  // Resets `out` for a new decision.
  static inline __attribute__((always_inline)) void Begin(const Policy& policy, const Request& r,
                                                          Decision& out) {
    out.policy_ = &policy;
    out.open_ = false;
    out.by_default_ = false;
    out.deciding_.clear();  // unconditionally: no branch on the last decision
    out.missing_.clear();
    // held_ is cleared by Duties: only policies with conditional
    // obligations read it (Decision::obligations).
    out.granted_ = out.withheld_ = 0;
    if (!r.problems_.empty() || !out.problems_.empty()) CopyProblems(r, out);
  }
  // Out of line: most requests have no problems.
  static __attribute__((noinline)) void CopyProblems(const Request& r, Decision& out) {
    out.problems_ = r.problems_;
  }

  // The items the request asks for (0 when it names none).
  static uint64_t Requested(const Program& p, const uint64_t* present,
                            const unsigned char* values) {
    if (p.items_attr < 0) return 0;
    const uint32_t a = static_cast<uint32_t>(p.items_attr);
    return ((present[a >> 6] >> (a & 63)) & 1) ? Load8(values + p.items_off) : 0;
  }

  // Adds the attributes of `reads` the request lacks to the missing list.
  static void AddMissingOf(const std::vector<uint32_t>& reads, const Request& r, Decision& out) {
    for (uint32_t a : reads) {
      if (!r.present(a) &&
          std::find(out.missing_.begin(), out.missing_.end(), a) == out.missing_.end())
        out.missing_.push_back(a);
    }
  }
  // Adds the missing attributes that `rule` reads to the decision.
  static void AddMissing(const Program& p, uint32_t rule, const Request& r, Decision& out) {
    AddMissingOf(p.rules[rule].reads, r, out);
  }
  // An open decision: `rule` may decide once the missing facts are known;
  // adds what its obligations' conditions read and the request lacks
  // (combining rule 5: the list closes the decision, duties included).
  static void AddDutyMissing(const Program& p, uint32_t rule, const Request& r, Decision& out) {
    if (!p.rules[rule].conditional_obligations) return;
    for (const CompiledObligation& o : p.rules[rule].obligations) {
      if (o.condition >= 0 && EvalNode(p, static_cast<uint32_t>(o.condition), r, r.data_.data(),
                                       r.values()) == kUnknown)
        AddMissingOf(o.reads, r, out);
    }
  }

  // The open outcome (combining rule 5): review, nothing granted, and the
  // complete missing list: when a presence test reads a listed attribute,
  // supplying it may bring more into play (CompleteMissing, the slow way).
  static void DecideOpen(const Program& p, const Request& r, uint64_t requested, Decision& out) {
    if (p.presence_tested_any) {
      bool tested = false;
      for (uint32_t a : out.missing_) tested |= p.presence_tested[a];
      if (tested) {
        const std::vector<uint32_t> start(out.missing_.begin(), out.missing_.end());
        const std::vector<uint32_t> all = CompleteMissing(*p.model, r, start);
        out.missing_.assign(all.begin(), all.end());
      }
    }
    std::sort(out.missing_.begin(), out.missing_.end());
    out.open_ = true;
    out.effect_ = kOpenEffect;
    out.withheld_ = requested;
  }

  // The positions of `s` whose rule's effect is in `effects`, branch-free.
  static uint64_t WithEffects(const Source& s, EffectSet effects) {
    return (s.by_effect[0] & (0 - uint64_t{(effects >> 0) & 1u})) |
           (s.by_effect[1] & (0 - uint64_t{(effects >> 1) & 1u})) |
           (s.by_effect[2] & (0 - uint64_t{(effects >> 2) & 1u}));
  }
  // The effects of the rules at positions `bits` of `s`.
  static EffectSet EffectsAt(const Source& s, uint64_t bits) {
    return static_cast<EffectSet>(((bits & s.by_effect[0]) != 0) |
                                  (((bits & s.by_effect[1]) != 0) << 1) |
                                  (((bits & s.by_effect[2]) != 0) << 2));
  }
  // The positions of `s` whose rules come before rule `id`.
  static uint64_t Before(const Source& s, uint64_t candidates, uint32_t id) {
    uint64_t out = 0;
    for (uint64_t t = candidates; t != 0; t &= t - 1) {
      if (s.ids[__builtin_ctzll(t)] < id) out |= t & (0 - t);
    }
    return out;
  }

  // Combines the outcomes of two sources by the combining rule
  // (common/combining.hpp), read off bit sets: the effect, the deciding
  // rules in rule order, the items, or the open outcome with the missing
  // attributes. Inlined, so that a source known to be empty costs nothing.
  static inline __attribute__((always_inline)) void Combine(const Program& p, const Request& r,
                                                            const uint64_t* present,
                                                            const unsigned char* values,
                                                            const Source& a, const Source& b,
                                                            Decision& out) {
    const bool any = (a.applies | b.applies) != 0;
    uint32_t first = UINT32_MAX;  // first_match: the rule that applies first
    if (p.first_match && any) {
      const uint32_t fa = a.applies ? a.ids[__builtin_ctzll(a.applies)] : UINT32_MAX;
      const uint32_t fb = b.applies ? b.ids[__builtin_ctzll(b.applies)] : UINT32_MAX;
      first = std::min(fa, fb);
    }
    const EffectSet applying = EffectsAt(a, a.applies) | EffectsAt(b, b.applies);
    const Effect combined =
        CombinedEffect(p.first_match, p.default_effect, applying,
                       first != UINT32_MAX ? p.hot[first].effect : Effect::kAllow);
    // The unknown rules whose applying would change the outcome.
    const EffectSet changing = ChangingEffects(p.first_match, any, combined);
    uint64_t change_a = a.unknown & WithEffects(a, changing);
    uint64_t change_b = b.unknown & WithEffects(b, changing);
    if (first != UINT32_MAX && (change_a | change_b) != 0) {
      change_a = Before(a, change_a, first);
      change_b = Before(b, change_b, first);
    }
    const uint64_t requested = Requested(p, present, values);
    if ((change_a | change_b) != 0) {
      // The rules that change the effect together with others (rule 5).
      const EffectSet joint = JointlyChangingEffects(
          p.first_match, any, combined, EffectsAt(a, change_a) | EffectsAt(b, change_b));
      uint64_t more_a = a.unknown & WithEffects(a, joint);
      uint64_t more_b = b.unknown & WithEffects(b, joint);
      if (p.first_match && (more_a | more_b) != 0) {
        const uint32_t la = change_a ? a.ids[63 - __builtin_clzll(change_a)] : 0;
        const uint32_t lb = change_b ? b.ids[63 - __builtin_clzll(change_b)] : 0;
        const uint32_t last = std::max(la, lb);
        more_a = Before(a, more_a, last);
        more_b = Before(b, more_b, last);
      }
      change_a |= more_a;
      change_b |= more_b;
      for (uint64_t t = change_a; t != 0; t &= t - 1)
        AddMissing(p, a.ids[__builtin_ctzll(t)], r, out);
      for (uint64_t t = change_b; t != 0; t &= t - 1)
        AddMissing(p, b.ids[__builtin_ctzll(t)], r, out);
      if (p.has_duties) {
        // The rules that decide under some reading of the unknown ones.
        const EffectSet may = MayDecideEffects(p.first_match, any, combined);
        uint64_t da = (a.unknown | a.applies) & WithEffects(a, may);
        uint64_t db = (b.unknown | b.applies) & WithEffects(b, may);
        if (first != UINT32_MAX) {
          da = Before(a, da, first + 1);
          db = Before(b, db, first + 1);
        }
        for (uint64_t t = da; t != 0; t &= t - 1)
          AddDutyMissing(p, a.ids[__builtin_ctzll(t)], r, out);
        for (uint64_t t = db; t != 0; t &= t - 1)
          AddDutyMissing(p, b.ids[__builtin_ctzll(t)], r, out);
      }
      DecideOpen(p, r, requested, out);
      return;
    }
    out.effect_ = combined;
    uint64_t may = 0;
    if (!any) {
      out.by_default_ = true;
      may = p.items_all;
    } else if (p.first_match) {
      out.deciding_.push_back(first);
      may = p.hot[first].disclose_mask;
    } else {
      // The applying rules of the deciding effects, merged in rule order.
      const EffectSet deciding = DecidingEffects(combined);
      uint64_t da = a.applies & WithEffects(a, deciding);
      uint64_t db = b.applies & WithEffects(b, deciding);
      while ((da | db) != 0) {
        const uint32_t ia = da ? a.ids[__builtin_ctzll(da)] : UINT32_MAX;
        const uint32_t ib = db ? b.ids[__builtin_ctzll(db)] : UINT32_MAX;
        uint32_t i;
        if (ia < ib) {
          i = ia;
          da &= da - 1;
        } else {
          i = ib;
          db &= db - 1;
        }
        out.deciding_.push_back(i);
        may |= p.hot[i].disclose_mask;
      }
    }
    out.granted_ = GrantedItems(combined, requested, may);
    out.withheld_ = requested & ~out.granted_;
  }

  // Whether the bitmap's outcome can be looked up: a settled table, no
  // trees, and the fast case.
  static bool Settles(const RuleBitmap& b, const uint64_t* present) {
    return b.trees == 0 && !b.settled.empty() && FastCase(b, present);
  }

  // The settled decision for `applies`: a few flat rules, every attribute
  // present, so the decision is looked up, not worked out, and nothing
  // branches on the outcome.
  static inline __attribute__((always_inline)) void DecideSettled(const Program& p,
                                                                  uint64_t applies,
                                                                  const uint64_t* present,
                                                                  const unsigned char* values,
                                                                  Decision& out) {
    const Settled& s = p.bitmap.settled[applies];
    out.effect_ = s.effect;
    out.by_default_ = s.by_default;
    if (s.n_deciding <= IndexList::kInline) {
      out.deciding_.SetSmall(s.deciding, s.n_deciding);
    } else {
      for (uint32_t k = 0; k < s.n_deciding; ++k) out.deciding_.push_back(s.deciding[k]);
    }
    const uint64_t requested = Requested(p, present, values);
    out.granted_ = requested & s.may;
    out.withheld_ = requested & ~s.may;
  }

  // DecideSmall without a settled decision: missing attributes, trees, or
  // more rules than the settled table takes.
  static __attribute__((noinline)) void DecideSmallInFull(const Program& p, const Request& r,
                                                          const uint64_t* present,
                                                          const unsigned char* values,
                                                          Decision& out);
};

void Evaluator::DecideSmall(const Policy& policy, const Program& p, const Request& r,
                            Decision& out) {
  Steps::Begin(policy, r, out);
  const uint64_t* present = r.data_.data();
  const unsigned char* values = reinterpret_cast<const unsigned char*>(present + r.presence_words_);
  const RuleBitmap& b = p.bitmap;
  if (Steps::Settles(b, present)) {
    Steps::DecideSettled(p, FastApplies(p, values), present, values, out);
    return;
  }
  Steps::DecideSmallInFull(p, r, present, values, out);
}

void Evaluator::Steps::DecideSmallInFull(const Program& p, const Request& r,
                                         const uint64_t* present, const unsigned char* values,
                                         Decision& out) {
  const BitOutcome o = EvalBitmap(p, r, present, values);
  const Source bits{p.bitmap.rule_ids.data(), o.applies, o.unknown, p.bitmap.by_effect};
  static constexpr uint64_t kNone[3] = {0, 0, 0};
  const Source none{nullptr, 0, 0, kNone};
  Combine(p, r, present, values, bits, none, out);
}

void Evaluator::DecideIndexed(const Policy& policy, const Program& p, const Request& r,
                              Decision& out) {
  const RuleIndex& idx = p.index;
  if (!r.present(idx.attr)) return DecideGeneral(policy, p, r, out);
  const uint64_t key = r.Load(idx.attr);
  uint32_t bucket_at = 0, bucket_n = 0;  // no bucket: a value no rule names
  if (key + 1 < idx.bucket_start.size()) {
    bucket_at = idx.bucket_start[key];
    bucket_n = idx.bucket_start[key + 1] - bucket_at;
  }
  if (bucket_n > 64) return DecideGeneral(policy, p, r, out);
  const uint32_t* bucket = idx.bucket_rules.data() + bucket_at;
  Steps::Begin(policy, r, out);
  const uint64_t* present = r.data_.data();
  const unsigned char* values = reinterpret_cast<const unsigned char*>(present + r.presence_words_);
  // The rules of the request's bucket, one by one, from their compact
  // leaves when every attribute those read is present.
  uint64_t by_effect[3] = {0, 0, 0};
  Source rules{bucket, 0, 0, by_effect};
  const BucketHead* heads = idx.bucket_heads.data() + bucket_at;
  for (uint32_t j = 0; j < bucket_n; ++j) {
    const uint64_t bit = uint64_t{1} << j;
    const BucketHead& h = heads[j];
    by_effect[static_cast<int>(h.effect)] |= bit;
    if (h.compact && (present[0] & h.need) == h.need) {
      bool all = true;
      const uint32_t n = std::min<uint32_t>(h.count, BucketHead::kInlineLeaves);
      for (uint32_t k = 0; k < n; ++k) all &= EvalCompact(h.leaves[k], values);
      const CompactLeaf* more = idx.bucket_leaves.data() + h.more;
      for (uint32_t k = n; k < h.count; ++k) all &= EvalCompact(more[k - n], values);
      if (all) rules.applies |= bit;
    } else {
      const Tri t = EvalRule(p, bucket[j], r, present, values);
      if (t == kTrue) rules.applies |= bit;
      if (t == kUnknown) rules.unknown |= bit;
    }
  }
  // No rule of the bucket counts: the unindexed rules decide alone.
  if ((rules.applies | rules.unknown) == 0 && Steps::Settles(p.bitmap, present)) {
    Steps::DecideSettled(p, FastApplies(p, values), present, values, out);
    return;
  }
  const BitOutcome o = EvalBitmap(p, r, present, values);
  const Source bits{p.bitmap.rule_ids.data(), o.applies, o.unknown, p.bitmap.by_effect};
  Steps::Combine(p, r, present, values, bits, rules, out);
}

// Rule by rule, with lists: past 64 rules without an index, or without the
// index's key, or for a bucket of more than 64 rules.
void Evaluator::DecideGeneral(const Policy& policy, const Program& p, const Request& r,
                              Decision& out, bool bit_parallel) {
  using S = Steps;
  S::Begin(policy, r, out);
  const uint64_t* present = r.data_.data();
  const unsigned char* values = r.values();
  const RuleIndex& idx = p.index;
  const bool use_index = idx.attr >= 0 && r.present(idx.attr);

  // Rules that certainly apply, and rules whose applicability is unknown.
  RuleList applying, unknown;
  bool stopped = false;  // first_match found its rule
  auto record = [&](uint32_t i, Tri t) __attribute__((always_inline)) {
    if (t == kTrue) {
      applying.push_back(i);
      stopped = p.first_match;
    } else if (t == kUnknown) {
      unknown.push_back(i);
    }
  };
  auto visit = [&](uint32_t i) __attribute__((always_inline)) {
    record(i, EvalRule(p, i, r, present, values));
  };

  // More than 64 unindexed rules: their outcomes from the wide bitmap.
  uint64_t wide_applies[WideBitmap::kMaxWords], wide_unknown[WideBitmap::kMaxWords];
  const bool wide = bit_parallel && p.wide.enabled && (use_index || idx.attr < 0);
  const bool bitmap = bit_parallel && p.bitmap.enabled;
  if (wide) EvalWide(p, r, present, values, wide_applies, wide_unknown);
  auto wide_outcome = [&](size_t position) {
    const uint64_t bit = uint64_t{1} << (position & 63);
    return (wide_applies[position >> 6] & bit)   ? kTrue
           : (wide_unknown[position >> 6] & bit) ? kUnknown
                                                 : kFalse;
  };

  if (!use_index && wide) {
    // Only the rules that apply or may: their bits, in rule order.
    for (uint32_t w = 0; w < p.wide.words && !stopped; ++w) {
      for (uint64_t t = wide_applies[w] | wide_unknown[w]; t != 0 && !stopped; t &= t - 1) {
        const size_t position = w * 64 + __builtin_ctzll(t);
        record(p.wide.rule_ids[position], wide_outcome(position));
      }
    }
  } else if (!use_index) {
    const uint32_t n = static_cast<uint32_t>(p.hot.size());
    for (uint32_t i = 0; i < n && !stopped; ++i) visit(i);
  } else {
    // Merge the unindexed rules with the bucket of the request's value, in
    // rule order. The unindexed rules come from a bitmap when there is one.
    uint64_t key = r.Load(idx.attr);
    const uint32_t* bucket = nullptr;
    size_t bucket_n = 0;
    if (key + 1 < idx.bucket_start.size()) {
      bucket = idx.bucket_rules.data() + idx.bucket_start[key];
      bucket_n = idx.bucket_start[key + 1] - idx.bucket_start[key];
    }
    const std::vector<uint32_t>& all = idx.unindexed;
    BitOutcome bits;
    if (bitmap) bits = EvalBitmap(p, r, present, values);
    size_t a = 0, b = 0;
    while (!stopped && (a < all.size() || b < bucket_n)) {
      if (b == bucket_n || (a < all.size() && all[a] < bucket[b])) {
        if (bitmap) {
          const bool yes = (bits.applies >> a) & 1, maybe = (bits.unknown >> a) & 1;
          record(all[a], yes ? kTrue : maybe ? kUnknown : kFalse);
        } else if (wide) {
          record(all[a], wide_outcome(a));
        } else {
          visit(all[a]);
        }
        ++a;
      } else {
        visit(bucket[b++]);
      }
    }
  }

  // The combining rule (common/combining.hpp) over the lists.
  EffectSet applying_effects = 0;
  for (uint32_t i : applying) applying_effects |= EffectBit(p.hot[i].effect);
  const Effect combined =
      CombinedEffect(p.first_match, p.default_effect, applying_effects,
                     applying.empty() ? Effect::kAllow : p.hot[applying.front()].effect);
  // Under first_match only the unknown rules before the first applying
  // rule were recorded: the loops stopped there.
  const EffectSet changing = ChangingEffects(p.first_match, !applying.empty(), combined);
  EffectSet changed = 0;  // the effects of the unknown rules that change it alone
  uint32_t last_changing = 0;
  for (uint32_t i : unknown) {
    if (!(changing & EffectBit(p.hot[i].effect))) continue;
    changed |= EffectBit(p.hot[i].effect);
    last_changing = i;  // `unknown` is in rule order
  }

  const uint64_t requested = S::Requested(p, present, values);
  if (changed != 0) {
    // Rule 5: what the unknown rules that change the effect, alone or
    // together, read; and what may then decide owes to its obligations.
    const EffectSet joint =
        JointlyChangingEffects(p.first_match, !applying.empty(), combined, changed);
    for (uint32_t i : unknown) {
      const EffectSet e = EffectBit(p.hot[i].effect);
      if (!(changing & e) && !((joint & e) && (!p.first_match || i < last_changing))) continue;
      S::AddMissing(p, i, r, out);
    }
    if (p.has_duties) {
      // The rules that decide under some reading of the unknown ones (under
      // first_match the lists end at the first applying rule).
      const EffectSet may = MayDecideEffects(p.first_match, !applying.empty(), combined);
      for (const RuleList* list : {&unknown, &applying})
        for (uint32_t i : *list)
          if (may & EffectBit(p.hot[i].effect)) S::AddDutyMissing(p, i, r, out);
    }
    S::DecideOpen(p, r, requested, out);
    return;
  }
  out.effect_ = combined;
  uint64_t may = 0;
  if (applying.empty()) {
    out.by_default_ = true;
    may = p.items_all;
  } else {
    for (uint32_t i : applying) {
      if (!Decides(p.first_match, i == applying.front(), p.hot[i].effect, combined)) continue;
      out.deciding_.push_back(i);
      may |= p.hot[i].disclose_mask;
    }
  }
  out.granted_ = GrantedItems(combined, requested, may);
  out.withheld_ = requested & ~out.granted_;
}

void Evaluator::DecideWithDuties(const Policy& policy, const Program& p, const Request& r,
                                 Decision& out) {
  DecideByShape(policy, p, r, out);
  Duties(p, r, out);
}

void Evaluator::Duties(const Program& p, const Request& r, Decision& out) {
  out.held_.clear();
  if (out.open_) return;  // open by the rules: their list has the duties' attributes
  bool unknown = false;
  for (uint32_t i : out.deciding_) {
    if (!p.rules[i].conditional_obligations) continue;
    for (const CompiledObligation& o : p.rules[i].obligations) {
      if (o.condition < 0) continue;
      const Tri t = EvalNode(p, static_cast<uint32_t>(o.condition), r, r.data_.data(), r.values());
      if (t == kTrue) {
        if (std::find(out.held_.begin(), out.held_.end(), o.id) == out.held_.end())
          out.held_.push_back(o.id);
      } else if (t == kUnknown) {
        unknown = true;
        Steps::AddMissingOf(o.reads, r, out);
      }
    }
  }
  if (!unknown) return;
  // A missing fact never adds or drops a duty silently.
  out.deciding_.clear();
  out.held_.clear();
  out.by_default_ = false;
  out.granted_ = 0;
  Steps::DecideOpen(p, r, Steps::Requested(p, r.data_.data(), r.values()), out);
}

const char* DecisionPathName(DecisionPath path) {
  switch (path) {
    case DecisionPath::kSettled:
      return "settled";
    case DecisionPath::kBitmap:
      return "bitmap";
    case DecisionPath::kIndexed:
      return "indexed";
    case DecisionPath::kWide:
      return "wide";
    case DecisionPath::kRuleByRule:
      return "rule by rule";
  }
  return "?";
}

namespace {

// The bucket of the request's key: whether the request has the key and the
// bucket's size.
bool IndexBucket(const Program& p, const Request& r, uint32_t& size) {
  const RuleIndex& idx = p.index;
  size = 0;
  if (idx.attr < 0 || !r.present(idx.attr)) return false;
  const uint64_t key = RequestAccess::Word(r, idx.attr);
  if (key + 1 < idx.bucket_start.size()) size = idx.bucket_start[key + 1] - idx.bucket_start[key];
  return true;
}

}  // namespace

DecisionPath Evaluator::PathFor(const Program& p, const Request& r) {
  uint32_t bucket = 0;
  if (p.bitmap.enabled && p.index.attr < 0) {
    const uint64_t* present = r.data_.data();
    return Steps::Settles(p.bitmap, present) ? DecisionPath::kSettled : DecisionPath::kBitmap;
  }
  if (p.bitmap.enabled && IndexBucket(p, r, bucket) && bucket <= 64) return DecisionPath::kIndexed;
  const bool use_index = p.index.attr >= 0 && r.present(p.index.attr);
  if (p.wide.enabled && (use_index || p.index.attr < 0)) return DecisionPath::kWide;
  return DecisionPath::kRuleByRule;
}

bool Evaluator::DecideVia(DecisionPath path, const Policy& policy, const Program& p,
                          const Request& r, Decision& out) {
  if (!DecideByPath(path, policy, p, r, out)) return false;
  if (p.has_duties) Duties(p, r, out);
  return true;
}

bool Evaluator::DecideByPath(DecisionPath path, const Policy& policy, const Program& p,
                             const Request& r, Decision& out) {
  const uint64_t* present = r.data_.data();
  uint32_t bucket = 0;
  switch (path) {
    case DecisionPath::kSettled:
      if (!p.bitmap.enabled || p.index.attr >= 0 || !Steps::Settles(p.bitmap, present))
        return false;
      DecideSmall(policy, p, r, out);
      return true;
    case DecisionPath::kBitmap:
      if (!p.bitmap.enabled || p.index.attr >= 0) return false;
      Steps::Begin(policy, r, out);
      Steps::DecideSmallInFull(p, r, present, r.values(), out);
      return true;
    case DecisionPath::kIndexed:
      if (!p.bitmap.enabled || !IndexBucket(p, r, bucket) || bucket > 64) return false;
      DecideIndexed(policy, p, r, out);
      return true;
    case DecisionPath::kWide: {
      const bool use_index = p.index.attr >= 0 && r.present(p.index.attr);
      if (!p.wide.enabled || !(use_index || p.index.attr < 0)) return false;
      DecideGeneral(policy, p, r, out);
      return true;
    }
    case DecisionPath::kRuleByRule:
      DecideGeneral(policy, p, r, out, /*bit_parallel=*/false);
      return true;
  }
  return false;
}

}  // namespace writ::detail
