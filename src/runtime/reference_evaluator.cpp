// File: src/runtime/reference_evaluator.cpp
//
// docs/language.md §6, stated directly: evaluate every rule over the AST,
// then consider every way of reading the unknown rules as applying or not;
// if the readings disagree on the effect, the decision is `review`. It
// combines each reading with the combining rule's functions but does not use
// their fail-safe shortcut (ChangingEffects): trying the readings is the
// definition that shortcut is tested against.
#include "runtime/reference_evaluator.hpp"

#include <algorithm>
#include <set>

#include "checker/checker.hpp"
#include "common/combining.hpp"
#include "request/request_access.hpp"

namespace writ::detail {

Tri ReferenceEvaluator::Eval(const Expr& e, const Request& r) const {
  switch (e.kind) {
    case ExprKind::kNot: {
      Tri t = Eval(e.children[0], r);
      return t == kUnknown ? kUnknown : t == kTrue ? kFalse : kTrue;
    }
    case ExprKind::kAnd: {
      Tri acc = kTrue;
      for (const auto& c : e.children) {
        Tri t = Eval(c, r);
        if (t == kFalse) return kFalse;
        if (t == kUnknown) acc = kUnknown;
      }
      return acc;
    }
    case ExprKind::kOr: {
      Tri acc = kFalse;
      for (const auto& c : e.children) {
        Tri t = Eval(c, r);
        if (t == kTrue) return kTrue;
        if (t == kUnknown) acc = kUnknown;
      }
      return acc;
    }
    case ExprKind::kIsPresent:
      return Present(e.children[0].attr, r) ? kTrue : kFalse;
    case ExprKind::kIsMissing:
      return Present(e.children[0].attr, r) ? kFalse : kTrue;
    case ExprKind::kName:
      if (IsAttribute(e)) {
        if (!r.present(e.attr)) return kUnknown;
        return RequestAccess::Word(r, e.attr) ? kTrue : kFalse;
      }
      return FoldConstant(e, m_).b ? kTrue : kFalse;
    case ExprKind::kCompare: {
      const Expr& l = e.children[0];
      const Expr& rr = e.children[1];
      Value lv, rv;
      if (IsAttribute(l)) {
        if (!r.present(l.attr)) return kUnknown;
        lv = RequestAccess::Get(r, m_.schema, l.attr);
      } else {
        lv = FoldConstant(l, m_);
      }
      if (IsAttribute(rr)) {
        if (!r.present(rr.attr)) return kUnknown;
        rv = RequestAccess::Get(r, m_.schema, rr.attr);
      } else {
        rv = FoldConstant(rr, m_);
      }
      return CompareViews(e.op, ViewOf(lv), ViewOf(rv)) ? kTrue : kFalse;
    }
    case ExprKind::kBool:
      return e.bool_value ? kTrue : kFalse;
    default:
      return kUnknown;  // other literals are never conditions
  }
}

Tri ReferenceEvaluator::Discloses(size_t i, const Request& r) const {
  const CheckedRule& cr = m_.rules[i];
  if (!cr.has_disclose) return kTrue;
  int32_t items = m_.items_attr;
  if (items < 0 || !r.present(items)) return kUnknown;
  return (RequestAccess::Word(r, items) & cr.disclose_mask) ? kTrue : kFalse;
}

Tri ReferenceEvaluator::Applies(size_t i, const Request& r) const {
  const RuleDecl& d = *m_.rules[i].decl;
  Tri when = d.when ? Eval(*d.when, r) : kTrue;
  Tri unless = d.unless ? Eval(*d.unless, r) : kFalse;
  Tri not_unless = unless == kUnknown ? kUnknown : unless == kTrue ? kFalse : kTrue;
  Tri disc = Discloses(i, r);
  Tri parts[] = {when, not_unless, disc};
  Tri acc = kTrue;
  for (Tri t : parts) {
    if (t == kFalse) return kFalse;
    if (t == kUnknown) acc = kUnknown;
  }
  return acc;
}

CombinedOutcome CombineStatuses(const Model& m, const std::vector<Tri>& status, bool readings) {
  std::vector<std::pair<uint32_t, Tri>> live;
  for (uint32_t i = 0; i < status.size(); ++i)
    if (status[i] != kFalse) live.push_back({i, status[i]});
  return CombineLive(m, live, readings);
}

CombinedOutcome CombineLive(const Model& m, const std::vector<std::pair<uint32_t, Tri>>& live,
                            bool readings) {
  // Rules that certainly do not apply never count: only `live` is read,
  // by position k (rule live[k].first).
  const size_t n = live.size();
  auto effect_of = [&](size_t k) { return ToEffect(m.rules[live[k].first].effect); };
  const Effect def = ToEffect(m.default_effect);
  std::vector<size_t> unknown;
  for (size_t k = 0; k < n; ++k)
    if (live[k].second == kUnknown) unknown.push_back(k);
  // The combined outcome for one reading: `applies[k]` says whether rule
  // live[k] applies. Returns the effect and the deciding rules (positions).
  auto combine = [&](const std::vector<bool>& applies, std::vector<size_t>& deciding) {
    deciding.clear();
    EffectSet effects = 0;
    size_t first = n;
    for (size_t k = 0; k < n; ++k) {
      if (!applies[k]) continue;
      effects |= EffectBit(effect_of(k));
      if (first == n) first = k;
    }
    const Effect e =
        CombinedEffect(m.first_match, def, effects, first < n ? effect_of(first) : Effect::kAllow);
    for (size_t k = 0; k < n; ++k)
      if (applies[k] && Decides(m.first_match, k == first, effect_of(k), e)) deciding.push_back(k);
    return e;
  };

  std::vector<bool> base(n);
  for (size_t k = 0; k < n; ++k) base[k] = live[k].second == kTrue;
  std::vector<size_t> deciding, scratch;
  Effect baseline = combine(base, deciding);

  // Every reading of the unknown rules (bounded; past the bound, the single
  // flips below decide, which is equivalent for both combining algorithms).
  bool open = false;
  if (unknown.size() <= 12) {
    for (uint32_t mask = 1; mask < (1u << unknown.size()) && !open; ++mask) {
      std::vector<bool> reading = base;
      for (size_t j = 0; j < unknown.size(); ++j)
        if ((mask >> j) & 1) reading[unknown[j]] = true;
      open = combine(reading, scratch) != baseline;
    }
  }
  CombinedOutcome out;
  // The rules that left it open: those whose applying alone changes the effect.
  for (size_t k : unknown) {
    std::vector<bool> reading = base;
    reading[k] = true;
    if (combine(reading, scratch) == baseline) continue;
    open = true;
    out.changing.push_back(live[k].first);
  }
  if (open) {
    out.open = true;
    out.effect = kOpenEffect;
    if (!readings) return out;
    // Every reading S of the unknown rules: u is relevant when adding it to
    // some S changes the effect, and a rule may decide when it decides in
    // some S. Past the bound, S empty and single rules: the same sets for
    // both combining algorithms (adding rules only strengthens the effect
    // under deny_overrides and only moves the first rule earlier under
    // first_match).
    std::set<uint32_t> relevant, may_decide;
    auto visit = [&](const std::vector<bool>& reading) {
      const Effect e = combine(reading, scratch);
      for (size_t k : scratch) may_decide.insert(live[k].first);
      for (size_t u : unknown) {
        if (reading[u]) continue;
        std::vector<bool> with = reading;
        with[u] = true;
        if (combine(with, scratch) != e) relevant.insert(live[u].first);
      }
    };
    if (unknown.size() <= 10) {
      for (uint32_t mask = 0; mask < (1u << unknown.size()); ++mask) {
        std::vector<bool> reading = base;
        for (size_t j = 0; j < unknown.size(); ++j)
          if ((mask >> j) & 1) reading[unknown[j]] = true;
        visit(reading);
      }
    } else {
      visit(base);
      for (size_t v : unknown) {
        std::vector<bool> reading = base;
        reading[v] = true;
        visit(reading);
      }
    }
    out.relevant.assign(relevant.begin(), relevant.end());
    out.may_decide.assign(may_decide.begin(), may_decide.end());
    return out;
  }
  out.effect = baseline;
  for (size_t k : deciding) out.deciding.push_back(live[k].first);
  const uint64_t all = m.items_enum >= 0 ? m.schema.enums[m.items_enum].all_mask() : 0;
  out.may = deciding.empty() ? all : 0;
  for (uint32_t i : out.deciding)
    out.may |= m.rules[i].has_disclose ? m.rules[i].disclose_mask : all;
  return out;
}

namespace {

// The attributes an open decision lists, for rule statuses `c` under
// `view`, added to `out`: what the rules that change the effect read, and
// what the unknown conditions of the obligations of every rule that may
// decide read (of a closed one, its deciding rules').
void ListMissing(const Model& m, const ReferenceEvaluator& view, const Request& r,
                 const CombinedOutcome& c, std::set<uint32_t>& out) {
  auto add = [&](const std::vector<uint32_t>& reads) {
    for (uint32_t a : reads)
      if (!r.present(a)) out.insert(a);
  };
  auto duties = [&](uint32_t i) {
    for (const CheckedObligation& o : m.rules[i].obligations)
      if (o.condition && view.Eval(*o.condition, r) == kUnknown) add(o.reads);
  };
  if (c.open) {
    for (uint32_t i : c.relevant) add(m.rules[i].reads);
    for (uint32_t i : c.may_decide) duties(i);
  } else {
    for (uint32_t i : c.deciding) duties(i);
  }
}

}  // namespace

std::vector<uint32_t> CompleteMissing(const Model& m, const Request& r,
                                      const std::vector<uint32_t>& start) {
  std::set<uint32_t> listed(start.begin(), start.end());
  std::vector<bool> supplied(m.schema.attrs.size(), false);
  for (;;) {
    for (uint32_t a : listed) supplied[a] = true;
    const ReferenceEvaluator view(m, &supplied);
    std::vector<Tri> status(m.rules.size());
    for (size_t i = 0; i < status.size(); ++i) status[i] = view.Applies(i, r);
    std::set<uint32_t> more = listed;
    ListMissing(m, view, r, CombineStatuses(m, status, /*readings=*/true), more);
    if (more == listed) break;
    listed = std::move(more);
  }
  return {listed.begin(), listed.end()};
}

Decision ReferenceEvaluator::Decide(const Policy& policy, const Request& r) const {
  const Model& m = m_;
  std::vector<Tri> status(m.rules.size());
  for (size_t i = 0; i < status.size(); ++i) status[i] = Applies(i, r);
  const CombinedOutcome c = CombineStatuses(m, status);

  Decision out;
  out.policy_ = &policy;
  out.problems_ = r.problems_;
  const bool has_items = m.items_attr >= 0 && r.present(m.items_attr);
  const uint64_t requested = has_items ? RequestAccess::Word(r, m.items_attr) : 0;
  // Open by the rules, or by an obligation whose condition is unknown (a
  // missing fact never adds or drops a duty silently): review, nothing
  // granted, and the complete missing list.
  bool unsure = false;
  for (uint32_t i : c.deciding)
    for (const CheckedObligation& o : m.rules[i].obligations)
      unsure |= o.condition && Eval(*o.condition, r) == kUnknown;
  if (c.open || unsure) {
    out.open_ = true;
    out.effect_ = kOpenEffect;
    const std::vector<uint32_t> missing = CompleteMissing(m, r, {});
    out.missing_.assign(missing.begin(), missing.end());
    out.withheld_ = requested;
    return out;
  }
  out.effect_ = c.effect;
  out.by_default_ = c.deciding.empty();
  for (uint32_t i : c.deciding) out.deciding_.push_back(i);
  out.granted_ = GrantedItems(c.effect, requested, c.may);
  out.withheld_ = requested & ~out.granted_;
  // The conditional obligations that hold, by their numbers (rule order).
  uint32_t id = 0;
  for (uint32_t i = 0; i < m.rules.size(); ++i) {
    for (const CheckedObligation& o : m.rules[i].obligations) {
      if (!o.condition) continue;
      const bool deciding = std::find(c.deciding.begin(), c.deciding.end(), i) != c.deciding.end();
      if (deciding && (Eval(*o.condition, r) == kTrue) != o.unless) out.held_.push_back(id);
      ++id;
    }
  }
  return out;
}

}  // namespace writ::detail
