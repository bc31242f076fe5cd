// File: src/analysis/request_space.cpp
#include "analysis/request_space.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/dates.hpp"
#include "common/operators.hpp"

namespace writ::detail {
namespace {

bool IsScalar(AttributeType t) {
  return t != AttributeType::kEnumSet && t != AttributeType::kStringSet;
}

bool IsOrdered(AttributeType t) { return t == AttributeType::kInt || t == AttributeType::kDate; }

// The range of values an attribute of type `t` can have in a request.
std::pair<int64_t, int64_t> RangeOf(AttributeType t) {
  if (t == AttributeType::kDate) return {*DaysFromCivil(1, 1, 1), *DaysFromCivil(9999, 12, 31)};
  return {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
}

// The value a class's representative is chosen near, so that witnesses
// read naturally: 0, or 2024-01-01 for dates.
// What the walk of the conditions found.
struct Uses {
  std::vector<uint32_t> order;  // space attributes in order of first use
  std::set<uint32_t> seen;
  // Per space attribute: comparisons with a constant, and the model they are in.
  std::map<uint32_t, std::vector<std::pair<const Expr*, size_t>>> atoms;
  std::set<std::pair<uint32_t, uint32_t>> relations;  // ordered pairs (a < b)
  void Use(uint32_t a) {
    if (seen.insert(a).second) order.push_back(a);
  }
};

// A string matching `pattern` with each `*` replaced by `fill`.
std::string Instantiate(std::string_view pattern, std::string_view fill) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size() && pattern[i + 1] == '*') {
      out += '*';
      ++i;
    } else if (pattern[i] == '*') {
      out += fill;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

}  // namespace

int64_t Pivot(AttributeType t) {
  return t == AttributeType::kDate ? *DaysFromCivil(2024, 1, 1) : 0;
}

bool ComparisonHolds(const Expr& e, const Value& constant, const Value& v) {
  const ValueView av = ViewOf(v), cv = ViewOf(constant);
  return IsAttribute(e.children[0]) ? CompareViews(e.op, av, cv) : CompareViews(e.op, cv, av);
}

bool ConstantComparisonHolds(const Expr& e, const Model& model, const Value& v) {
  const bool attr_left = IsAttribute(e.children[0]);
  return ComparisonHolds(e, FoldConstant(attr_left ? e.children[1] : e.children[0], model), v);
}

int32_t RequestSpace::ClassOf(uint32_t a, const Value& v) const {
  const SpaceAttr& attr = attrs_[a];
  if (attr.type == AttributeType::kBool) return v.b ? 1 : 0;
  if (attr.type == AttributeType::kEnum) return static_cast<int32_t>(v.i);
  if (attr.type == AttributeType::kInt || attr.type == AttributeType::kDate) {
    // The last candidate at or below v: every value between two neighbouring
    // candidates is in their class.
    auto it = std::upper_bound(attr.line.begin(), attr.line.end(), v.i,
                               [](int64_t x, const auto& p) { return x < p.first; });
    if (it == attr.line.begin()) return attr.line.empty() ? -1 : static_cast<int32_t>(it->second);
    return static_cast<int32_t>(std::prev(it)->second);
  }
  std::vector<bool> want;
  for (size_t i = 0; i < attr.atoms.size(); ++i)
    want.push_back(ComparisonHolds(*attr.atoms[i].first, attr.folded[i], v));
  for (size_t c = 0; c < attr.signatures.size(); ++c)
    if (attr.signatures[c] == want) return static_cast<int32_t>(c);
  return -1;
}

NodeId RequestSpace::Consistent(DiagramStore& store) const {
  // The values of a class as inclusive ranges along the line (every value
  // between two neighbouring candidates of a class is in that class).
  auto ranges = [&](const SpaceAttr& attr, uint32_t cls) {
    std::vector<std::pair<int64_t, int64_t>> out;
    for (size_t i = 0; i < attr.line.size(); ++i) {
      if (attr.line[i].second != cls) continue;
      if (!out.empty() && i > 0 && attr.line[i - 1].second == cls) {
        out.back().second = attr.line[i].first;
      } else {
        out.push_back({attr.line[i].first, attr.line[i].first});
      }
    }
    return out;
  };
  NodeId all = DiagramStore::kTrue;
  for (uint32_t v = 0; v < vars_.size(); ++v) {
    if (vars_[v].kind != VarKind::kRelation) continue;
    const SpaceAttr& x = attrs_[vars_[v].attr];
    const SpaceAttr& y = attrs_[vars_[v].other];
    // Either missing: any relation (it means nothing).
    NodeId ok = store.Or(store.Literal(x.var, 1), store.Literal(y.var, 1));
    for (uint32_t cx = 0; cx < x.classes.size(); ++cx) {
      const auto rx = ranges(x, cx);
      for (uint32_t cy = 0; cy < y.classes.size(); ++cy) {
        const auto ry = ranges(y, cy);
        if (rx.empty() || ry.empty()) continue;
        uint64_t possible = 0;
        if (rx.front().first < ry.back().second) possible |= uint64_t{1} << kRelLess;
        if (rx.back().second > ry.front().first) possible |= uint64_t{1} << kRelGreater;
        for (const auto& a : rx)
          for (const auto& b : ry)
            if (a.first <= b.second && b.first <= a.second) possible |= uint64_t{1} << kRelEqual;
        ok = store.Or(ok, store.And(store.And(store.Literal(x.var, ValueSet::Single(cx + 1)),
                                              store.Literal(y.var, ValueSet::Single(cy + 1))),
                                    store.Literal(v, possible)));
      }
    }
    all = store.And(all, ok);
  }
  return all;
}

int32_t RequestSpace::RelationVar(uint32_t a, uint32_t b, bool& swapped) const {
  swapped = a > b;
  const uint64_t key = swapped ? (uint64_t{b} << 32 | a) : (uint64_t{a} << 32 | b);
  auto it = relations_.find(key);
  return it == relations_.end() ? -1 : static_cast<int32_t>(it->second);
}

uint32_t RequestSpace::MemberOf(size_t model, uint32_t space_attr, uint32_t model_member) const {
  const std::vector<int32_t>& to_model = members_[model][space_attr];
  return static_cast<uint32_t>(
      std::find(to_model.begin(), to_model.end(), static_cast<int32_t>(model_member)) -
      to_model.begin());
}

int32_t RequestSpace::ModelMember(size_t model, uint32_t space_attr, uint32_t member) const {
  const std::vector<int32_t>& to_model = members_[model][space_attr];
  return member < to_model.size() ? to_model[member] : -1;
}

absl::StatusOr<RequestSpace> RequestSpace::Build(const std::vector<const Model*>& models) {
  RequestSpace space;
  space.models_ = models;
  absl::flat_hash_map<std::string, uint32_t> by_path;
  // Attributes by path, with the union of enum members.
  for (size_t k = 0; k < models.size(); ++k) {
    const Schema& s = models[k]->schema;
    space.attr_of_.emplace_back();
    for (const AttrInfo& info : s.attrs) {
      auto [it, inserted] = by_path.emplace(info.path, static_cast<uint32_t>(space.attrs_.size()));
      if (inserted) {
        SpaceAttr a;
        a.path = info.path;
        a.type = info.type;
        space.attrs_.push_back(std::move(a));
      }
      SpaceAttr& a = space.attrs_[it->second];
      if (a.type != info.type) {
        return absl::InvalidArgumentError(
            absl::StrCat("the two policies give '", info.path, "' different types (",
                         AV(AttributeTypeName(a.type)), " and ", AV(AttributeTypeName(info.type)),
                         "); the analysis compares policies over one schema"));
      }
      if (info.enum_id >= 0) {
        for (const std::string& m : s.enums[info.enum_id].members)
          if (std::find(a.members.begin(), a.members.end(), m) == a.members.end())
            a.members.push_back(m);
        if (a.members.size() > kMaxEnumMembers) {
          return absl::InvalidArgumentError(absl::StrCat("the two policies' enums for '", info.path,
                                                         "' have more than ", kMaxEnumMembers,
                                                         " members together"));
        }
      }
      space.attr_of_[k].push_back(it->second);
    }
  }

  // Each space member's index in each model's enum (-1: the model lacks it).
  for (size_t k = 0; k < models.size(); ++k) {
    const Schema& schema = models[k]->schema;
    space.members_.emplace_back(space.attrs_.size());
    for (uint32_t a = 0; a < space.attrs_.size(); ++a) {
      auto it = schema.attr_by_path.find(space.attrs_[a].path);
      if (it == schema.attr_by_path.end() || schema.attrs[it->second].enum_id < 0) continue;
      const EnumInfo& e = schema.enums[schema.attrs[it->second].enum_id];
      for (const std::string& name : space.attrs_[a].members) {
        auto found = e.index.find(name);
        space.members_[k][a].push_back(
            found == e.index.end() ? -1 : static_cast<int32_t>(found->second));
      }
    }
  }

  // What the conditions read.
  Uses uses;
  absl::Status unsupported = absl::OkStatus();
  for (size_t k = 0; k < models.size(); ++k) {
    const Model& m = *models[k];
    auto walk = [&](auto&& self, const Expr& e) -> void {
      switch (e.kind) {
        case ExprKind::kNot:
        case ExprKind::kAnd:
        case ExprKind::kOr:
          for (const Expr& c : e.children) self(self, c);
          return;
        case ExprKind::kIsPresent:
        case ExprKind::kIsMissing:
          uses.Use(space.attr_of_[k][e.children[0].attr]);
          return;
        case ExprKind::kName:
          if (IsAttribute(e)) uses.Use(space.attr_of_[k][e.attr]);
          return;
        case ExprKind::kCompare: {
          const Expr& l = e.children[0];
          const Expr& r = e.children[1];
          if (IsAttribute(l) && IsAttribute(r)) {
            const uint32_t a = space.attr_of_[k][l.attr], b = space.attr_of_[k][r.attr];
            uses.Use(a);
            uses.Use(b);
            const AttributeType ta = space.attrs_[a].type, tb = space.attrs_[b].type;
            if (IsOrdered(ta) && IsOrdered(tb)) {
              if (a != b) uses.relations.insert({std::min(a, b), std::max(a, b)});
            } else if (ta == AttributeType::kString || tb == AttributeType::kString ||
                       ta == AttributeType::kStringSet || tb == AttributeType::kStringSet) {
              if (unsupported.ok())
                unsupported = absl::UnimplementedError(
                    absl::StrCat("the analysis does not yet compare two string attributes ('",
                                 l.text, "' ", OpText(e.op), " '", r.text, "')"));
            }
            return;
          }
          for (const Expr* side : {&l, &r}) {
            if (!IsAttribute(*side)) continue;
            const uint32_t a = space.attr_of_[k][side->attr];
            uses.Use(a);
            if (space.attrs_[a].type == AttributeType::kStringSet) {
              if (unsupported.ok())
                unsupported = absl::UnimplementedError(absl::StrCat(
                    "the analysis does not yet cover set<string> attributes ('", side->text, "')"));
            } else if (IsScalar(space.attrs_[a].type)) {
              uses.atoms[a].push_back({&e, k});
            }
          }
          return;
        }
        default:
          return;
      }
    };
    for (const CheckedRule& rule : m.rules) {
      ForEachCondition(rule, [&](const Expr& e) { walk(walk, e); });
    }
  }
  if (!unsupported.ok()) return unsupported;

  // The items attributes go last, so that the granted items can be split on
  // after everything else (analysis/diagram.hpp: the product).
  std::vector<uint32_t> items;
  for (size_t k = 0; k < models.size(); ++k) {
    if (models[k]->items_attr < 0) continue;
    const uint32_t a = space.attr_of_[k][models[k]->items_attr];
    if (std::find(items.begin(), items.end(), a) == items.end()) items.push_back(a);
  }
  std::vector<uint32_t> order;
  for (uint32_t a : uses.order)
    if (std::find(items.begin(), items.end(), a) == items.end()) order.push_back(a);

  // Variables: each attribute's, and each relation right after the later
  // of its two attributes.
  std::vector<uint32_t> placed;
  auto add_var = [&](SpaceVar v) {
    space.vars_.push_back(v);
    return static_cast<uint32_t>(space.vars_.size() - 1);
  };
  auto add_attr_vars = [&](uint32_t a) {
    SpaceAttr& attr = space.attrs_[a];
    if (attr.type == AttributeType::kEnumSet) {
      attr.var = add_var({VarKind::kSetPresence, a, 0, 0, 2});
      for (uint32_t m = 0; m < attr.members.size(); ++m)
        attr.member_vars.push_back(add_var({VarKind::kSetMember, a, 0, m, 2}));
    } else {
      attr.var = add_var({VarKind::kScalar, a, 0, 0, 0});  // domain set below
    }
    placed.push_back(a);
    for (const auto& [x, y] : uses.relations) {
      const bool both = std::find(placed.begin(), placed.end(), x) != placed.end() &&
                        std::find(placed.begin(), placed.end(), y) != placed.end();
      if (both && (x == a || y == a))
        space.relations_[uint64_t{x} << 32 | y] = add_var({VarKind::kRelation, x, y, 0, 3});
    }
  };
  for (uint32_t a : order) add_attr_vars(a);
  space.first_items_var_ = static_cast<uint32_t>(space.vars_.size());
  for (uint32_t a : items) add_attr_vars(a);

  // Classes of the scalar attributes.
  for (uint32_t a : placed) {
    SpaceAttr& attr = space.attrs_[a];
    if (!IsScalar(attr.type)) continue;
    std::vector<Value> candidates;
    auto make = [&](auto fill) {
      Value v;
      fill(v);
      candidates.push_back(std::move(v));
    };
    const auto& atoms = uses.atoms[a];
    attr.atoms = atoms;
    switch (attr.type) {
      case AttributeType::kBool:
        for (bool b : {false, true}) make([&](Value& v) { v.type = {TypeKind::kBool}, v.b = b; });
        break;
      case AttributeType::kEnum:
        for (uint32_t m = 0; m < attr.members.size(); ++m)
          make([&](Value& v) { v.type = {TypeKind::kEnum}, v.i = m; });
        break;
      case AttributeType::kInt:
      case AttributeType::kDate: {
        const auto [lo, hi] = RangeOf(attr.type);
        std::set<int64_t> points = {lo, hi, Pivot(attr.type)};
        for (const auto& [e, k] : atoms) {
          const Expr& side = IsAttribute(e->children[0]) ? e->children[1] : e->children[0];
          const int64_t c = FoldConstant(side, *models[k]).i;
          attr.constants.push_back(c);
          for (int64_t d : {-1, 0, 1}) {
            if ((d < 0 && c == std::numeric_limits<int64_t>::min()) ||
                (d > 0 && c == std::numeric_limits<int64_t>::max()))
              continue;
            points.insert(std::clamp<int64_t>(c + d, lo, hi));
          }
        }
        const TypeKind kind = attr.type == AttributeType::kInt ? TypeKind::kInt : TypeKind::kDate;
        for (int64_t p : points) make([&](Value& v) { v.type = {kind}, v.i = p; });
        break;
      }
      case AttributeType::kString: {
        std::set<std::string> strings = {"", "writ-any-other-string"};
        for (const auto& [e, k] : atoms) {
          const Expr& side = IsAttribute(e->children[0]) ? e->children[1] : e->children[0];
          const Value c = FoldConstant(side, *models[k]);
          std::vector<std::string> consts = c.strs;
          if (c.type.kind == TypeKind::kString) consts.push_back(c.s);
          for (const std::string& s : consts) {
            if (e->op == Op::kLike) {
              for (const char* fill : {"", "x", "~~", ".", "@"}) {
                strings.insert(Instantiate(s, fill));
                strings.insert(Instantiate(s, fill) + "x");
                strings.insert("x" + Instantiate(s, fill));
              }
            } else if (e->op == Op::kInDomain) {
              // In the domain, in a subdomain, in any case; and the near
              // misses: a longer name, a name ending in it without a dot.
              for (const std::string& host :
                   {s, "sub." + s, absl::AsciiStrToUpper(s), s + ".example", "x" + s}) {
                strings.insert(host);
                strings.insert("x@" + host);
              }
            } else {
              strings.insert(s);
              strings.insert(s + "\x01");
              strings.insert(s + "~");
              if (!s.empty()) strings.insert(s.substr(0, s.size() - 1));
            }
          }
        }
        // Strings that match several patterns at once: one pattern's
        // instance inside another's star, and two instances end to end.
        std::vector<std::string> patterns;
        for (const auto& [e, k] : atoms)
          if (e->op == Op::kLike) {
            const Expr& side = IsAttribute(e->children[0]) ? e->children[1] : e->children[0];
            patterns.push_back(FoldConstant(side, *models[k]).s);
          }
        const std::set<std::string> plain = strings;
        for (const std::string& p : patterns) {
          for (const std::string& q : patterns) {
            strings.insert(Instantiate(p, "") + Instantiate(q, ""));
            strings.insert(Instantiate(p, Instantiate(q, "")));
            strings.insert(Instantiate(p, Instantiate(q, "x")));
          }
          for (const std::string& c : plain) strings.insert(Instantiate(p, c));
        }
        for (const std::string& s : strings)
          make([&](Value& v) { v.type = {TypeKind::kString}, v.s = s; });
        break;
      }
      default:
        break;
    }
    // Bools and enums: a class per value. Others: by signature.
    absl::flat_hash_map<std::vector<bool>, uint32_t> by_signature;
    std::vector<Value> constants;
    for (const auto& [e, k] : atoms) {
      const Expr& side = IsAttribute(e->children[0]) ? e->children[1] : e->children[0];
      constants.push_back(FoldConstant(side, *models[k]));
    }
    for (Value& v : candidates) {
      uint32_t cls;
      if (attr.type == AttributeType::kBool || attr.type == AttributeType::kEnum) {
        cls = static_cast<uint32_t>(attr.classes.size());
        attr.classes.push_back({v, {v}});
      } else {
        std::vector<bool> sig;
        for (size_t i = 0; i < atoms.size(); ++i)
          sig.push_back(ComparisonHolds(*atoms[i].first, constants[i], v));
        auto [it, inserted] = by_signature.emplace(sig, static_cast<uint32_t>(attr.classes.size()));
        if (inserted) attr.classes.push_back({v, {}});
        cls = it->second;
        attr.classes[cls].candidates.push_back(v);
        // Ints and dates: the candidate nearest the pivot represents its class.
        if (IsOrdered(attr.type)) {
          const int64_t p = Pivot(attr.type);
          auto distance = [p](int64_t x) {
            return x > p ? static_cast<uint64_t>(x) - static_cast<uint64_t>(p)
                         : static_cast<uint64_t>(p) - static_cast<uint64_t>(x);
          };
          if (distance(v.i) < distance(attr.classes[cls].representative.i))
            attr.classes[cls].representative = v;
        }
      }
      if (IsOrdered(attr.type)) attr.line.push_back({v.i, cls});
    }
    space.vars_[attr.var].domain = static_cast<uint32_t>(attr.classes.size() + 1);
    attr.folded = constants;
    for (const ValueClass& c : attr.classes) {
      std::vector<bool> sig;
      for (size_t i = 0; i < atoms.size(); ++i)
        sig.push_back(ComparisonHolds(*atoms[i].first, constants[i], c.representative));
      attr.signatures.push_back(std::move(sig));
    }
  }
  return space;
}

}  // namespace writ::detail
