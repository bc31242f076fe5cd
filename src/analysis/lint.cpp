// File: src/analysis/lint.cpp
//
// writ::Lint: the findings of include/writ/lint.hpp, each decided on the
// policy's diagrams (analysis/policy_diagram.hpp) over every request, each
// witness decided by the ordinary evaluator before it is reported.
#include "writ/lint.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "analysis/diagram.hpp"
#include "analysis/policy_diagram.hpp"
#include "analysis/region.hpp"
#include "analysis/request_space.hpp"
#include "analysis/witness.hpp"
#include "api/policy_data.hpp"
#include "common/combining.hpp"
#include "parser/printer.hpp"
#include "writ/policy.hpp"

namespace writ {
namespace {

namespace json = boost::json;
using detail::DiagramStore;
using detail::NodeId;
using detail::Outcome;
using Pair = std::pair<NodeId, NodeId>;
constexpr NodeId kF = DiagramStore::kFalse, kT = DiagramStore::kTrue;

class Linter {
 public:
  Linter(const Policy& policy, detail::RequestSpace space)
      : policy_(policy),
        data_(detail::PolicyAccess::Data(policy)),
        m_(data_.model),
        space_(std::move(space)),
        store_(Domains(space_)),
        diagram_(space_, store_, 0),
        consistent_(space_.Consistent(store_)) {}

  LintReport Run() {
    const size_t n = m_.rules.size();
    std::vector<NodeId> applies(n);
    for (size_t i = 0; i < n; ++i) applies[i] = diagram_.rule(i).first;
    for (size_t i = 0; i < n; ++i) RuleFindings(i, applies);
    DefaultFinding(applies);
    UnusedFindings();
    FailsOpenFindings();
    Accept();
    std::stable_sort(report_.findings.begin(), report_.findings.end(),
                     [](const LintFinding& a, const LintFinding& b) {
                       return std::tie(a.where.path, a.where.line, a.where.column) <
                              std::tie(b.where.path, b.where.line, b.where.column);
                     });
    return std::move(report_);
  }

 private:
  static std::vector<uint32_t> Domains(const detail::RequestSpace& space) {
    std::vector<uint32_t> d;
    for (const auto& v : space.vars()) d.push_back(v.domain);
    return d;
  }

  bool Empty(NodeId region) { return store_.And(region, consistent_) == kF; }

  // A checked request in `region` (a JSON object), or "" if none was built.
  std::string Witness(NodeId region, const std::function<bool(const Request&)>& check) {
    for (const auto& cube : detail::CubesOf(space_, store_, store_.And(region, consistent_))) {
      auto w = detail::WitnessOf(space_, store_, cube);
      if (!w) continue;
      const std::string text = json::serialize(*w);
      auto r = policy_.ParseRequest(text);
      if (r.ok() && check(*r)) return text;
    }
    return "";
  }

  LintFinding& Add(std::string code, std::string subject, const SourceSpan& span,
                   std::string message) {
    LintFinding f;
    f.code = std::move(code);
    f.subject = std::move(subject);
    f.where = data_.sources.Locate(span);
    f.message = std::move(message);
    report_.findings.push_back(std::move(f));
    return report_.findings.back();
  }

  void RuleFindings(size_t i, const std::vector<NodeId>& applies) {
    const detail::RuleDecl& d = *m_.rules[i].decl;
    const std::string& name = d.name.name;
    const Effect effect = detail::ToEffect(m_.rules[i].effect);
    // A witness must be a request the rule applies to, by the evaluator.
    auto applies_check = [&](const Request& r) {
      return policy_.Explain(r).rules[i].status == RuleOutcome::Status::kApplied;
    };
    if (Empty(applies[i])) {
      LintFinding& f = Add("never-applies", name, d.name.span,
                           absl::StrCat("rule '", name, "' applies to no request"));
      // The conjuncts that contradict each other, if two do.
      if (d.when && d.when->kind == detail::ExprKind::kAnd) {
        const auto& cs = d.when->children;
        for (size_t a = 0; a < cs.size() && f.evidence.empty(); ++a)
          for (size_t b = a + 1; b < cs.size() && f.evidence.empty(); ++b)
            if (Empty(store_.And(diagram_.Condition(cs[a]).first, diagram_.Condition(cs[b]).first)))
              f.evidence = {detail::PrintExpr(cs[a]), detail::PrintExpr(cs[b])};
      }
      if (f.evidence.empty() && m_.rules[i].has_disclose)
        f.evidence.push_back("its condition, with something it may disclose asked for");
      return;
    }
    // Rules that take this one's requests: earlier ones under first_match,
    // stronger ones under deny_overrides.
    NodeId cover = kF;
    std::vector<std::string> by;
    for (size_t j = 0; j < m_.rules.size(); ++j) {
      const bool takes = m_.first_match ? j < i
                                        : static_cast<int>(detail::ToEffect(m_.rules[j].effect)) >
                                              static_cast<int>(effect);
      if (!takes || Empty(store_.And(applies[j], applies[i]))) continue;
      cover = store_.Or(cover, applies[j]);
      by.push_back(m_.rules[j].decl->name.name);
    }
    if (!by.empty() && Empty(store_.And(applies[i], store_.Not(cover)))) {
      LintFinding& f =
          m_.first_match
              ? Add("shadowed", name, d.name.span,
                    absl::StrCat(
                        "rule '", name,
                        "' never decides: earlier rules decide every request it applies to"))
              : Add("overridden", name, d.name.span,
                    absl::StrCat("rule '", name, "' never decides: wherever it applies, a rule of ",
                                 "a stronger effect applies too"));
      f.evidence = by;
      f.witness = Witness(applies[i], applies_check);
      return;
    }
    // Redundant: the policy without it decides every request alike.
    if (m_.rules.size() <= 200) {
      std::vector<Pair> without;
      for (size_t j = 0; j < m_.rules.size(); ++j) without.push_back(diagram_.rule(j));
      without[i] = {kF, kT};
      if (Empty(Where(diagram_.root(), diagram_.OutcomesOf(without), Relation::kDiffers)))
        Add("redundant", name, d.name.span,
            absl::StrCat("taking rule '", name, "' out changes no outcome"));
    }
    // Vacuous conjuncts of `when`.
    if (d.when && d.when->kind == detail::ExprKind::kAnd) {
      const auto& cs = d.when->children;
      for (size_t k = 0; k < cs.size(); ++k) {
        Pair rest{kT, kF};
        for (size_t c = 0; c < cs.size(); ++c) {
          if (c == k) continue;
          const Pair p = diagram_.Condition(cs[c]);
          rest = {store_.And(rest.first, p.first), store_.Or(rest.second, p.second)};
        }
        const Pair without = diagram_.RuleWith(i, rest);
        const Pair with = diagram_.rule(i);
        if (store_.And(store_.Or(store_.And(without.first, store_.Not(with.first)),
                                 store_.And(without.second, store_.Not(with.second))),
                       consistent_) == kF) {
          LintFinding& f = Add("vacuous-condition", name, cs[k].span,
                               absl::StrCat("in rule '", name, "', '", detail::PrintExpr(cs[k]),
                                            "' can go without changing where the rule applies"));
          f.evidence = {detail::PrintExpr(cs[k])};
        }
      }
    }
  }

  void DefaultFinding(const std::vector<NodeId>& applies) {
    NodeId any = kF;
    for (NodeId a : applies) any = store_.Or(any, a);
    if (!m_.rules.empty() && Empty(store_.Not(any))) {
      const auto& decl = data_.ast.files[0].policies;
      const SourceSpan span = decl.empty() ? SourceSpan{} : decl[0].name.span;
      Add("default-unreachable", m_.name, span,
          "every request is decided by some rule: the default never decides");
    }
  }

  void UnusedFindings() {
    // What the policy reads: lets, attributes and enums.
    std::set<int32_t> lets, attrs;
    auto walk = [&](auto&& self, const detail::Expr& e) -> void {
      if (e.kind == detail::ExprKind::kName && e.ref == detail::NameRef::kLet) lets.insert(e.let);
      if (detail::IsAttribute(e)) attrs.insert(e.attr);
      for (const auto& c : e.children) self(self, c);
    };
    for (const auto& r : m_.rules) {
      detail::ForEachCondition(r, [&](const detail::Expr& e) { walk(walk, e); });
      attrs.insert(r.reads.begin(), r.reads.end());
    }
    for (const auto* l : m_.let_decls) walk(walk, l->value);
    if (m_.items_attr >= 0) attrs.insert(m_.items_attr);
    // Attributes a message names ({path}) are read when it is rendered.
    std::string messages = m_.default_message;
    for (const auto& r : m_.rules)
      if (r.decl->then) messages += r.decl->then->message.value;
    for (size_t i = 0; i < m_.let_decls.size(); ++i) {
      const auto* l = m_.let_decls[i];
      if (l->span.file != 0 || lets.count(static_cast<int32_t>(i))) continue;
      Add("unused", l->name.name, l->name.span,
          absl::StrCat("let '", l->name.name, "' is read by nothing"));
    }
    std::set<int32_t> used_enums;
    for (size_t a = 0; a < m_.schema.attrs.size(); ++a) {
      const auto& info = m_.schema.attrs[a];
      if (info.enum_id >= 0) used_enums.insert(info.enum_id);
      if (info.span.file != 0 || attrs.count(static_cast<int32_t>(a))) continue;
      if (messages.find("{" + info.path + "}") != std::string::npos) continue;
      Add("unused", info.path, info.span,
          absl::StrCat("attribute '", info.path, "' is read by no rule"));
    }
    for (size_t e = 0; e < m_.schema.enums.size(); ++e) {
      const auto& info = m_.schema.enums[e];
      if (info.span.file != 0 || used_enums.count(static_cast<int32_t>(e))) continue;
      Add("unused", info.name, info.span,
          absl::StrCat("enum '", info.name, "' is the type of no attribute"));
    }
  }

  void FailsOpenFindings() {
    const NodeId root = diagram_.root();
    for (uint32_t a = 0; a < space_.attrs().size(); ++a) {
      const detail::SpaceAttr& attr = space_.attrs()[a];
      if (attr.classes.empty() && attr.member_vars.empty()) continue;  // read by nothing
      const uint32_t x = attr.var;
      const NodeId missing = store_.Restrict(root, x, 0);
      for (uint32_t c = 1; c < store_.domain(x); ++c) {
        const NodeId present = store_.Restrict(root, x, c);
        const NodeId region = Where(missing, present, Relation::kLooser);
        if (Empty(region)) continue;
        // A pair of witnesses: the same request without and with the value.
        for (const auto& cube : detail::CubesOf(space_, store_, store_.And(region, consistent_))) {
          detail::Cube without = cube, with = cube;
          without[x] = detail::ValueSet::Single(0);
          with[x] = detail::ValueSet::Single(c);
          auto w0 = detail::WitnessOf(space_, store_, without);
          auto w1 = detail::WitnessOf(space_, store_, with);
          if (!w0 || !w1) continue;
          const std::string t0 = json::serialize(*w0), t1 = json::serialize(*w1);
          auto r0 = policy_.ParseRequest(t0);
          auto r1 = policy_.ParseRequest(t1);
          if (!r0.ok() || !r1.ok()) continue;
          const Decision d0 = policy_.Decide(*r0), d1 = policy_.Decide(*r1);
          if (!(Looser(d0, d1))) continue;
          // At the attribute if the root file declares it, else at the
          // policy (where an accepting comment belongs to this policy alone).
          SourceSpan span =
              data_.model.schema.attrs[data_.model.schema.attr_by_path.at(attr.path)].span;
          if (span.file != 0 && !data_.ast.files[0].policies.empty())
            span = data_.ast.files[0].policies[0].name.span;
          LintFinding& f =
              Add("fails-open", attr.path, span,
                  absl::StrCat("leaving '", attr.path, "' out gives a more permissive outcome (",
                               d0.ToText(), ") than a value of it would (", d1.ToText(), ")"));
          f.witness = t0;
          f.witness_with = t1;
          for (uint32_t i : d0.deciding_rule_indices()) f.evidence.push_back(policy_.rule_name(i));
          if (d0.by_default()) f.evidence.push_back("the default");
          break;
        }
        if (!report_.findings.empty() && report_.findings.back().code == "fails-open" &&
            report_.findings.back().subject == attr.path)
          break;  // one finding per attribute
      }
    }
  }

  // What outcome o grants under an assignment of the items variables
  // (bit i: items variable i), as space members.
  uint64_t Granted(const Outcome& o, uint64_t assigned) const {
    if (o.open || o.effect == Effect::kDeny || m_.items_attr < 0) return 0;
    const uint32_t first_items = space_.first_items_var();
    const detail::SpaceAttr& attr = space_.attrs()[space_.AttrOf(0, m_.items_attr)];
    if (!((assigned >> (attr.var - first_items)) & 1)) return 0;  // items missing
    uint64_t requested = 0;
    for (uint32_t m = 0; m < attr.member_vars.size(); ++m)
      if ((assigned >> (attr.member_vars[m] - first_items)) & 1) requested |= uint64_t{1} << m;
    return requested & o.may;
  }

  // The requests where two outcome diagrams differ (kDiffers: effect,
  // open, obligations or what is granted), or where the first lets out more
  // than the second (kLooser: Looser on the evaluator's decisions). What is
  // granted depends on the items asked for: where it could decide, the walk
  // goes on through the items variables (ordered last), as the diff's
  // product does. Callers meet the result with Consistent.
  enum class Relation { kDiffers, kLooser };
  NodeId Where(NodeId a, NodeId b, Relation relation) {
    const uint32_t first_items = space_.first_items_var();
    if (store_.var_count() - first_items > 64) return relation == Relation::kDiffers ? kT : kF;
    absl::flat_hash_map<std::tuple<NodeId, NodeId, uint32_t, uint64_t>, NodeId> memo;
    auto rank = [](const Outcome& o) {
      return o.open || o.effect == Effect::kDeny ? 0 : o.effect == Effect::kReview ? 1 : 2;
    };
    // The answer at a pair of outcomes, if what is granted cannot change it.
    auto settled = [&](const Outcome& o, const Outcome& p) -> int {
      if (relation == Relation::kDiffers) {
        if (o.effect != p.effect || o.open != p.open || o.obligations != p.obligations) return 1;
        return o.open || o.effect == Effect::kDeny || o.may == p.may ? 0 : -1;
      }
      if (rank(o) == 0) return 0;
      if (rank(p) == 0) return 1;
      return o.may == p.may ? (rank(o) > rank(p) ? 1 : 0) : -1;
    };
    auto concrete = [&](const Outcome& o, const Outcome& p, uint64_t assigned) {
      const uint64_t go_ = Granted(o, assigned), gp = Granted(p, assigned);
      if (relation == Relation::kDiffers) return go_ != gp;
      if (go_ != gp) return (go_ & ~gp) != 0 && (gp & ~go_) == 0;
      return rank(o) > rank(p);
    };
    auto go = [&](auto&& self, NodeId x, NodeId y, uint32_t count, uint64_t assigned) -> NodeId {
      uint32_t var = std::min(store_.Var(x), store_.Var(y));
      if (var >= first_items) {
        if (DiagramStore::IsTerminal(x) && DiagramStore::IsTerminal(y)) {
          const Outcome& o = diagram_.outcome(DiagramStore::TerminalValue(x));
          const Outcome& p = diagram_.outcome(DiagramStore::TerminalValue(y));
          if (const int s = settled(o, p); s >= 0) return s ? kT : kF;
          if (first_items + count == store_.var_count()) return concrete(o, p, assigned) ? kT : kF;
        }
        var = first_items + count;
      }
      const auto key = std::make_tuple(x, y, count, assigned);
      if (auto it = memo.find(key); it != memo.end()) return it->second;
      const bool forced = var >= first_items;
      std::vector<NodeId> children(store_.domain(var));
      for (uint32_t v = 0; v < children.size(); ++v)
        children[v] =
            self(self, store_.Cofactor(x, var, v), store_.Cofactor(y, var, v),
                 count + (forced ? 1 : 0), forced ? assigned | (uint64_t{v} << count) : assigned);
      const NodeId out = store_.Make(var, children);
      memo.emplace(key, out);
      return out;
    };
    return go(go, a, b, 0, 0);
  }

  // The evaluator's view of MorePermissive, for checking witnesses.
  static bool Looser(const Decision& a, const Decision& b) {
    auto rank = [](const Decision& d) {
      if (d.open() || d.effect() == Effect::kDeny) return 0;
      return d.effect() == Effect::kReview ? 1 : 2;
    };
    if (rank(a) == 0) return false;
    if (rank(b) == 0) return true;
    const uint64_t ga = a.granted_mask(), gb = b.granted_mask();
    if (ga != gb) return (ga & ~gb) != 0 && (gb & ~ga) == 0;
    return rank(a) > rank(b);
  }

  // `// writ-lint: accept CODE "reason"` on the line of the finding or on
  // the comment lines right above it.
  void Accept() {
    for (LintFinding& f : report_.findings) {
      const writ::Source* source = nullptr;
      for (size_t s = 0; s < data_.sources.size(); ++s)
        if (data_.sources.at(static_cast<uint32_t>(s)).path() == f.where.path)
          source = &data_.sources.at(static_cast<uint32_t>(s));
      if (!source || f.where.line == 0) continue;
      for (uint32_t line = f.where.line; line >= 1; --line) {
        std::string_view text = source->Line(line);
        const size_t at = text.find("writ-lint: accept ");
        if (at != std::string_view::npos) {
          std::string_view rest = text.substr(at + 18);
          const size_t space = rest.find(' ');
          const std::string_view code = rest.substr(0, space);
          if (code == f.code) {
            std::string reason(space == std::string_view::npos ? "" : rest.substr(space + 1));
            reason.erase(0, reason.find_first_not_of(" \""));
            while (!reason.empty() && (reason.back() == '"' || reason.back() == ' '))
              reason.pop_back();
            if (!reason.empty()) {
              f.accepted = true;
              f.reason = reason;
            }
          }
        }
        if (line != f.where.line) {
          const size_t first = text.find_first_not_of(" \t");
          if (first == std::string_view::npos || text.substr(first, 2) != "//") break;
        }
        if (line == 1) break;
      }
    }
  }

  const Policy& policy_;
  const detail::PolicyData& data_;
  const detail::Model& m_;
  detail::RequestSpace space_;
  DiagramStore store_;
  detail::PolicyDiagram diagram_;
  NodeId consistent_;
  LintReport report_;
};

json::object FindingJson(const LintFinding& f) {
  json::object o;
  o["code"] = f.code;
  o["subject"] = f.subject;
  o["location"] = absl::StrCat(f.where.path, ":", f.where.line, ":", f.where.column);
  o["message"] = f.message;
  json::array ev;
  for (const auto& e : f.evidence) ev.push_back(json::value(e));
  o["evidence"] = std::move(ev);
  o["witness"] = f.witness.empty() ? json::value(nullptr) : json::parse(f.witness);
  if (!f.witness_with.empty()) o["witness_with_value"] = json::parse(f.witness_with);
  o["accepted"] = f.accepted;
  if (f.accepted) o["reason"] = f.reason;
  return o;
}

const char* Describe(const std::string& code) {
  if (code == "never-applies") return "No request makes the rule apply.";
  if (code == "shadowed")
    return "Under first_match, earlier rules decide every request the rule applies to.";
  if (code == "overridden")
    return "Under deny_overrides, a rule of a stronger effect applies wherever the rule does.";
  if (code == "redundant") return "Taking the rule out changes no outcome.";
  if (code == "vacuous-condition")
    return "A conjunct that can be dropped without changing where the rule applies.";
  if (code == "default-unreachable") return "Every request is decided by some rule.";
  if (code == "unused") return "A declaration of the root file that nothing reads.";
  return "Leaving an attribute out gives a more permissive outcome than some value of it would.";
}

}  // namespace

size_t LintReport::open_findings() const {
  return static_cast<size_t>(
      std::count_if(findings.begin(), findings.end(), [](const auto& f) { return !f.accepted; }));
}

std::string LintReport::ToText() const {
  std::string out;
  for (const LintFinding& f : findings) {
    absl::StrAppend(&out, f.where.path, ":", f.where.line, ":", f.where.column, ": ",
                    f.accepted ? "note" : "warning", "[", f.code, "]: ", f.message,
                    f.accepted ? absl::StrCat(" (accepted: ", f.reason, ")") : "", "\n");
    if (!f.evidence.empty())
      absl::StrAppend(&out, "    because of: ", absl::StrJoin(f.evidence, "; "), "\n");
    if (!f.witness.empty())
      absl::StrAppend(&out, f.witness_with.empty() ? "    e.g. " : "    without: ", f.witness,
                      "\n");
    if (!f.witness_with.empty()) absl::StrAppend(&out, "    with:    ", f.witness_with, "\n");
  }
  return out;
}

std::string LintReport::ToJson() const {
  json::array a;
  for (const auto& f : findings) a.push_back(FindingJson(f));
  return json::serialize(json::object{{"findings", std::move(a)}});
}

std::string LintReport::ToSarif() const {
  json::array rules, results;
  std::set<std::string> codes;
  for (const auto& f : findings) codes.insert(f.code);
  for (const auto& c : codes)
    rules.push_back(json::object{{"id", c}, {"shortDescription", {{"text", Describe(c)}}}});
  for (const auto& f : findings) {
    json::object r;
    r["ruleId"] = f.code;
    r["level"] = "warning";
    std::string text = f.message;
    if (!f.evidence.empty())
      absl::StrAppend(&text, " Because of: ", absl::StrJoin(f.evidence, "; "), ".");
    if (!f.witness.empty()) absl::StrAppend(&text, " Example: ", f.witness);
    r["message"] = {{"text", text}};
    r["locations"] = json::array{json::object{
        {"physicalLocation",
         {{"artifactLocation", {{"uri", f.where.path}}},
          {"region", {{"startLine", f.where.line}, {"startColumn", f.where.column}}}}}}};
    if (f.accepted)
      r["suppressions"] =
          json::array{json::object{{"kind", "inSource"}, {"justification", f.reason}}};
    results.push_back(std::move(r));
  }
  json::object run{{"tool", {{"driver", {{"name", "writ"}, {"rules", std::move(rules)}}}}},
                   {"results", std::move(results)}};
  return json::serialize(json::object{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                                      {"version", "2.1.0"},
                                      {"runs", json::array{std::move(run)}}});
}

absl::StatusOr<LintReport> Lint(const Policy& policy) {
  const detail::Model& m = detail::PolicyAccess::Data(policy).model;
  absl::StatusOr<detail::RequestSpace> space = detail::RequestSpace::Build({&m});
  if (!space.ok()) return space.status();
  return Linter(policy, std::move(*space)).Run();
}

}  // namespace writ
