// File: src/analysis/alternatives.cpp
//
// Policy::Alternatives (include/writ/alternatives.hpp, docs/analysis.md, "What would change a
// decision"): the smallest changes to a request that give each other effect, found by trying
// changes of one attribute, then two, ... Each attribute's candidate values are its classes in the
// request space (values the policy's comparisons with constants tell apart), values around the
// request's value of each attribute it is compared with, and, for a set, every combination of the
// members the conditions name. A set of attributes is tried only if leaving them all missing leaves
// the decision open: when it is settled, the fail-safe rule says no value of theirs changes the
// effect (attributes tested with `is present` excepted, which are always tried).
#include "writ/alternatives.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "analysis/request_space.hpp"
#include "api/policy_data.hpp"
#include "checker/checker.hpp"
#include "common/combining.hpp"
#include "common/dates.hpp"
#include "request/request_access.hpp"
#include "runtime/reference_evaluator.hpp"
#include "writ/policy.hpp"

namespace writ {

namespace {

namespace json = boost::json;
using detail::AV;
using detail::Value;

// What the search needs of a policy, built once and shared.
struct Candidates {
  absl::Status status;
  std::vector<uint32_t> relevant;              // attributes some rule reads
  std::vector<std::vector<Value>> values;      // per attribute: its classes' values
  std::vector<bool> presence_tested;           // per attribute
  std::vector<std::vector<uint32_t>> related;  // int/date attributes compared with it
  std::vector<uint64_t> named_members;         // enum sets: the members conditions name
};

void WalkConditions(const detail::Expr& e, const detail::Model& m, Candidates& c) {
  using detail::ExprKind;
  if ((e.kind == ExprKind::kIsPresent || e.kind == ExprKind::kIsMissing) &&
      detail::IsAttribute(e.children[0]))
    c.presence_tested[e.children[0].attr] = true;
  if (e.kind == ExprKind::kCompare) {
    const detail::Expr& l = e.children[0];
    const detail::Expr& r = e.children[1];
    const auto numeric = [&](const detail::Expr& x) {
      const AttributeType t = m.schema.attrs[x.attr].type;
      return t == AttributeType::kInt || t == AttributeType::kDate;
    };
    // Ints and dates compared with each other (enums compared with each
    // other need nothing more: every member is a candidate).
    if (detail::IsAttribute(l) && detail::IsAttribute(r) && numeric(l) && numeric(r)) {
      c.related[l.attr].push_back(static_cast<uint32_t>(r.attr));
      c.related[r.attr].push_back(static_cast<uint32_t>(l.attr));
    }
    for (const auto* side : {&l, &r}) {
      const detail::Expr& other = side == &l ? r : l;
      if (!detail::IsAttribute(*side) || detail::IsAttribute(other)) continue;
      if (m.schema.attrs[side->attr].type != AttributeType::kEnumSet) continue;
      Value v = detail::FoldConstant(other, m);
      c.named_members[side->attr] |=
          v.type.kind == detail::TypeKind::kEnum ? uint64_t{1} << v.i : v.mask;
    }
  }
  for (const auto& child : e.children) WalkConditions(child, m, c);
}

std::shared_ptr<const Candidates> BuildCandidates(const detail::PolicyData& data) {
  auto c = std::make_shared<Candidates>();
  const detail::Model& m = data.model;
  const size_t n = m.schema.attrs.size();
  c->values.resize(n);
  c->presence_tested.assign(n, false);
  c->related.resize(n);
  c->named_members.assign(n, 0);
  absl::StatusOr<detail::RequestSpace> space = detail::RequestSpace::Build({&m});
  if (!space.ok()) {
    c->status = space.status();
    return c;
  }
  std::vector<bool> read(n, false);
  for (const auto& rule : m.rules) {
    for (uint32_t a : rule.reads) read[a] = true;
    for (const auto& o : rule.obligations)
      for (uint32_t a : o.reads) read[a] = true;
    detail::ForEachCondition(rule, [&](const detail::Expr& e) { WalkConditions(e, m, *c); });
  }
  for (const detail::LetDecl* let : m.let_decls) WalkConditions(let->value, m, *c);
  for (uint32_t a = 0; a < n; ++a) {
    if (read[a]) c->relevant.push_back(a);
    const detail::SpaceAttr& sa = space->attrs()[space->AttrOf(0, static_cast<int32_t>(a))];
    for (const detail::ValueClass& k : sa.classes) {
      Value v = k.representative;
      if (m.schema.attrs[a].type == AttributeType::kEnum) {
        const int32_t member = space->ModelMember(0, space->AttrOf(0, static_cast<int32_t>(a)),
                                                  static_cast<uint32_t>(v.i));
        if (member < 0) continue;
        v.i = member;
        v.type = {detail::TypeKind::kEnum, m.schema.attrs[a].enum_id};
      }
      c->values[a].push_back(std::move(v));
    }
    std::sort(c->related[a].begin(), c->related[a].end());
    c->related[a].erase(std::unique(c->related[a].begin(), c->related[a].end()),
                        c->related[a].end());
  }
  // Two compared attributes changed together: each also takes the values
  // just below, at and above each of the other's class values, so that
  // every relation between them is reachable.
  const std::vector<std::vector<Value>> own = c->values;
  for (uint32_t a = 0; a < n; ++a) {
    for (uint32_t b : c->related[a]) {
      for (const Value& w : own[b]) {
        for (int64_t d : {-1, 0, 1}) {
          Value v = w;
          v.type = own[a].empty() ? w.type : own[a][0].type;
          v.i = w.i + d;
          const bool seen = std::any_of(c->values[a].begin(), c->values[a].end(),
                                        [&](const Value& x) { return x.i == v.i; });
          if (!seen) c->values[a].push_back(v);
        }
      }
    }
  }
  return c;
}

bool SameValue(const Value& a, const Value& b) {
  return a.b == b.b && a.i == b.i && a.mask == b.mask && a.s == b.s && a.strs == b.strs;
}

void SetValue(Request& r, AttributeHandle h, const Value& v) {
  switch (h.type) {
    case AttributeType::kBool:
      return r.SetBool(h, v.b);
    case AttributeType::kInt:
      return r.SetInt(h, v.i);
    case AttributeType::kDate:
      return r.SetDays(h, v.i);
    case AttributeType::kEnum:
      return r.SetEnum(h, static_cast<uint32_t>(v.i));
    case AttributeType::kEnumSet:
      return r.SetEnumSet(h, v.mask);
    case AttributeType::kString:
      return r.SetString(h, v.s);
    case AttributeType::kStringSet:
      return;  // not reached: the request space does not cover string sets
  }
}

json::value ValueJson(const Value& v, const detail::Schema& schema) {
  switch (v.type.kind) {
    case detail::TypeKind::kBool:
      return json::value(v.b);
    case detail::TypeKind::kInt:
      return json::value(v.i);
    case detail::TypeKind::kDate:
      return json::value(detail::CivilFromDays(v.i));
    case detail::TypeKind::kString:
      return json::value(v.s);
    case detail::TypeKind::kEnum:
      return json::value(schema.enums[v.type.enum_id].members[v.i]);
    case detail::TypeKind::kEnumSet: {
      json::array a;
      const auto& members = schema.enums[v.type.enum_id].members;
      for (size_t i = 0; i < members.size(); ++i)
        if ((v.mask >> i) & 1) a.emplace_back(members[i]);
      return a;
    }
    default: {
      json::array a;
      for (const auto& s : v.strs) a.emplace_back(s);
      return a;
    }
  }
}

// `root[a][b][c] = v` for path "a.b.c".
void PutPath(json::object& root, const std::string& path, json::value v) {
  json::object* at = &root;
  size_t start = 0;
  for (size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1) {
    json::value& next = (*at)[path.substr(start, dot - start)];
    if (!next.is_object()) next = json::object();
    at = &next.as_object();
  }
  (*at)[path.substr(start)] = std::move(v);
}

std::string RequestJson(const Request& r, const detail::Schema& schema) {
  json::object root;
  for (uint32_t i = 0; i < schema.attrs.size(); ++i)
    if (r.present(i))
      PutPath(root, schema.attrs[i].path,
              ValueJson(detail::RequestAccess::Get(r, schema, i), schema));
  return json::serialize(root);
}

// One way to change one attribute: a value, or missing (nullopt).
struct ChangeOption {
  uint32_t attr;
  std::optional<Value> value;
};

std::string DecisionOutcome(const Decision& d) {
  std::string out(EffectName(d.effect()));
  const std::vector<std::string> rules = d.deciding_rules();
  if (d.open()) return absl::StrCat(out, " (open: missing ", absl::StrJoin(d.missing(), ", "), ")");
  absl::StrAppend(&out, rules.empty() ? " by default" : " by ", absl::StrJoin(rules, ", "));
  // Two values that differ only in the duties that follow are told apart.
  std::vector<std::string> duties;
  for (const Obligation& o : d.obligations()) duties.push_back(o.ToString());
  if (!duties.empty()) absl::StrAppend(&out, "; obligations ", absl::StrJoin(duties, ", "));
  return out;
}

}  // namespace

absl::StatusOr<writ::Alternatives> Policy::Alternatives(const Request& in,
                                                        const AlternativesOptions& o) const {
  if (!detail::RequestBinding::Bound(in, *this))
    return Alternatives(detail::RequestBinding::Translate(in, *this), o);
  const detail::PolicyData& data = *data_;
  std::call_once(data.alternatives_once, [&] { data.alternatives = BuildCandidates(data); });
  const Candidates& c = *static_cast<const Candidates*>(data.alternatives.get());
  if (!c.status.ok()) return c.status;
  const detail::Schema& schema = data.model.schema;
  auto handle = [&](uint32_t a) { return AttributeHandle{a, schema.attrs[a].type}; };
  auto current = [&](uint32_t a) -> std::optional<Value> {
    if (!in.present(a)) return std::nullopt;
    return detail::RequestAccess::Get(in, schema, a);
  };
  auto text_of = [&](const std::optional<Value>& v) {
    return v ? detail::ValueText(*v, schema) : std::string("missing");
  };

  const Decision d0 = Decide(in);
  writ::Alternatives out;
  out.effect = d0.effect();
  out.open = d0.open();
  out.rules = d0.deciding_rules();

  // Every way of changing each attribute the rules read.
  std::map<uint32_t, std::vector<ChangeOption>> options;
  for (uint32_t a : c.relevant) {
    std::vector<ChangeOption>& list = options[a];
    const std::optional<Value> cur = current(a);
    auto add = [&](Value v) {
      if (cur && SameValue(v, *cur)) return;
      for (const ChangeOption& x : list)
        if (x.value && SameValue(*x.value, v)) return;
      list.push_back({a, std::move(v)});
    };
    if (schema.attrs[a].type == AttributeType::kEnumSet) {
      // A set's effect depends on the members conditions name and, for the
      // items attribute, on which rules' `disclose` lists it meets (an
      // allow or review that grants nothing is a deny). Small enums: every
      // subset; larger ones: every subset of the named members, and the
      // request's set with each member added or taken away, each member
      // alone, none and all.
      const size_t members = schema.enums[schema.attrs[a].enum_id].members.size();
      const uint64_t all = members >= 64 ? ~uint64_t{0} : (uint64_t{1} << members) - 1;
      const uint64_t named = members <= 6 ? all : c.named_members[a];
      const uint64_t base = cur ? cur->mask & ~named : 0;
      Value v;
      v.type = {detail::TypeKind::kEnumSet, schema.attrs[a].enum_id};
      if (__builtin_popcountll(named) <= 8) {
        for (uint64_t sub = named;; sub = (sub - 1) & named) {
          v.mask = base | sub;
          add(v);
          if (sub == 0) break;
        }
      }
      if (members > 6) {
        const uint64_t now = cur ? cur->mask : 0;
        for (uint64_t bit = all; bit; bit &= bit - 1) {
          const uint64_t m = bit & -bit;
          for (uint64_t x : {m, now | m, now & ~m}) {
            v.mask = x;
            add(v);
          }
        }
        for (uint64_t x : {uint64_t{0}, all}) {
          v.mask = x;
          add(v);
        }
      }
    } else {
      for (const Value& v : c.values[a]) add(v);
      // Around the value of each attribute it is compared with.
      for (uint32_t b : c.related[a]) {
        if (!in.present(b)) continue;
        const int64_t x = static_cast<int64_t>(detail::RequestAccess::Word(in, b));
        for (int64_t d : {-1, 0, 1}) {
          Value v;
          v.type = {schema.attrs[a].type == AttributeType::kDate ? detail::TypeKind::kDate
                                                                 : detail::TypeKind::kInt};
          v.i = x + d;
          add(v);
        }
      }
    }
    if (cur) list.push_back({a, std::nullopt});
  }

  // The effects sought: every other one, and a settled one of the same
  // effect when the decision is open.
  bool wanted[3] = {false, false, false};
  // Only effects some rule or the default gives.
  bool reachable[3] = {false, false, false};
  reachable[static_cast<int>(detail::ToEffect(data.model.default_effect))] = true;
  for (const auto& rule : data.model.rules)
    reachable[static_cast<int>(detail::ToEffect(rule.effect))] = true;
  for (Effect e : {Effect::kAllow, Effect::kReview, Effect::kDeny}) {
    const int i = static_cast<int>(e);
    wanted[i] = (e != d0.effect() || d0.open()) && reachable[i];
    if (!reachable[i]) out.unreachable.push_back(e);
  }
  struct Found {
    std::vector<const ChangeOption*> changes;
    int made_present = 0;
    Decision decision;
  };
  std::vector<Found> found[3];

  std::vector<uint32_t> attrs = c.relevant;
  // One scratch request, changed and put back (a copy per try would
  // allocate for every string it holds).
  Request scratch = in;
  std::vector<std::optional<Value>> original(schema.attrs.size());
  for (uint32_t a : attrs) original[a] = current(a);
  auto restore = [&](uint32_t a) {
    if (original[a]) {
      SetValue(scratch, handle(a), *original[a]);
    } else {
      detail::RequestAccess::SetMissing(scratch, a);
    }
  };
  auto apply = [&](const ChangeOption& opt) {
    if (opt.value) {
      SetValue(scratch, handle(opt.attr), *opt.value);
    } else {
      detail::RequestAccess::SetMissing(scratch, opt.attr);
    }
  };
  Decision d;
  const detail::ReferenceEvaluator reference(data.model);
  size_t evaluations = 0;
  const int max_k = std::min<int>(o.max_changes, static_cast<int>(attrs.size()));
  for (int k = 1; k <= max_k && !out.exhausted; ++k) {
    if (!wanted[0] && !wanted[1] && !wanted[2]) break;
    // Every set of k attributes, in order.
    std::vector<size_t> pick(k);
    for (int i = 0; i < k; ++i) pick[i] = i;
    for (;;) {
      // Worth trying only if leaving them missing leaves the decision open,
      // or one of them is tested for presence.
      bool presence = false;
      for (size_t i : pick) {
        presence |= c.presence_tested[attrs[i]];
        detail::RequestAccess::SetMissing(scratch, attrs[i]);
      }
      Decide(scratch, d);
      ++evaluations;
      bool promising = presence || d.open() || d.effect() != d0.effect();
      if (promising && !presence) {
        // Sharper, per effect sought: an allow or review needs a rule of that
        // effect that the missing attributes leave possible (not false); the
        // default's effect and deny (an allow or review that grants nothing
        // is one) keep the test above.
        bool any = false;
        for (int e = 0; e < 3 && !any; ++e) {
          if (!wanted[e]) continue;
          if (e == static_cast<int>(Effect::kDeny) ||
              e == static_cast<int>(detail::ToEffect(data.model.default_effect))) {
            any = true;
            break;
          }
          for (size_t i = 0; i < data.model.rules.size() && !any; ++i)
            any = static_cast<int>(detail::ToEffect(data.model.rules[i].effect)) == e &&
                  reference.Applies(i, scratch) != detail::Tri::kFalse;
        }
        promising = any;
      }
      for (size_t i : pick) restore(attrs[i]);
      if (promising) {
        // Every combination of their options.
        std::vector<const std::vector<ChangeOption>*> lists;
        bool empty = false;
        for (size_t i : pick) {
          lists.push_back(&options[attrs[i]]);
          empty |= lists.back()->empty();
        }
        std::vector<size_t> at(k, 0);
        while (!empty) {
          int made_present = 0;
          for (int i = 0; i < k; ++i) {
            const ChangeOption& opt = (*lists[i])[at[i]];
            made_present += opt.value && !in.present(opt.attr);
            apply(opt);
          }
          Decide(scratch, d);
          for (size_t i : pick) restore(attrs[i]);
          if (++evaluations > o.max_evaluations) {
            out.exhausted = true;
            break;
          }
          const int e = static_cast<int>(d.effect());
          if (!d.open() && wanted[e]) {
            Found f;
            for (int i = 0; i < k; ++i) f.changes.push_back(&(*lists[i])[at[i]]);
            f.made_present = made_present;
            f.decision = d;
            found[e].push_back(std::move(f));
          }
          int i = 0;
          while (i < k && ++at[i] == lists[i]->size()) at[i++] = 0;
          if (i == k) break;
        }
      }
      if (out.exhausted) break;
      // The next set of k attributes.
      int i = k - 1;
      while (i >= 0 && pick[i] == attrs.size() - k + i) --i;
      if (i < 0) break;
      ++pick[i];
      for (int j = i + 1; j < k; ++j) pick[j] = pick[j - 1] + 1;
    }
    if (!out.exhausted) out.searched_up_to = k;
    for (int e = 0; e < 3; ++e)
      if (!found[e].empty()) wanted[e] = false;  // found at this size: the smallest
  }

  // The smallest, fewest made present first, each decided again from its
  // whole request as JSON before it is reported.
  for (int e = 0; e < 3; ++e) {
    std::stable_sort(found[e].begin(), found[e].end(), [](const Found& a, const Found& b) {
      return a.made_present < b.made_present;
    });
    int kept = 0;
    for (const Found& f : found[e]) {
      if (kept == o.per_effect) break;
      Alternative alt;
      alt.effect = f.decision.effect();
      alt.rules = f.decision.deciding_rules();
      Request changed = in;
      for (const ChangeOption* opt : f.changes) {
        AttributeChange ch;
        ch.attribute = schema.attrs[opt->attr].path;
        ch.was = text_of(current(opt->attr));
        ch.value = text_of(opt->value);
        if (opt->value) {
          ch.value_json = json::serialize(ValueJson(*opt->value, schema));
          SetValue(changed, handle(opt->attr), *opt->value);
        } else {
          (void)changed.Unset(ch.attribute);
        }
        alt.changes.push_back(std::move(ch));
      }
      alt.request_json = RequestJson(changed, schema);
      absl::StatusOr<Request> again = ParseRequest(alt.request_json);
      if (!again.ok()) return again.status();
      const Decision check = Decide(*again);
      if (check.effect() != alt.effect || check.open() || check.deciding_rules() != alt.rules) {
        return absl::InternalError(
            absl::StrCat("alternative refuted by the evaluator: ", alt.request_json, " gives ",
                         DecisionOutcome(check)));
      }
      out.alternatives.push_back(std::move(alt));
      ++kept;
    }
  }

  // An open decision: what each value of the missing attributes gives.
  const std::vector<uint32_t> missing(d0.missing_indices().begin(), d0.missing_indices().end());
  if (d0.open() && !missing.empty() && missing.size() <= 3) {
    std::vector<std::vector<Value>> values;
    size_t combos = 1;
    for (uint32_t a : missing) {
      std::vector<Value> vs;
      auto it = options.find(a);
      if (it != options.end())
        for (const ChangeOption& x : it->second)
          if (x.value) vs.push_back(*x.value);
      if (vs.empty()) vs = c.values[a];
      combos *= std::max<size_t>(1, vs.size());
      values.push_back(std::move(vs));
    }
    if (combos <= 4096) {
      // Outcome text -> per attribute, the values seen with it.
      std::vector<std::pair<std::string, MissingOutcome>> groups;
      std::vector<size_t> at(missing.size(), 0);
      for (;;) {
        for (size_t i = 0; i < missing.size(); ++i)
          if (!values[i].empty()) SetValue(scratch, handle(missing[i]), values[i][at[i]]);
        Decide(scratch, d);
        for (uint32_t a : missing) detail::RequestAccess::SetMissing(scratch, a);
        const std::string outcome = DecisionOutcome(d);
        // One line per outcome for a single attribute; one per combination
        // of the others for several.
        std::string key = outcome;
        for (size_t i = 1; i < missing.size(); ++i)
          if (!values[i].empty())
            absl::StrAppend(&key, "|", detail::ValueText(values[i][at[i]], schema));
        auto g = std::find_if(groups.begin(), groups.end(),
                              [&](const auto& x) { return x.first == key; });
        if (g == groups.end()) {
          MissingOutcome mo;
          mo.effect = d.effect();
          mo.rules = d.deciding_rules();
          mo.open = d.open();
          mo.outcome = outcome;
          for (size_t i = 0; i < missing.size(); ++i)
            mo.values.push_back({schema.attrs[missing[i]].path, {}});
          groups.push_back({key, std::move(mo)});
          g = groups.end() - 1;
        }
        for (size_t i = 0; i < missing.size(); ++i) {
          if (values[i].empty()) continue;
          std::string v = detail::ValueText(values[i][at[i]], schema);
          auto& list = g->second.values[i].second;
          if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(std::move(v));
        }
        size_t i = 0;
        while (i < missing.size() && ++at[i] >= std::max<size_t>(1, values[i].size())) at[i++] = 0;
        if (i == missing.size()) break;
      }
      for (auto& [key, mo] : groups) out.if_missing.push_back(std::move(mo));
    }
  }
  return out;
}

std::string Alternatives::ToText() const {
  std::string out;
  for (const Alternative& a : alternatives) {
    std::vector<std::string> ifs;
    for (const AttributeChange& ch : a.changes) {
      ifs.push_back(ch.value_json
                        ? absl::StrCat(ch.attribute, " were ", ch.value, " (it is ", ch.was, ")")
                        : absl::StrCat(ch.attribute, " were missing (it is ", ch.was, ")"));
    }
    absl::StrAppend(
        &out, "  ", AV(EffectName(a.effect)),
        a.rules.empty() ? " by default" : absl::StrCat(" by ", absl::StrJoin(a.rules, ", ")),
        " if ", absl::StrJoin(ifs, " and "), "\n");
  }
  std::vector<std::string> none, never;
  for (Effect e : {Effect::kAllow, Effect::kReview, Effect::kDeny}) {
    if (e == effect && !open) continue;
    if (std::find(unreachable.begin(), unreachable.end(), e) != unreachable.end()) {
      never.push_back(std::string(EffectName(e)));
      continue;
    }
    bool any = false;
    for (const Alternative& a : alternatives) any |= a.effect == e;
    if (!any) none.push_back(std::string(EffectName(e)));
  }
  if (!none.empty()) {
    absl::StrAppend(&out, "  no change of at most ", searched_up_to,
                    searched_up_to == 1 ? " attribute" : " attributes", " gives ",
                    absl::StrJoin(none, " or "),
                    exhausted ? " (the search stopped at its budget)" : "", "\n");
  }
  if (!never.empty())
    absl::StrAppend(&out, "  no rule and not the default gives ", absl::StrJoin(never, " or "),
                    "\n");
  if (!if_missing.empty()) {
    absl::StrAppend(&out, "  what the missing values would give:\n");
    for (const MissingOutcome& m : if_missing) {
      std::vector<std::string> parts;
      for (const auto& [path, vs] : m.values)
        if (!vs.empty()) parts.push_back(absl::StrCat(path, " ", absl::StrJoin(vs, " or ")));
      absl::StrAppend(&out, "    ", absl::StrJoin(parts, ", "), " → ", m.outcome, "\n");
    }
  }
  return out;
}

std::string Alternatives::ToJson() const {
  json::object o;
  o["effect"] = std::string(EffectName(effect));
  o["open"] = open;
  json::array rs;
  for (const auto& r : rules) rs.emplace_back(r);
  o["rules"] = std::move(rs);
  json::array alts;
  for (const Alternative& a : alternatives) {
    json::object x;
    x["effect"] = std::string(EffectName(a.effect));
    if (a.rules.empty()) {
      x["rule"] = nullptr;
    } else {
      x["rule"] = a.rules[0];
    }
    json::array ar;
    for (const auto& r : a.rules) ar.emplace_back(r);
    x["rules"] = std::move(ar);
    json::object changes;
    for (const AttributeChange& ch : a.changes)
      changes[ch.attribute] = ch.value_json ? json::parse(*ch.value_json) : json::value(nullptr);
    x["changes"] = std::move(changes);
    x["request"] = json::parse(a.request_json);
    alts.push_back(std::move(x));
  }
  o["alternatives"] = std::move(alts);
  json::array missing;
  for (const MissingOutcome& m : if_missing) {
    json::object x;
    json::object values;
    for (const auto& [path, vs] : m.values) {
      json::array a;
      for (const auto& v : vs) a.emplace_back(v);
      values[path] = std::move(a);
    }
    x["values"] = std::move(values);
    x["effect"] = std::string(EffectName(m.effect));
    json::array ar;
    for (const auto& r : m.rules) ar.emplace_back(r);
    x["rules"] = std::move(ar);
    x["open"] = m.open;
    x["outcome"] = m.outcome;
    missing.push_back(std::move(x));
  }
  o["if_missing"] = std::move(missing);
  json::array never;
  for (Effect e : unreachable) never.emplace_back(std::string(EffectName(e)));
  o["unreachable"] = std::move(never);
  o["searched_up_to"] = searched_up_to;
  o["exhausted"] = exhausted;
  return json::serialize(o);
}

}  // namespace writ
