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

uint64_t Full(uint32_t domain) { return domain >= 64 ? ~uint64_t{0} : (uint64_t{1} << domain) - 1; }

bool Within(const Cube& a, const Cube& b) {  // a ⊆ b
  for (size_t v = 0; v < a.size(); ++v)
    if ((a[v] & ~b[v]) != 0) return false;
  return true;
}

void Merge(std::vector<Cube>& cubes) {
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < cubes.size() && !changed; ++i) {
      for (size_t j = 0; j < cubes.size() && !changed; ++j) {
        if (i == j) continue;
        if (Within(cubes[j], cubes[i])) {
          cubes.erase(cubes.begin() + static_cast<long>(j));
          changed = true;
          break;
        }
        int differing = -1;
        for (size_t v = 0; v < cubes[i].size(); ++v) {
          if (cubes[i][v] == cubes[j][v]) continue;
          if (differing >= 0) {
            differing = -2;
            break;
          }
          differing = static_cast<int>(v);
        }
        if (differing >= 0) {
          cubes[i][differing] |= cubes[j][differing];
          cubes.erase(cubes.begin() + static_cast<long>(j));
          changed = true;
        }
      }
    }
  }
}

std::string Quote(const std::string& s) {
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
    cv = Quote(c.s);
  } else if (c.type.kind == TypeKind::kStringSet) {
    std::vector<std::string> q;
    for (const auto& s : c.strs) q.push_back(Quote(s));
    cv = Braced(q);
  } else {
    cv = ValueText(c, m.schema);
  }
  std::string text = attr_left ? absl::StrCat(attr.path, " ", OpText(e.op), " ", cv)
                               : absl::StrCat(cv, " ", OpText(e.op), " ", attr.path);
  return holds ? text : absl::StrCat("not (", text, ")");
}

// Present values of a scalar attribute, by the classes allowed.
std::string ScalarText(const RequestSpace& space, const SpaceAttr& attr, uint64_t classes) {
  const uint32_t n = static_cast<uint32_t>(attr.classes.size());
  std::vector<uint32_t> in, out;
  for (uint32_t c = 0; c < n; ++c) ((classes >> c) & 1 ? in : out).push_back(c);
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
        if (!((classes >> line[i].second) & 1)) continue;
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
          const bool allowed = (classes >> c) & 1;
          for (const Value& v : attr.classes[c].candidates) {
            if (!consts.count(v.s)) {
              other_in |= allowed;
            } else {
              (allowed ? in_consts : out_consts).push_back(Quote(v.s));
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
          lits.push_back(AtomText(space, attr, *e, k,
                                  ConstantComparisonHolds(*e, *space.models()[k],
                                                          attr.classes[c].representative)));
        std::sort(lits.begin(), lits.end());
        lits.erase(std::unique(lits.begin(), lits.end()), lits.end());
        alternatives.push_back(absl::StrJoin(lits, " and "));
      }
      if (alternatives.size() == 1) return alternatives[0];
      return absl::StrCat("((", absl::StrJoin(alternatives, ") or ("), "))");
    }
  }
}

}  // namespace

std::vector<Cube> CubesOf(const DiagramStore& store, NodeId region) {
  absl::flat_hash_map<NodeId, std::vector<Cube>> memo;
  const size_t vars = store.var_count();
  Cube any(vars);
  for (uint32_t v = 0; v < vars; ++v) any[v] = Full(store.domain(v));
  auto go = [&](auto&& self, NodeId n) -> std::vector<Cube> {
    if (n == DiagramStore::kFalse) return {};
    if (n == DiagramStore::kTrue) return {any};
    if (auto it = memo.find(n); it != memo.end()) return it->second;
    const uint32_t var = store.Var(n);
    std::vector<std::pair<NodeId, uint64_t>> by_child;
    for (uint32_t v = 0; v < store.domain(var); ++v) {
      const NodeId c = store.Child(n, v);
      auto it = std::find_if(by_child.begin(), by_child.end(),
                             [&](const auto& p) { return p.first == c; });
      if (it == by_child.end()) {
        by_child.push_back({c, uint64_t{1} << v});
      } else {
        it->second |= uint64_t{1} << v;
      }
    }
    std::vector<Cube> out;
    for (const auto& [child, values] : by_child) {
      for (Cube c : self(self, child)) {
        c[var] = values;
        out.push_back(std::move(c));
      }
    }
    Merge(out);
    memo.emplace(n, out);
    return out;
  };
  std::vector<Cube> cubes = go(go, region);
  Merge(cubes);
  return cubes;
}

std::vector<std::string> CubeLiterals(const RequestSpace& space, const DiagramStore& store,
                                      const Cube& cube) {
  std::vector<std::string> out;
  auto may_be_missing = [&](uint32_t a) {
    return (cube[space.attrs()[a].var] & 1) != 0;  // value 0: missing, or the set's absence
  };
  std::set<uint32_t> done;
  for (uint32_t v = 0; v < cube.size(); ++v) {
    const uint64_t full = Full(store.domain(v));
    const SpaceVar& var = space.vars()[v];
    const SpaceAttr& attr = space.attrs()[var.attr];
    if (var.kind == VarKind::kRelation) {
      if (cube[v] == full) continue;
      const SpaceAttr& other = space.attrs()[var.other];
      static const char* kOps[8] = {"", "<", "==", "<=", ">", "!=", ">=", ""};
      std::string text = absl::StrCat(attr.path, " ", kOps[cube[v] & 7], " ", other.path);
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
      const bool missing = cube[v] & 1;
      const uint64_t present = cube[v] >> 1;
      const uint64_t all_present = full >> 1;
      if (present == 0) {
        out.push_back(absl::StrCat(attr.path, " is missing"));
      } else if (present == all_present) {
        out.push_back(absl::StrCat(attr.path, " is present"));
      } else if (missing) {
        out.push_back(absl::StrCat("(", attr.path, " is missing or ",
                                   ScalarText(space, attr, present), ")"));
      } else {
        out.push_back(ScalarText(space, attr, present));
      }
      continue;
    }
    // An enum set: its presence and member variables together.
    if (!done.insert(var.attr).second) continue;
    const uint64_t presence = cube[attr.var];
    std::vector<std::string> in, not_in;
    for (uint32_t m = 0; m < attr.member_vars.size(); ++m) {
      const uint64_t bits = cube[attr.member_vars[m]];
      if (bits == 0b10) in.push_back(attr.members[m]);
      if (bits == 0b01) not_in.push_back(attr.members[m]);
    }
    if (presence == 0b01) {
      out.push_back(absl::StrCat(attr.path, " is missing"));
      continue;
    }
    std::vector<std::string> parts;
    if (in.size() == 1) parts.push_back(absl::StrCat(attr.path, " contains ", in[0]));
    if (in.size() > 1) parts.push_back(absl::StrCat(attr.path, " contains_all ", Braced(in)));
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

std::string RegionText(const RequestSpace& space, const DiagramStore& store,
                       const std::vector<Cube>& cubes) {
  if (cubes.empty()) return "false";
  std::vector<std::string> parts;
  for (const Cube& c : cubes) {
    std::vector<std::string> lits = CubeLiterals(space, store, c);
    if (lits.empty()) return "true";
    std::string t = absl::StrJoin(lits, " and ");
    parts.push_back(cubes.size() > 1 && lits.size() > 1 ? absl::StrCat("(", t, ")") : t);
  }
  return absl::StrJoin(parts, " or ");
}

}  // namespace writ::detail
