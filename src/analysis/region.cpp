// File: src/analysis/region.cpp
#include "analysis/region.hpp"

#include <algorithm>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/dates.hpp"

namespace writ::detail {
namespace {

ValueSet Full(uint32_t domain) { return ValueSet::All(domain); }
const ValueSet kMissingOnly = ValueSet::FromBits(0b01), kPresentOnly = ValueSet::FromBits(0b10),
               kEither = ValueSet::FromBits(0b11);

// Whether variable v (or the extra entry v) of a cube means nothing for
// the requests the cube holds: a relation when one of its attributes is
// missing in every one of them, a set's members when the set is.
bool DontCare(const Cube& c, size_t v, const RequestSpace& space, size_t vars) {
  if (v >= vars) {
    const SpaceAttr& attr = space.attrs()[v - vars];
    return attr.type == AttributeType::kEnumSet && !attr.member_vars.empty() &&
           c[attr.var] == kMissingOnly;
  }
  const SpaceVar& var = space.vars()[v];
  if (var.kind == VarKind::kRelation)
    return c[space.attrs()[var.attr].var] == kMissingOnly ||
           c[space.attrs()[var.other].var] == kMissingOnly;
  if (var.kind == VarKind::kSetMember) return c[space.attrs()[var.attr].var] == kMissingOnly;
  return false;
}

// Whether every request of cube a is in cube b.
bool Within(const Cube& a, const Cube& b, const RequestSpace& space, size_t vars) {
  for (size_t v = 0; v < vars; ++v)
    if (!DontCare(a, v, space, vars) && !a[v].SubsetOf(b[v])) return false;
  for (size_t k = vars; k < b.size(); ++k) {
    if (b[k].empty() || DontCare(a, k, space, vars)) continue;
    if (!a[k].empty() && a[k].SubsetOf(b[k])) continue;
    // a asks for one of b's members outright.
    const SpaceAttr& attr = space.attrs()[k - vars];
    bool has = false;
    for (uint32_t m = 0; m < attr.member_vars.size(); ++m)
      if (b[k].Has(m) && a[attr.member_vars[m]] == kPresentOnly) has = true;
    if (!has) return false;
  }
  return true;
}

// (C and one of P in) or (C and none of P in and z in) is C and one of P + z
// in: the cubes' conditions on an enum set's members grow a contains_any.
bool MergeAny(const Cube& a, const Cube& b, const SpaceAttr& attr, size_t extra, Cube& out) {
  const auto& mv = attr.member_vars;
  if (!b[extra].empty()) return false;
  std::vector<uint64_t> candidates;
  if (!a[extra].empty()) {
    candidates.push_back(a[extra].Bits());
  } else {
    for (uint32_t m = 0; m < mv.size(); ++m)
      if (a[mv[m]] == kPresentOnly) candidates.push_back(uint64_t{1} << m);
  }
  for (uint64_t p : candidates) {
    for (uint32_t z = 0; z < mv.size(); ++z) {
      if (((p >> z) & 1) || b[mv[z]] != kPresentOnly || a[mv[z]] != kEither) continue;
      bool ok = true;
      for (uint32_t m = 0; m < mv.size() && ok; ++m) {
        if (m == z) continue;
        if ((p >> m) & 1) {
          ok = b[mv[m]] == kMissingOnly;
        } else {
          ok = a[mv[m]] == b[mv[m]];
        }
      }
      if (!ok) continue;
      out = a;
      for (uint32_t m = 0; m < mv.size(); ++m)
        if (((p >> m) & 1) || m == z) out[mv[m]] = kEither;
      out[extra] = ValueSet::FromBits(p | (uint64_t{1} << z));
      return true;
    }
  }
  return false;
}

void Merge(std::vector<Cube>& cubes, const RequestSpace& space, size_t vars) {
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < cubes.size() && !changed; ++i) {
      for (size_t j = 0; j < cubes.size() && !changed; ++j) {
        if (i == j) continue;
        if (Within(cubes[j], cubes[i], space, vars)) {
          cubes.erase(cubes.begin() + static_cast<long>(j));
          changed = true;
          break;
        }
        // Where the two differ, on variables that mean something to both.
        std::vector<size_t> diff;
        for (size_t v = 0; v < cubes[i].size() && diff.size() <= 64; ++v)
          if (cubes[i][v] != cubes[j][v] && !DontCare(cubes[i], v, space, vars) &&
              !DontCare(cubes[j], v, space, vars))
            diff.push_back(v);
        if (diff.size() == 1 && diff[0] < vars) {
          // The union: the differing variable's values joined, and each
          // variable that means nothing to one cube as the other has it.
          Cube merged = cubes[i];
          merged[diff[0]] |= cubes[j][diff[0]];
          for (size_t v = 0; v < merged.size(); ++v)
            if (v != diff[0] && DontCare(cubes[i], v, space, vars)) merged[v] = cubes[j][v];
          cubes[i] = std::move(merged);
          cubes.erase(cubes.begin() + static_cast<long>(j));
          changed = true;
          break;
        }
        diff.clear();
        for (size_t v = 0; v < cubes[i].size() && diff.size() <= 64; ++v)
          if (cubes[i][v] != cubes[j][v]) diff.push_back(v);
        // Only in one enum set's members (and its contains_any).
        const size_t first = diff.empty() ? 0 : diff[0];
        const uint32_t set_attr = first < vars ? space.vars()[first].attr : 0;
        if (diff.empty() || first >= vars || space.vars()[first].kind != VarKind::kSetMember)
          continue;
        bool one_set = true;
        for (size_t v : diff) {
          if (v < vars) {
            one_set &=
                space.vars()[v].kind == VarKind::kSetMember && space.vars()[v].attr == set_attr;
          } else {
            one_set &= v - vars == set_attr;
          }
        }
        if (!one_set) continue;
        const SpaceAttr& attr = space.attrs()[set_attr];
        Cube merged;
        if (MergeAny(cubes[i], cubes[j], attr, vars + set_attr, merged)) {
          cubes[i] = std::move(merged);
          cubes.erase(cubes.begin() + static_cast<long>(j));
          changed = true;
        }
      }
    }
  }
}

std::string WritStringLiteral(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string Braced(const std::vector<std::string>& items) {
  return absl::StrCat("{", absl::StrJoin(items, ", "), "}");
}

std::string OrderText(const SpaceAttr& attr, int64_t v) {
  return attr.type == AttributeType::kDate ? CivilFromDays(v) : absl::StrCat(v);
}

// The text of a comparison with a constant, written with the constant's
// value (not a let's name), so that a region stands on its own.
std::string AtomText(const RequestSpace& space, const SpaceAttr& attr, const Expr& e, size_t model,
                     bool holds) {
  const Model& m = *space.models()[model];
  const bool attr_left = IsAttribute(e.children[0]);
  const Value c = FoldConstant(attr_left ? e.children[1] : e.children[0], m);
  std::string cv;
  if (c.type.kind == TypeKind::kString) {
    cv = WritStringLiteral(c.s);
  } else if (c.type.kind == TypeKind::kStringSet) {
    std::vector<std::string> q;
    for (const auto& s : c.strs) q.push_back(WritStringLiteral(s));
    cv = Braced(q);
  } else {
    cv = ValueText(c, m.schema);
  }
  std::string text = attr_left ? absl::StrCat(attr.path, " ", OpText(e.op), " ", cv)
                               : absl::StrCat(cv, " ", OpText(e.op), " ", attr.path);
  return holds ? text : absl::StrCat("not (", text, ")");
}

// Present values of a scalar attribute, by the classes allowed.
// `values`: the variable's allowed values (class c is value c + 1).
std::string ScalarText(const RequestSpace& space, const SpaceAttr& attr, const ValueSet& values) {
  const uint32_t n = static_cast<uint32_t>(attr.classes.size());
  std::vector<uint32_t> in, out;
  for (uint32_t c = 0; c < n; ++c) (values.Has(c + 1) ? in : out).push_back(c);
  const std::string& a = attr.path;
  switch (attr.type) {
    case AttributeType::kBool:
      return attr.classes[in[0]].representative.b ? a : absl::StrCat("not ", a);
    case AttributeType::kEnum: {
      auto names = [&](const std::vector<uint32_t>& cs) {
        std::vector<std::string> out;
        for (uint32_t c : cs) out.push_back(attr.members[c]);
        return out;
      };
      if (in.size() == 1) return absl::StrCat(a, " == ", attr.members[in[0]]);
      if (out.size() == 1) return absl::StrCat(a, " != ", attr.members[out[0]]);
      if (out.size() < in.size()) return absl::StrCat(a, " not in ", Braced(names(out)));
      return absl::StrCat(a, " in ", Braced(names(in)));
    }
    case AttributeType::kInt:
    case AttributeType::kDate: {
      // Runs of allowed candidates along the line are exact ranges: every
      // value between two neighbouring candidates is in their class.
      const auto& line = attr.line;
      auto is_const = [&](int64_t v) {
        return std::find(attr.constants.begin(), attr.constants.end(), v) != attr.constants.end();
      };
      std::vector<std::pair<size_t, size_t>> runs;
      for (size_t i = 0; i < line.size(); ++i) {
        if (!values.Has(line[i].second + 1)) continue;
        if (!runs.empty() && runs.back().second + 1 == i) {
          runs.back().second = i;
        } else {
          runs.push_back({i, i});
        }
      }
      auto low = [&](size_t i) {
        const int64_t v = line[i].first;
        if (!is_const(v) && is_const(v - 1)) return absl::StrCat(a, " > ", OrderText(attr, v - 1));
        return absl::StrCat(a, " >= ", OrderText(attr, v));
      };
      auto high = [&](size_t i) {
        const int64_t v = line[i].first;
        if (!is_const(v) && is_const(v + 1)) return absl::StrCat(a, " < ", OrderText(attr, v + 1));
        return absl::StrCat(a, " <= ", OrderText(attr, v));
      };
      // All but one point: `!=`.
      if (runs.size() == 2 && runs[0].first == 0 && runs[1].second == line.size() - 1 &&
          runs[0].second + 2 == runs[1].first &&
          line[runs[0].second].first + 2 == line[runs[1].first].first)
        return absl::StrCat(a, " != ", OrderText(attr, line[runs[0].second + 1].first));
      std::vector<std::string> parts;
      for (auto [lo, hi] : runs) {
        if (line[lo].first == line[hi].first) {
          parts.push_back(absl::StrCat(a, " == ", OrderText(attr, line[lo].first)));
        } else if (lo == 0) {
          parts.push_back(high(hi));
        } else if (hi == line.size() - 1) {
          parts.push_back(low(lo));
        } else {
          parts.push_back(absl::StrCat(low(lo), " and ", high(hi)));
        }
      }
      if (parts.size() == 1) return parts[0];
      return absl::StrCat("(", absl::StrJoin(parts, " or "), ")");
    }
    default: {
      // Strings. With only equality and membership tests, a class is one
      // constant or "any other string".
      bool plain = true;
      for (const auto& [e, k] : attr.atoms)
        if (e->op != Op::kEq && e->op != Op::kNe && e->op != Op::kIn && e->op != Op::kNotIn)
          plain = false;
      if (plain) {
        std::set<std::string> consts;
        for (const auto& [e, k] : attr.atoms) {
          const Expr& side = IsAttribute(e->children[0]) ? e->children[1] : e->children[0];
          const Value c = FoldConstant(side, *space.models()[k]);
          if (c.type.kind == TypeKind::kString) consts.insert(c.s);
          consts.insert(c.strs.begin(), c.strs.end());
        }
        std::vector<std::string> in_consts, out_consts;
        bool other_in = false;
        for (uint32_t c = 0; c < n; ++c) {
          const bool allowed = values.Has(c + 1);
          for (const Value& v : attr.classes[c].candidates) {
            if (!consts.count(v.s)) {
              other_in |= allowed;
            } else {
              (allowed ? in_consts : out_consts).push_back(WritStringLiteral(v.s));
            }
          }
        }
        if (!other_in) {
          if (in_consts.size() == 1) return absl::StrCat(a, " == ", in_consts[0]);
          return absl::StrCat(a, " in ", Braced(in_consts));
        }
        if (out_consts.size() == 1) return absl::StrCat(a, " != ", out_consts[0]);
        return absl::StrCat(a, " not in ", Braced(out_consts));
      }
      // Otherwise each class is the truth of every test on the attribute.
      std::vector<std::string> alternatives;
      for (uint32_t c : in) {
        std::vector<std::string> lits;
        for (const auto& [e, k] : attr.atoms)
          lits.push_back(AtomText(
              space, attr, *e, k,
              ConstantComparisonHolds(*e, *space.models()[k], attr.classes[c].representative)));
        std::sort(lits.begin(), lits.end());
        lits.erase(std::unique(lits.begin(), lits.end()), lits.end());
        alternatives.push_back(absl::StrJoin(lits, " and "));
      }
      if (alternatives.size() == 1) return alternatives[0];
      return absl::StrCat("((", absl::StrJoin(alternatives, ") or ("), "))");
    }
  }
}

// The requests of a cube, as a diagram.
NodeId CubeDiagram(const RequestSpace& space, DiagramStore& store, const Cube& c) {
  const size_t vars = store.var_count();
  NodeId out = DiagramStore::kTrue;
  for (size_t v = vars; v-- > 0;)
    if (c[v] != Full(store.domain(static_cast<uint32_t>(v))))
      out = store.And(store.Literal(static_cast<uint32_t>(v), c[v]), out);
  for (size_t k = vars; k < c.size(); ++k) {
    if (c[k].empty()) continue;
    const SpaceAttr& attr = space.attrs()[k - vars];
    NodeId any = DiagramStore::kFalse;
    for (uint32_t m = 0; m < attr.member_vars.size(); ++m)
      if (c[k].Has(m)) any = store.Or(any, store.Literal(attr.member_vars[m], 0b10));
    // On a present set (a missing one has no members to ask about).
    out = store.And(out, store.Or(any, store.Literal(attr.var, 0b01)));
  }
  return out;
}

// Espresso's two steps, checked exactly on the diagram: grow each cube's
// literals while the cube stays inside the region (fewer, shorter
// conditions), then drop each cube the others cover.
void Simplify(std::vector<Cube>& cubes, const RequestSpace& space, DiagramStore& store,
              NodeId region) {
  const size_t vars = store.var_count();
  const NodeId outside = store.Not(region);
  // Whether every assignment of the cube leads to true: a walk of the
  // region along the cube's values (no diagram built). A contains_any of one
  // set is followed along the walk: a path where the set is missing or has
  // one of the members meets it; a path that has ruled out all of them is
  // outside the cube. (More than one contains_any: the diagram way.)
  struct Any {
    uint32_t presence = 0;
    std::vector<uint32_t> members;  // variables
    uint64_t want = 0;              // bit i: members[i] is one of the set
  };
  absl::flat_hash_map<std::pair<NodeId, uint64_t>, bool> memo;
  auto walk = [&](auto&& self, NodeId n, const Cube& c, const Any* any, uint64_t state) -> bool {
    // state: bit 63 met; bits 0..: members ruled out.
    if (any && !(state >> 63) && (state & any->want) == any->want) return true;  // outside
    if (n == DiagramStore::kTrue) return true;
    if (n == DiagramStore::kFalse) return false;
    const auto key = std::make_pair(n, state);
    if (auto it = memo.find(key); it != memo.end()) return it->second;
    const uint32_t var = store.Var(n);
    bool ok = true;
    for (uint32_t v = 0; v < store.domain(var) && ok; ++v) {
      if (!c[var].Has(v)) continue;
      uint64_t next = state;
      if (any && !(state >> 63)) {
        if (var == any->presence && v == 0) next |= uint64_t{1} << 63;  // missing: nothing to meet
        for (size_t i = 0; i < any->members.size(); ++i) {
          if (any->members[i] != var || !((any->want >> i) & 1)) continue;
          next |= v == 1 ? uint64_t{1} << 63 : uint64_t{1} << i;
        }
      }
      ok = self(self, store.Child(n, v), c, any, next);
    }
    memo.emplace(key, ok);
    return ok;
  };
  auto inside = [&](const Cube& c) {
    int with_any = 0;
    Any any;
    for (size_t k = vars; k < c.size(); ++k) {
      if (c[k].empty()) continue;
      ++with_any;
      const SpaceAttr& attr = space.attrs()[k - vars];
      any.presence = attr.var;
      any.members = attr.member_vars;
      any.want = c[k].Bits();
    }
    if (with_any > 1 || any.members.size() > 63)
      return store.And(CubeDiagram(space, store, c), outside) == DiagramStore::kFalse;
    memo.clear();
    return walk(walk, region, c, with_any ? &any : nullptr, 0);
  };
  for (Cube& c : cubes) {
    for (size_t v = 0; v < vars; ++v) {
      const ValueSet full = Full(store.domain(static_cast<uint32_t>(v)));
      if (c[v] == full) continue;
      Cube wider = c;
      wider[v] = full;
      if (inside(wider)) {
        c = std::move(wider);
        continue;
      }
      // Value by value only on small domains: a thousand-value variable
      // would cost a thousand checks for a list nobody reads.
      const uint32_t domain = store.domain(static_cast<uint32_t>(v));
      if (domain > 16) {
        wider = c;
        for (uint32_t value = 1; value < domain; ++value) wider[v].Add(value);
        if (wider[v] != c[v] && inside(wider)) c = std::move(wider);
        continue;
      }
      for (uint32_t value = 0; value < domain; ++value) {
        if (c[v].Has(value)) continue;
        wider = c;
        wider[v].Add(value);
        if (inside(wider)) c = std::move(wider);
      }
    }
    for (size_t k = vars; k < c.size(); ++k) {
      if (c[k].empty()) continue;
      Cube wider = c;
      wider[k] = ValueSet();
      if (inside(wider)) c = std::move(wider);
    }
  }
  Merge(cubes, space, vars);
  // Irredundant: a cube the union of the others covers goes (the largest
  // cubes are kept first).
  for (size_t i = cubes.size(); i-- > 0;) {
    NodeId others = DiagramStore::kFalse;
    for (size_t j = 0; j < cubes.size(); ++j)
      if (j != i) others = store.Or(others, CubeDiagram(space, store, cubes[j]));
    if (store.And(CubeDiagram(space, store, cubes[i]), store.Not(others)) == DiagramStore::kFalse)
      cubes.erase(cubes.begin() + static_cast<long>(i));
  }
}

}  // namespace

std::vector<Cube> CubesOf(const RequestSpace& space, DiagramStore& store, NodeId region) {
  absl::flat_hash_map<NodeId, std::vector<Cube>> memo;
  const size_t vars = store.var_count();
  Cube any(vars + space.attrs().size());
  for (uint32_t v = 0; v < vars; ++v) any[v] = Full(store.domain(v));
  auto go = [&](auto&& self, NodeId n) -> std::vector<Cube> {
    if (n == DiagramStore::kFalse) return {};
    if (n == DiagramStore::kTrue) return {any};
    if (auto it = memo.find(n); it != memo.end()) return it->second;
    const uint32_t var = store.Var(n);
    std::vector<std::pair<NodeId, ValueSet>> by_child;
    for (uint32_t v = 0; v < store.domain(var); ++v) {
      const NodeId c = store.Child(n, v);
      auto it = std::find_if(by_child.begin(), by_child.end(),
                             [&](const auto& p) { return p.first == c; });
      if (it == by_child.end()) {
        by_child.push_back({c, ValueSet::Single(v)});
      } else {
        it->second.Add(v);
      }
    }
    std::vector<Cube> out;
    for (const auto& [child, values] : by_child) {
      for (Cube c : self(self, child)) {
        c[var] = values;
        out.push_back(std::move(c));
      }
    }
    Merge(out, space, vars);
    memo.emplace(n, out);
    return out;
  };
  std::vector<Cube> cubes = go(go, region);
  Merge(cubes, space, vars);
  Simplify(cubes, space, store, region);
  return cubes;
}

std::vector<std::string> CubeLiterals(const RequestSpace& space, const DiagramStore& store,
                                      const Cube& cube) {
  std::vector<std::string> out;
  auto may_be_missing = [&](uint32_t a) {
    return cube[space.attrs()[a].var].Has(0);  // value 0: missing, or the set's absence
  };
  std::set<uint32_t> done;
  const size_t vars = store.var_count();
  // Attributes a relation of the cube compares, where neither side may be
  // missing: the comparison, true only on present values, says they are.
  std::set<uint32_t> compared;
  for (uint32_t v = 0; v < vars; ++v) {
    const SpaceVar& var = space.vars()[v];
    if (var.kind == VarKind::kRelation && cube[v] != Full(store.domain(v)) &&
        !may_be_missing(var.attr) && !may_be_missing(var.other)) {
      compared.insert(var.attr);
      compared.insert(var.other);
    }
  }
  for (uint32_t v = 0; v < vars; ++v) {
    const ValueSet full = Full(store.domain(v));
    const SpaceVar& var = space.vars()[v];
    const SpaceAttr& attr = space.attrs()[var.attr];
    if (var.kind == VarKind::kRelation) {
      if (cube[v] == full) continue;
      const SpaceAttr& other = space.attrs()[var.other];
      static const char* kOps[8] = {"", "<", "==", "<=", ">", "!=", ">=", ""};
      std::string text = absl::StrCat(attr.path, " ", kOps[cube[v].Bits() & 7], " ", other.path);
      std::vector<std::string> alts;
      if (may_be_missing(var.attr)) alts.push_back(absl::StrCat(attr.path, " is missing"));
      if (may_be_missing(var.other)) alts.push_back(absl::StrCat(other.path, " is missing"));
      if (!alts.empty()) {
        alts.push_back(text);
        text = absl::StrCat("(", absl::StrJoin(alts, " or "), ")");
      }
      out.push_back(text);
      continue;
    }
    if (var.kind == VarKind::kScalar) {
      if (cube[v] == full) continue;
      const bool missing = cube[v].Has(0);
      bool none = true, all = true;
      for (uint32_t x = 1; x < store.domain(v); ++x) (cube[v].Has(x) ? none : all) = false;
      if (none) {
        out.push_back(absl::StrCat(attr.path, " is missing"));
      } else if (all) {
        if (!compared.count(var.attr)) out.push_back(absl::StrCat(attr.path, " is present"));
      } else if (missing) {
        out.push_back(
            absl::StrCat("(", attr.path, " is missing or ", ScalarText(space, attr, cube[v]), ")"));
      } else {
        out.push_back(ScalarText(space, attr, cube[v]));
      }
      continue;
    }
    // An enum set: its presence and member variables together.
    if (!done.insert(var.attr).second) continue;
    const uint64_t presence = cube[attr.var].Bits();
    std::vector<std::string> in, not_in;
    for (uint32_t m = 0; m < attr.member_vars.size(); ++m) {
      const uint64_t bits = cube[attr.member_vars[m]].Bits();
      if (bits == 0b10) in.push_back(attr.members[m]);
      if (bits == 0b01) not_in.push_back(attr.members[m]);
    }
    if (presence == 0b01) {
      out.push_back(absl::StrCat(attr.path, " is missing"));
      continue;
    }
    std::vector<std::string> parts, any;
    for (uint32_t m = 0; m < attr.members.size(); ++m)
      if (cube[vars + var.attr].Has(m)) any.push_back(attr.members[m]);
    if (in.size() == 1) parts.push_back(absl::StrCat(attr.path, " contains ", in[0]));
    if (in.size() > 1) parts.push_back(absl::StrCat(attr.path, " contains_all ", Braced(in)));
    if (!any.empty()) parts.push_back(absl::StrCat(attr.path, " contains_any ", Braced(any)));
    if (!not_in.empty())
      parts.push_back(absl::StrCat(attr.path, " contains_none ", Braced(not_in)));
    if (parts.empty()) {
      if (presence == 0b10) out.push_back(absl::StrCat(attr.path, " is present"));
      continue;
    }
    std::string text = absl::StrJoin(parts, " and ");
    if (presence == 0b11) {
      text = absl::StrCat("(", attr.path, " is missing or ", parts.size() > 1 ? "(" : "", text,
                          parts.size() > 1 ? ")" : "", ")");
    }
    out.push_back(text);
  }
  return out;
}

Factored Factor(const std::vector<std::vector<std::string>>& conjunctions) {
  Factored f;
  if (conjunctions.size() == 1) {
    f.common = conjunctions[0];
    return f;
  }
  for (const std::string& lit : conjunctions[0]) {
    bool everywhere = true;
    for (const auto& c : conjunctions) everywhere &= std::find(c.begin(), c.end(), lit) != c.end();
    if (everywhere) f.common.push_back(lit);
  }
  for (const auto& c : conjunctions) {
    std::vector<std::string> rest;
    for (const std::string& lit : c)
      if (std::find(f.common.begin(), f.common.end(), lit) == f.common.end()) rest.push_back(lit);
    f.alternatives.push_back(std::move(rest));
  }
  return f;
}

std::string RegionText(const RequestSpace& space, const DiagramStore& store,
                       const std::vector<Cube>& cubes) {
  if (cubes.empty()) return "false";
  std::vector<std::vector<std::string>> conjunctions;
  for (const Cube& c : cubes) {
    conjunctions.push_back(CubeLiterals(space, store, c));
    if (conjunctions.back().empty()) return "true";
  }
  const Factored f = Factor(conjunctions);
  std::vector<std::string> parts = f.common;
  if (!f.alternatives.empty()) {
    std::vector<std::string> alts;
    for (const auto& a : f.alternatives) {
      const std::string t = a.empty() ? "true" : absl::StrJoin(a, " and ");
      alts.push_back(a.size() > 1 ? absl::StrCat("(", t, ")") : t);
    }
    parts.push_back(parts.empty() ? absl::StrJoin(alts, " or ")
                                  : absl::StrCat("(", absl::StrJoin(alts, " or "), ")"));
  }
  return absl::StrJoin(parts, " and ");
}

}  // namespace writ::detail
