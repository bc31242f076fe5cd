// File: src/analysis/diff.cpp
//
// writ::Diff: both policies' outcome diagrams over one request space, their
// product, and each kind of change read off it as a region with a checked
// witness.
//
// The product walks both diagrams together. Outcomes say which items their
// deciding rules may disclose; what is granted is that met with what the
// request asks for, so where the two outcomes could grant differently the
// walk goes on through the items attribute's variables (ordered last in the
// space for this) and compares what each side grants for each request.
#include "writ/diff.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "analysis/diagram.hpp"
#include "analysis/diff_state.hpp"
#include "analysis/policy_diagram.hpp"
#include "analysis/region.hpp"
#include "analysis/request_space.hpp"
#include "analysis/witness.hpp"
#include "api/policy_data.hpp"
#include "request/request_access.hpp"
#include "writ/policy.hpp"

namespace writ {

namespace detail {
struct DiffAccess {
  static void SetState(PolicyDiff& d, std::shared_ptr<const DiffState> s) {
    d.state_ = std::move(s);
  }
};
}  // namespace detail

namespace {

namespace json = boost::json;
using detail::DiagramStore;
using detail::NodeId;
using detail::Outcome;

const char* EffectText(Effect e) {
  return e == Effect::kAllow ? "allow" : e == Effect::kReview ? "review" : "deny";
}

// What one side grants for requested items `requested` (space members),
// given whether the items attribute is present to that policy.
uint64_t Granted(const Outcome& o, bool items_present, uint64_t requested) {
  if (o.open || o.effect == Effect::kDeny || !items_present) return 0;
  return requested & o.may;
}

bool SameRegardlessOfItems(const Outcome& a, const Outcome& b) {
  if (a.effect != b.effect || a.open != b.open || a.obligations != b.obligations) return false;
  if (a.open || a.effect == Effect::kDeny) return true;
  return a.may == b.may;
}

class Differ {
 public:
  Differ(const Policy& old_policy, const Policy& new_policy, detail::RequestSpace space)
      : old_(old_policy),
        new_(new_policy),
        state_(std::make_shared<detail::DiffState>(std::move(space), std::vector<uint32_t>{})),
        space_(state_->space),
        store_(state_->store) {
    store_ = DiagramStore(Domains(space_));
  }

  absl::StatusOr<PolicyDiff> Run() {
    detail::PolicyDiagram a(space_, store_, 0), b(space_, store_, 1);
    a_ = &a;
    b_ = &b;
    if (store_.var_count() - space_.first_items_var() > 64)
      return absl::UnimplementedError("the analysis covers items enums of up to 31 members");
    // Both policies read the same items attribute (the usual case): its
    // members can be passed over where neither outcome may grant them.
    shared_items_ =
        space_.models()[0]->items_attr >= 0 && space_.models()[1]->items_attr >= 0 &&
        space_.AttrOf(0, space_.models()[0]->items_attr) ==
            space_.AttrOf(1, space_.models()[1]->items_attr) &&
        store_.var_count() - space_.first_items_var() ==
            1 + space_.attrs()[space_.AttrOf(0, space_.models()[0]->items_attr)].member_vars.size();
    if (shared_items_) {
      // ... and both know every member (a member one lacks makes the set
      // missing there, so its bit would matter).
      const uint32_t items = space_.AttrOf(0, space_.models()[0]->items_attr);
      for (uint32_t m = 0; m < space_.attrs()[items].members.size(); ++m)
        shared_items_ &=
            space_.ModelMember(0, items, m) >= 0 && space_.ModelMember(1, items, m) >= 0;
    }
    const NodeId product = Product(a.root(), b.root(), 0, 0);
    PolicyDiff out;
    out.old_name = old_.name();
    out.old_version = old_.version();
    out.new_name = new_.name();
    out.new_version = new_.version();
    // Changes between settled decisions first (what the texts say), then
    // those where information is missing on one side or both; in the order
    // the walk found them within each.
    std::vector<uint32_t> order(groups_.size());
    for (uint32_t g = 0; g < order.size(); ++g) order[g] = g;
    auto open = [&](uint32_t g) {
      return a.outcome(groups_[g].first).open || b.outcome(groups_[g].second).open;
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t x, uint32_t y) { return !open(x) && open(y); });
    const NodeId consistent = space_.Consistent(store_);
    state_->product = product;
    for (size_t k = 0; k < 2; ++k) {
      const detail::Schema& schema = space_.models()[k]->schema;
      for (const auto& attr : space_.attrs()) {
        auto it = schema.attr_by_path.find(attr.path);
        state_->model_attr[k].push_back(
            it == schema.attr_by_path.end() ? -1 : static_cast<int32_t>(it->second));
      }
    }
    state_->change_of_terminal.assign(groups_.size() + 1, -1);
    for (uint32_t g : order) {
      const NodeId region = store_.And(consistent, store_.MapTerminals(product, [g](uint32_t t) {
        return t == g + 1 ? 1u : 0u;
      }));
      if (region == DiagramStore::kFalse) continue;  // no request takes it
      absl::StatusOr<PolicyChange> change = Change(groups_[g].first, groups_[g].second, region);
      if (!change.ok()) return change.status();
      state_->change_of_terminal[g + 1] = static_cast<int32_t>(out.changes.size());
      out.changes.push_back(std::move(*change));
    }
    detail::DiffAccess::SetState(out, state_);
    return out;
  }

 private:
  static std::vector<uint32_t> Domains(const detail::RequestSpace& space) {
    std::vector<uint32_t> d;
    for (const auto& v : space.vars()) d.push_back(v.domain);
    return d;
  }

  // Whether the items attribute of model k is present, and what it asks
  // for, under an assignment of the items variables.
  // `assigned`: bit i is the value of items variable i (all are two-valued:
  // a set's presence and its members).
  std::pair<bool, uint64_t> Items(size_t k, uint64_t assigned) const {
    const detail::Model& m = *space_.models()[k];
    if (m.items_attr < 0) return {false, 0};
    const uint32_t a = space_.AttrOf(k, m.items_attr);
    const detail::SpaceAttr& attr = space_.attrs()[a];
    auto value = [&](uint32_t var) { return (assigned >> (var - space_.first_items_var())) & 1; };
    if (value(attr.var) == 0) return {false, 0};
    uint64_t requested = 0;
    for (uint32_t s = 0; s < attr.member_vars.size(); ++s) {
      if (!value(attr.member_vars[s])) continue;
      if (space_.ModelMember(k, a, s) < 0) return {false, 0};  // an unknown member: missing
      requested |= uint64_t{1} << s;
    }
    return {true, requested};
  }

  // Terminal 0: no change; g + 1: a change of kind g.
  NodeId Product(NodeId x, NodeId y, uint32_t count, uint64_t assigned) {
    const uint32_t first_items = space_.first_items_var();
    uint32_t var = std::min(store_.Var(x), store_.Var(y));
    if (var >= first_items) {
      if (DiagramStore::IsTerminal(x) && DiagramStore::IsTerminal(y) &&
          SameRegardlessOfItems(a_->outcome(DiagramStore::TerminalValue(x)),
                                b_->outcome(DiagramStore::TerminalValue(y))))
        return DiagramStore::Terminal(0);
      var = first_items + count;  // every items variable in turn
      if (DiagramStore::IsTerminal(x) && DiagramStore::IsTerminal(y) && shared_items_) {
        // Both outcomes known: only the members either may grant matter;
        // the others are passed over (their bits stay 0).
        const Outcome& o = a_->outcome(DiagramStore::TerminalValue(x));
        const Outcome& p = b_->outcome(DiagramStore::TerminalValue(y));
        const uint64_t relevant = (o.open || o.effect == Effect::kDeny ? 0 : o.may) |
                                  (p.open || p.effect == Effect::kDeny ? 0 : p.may);
        while (var < store_.var_count() && space_.vars()[var].kind == detail::VarKind::kSetMember &&
               !((relevant >> space_.vars()[var].member) & 1)) {
          ++var;
          ++count;
        }
      }
      if (var == store_.var_count()) return Leaf(x, y, assigned);
    }
    const auto key = std::make_tuple(x, y, count, assigned);
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    std::vector<NodeId> children(store_.domain(var));
    const bool forced = var >= first_items;
    for (uint32_t v = 0; v < children.size(); ++v) {
      children[v] =
          Product(store_.Cofactor(x, var, v), store_.Cofactor(y, var, v), count + (forced ? 1 : 0),
                  forced ? assigned | (uint64_t{v} << count) : assigned);
    }
    const NodeId out = store_.Make(var, children);
    memo_.emplace(key, out);
    return out;
  }

  NodeId Leaf(NodeId x, NodeId y, uint64_t assigned) {
    const uint32_t ox = DiagramStore::TerminalValue(x), oy = DiagramStore::TerminalValue(y);
    const Outcome& a = a_->outcome(ox);
    const Outcome& b = b_->outcome(oy);
    const auto [pa, ra] = Items(0, assigned);
    const auto [pb, rb] = Items(1, assigned);
    if (a.effect == b.effect && a.open == b.open && a.obligations == b.obligations &&
        Granted(a, pa, ra) == Granted(b, pb, rb))
      return DiagramStore::Terminal(0);
    auto [it, inserted] = group_index_.emplace(std::make_pair(ox, oy), groups_.size());
    if (inserted) groups_.push_back({ox, oy});
    return DiagramStore::Terminal(static_cast<uint32_t>(it->second + 1));
  }

  DiffOutcome Public(const Outcome& o, size_t k) const {
    DiffOutcome d;
    d.effect = o.effect;
    d.open = o.open;
    d.obligations = o.obligations;
    const detail::Model& m = *space_.models()[k];
    if (m.items_attr >= 0 && !o.open && o.effect != Effect::kDeny) {
      const detail::SpaceAttr& attr = space_.attrs()[space_.AttrOf(k, m.items_attr)];
      uint64_t all = 0;
      for (uint32_t s = 0; s < attr.members.size(); ++s) {
        if (space_.ModelMember(k, space_.AttrOf(k, m.items_attr), s) < 0) continue;
        all |= uint64_t{1} << s;
        if ((o.may >> s) & 1) d.may_disclose.push_back(attr.members[s]);
      }
      d.all_items = (o.may & all) == all;
    }
    return d;
  }

  std::vector<std::string> RuleNames(const Outcome& o, const Policy& p) const {
    std::vector<std::string> out;
    for (uint32_t i : o.rules) out.push_back(p.rule_name(i));
    return out;
  }

  // Whether `d`, the decision of `p` on the witness, is what outcome `o`
  // claims.
  static bool Matches(const Decision& d, const Outcome& o, const json::object& w,
                      const detail::RequestSpace& space, size_t k) {
    if (d.effect() != o.effect || d.open() != o.open) return false;
    if (d.obligations() != o.obligations) return false;
    std::vector<std::string> granted = d.granted();
    std::sort(granted.begin(), granted.end());
    // What the outcome grants for this request's items.
    std::vector<std::string> want;
    const detail::Model& m = *space.models()[k];
    if (m.items_attr >= 0 && !o.open && o.effect != Effect::kDeny) {
      const uint32_t a = space.AttrOf(k, m.items_attr);
      const detail::SpaceAttr& attr = space.attrs()[a];
      json::value root = w;
      const json::value* at = &root;
      for (const auto& part : absl::StrSplit(attr.path, '.')) {
        if (!at->is_object() || !at->as_object().contains(std::string(part))) {
          at = nullptr;
          break;
        }
        at = &at->as_object().at(std::string(part));
      }
      if (at && at->is_array()) {
        for (const auto& x : at->as_array()) {
          const std::string name(x.as_string());
          const uint32_t s = static_cast<uint32_t>(
              std::find(attr.members.begin(), attr.members.end(), name) - attr.members.begin());
          if ((o.may >> s) & 1) want.push_back(name);
        }
      }
    }
    std::sort(want.begin(), want.end());
    return granted == want;
  }

  absl::StatusOr<PolicyChange> Change(uint32_t ox, uint32_t oy, NodeId region) {
    const Outcome& a = a_->outcome(ox);
    const Outcome& b = b_->outcome(oy);
    PolicyChange c;
    c.from = Public(a, 0);
    c.to = Public(b, 1);
    c.old_rules = RuleNames(a, old_);
    c.new_rules = RuleNames(b, new_);
    const std::vector<detail::Cube> cubes = detail::CubesOf(space_, store_, region);
    c.when = detail::RegionText(space_, store_, cubes);
    for (const auto& cube : cubes)
      c.conjunctions.push_back(detail::CubeLiterals(space_, store_, cube));
    std::string failed;
    for (const auto& cube : cubes) {
      std::optional<json::object> w = detail::WitnessOf(space_, store_, cube);
      if (!w) continue;
      const std::string text = json::serialize(*w);
      absl::StatusOr<Request> ra = old_.ParseRequest(text);
      absl::StatusOr<Request> rb = new_.ParseRequest(text);
      if (!ra.ok() || !rb.ok()) {
        failed = text;
        continue;
      }
      const Decision da = old_.Decide(*ra), db = new_.Decide(*rb);
      if (Matches(da, a, *w, space_, 0) && Matches(db, b, *w, space_, 1)) {
        c.witness = text;
        return c;
      }
      failed = absl::StrCat(text, " (old: ", da.ToText(), "; new: ", db.ToText(), ")");
    }
    if (!failed.empty()) {
      return absl::InternalError(absl::StrCat(
          "the analysis claims ", OutcomeText(c.from), " → ", OutcomeText(c.to), " when ", c.when,
          ", but its witness ", failed, " does not decide so; please report this bug"));
    }
    c.note =
        "no request in this region could be constructed: its conditions may contradict "
        "each other (the analysis could not decide)";
    return c;
  }

  const Policy& old_;
  const Policy& new_;
  std::shared_ptr<detail::DiffState> state_;
  bool shared_items_ = false;
  detail::RequestSpace& space_;
  DiagramStore& store_;
  const detail::PolicyDiagram* a_ = nullptr;
  const detail::PolicyDiagram* b_ = nullptr;
  absl::flat_hash_map<std::tuple<NodeId, NodeId, uint32_t, uint64_t>, NodeId> memo_;
  std::map<std::pair<uint32_t, uint32_t>, size_t> group_index_;
  std::vector<std::pair<uint32_t, uint32_t>> groups_;
};

std::string Label(const std::string& name, const std::string& version) {
  return version.empty() ? name : absl::StrCat(name, " (", version, ")");
}

std::string Reasons(const DiffOutcome& o, const std::vector<std::string>& rules) {
  if (o.open) return absl::StrCat("open, left open by ", absl::StrJoin(rules, ", "));
  if (rules.empty()) return absl::StrCat(EffectText(o.effect), " by default");
  return absl::StrCat(EffectText(o.effect), " by ", absl::StrJoin(rules, ", "));
}

json::object OutcomeJson(const DiffOutcome& o) {
  json::object j;
  j["effect"] = EffectText(o.effect);
  j["open"] = o.open;
  json::array may;
  for (const auto& m : o.may_disclose) may.push_back(json::value(m));
  if (!o.open && o.effect != Effect::kDeny) {
    j["granted"] = o.all_items ? json::value("requested") : json::value(may);
  } else {
    j["granted"] = json::array();
  }
  json::array ob;
  for (const Obligation& s : o.obligations) {
    json::object one;
    one["name"] = s.name;
    one["argument"] = s.argument ? json::value(*s.argument) : json::value(nullptr);
    ob.push_back(std::move(one));
  }
  j["obligations"] = std::move(ob);
  return j;
}

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.push_back(json::value(s));
  return a;
}

}  // namespace

std::string OutcomeText(const DiffOutcome& o) {
  if (o.open) return "review (open: information missing)";
  std::string out = EffectText(o.effect);
  if (o.effect != Effect::kDeny) {
    if (o.all_items) {
      absl::StrAppend(&out, ", granted what is requested");
    } else if (o.may_disclose.empty()) {
      absl::StrAppend(&out, ", granted nothing");
    } else {
      absl::StrAppend(&out, ", granted {", absl::StrJoin(o.may_disclose, ", "), "} ∩ requested");
    }
  }
  if (!o.obligations.empty())
    absl::StrAppend(&out, "; obligations ",
                    absl::StrJoin(o.obligations, ", ", [](std::string* to, const Obligation& ob) {
                      absl::StrAppend(to, ob.ToString());
                    }));
  return out;
}

std::string PolicyDiff::ToText(bool full) const {
  std::string out = absl::StrCat(Label(old_name, old_version), " → ", Label(new_name, new_version));
  if (changes.empty()) return out + ": no change\n";
  auto involves_missing = [](const PolicyChange& c) { return c.from.open || c.to.open; };
  const size_t settled = static_cast<size_t>(std::count_if(
      changes.begin(), changes.end(), [&](const auto& c) { return !involves_missing(c); }));
  absl::StrAppend(&out, ": ", changes.size(), changes.size() == 1 ? " kind" : " kinds",
                  " of change");
  if (settled != changes.size())
    absl::StrAppend(&out, " (", settled, " between settled decisions, ", changes.size() - settled,
                    " where information is missing)");
  absl::StrAppend(&out, "\n");
  constexpr size_t kShown = 6;
  for (size_t i = 0; i < changes.size(); ++i) {
    const PolicyChange& c = changes[i];
    if (i == settled) {
      absl::StrAppend(&out, "\nWhere information is missing",
                      full ? ":\n" : " (writ diff --full shows each region):\n");
    }
    absl::StrAppend(&out, "\n", i + 1, ". ", OutcomeText(c.from), " → ", OutcomeText(c.to), "\n");
    if (!full && i >= settled) {
      // In brief: the attributes whose absence takes requests here, the
      // rules, an example.
      std::vector<std::string> absent;
      for (const auto& conj : c.conjunctions)
        for (const auto& lit : conj)
          for (size_t at = lit.find(" is missing"); at != std::string::npos;
               at = lit.find(" is missing", at + 1)) {
            const size_t start = lit.find_last_of(" (", at - 1) + 1;
            std::string attr = lit.substr(start, at - start);
            if (std::find(absent.begin(), absent.end(), attr) == absent.end())
              absent.push_back(attr);
          }
      const std::string which =
          absent.size() == 1 ? absl::StrCat(absent[0], " is missing")
                             : absl::StrCat("one of ", absl::StrJoin(absent, ", "), " is missing");
      absl::StrAppend(&out, "   when ", absent.empty() ? "information is missing" : which, " (",
                      c.conjunctions.size(),
                      c.conjunctions.size() == 1 ? " alternative)\n" : " alternatives)\n");
      absl::StrAppend(&out, "   was: ", Reasons(c.from, c.old_rules),
                      " · now: ", Reasons(c.to, c.new_rules), "\n");
      if (!c.witness.empty()) absl::StrAppend(&out, "   e.g. ", c.witness, "\n");
      continue;
    }
    const detail::Factored f = detail::Factor(c.conjunctions);
    std::vector<std::string> lines = f.common;
    if (!f.alternatives.empty()) {
      std::string alts;
      const size_t shown = full ? f.alternatives.size() : std::min(kShown, f.alternatives.size());
      for (size_t k = 0; k < shown; ++k) {
        const auto& a = f.alternatives[k];
        absl::StrAppend(&alts, k == 0 ? (lines.empty() ? "   " : "(   ") : "\n         or ",
                        a.empty() ? "true" : absl::StrJoin(a, "\n            and "));
      }
      if (shown < f.alternatives.size())
        absl::StrAppend(&alts, "\n         or … ", f.alternatives.size() - shown,
                        " more (writ diff --full lists them all)");
      lines.push_back(lines.empty() ? alts : alts + ")");
    }
    if (lines.empty()) lines.push_back("true");
    absl::StrAppend(&out, "   when ", absl::StrJoin(lines, "\n    and "), "\n");
    absl::StrAppend(&out, "   was: ", Reasons(c.from, c.old_rules),
                    " · now: ", Reasons(c.to, c.new_rules), "\n");
    if (!c.witness.empty()) absl::StrAppend(&out, "   e.g. ", c.witness, "\n");
    if (!c.note.empty()) absl::StrAppend(&out, "   note: ", c.note, "\n");
  }
  return out;
}

std::string PolicyDiff::ToJson() const {
  json::object j;
  j["old"] = {{"name", old_name}, {"version", old_version}};
  j["new"] = {{"name", new_name}, {"version", new_version}};
  json::array cs;
  for (const PolicyChange& c : changes) {
    json::object o;
    o["from"] = OutcomeJson(c.from);
    o["to"] = OutcomeJson(c.to);
    json::array any;
    for (const auto& conj : c.conjunctions) any.push_back(Strings(conj));
    o["region"] = {{"when", c.when}, {"any_of", std::move(any)}};
    o["witness"] = c.witness.empty() ? json::value(nullptr) : json::parse(c.witness);
    if (!c.note.empty()) o["note"] = c.note;
    o["old_rules"] = Strings(c.old_rules);
    o["new_rules"] = Strings(c.new_rules);
    cs.push_back(std::move(o));
  }
  j["changes"] = std::move(cs);
  return json::serialize(j);
}

int PolicyDiff::ChangeOf(const Request& under_old, const Request& under_new) const {
  if (!state_) return -1;
  const detail::RequestSpace& space = state_->space;
  const DiagramStore& store = state_->store;
  const Request* requests[2] = {&under_old, &under_new};
  auto model_attr = [&](size_t k, uint32_t a) { return state_->model_attr[k][a]; };
  // The value of space attribute a (with enum members as space members),
  // from whichever request has it; false if neither does.
  auto value_of = [&](uint32_t a, detail::Value& out) {
    for (size_t k = 0; k < 2; ++k) {
      const int32_t i = model_attr(k, a);
      if (i < 0 || !requests[k]->present(static_cast<uint32_t>(i))) continue;
      out = detail::RequestAccess::Get(*requests[k], space.models()[k]->schema,
                                       static_cast<uint32_t>(i));
      const auto type = space.attrs()[a].type;
      if (type == AttributeType::kEnum) {
        out.i = space.MemberOf(k, a, static_cast<uint32_t>(out.i));
      } else if (type == AttributeType::kEnumSet) {
        uint64_t mask = 0;
        for (uint32_t m = 0; m < 64; ++m)
          if ((out.mask >> m) & 1) mask |= uint64_t{1} << space.MemberOf(k, a, m);
        out.mask = mask;
      }
      return true;
    }
    return false;
  };
  NodeId n = state_->product;
  detail::Value v, w;
  while (!DiagramStore::IsTerminal(n)) {
    const uint32_t var = store.Var(n);
    const detail::SpaceVar& sv = space.vars()[var];
    uint32_t value = 0;
    switch (sv.kind) {
      case detail::VarKind::kScalar:
        if (value_of(sv.attr, v)) {
          const int32_t cls = space.ClassOf(sv.attr, v);
          if (cls < 0) return -1;
          value = static_cast<uint32_t>(cls) + 1;
        }
        break;
      case detail::VarKind::kSetPresence:
        value = value_of(sv.attr, v) ? 1 : 0;
        break;
      case detail::VarKind::kSetMember:
        value = value_of(sv.attr, v) && ((v.mask >> sv.member) & 1) ? 1 : 0;
        break;
      case detail::VarKind::kRelation:
        if (value_of(sv.attr, v) && value_of(sv.other, w))
          value = v.i < w.i    ? detail::kRelLess
                  : v.i == w.i ? detail::kRelEqual
                               : detail::kRelGreater;
        break;
    }
    n = store.Child(n, value);
  }
  const uint32_t t = DiagramStore::TerminalValue(n);
  return t < state_->change_of_terminal.size() ? state_->change_of_terminal[t] : -1;
}

absl::StatusOr<PolicyDiff> Diff(const Policy& old_policy, const Policy& new_policy) {
  const detail::Model& a = detail::PolicyAccess::Data(old_policy).model;
  const detail::Model& b = detail::PolicyAccess::Data(new_policy).model;
  absl::StatusOr<detail::RequestSpace> space = detail::RequestSpace::Build({&a, &b});
  if (!space.ok()) return space.status();
  return Differ(old_policy, new_policy, std::move(*space)).Run();
}

}  // namespace writ
