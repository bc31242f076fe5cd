// File: src/analysis/witness.cpp
#include "analysis/witness.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>

#include "absl/strings/str_split.h"
#include "common/dates.hpp"

namespace writ::detail {
namespace {

namespace json = boost::json;

json::value JsonOf(const SpaceAttr& attr, const Value& v) {
  switch (attr.type) {
    case AttributeType::kBool:
      return json::value(v.b);
    case AttributeType::kEnum:
      return json::value(attr.members[v.i]);
    case AttributeType::kInt:
      return json::value(v.i);
    case AttributeType::kDate:
      return json::value(CivilFromDays(v.i));
    default:
      return json::value(v.s);
  }
}

void Put(json::object& root, const std::string& path, json::value v) {
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  json::object* at = &root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    json::value& next = (*at)[parts[i]];
    if (!next.is_object()) next = json::object();
    at = &next.as_object();
  }
  (*at)[parts.back()] = std::move(v);
}

}  // namespace

std::optional<json::object> WitnessOf(const RequestSpace& space, const DiagramStore& store,
                                      const Cube& cube) {
  const auto& attrs = space.attrs();
  const auto& vars = space.vars();
  // Present scalars: the classes they may take.
  std::map<uint32_t, std::vector<uint32_t>> present;  // attribute -> allowed classes
  for (uint32_t a = 0; a < attrs.size(); ++a) {
    const SpaceAttr& attr = attrs[a];
    if (attr.type == AttributeType::kEnumSet || attr.classes.empty()) continue;
    const ValueSet& mask = cube[attr.var];
    if (mask.Has(0)) continue;  // may be missing: left out
    for (uint32_t c = 0; c < attr.classes.size(); ++c)
      if (mask.Has(c + 1)) present[a].push_back(c);
  }
  // The relations the cube constrains between two present attributes.
  struct Relation {
    uint32_t first, second;
    uint64_t allowed;
  };
  std::vector<Relation> relations;
  std::set<uint32_t> related;
  for (uint32_t v = 0; v < vars.size(); ++v) {
    if (vars[v].kind != VarKind::kRelation || cube[v] == ValueSet::All(store.domain(v))) continue;
    if (!present.count(vars[v].attr) || !present.count(vars[v].other)) continue;
    relations.push_back({vars[v].attr, vars[v].other, cube[v].Bits()});
    related.insert(vars[v].attr);
    related.insert(vars[v].other);
  }
  std::map<uint32_t, Value> chosen;
  for (const auto& [a, classes] : present)
    if (!related.count(a)) chosen[a] = attrs[a].classes[classes[0]].representative;

  if (!related.empty()) {
    // Candidate values for each related attribute: its allowed classes'
    // candidates, and the neighbours of the other related attributes'.
    std::vector<uint32_t> group(related.begin(), related.end());
    std::vector<int64_t> seeds;
    for (uint32_t a : group)
      for (uint32_t c : present[a])
        for (const Value& v : attrs[a].classes[c].candidates) seeds.push_back(v.i);
    // Nearest the pivot first, so that witnesses read naturally.
    const int64_t pivot = Pivot(attrs[group[0]].type);
    auto distance = [pivot](int64_t x) {
      return x > pivot ? static_cast<uint64_t>(x) - static_cast<uint64_t>(pivot)
                       : static_cast<uint64_t>(pivot) - static_cast<uint64_t>(x);
    };
    std::stable_sort(seeds.begin(), seeds.end(),
                     [&](int64_t x, int64_t y) { return distance(x) < distance(y); });
    std::vector<std::vector<Value>> options(group.size());
    for (size_t g = 0; g < group.size(); ++g) {
      const uint32_t a = group[g];
      std::set<int64_t> tried;
      for (int64_t s : seeds) {
        for (int64_t d : {0, 1, -1, 2, -2}) {
          if ((d < 0 && s < std::numeric_limits<int64_t>::min() - d) ||
              (d > 0 && s > std::numeric_limits<int64_t>::max() - d))
            continue;
          if (!tried.insert(s + d).second) continue;
          Value v = attrs[a].classes[0].representative;
          v.i = s + d;
          const int32_t cls = space.ClassOf(a, v);
          if (cls >= 0 && std::count(present[a].begin(), present[a].end(), cls))
            options[g].push_back(v);
        }
      }
    }
    std::vector<size_t> pick(group.size(), 0);
    auto index_of = [&](uint32_t a) {
      return static_cast<size_t>(std::find(group.begin(), group.end(), a) - group.begin());
    };
    auto fits = [&](size_t upto) {  // relations among group[0..upto]
      for (const Relation& r : relations) {
        const size_t i = index_of(r.first), j = index_of(r.second);
        if (i > upto || j > upto) continue;
        const int64_t x = options[i][pick[i]].i, y = options[j][pick[j]].i;
        const uint32_t rel = x < y ? kRelLess : x == y ? kRelEqual : kRelGreater;
        if (!((r.allowed >> rel) & 1)) return false;
      }
      return true;
    };
    long budget = 200000;
    auto search = [&](auto&& self, size_t g) -> bool {
      if (g == group.size()) return true;
      for (pick[g] = 0; pick[g] < options[g].size(); ++pick[g]) {
        if (--budget < 0) return false;
        if (fits(g) && self(self, g + 1)) return true;
      }
      return false;
    };
    if (!search(search, 0)) return std::nullopt;
    for (size_t g = 0; g < group.size(); ++g) chosen[group[g]] = options[g][pick[g]];
  }

  json::object out;
  for (const auto& [a, v] : chosen) Put(out, attrs[a].path, JsonOf(attrs[a], v));
  for (const SpaceAttr& attr : attrs) {
    if (attr.type != AttributeType::kEnumSet || attr.member_vars.empty()) continue;
    if (cube[attr.var].Has(0)) continue;  // may be missing
    json::array members;
    const uint64_t any = cube[store.var_count() + (&attr - attrs.data())].Bits();
    bool any_met = any == 0;
    for (uint32_t m = 0; m < attr.member_vars.size(); ++m) {
      const bool in = cube[attr.member_vars[m]] == ValueSet::FromBits(0b10);
      if (in) any_met |= (any >> m) & 1;
      if (in || (!any_met && ((any >> m) & 1))) {
        members.push_back(json::value(attr.members[m]));
        any_met |= (any >> m) & 1;
      }
    }
    Put(out, attr.path, std::move(members));
  }
  return out;
}

}  // namespace writ::detail
