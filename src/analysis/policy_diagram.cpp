// File: src/analysis/policy_diagram.cpp
#include "analysis/policy_diagram.hpp"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/combining.hpp"
#include "common/operators.hpp"
#include "runtime/reference_evaluator.hpp"

namespace writ::detail {
namespace {

using Pair = std::pair<NodeId, NodeId>;
constexpr NodeId kF = DiagramStore::kFalse, kT = DiagramStore::kTrue;

}  // namespace

PolicyDiagram::PolicyDiagram(const RequestSpace& space, DiagramStore& store, size_t model)
    : space_(space), store_(store), model_(model), m_(*space.models()[model]) {
  for (size_t i = 0; i < m_.rules.size(); ++i) {
    const RuleDecl& d = *m_.rules[i].decl;
    rules_.push_back(RuleWith(i, d.when ? Condition(*d.when) : Pair{kT, kF}));
  }
  // Conditional obligations, numbered in rule order as the compiler does:
  // where each holds (its `unless` already read as `not`).
  for (const CheckedRule& r : m_.rules) {
    first_duty_.push_back(static_cast<uint32_t>(duties_.size()));
    for (const CheckedObligation& o : r.obligations) {
      if (!o.condition) continue;
      const Pair c = Condition(*o.condition);
      duties_.push_back(o.unless ? Pair{c.second, c.first} : c);
    }
  }
  root_ = OutcomesOf(rules_);
}

Pair PolicyDiagram::RuleWith(size_t i, Pair when) {
  const RuleDecl& d = *m_.rules[i].decl;
  Pair unless = d.unless ? Condition(*d.unless) : Pair{kF, kT};
  // when and not unless
  Pair cond{store_.And(when.first, unless.second), store_.Or(when.second, unless.first)};
  if (m_.rules[i].has_disclose) {
    // A rule with `disclose` applies only if something it may disclose is asked for.
    const uint32_t items = space_.AttrOf(model_, m_.items_attr);
    const NodeId present = Present(items);
    const uint64_t mask = SpaceMask(items, m_.rules[i].disclose_mask);
    NodeId any = kF;
    for (uint32_t s = 0; s < 64; ++s)
      if ((mask >> s) & 1) any = store_.Or(any, MemberBit(items, s));
    cond = {store_.And(cond.first, store_.And(present, any)),
            store_.Or(cond.second, store_.And(present, store_.Not(any)))};
  }
  return cond;
}

uint64_t PolicyDiagram::SpaceMask(uint32_t a, uint64_t model_mask) const {
  uint64_t out = 0;
  for (uint32_t i = 0; i < 64; ++i)
    if ((model_mask >> i) & 1) out |= uint64_t{1} << space_.MemberOf(model_, a, i);
  return out;
}

NodeId PolicyDiagram::Present(uint32_t a) {
  const SpaceAttr& attr = space_.attrs()[a];
  const uint32_t domain = store_.domain(attr.var);
  if (attr.type == AttributeType::kEnumSet) {
    // A member this model lacks makes the whole set an input problem: missing.
    NodeId p = store_.Literal(attr.var, 0b10);
    for (uint32_t s = 0; s < attr.members.size(); ++s)
      if (space_.ModelMember(model_, a, s) < 0) p = store_.And(p, store_.Not(MemberBit(a, s)));
    return p;
  }
  ValueSet values;
  for (uint32_t v = 1; v < domain; ++v) {
    const bool known =
        attr.type != AttributeType::kEnum || space_.ModelMember(model_, a, v - 1) >= 0;
    if (known) values.Add(v);
  }
  return store_.Literal(attr.var, values);
}

NodeId PolicyDiagram::MemberBit(uint32_t a, uint32_t space_member) {
  return store_.Literal(space_.attrs()[a].member_vars[space_member], 0b10);
}

// The value of class `cls` of scalar attribute `a` as this model reads it.
static bool ModelValue(const RequestSpace& space, size_t model, const Model& m, uint32_t a,
                       uint32_t cls, Value& out) {
  const SpaceAttr& attr = space.attrs()[a];
  out = attr.classes[cls].representative;
  if (attr.type == AttributeType::kEnum) {
    const int32_t member = space.ModelMember(model, a, cls);
    if (member < 0) return false;
    out.type = {TypeKind::kEnum, m.schema.attrs[m.schema.attr_by_path.at(attr.path)].enum_id};
    out.i = member;
  }
  return true;
}

NodeId PolicyDiagram::ScalarWhere(uint32_t a, const std::function<bool(const Value&)>& holds) {
  const SpaceAttr& attr = space_.attrs()[a];
  ValueSet values;
  Value v;
  for (uint32_t cls = 0; cls < attr.classes.size(); ++cls)
    if (ModelValue(space_, model_, m_, a, cls, v) && holds(v)) values.Add(cls + 1);
  return store_.Literal(attr.var, values);
}

Pair PolicyDiagram::Condition(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kNot: {
      Pair c = Condition(e.children[0]);
      return {c.second, c.first};
    }
    case ExprKind::kAnd: {
      Pair acc{kT, kF};
      for (const Expr& c : e.children) {
        Pair p = Condition(c);
        acc = {store_.And(acc.first, p.first), store_.Or(acc.second, p.second)};
      }
      return acc;
    }
    case ExprKind::kOr: {
      Pair acc{kF, kT};
      for (const Expr& c : e.children) {
        Pair p = Condition(c);
        acc = {store_.Or(acc.first, p.first), store_.And(acc.second, p.second)};
      }
      return acc;
    }
    case ExprKind::kIsPresent:
    case ExprKind::kIsMissing: {
      const NodeId p = Present(space_.AttrOf(model_, e.children[0].attr));
      const NodeId q = store_.Not(p);
      return e.kind == ExprKind::kIsPresent ? Pair{p, q} : Pair{q, p};
    }
    case ExprKind::kName:
      if (IsAttribute(e)) {
        const uint32_t a = space_.AttrOf(model_, e.attr);
        return {ScalarWhere(a, [](const Value& v) { return v.b; }),
                ScalarWhere(a, [](const Value& v) { return !v.b; })};
      }
      return FoldConstant(e, m_).b ? Pair{kT, kF} : Pair{kF, kT};
    case ExprKind::kCompare:
      return Compare(e);
    case ExprKind::kBool:
      return e.bool_value ? Pair{kT, kF} : Pair{kF, kT};
    default:
      return {kF, kF};
  }
}

Pair PolicyDiagram::Compare(const Expr& e) {
  const Expr& l = e.children[0];
  const Expr& r = e.children[1];
  const bool la = IsAttribute(l), ra = IsAttribute(r);
  if (!la && !ra) {
    const bool holds = CompareViews(e.op, ViewOf(FoldConstant(l, m_)), ViewOf(FoldConstant(r, m_)));
    return holds ? Pair{kT, kF} : Pair{kF, kT};
  }
  auto with_presence = [&](NodeId present, NodeId f) -> Pair {
    return {store_.And(present, f), store_.And(present, store_.Not(f))};
  };
  if (la && ra) {
    const uint32_t a = space_.AttrOf(model_, l.attr), b = space_.AttrOf(model_, r.attr);
    const SpaceAttr& A = space_.attrs()[a];
    const SpaceAttr& B = space_.attrs()[b];
    const NodeId present = store_.And(Present(a), Present(b));
    const bool ordered = [](AttributeType t) {
      return t == AttributeType::kInt || t == AttributeType::kDate;
    }(A.type);
    if (ordered && a != b) {
      bool swapped = false;
      const int32_t rel = space_.RelationVar(a, b, swapped);
      uint64_t values = 0;
      // Relation value: the order of the lower-numbered attribute to the other.
      for (uint32_t v : {kRelLess, kRelEqual, kRelGreater}) {
        // Values standing for the two attributes in that order.
        const int64_t first = 0, second = 1 - static_cast<int64_t>(v);
        const int64_t x = swapped ? second : first, y = swapped ? first : second;
        if (OrderHolds(e.op, x, y)) values |= uint64_t{1} << v;
      }
      return with_presence(present, store_.Literal(static_cast<uint32_t>(rel), values));
    }
    const bool a_set = A.type == AttributeType::kEnumSet, b_set = B.type == AttributeType::kEnumSet;
    if (!a_set && !b_set) {
      // Two scalars (bool or enum, or one attribute with itself): by class pairs.
      NodeId f = kF;
      Value va, vb;
      for (uint32_t c = 0; c < A.classes.size(); ++c) {
        if (!ModelValue(space_, model_, m_, a, c, va)) continue;
        if (a == b) {
          if (CompareViews(e.op, ViewOf(va), ViewOf(va)))
            f = store_.Or(f, store_.Literal(A.var, ValueSet::Single(c + 1)));
          continue;
        }
        ValueSet ds;
        for (uint32_t d = 0; d < B.classes.size(); ++d)
          if (ModelValue(space_, model_, m_, b, d, vb) &&
              CompareViews(e.op, ViewOf(va), ViewOf(vb)))
            ds.Add(d + 1);
        f = store_.Or(f, store_.And(store_.Literal(A.var, ValueSet::Single(c + 1)),
                                    store_.Literal(B.var, ds)));
      }
      return with_presence(present, f);
    }
    if (a_set != b_set) {
      // An enum and a set: `x in S`, `x not in S`, `S contains x`.
      const uint32_t x = a_set ? b : a, s = a_set ? a : b;
      const SpaceAttr& X = space_.attrs()[x];
      NodeId f = kF;
      for (uint32_t c = 0; c < X.classes.size(); ++c)
        f = store_.Or(f,
                      store_.And(store_.Literal(X.var, ValueSet::Single(c + 1)), MemberBit(s, c)));
      if (e.op == Op::kNotIn) f = store_.Not(f);
      return with_presence(present, f);
    }
    // Two sets, member by member.
    NodeId any = kF, all = kT, eq = kT;
    for (uint32_t s = 0; s < A.members.size(); ++s) {
      const NodeId x = MemberBit(a, s), y = MemberBit(b, s);
      const NodeId both = store_.And(x, y);
      any = store_.Or(any, both);
      all = store_.And(all, store_.Or(store_.Not(y), x));  // r ⊆ l
      eq = store_.And(eq, store_.Or(both, store_.And(store_.Not(x), store_.Not(y))));
    }
    NodeId f = e.op == Op::kContainsAny    ? any
               : e.op == Op::kContainsNone ? store_.Not(any)
               : e.op == Op::kContainsAll  ? all
               : e.op == Op::kEq           ? eq
                                           : store_.Not(eq);
    return with_presence(present, f);
  }
  // One attribute and a constant.
  const Expr& attr_side = la ? l : r;
  const uint32_t a = space_.AttrOf(model_, attr_side.attr);
  const SpaceAttr& A = space_.attrs()[a];
  const NodeId present = Present(a);
  if (A.type != AttributeType::kEnumSet) {
    return with_presence(
        present, ScalarWhere(a, [&](const Value& v) { return ConstantComparisonHolds(e, m_, v); }));
  }
  const Value c = FoldConstant(la ? r : l, m_);
  const uint64_t k =
      c.type.kind == TypeKind::kEnum ? SpaceMask(a, uint64_t{1} << c.i) : SpaceMask(a, c.mask);
  NodeId any = kF, all_k = kT, within = kT;
  for (uint32_t s = 0; s < A.members.size(); ++s) {
    const NodeId bit = MemberBit(a, s);
    if ((k >> s) & 1) {
      any = store_.Or(any, bit);
      all_k = store_.And(all_k, bit);
    } else {
      within = store_.And(within, store_.Not(bit));
    }
  }
  NodeId f = kF;
  switch (e.op) {
    case Op::kContains:
    case Op::kIn:
    case Op::kContainsAny:
      f = any;
      break;
    case Op::kNotIn:
    case Op::kContainsNone:
      f = store_.Not(any);
      break;
    case Op::kContainsAll:
      // S contains_all K (K within S), or K contains_all S (S within K).
      f = la ? all_k : within;
      break;
    case Op::kEq:
      f = store_.And(all_k, within);
      break;
    case Op::kNe:
      f = store_.Not(store_.And(all_k, within));
      break;
    default:
      break;
  }
  return with_presence(present, f);
}

NodeId PolicyDiagram::OutcomesOf(const std::vector<Pair>& rules) {
  // The outcome, variable by variable over the rules' diagrams at once;
  // where all are settled, the combining rule decides. The walk carries
  // only the rules that may still apply, as (rule, where true, where
  // false): a rule that certainly does not apply never counts, and after a
  // few variables most rules are such (a thousand rules that each test one
  // country leave one).
  auto& interned = interned_;
  const int32_t items =
      m_.items_attr >= 0 ? static_cast<int32_t>(space_.AttrOf(model_, m_.items_attr)) : -1;
  // The walk's entries past the rules are the conditional obligations:
  // entry n + j is obligation j.
  const uint32_t n = static_cast<uint32_t>(rules.size());
  std::vector<std::pair<uint32_t, Tri>> statuses;
  std::vector<Tri> duty(duties_.size());
  auto leaf = [&](const std::vector<uint32_t>& live) -> NodeId {
    statuses.clear();
    std::fill(duty.begin(), duty.end(), kFalse);
    for (size_t k = 0; k < live.size(); k += 3) {
      const Tri t = live[k + 1] == kT ? kTrue : kUnknown;
      if (live[k] < n) {
        statuses.push_back({live[k], t});
      } else {
        duty[live[k] - n] = t;
      }
    }
    const CombinedOutcome c = CombineLive(m_, statuses);
    Outcome o;
    o.effect = c.effect;
    o.open = c.open;
    o.may = items >= 0 ? SpaceMask(static_cast<uint32_t>(items), c.may) : 0;
    o.rules = c.open ? c.changing : c.deciding;
    if (!c.open) {
      // The obligations of the deciding rules; one whose condition is
      // unknown leaves the decision open (docs/language.md §4).
      std::vector<uint32_t> unsure;
      for (uint32_t i : c.deciding) {
        uint32_t j = first_duty_[i];
        for (const CheckedObligation& ob : m_.rules[i].obligations) {
          const Tri holds = ob.condition ? duty[j++] : kTrue;
          if (holds == kUnknown && (unsure.empty() || unsure.back() != i)) unsure.push_back(i);
          if (holds != kTrue) continue;
          writ::Obligation one{ob.decl->name.name, ob.decl->argument ? std::optional<std::string>(
                                                                           ob.decl->argument->value)
                                                                     : std::nullopt};
          if (std::find(o.obligations.begin(), o.obligations.end(), one) == o.obligations.end())
            o.obligations.push_back(std::move(one));
        }
      }
      if (!unsure.empty()) {
        o.effect = kOpenEffect;
        o.open = true;
        o.may = 0;
        o.rules = std::move(unsure);
        o.obligations.clear();
      }
    }
    std::vector<std::string> duties;
    for (const auto& ob : o.obligations) duties.push_back(ob.ToString());
    auto [it, inserted] =
        interned.emplace(std::make_tuple(o.effect, o.open, o.may, o.rules, std::move(duties)),
                         static_cast<uint32_t>(outcomes_.size()));
    if (inserted) outcomes_.push_back(std::move(o));
    return DiagramStore::Terminal(it->second);
  };
  absl::flat_hash_map<std::vector<uint32_t>, NodeId> memo;
  // `live`: triples (rule, where it applies, where it does not).
  auto go = [&](auto&& self, const std::vector<uint32_t>& live) -> NodeId {
    uint32_t var = static_cast<uint32_t>(store_.var_count());
    for (size_t k = 0; k < live.size(); k += 3)
      var = std::min({var, store_.Var(live[k + 1]), store_.Var(live[k + 2])});
    if (var == store_.var_count()) return leaf(live);
    if (auto it = memo.find(live); it != memo.end()) return it->second;
    std::vector<NodeId> children(store_.domain(var));
    std::vector<uint32_t> sub;
    for (uint32_t v = 0; v < children.size(); ++v) {
      sub.clear();
      for (size_t k = 0; k < live.size(); k += 3) {
        const NodeId t = store_.Cofactor(live[k + 1], var, v);
        const NodeId f = store_.Cofactor(live[k + 2], var, v);
        if (f == kT) continue;  // certainly does not apply here
        sub.insert(sub.end(), {live[k], t, f});
      }
      children[v] = self(self, sub);
    }
    const NodeId out = store_.Make(var, children);
    memo.emplace(live, out);
    return out;
  };
  std::vector<uint32_t> live;
  for (uint32_t i = 0; i < rules.size(); ++i)
    if (rules[i].second != kT) live.insert(live.end(), {i, rules[i].first, rules[i].second});
  for (uint32_t j = 0; j < duties_.size(); ++j)
    if (duties_[j].second != kT)
      live.insert(live.end(), {n + j, duties_[j].first, duties_[j].second});
  return go(go, live);
}

}  // namespace writ::detail
