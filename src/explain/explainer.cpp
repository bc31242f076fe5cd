// File: src/explain/explainer.cpp
//
// The explainer. It re-evaluates sub-expressions with the reference
// evaluator (explanations are rare and must be exact, not fast), and words
// each reason the way docs/language.md §9 shows:
//   instrument.type is subpoena; the rule needs one of {court_order, search_warrant,
//   production_order}
#include "explain/explainer.hpp"

#include <boost/json.hpp>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "checker/checker.hpp"
#include "common/dates.hpp"
#include "request/request_access.hpp"
#include "runtime/reference_evaluator.hpp"

namespace writ::detail {
namespace {

class Explainer {
 public:
  Explainer(const SourceSet& sources, const Model& model, const Program& program, const Request& r)
      : sources_(sources), m_(model), program_(program), r_(r), ref_(model) {}

  std::string Source(const SourceSpan& s) const {
    return std::string(sources_.at(s.file).text().substr(s.offset, s.length));
  }

  // A value as a lawyer reads it: members bare, dates as dates, strings quoted.
  std::string Operand(const Expr& e) const {
    if (IsAttribute(e)) {
      if (!r_.present(e.attr)) return "<missing>";
      return ValueText(RequestAccess::Get(r_, m_.schema, e.attr), m_.schema);
    }
    return ValueText(FoldConstant(e, m_), m_.schema);
  }

  // Plain rendering for messages: strings without quotes.
  std::string Plain(uint32_t attr) const {
    if (!r_.present(attr)) return "<missing>";
    Value v = RequestAccess::Get(r_, m_.schema, attr);
    if (v.type.kind == TypeKind::kString) return v.s;
    std::string s = ValueText(v, m_.schema);
    if (v.type.kind == TypeKind::kEnumSet && s.size() >= 2) s = s.substr(1, s.size() - 2);
    return s;
  }

  // "a date before " for dates, "a value before " (byte order) for strings.
  static std::string Noun(const Expr& e, const char* relation) {
    return absl::StrCat(e.type.kind == TypeKind::kDate ? "a date " : "a value ", relation);
  }

  // Why a false comparison is false.
  std::string WhyCompare(const Expr& e) const {
    const Expr& l = e.children[0];
    const Expr& r = e.children[1];
    std::string lhs = IsAttribute(l) ? absl::StrCat(l.text, " is ", Operand(l)) : "";
    std::string want = Operand(r);
    std::string rname = IsAttribute(r) ? absl::StrCat(r.text, " (", want, ")") : want;
    if (!IsAttribute(l)) {
      return absl::StrCat("'", Source(e.span), "' is false",
                          IsAttribute(r) ? absl::StrCat(": ", r.text, " is ", want) : "");
    }
    switch (e.op) {
      case Op::kEq:
        return absl::StrCat(lhs, "; the rule needs ", rname);
      case Op::kNe:
        return absl::StrCat(lhs, "; the rule needs anything but ", rname);
      case Op::kIn:
        return absl::StrCat(lhs, "; the rule needs one of ", rname);
      case Op::kNotIn:
        return absl::StrCat(lhs, "; the rule needs none of ", rname);
      // Orders read as a lawyer would say them: dates are before or after,
      // numbers less or more, strings come before or after in byte order.
      case Op::kLt:
        return absl::StrCat(lhs, "; the rule needs ",
                            l.type.kind == TypeKind::kInt ? "less than " : Noun(l, "before "),
                            rname);
      case Op::kLe:
        return absl::StrCat(lhs, "; the rule needs ",
                            l.type.kind == TypeKind::kInt ? "at most " : Noun(l, "on or before "),
                            rname);
      case Op::kGt:
        return absl::StrCat(lhs, "; the rule needs ",
                            l.type.kind == TypeKind::kInt ? "more than " : Noun(l, "after "),
                            rname);
      case Op::kGe:
        return absl::StrCat(lhs, "; the rule needs ",
                            l.type.kind == TypeKind::kInt ? "at least " : Noun(l, "on or after "),
                            rname);
      case Op::kContains:
        return absl::StrCat(lhs, "; the rule needs it to contain ", rname);
      case Op::kContainsAny:
        return absl::StrCat(lhs, "; the rule needs at least one of ", rname);
      case Op::kContainsAll:
        return absl::StrCat(lhs, "; the rule needs all of ", rname);
      case Op::kContainsNone:
        return absl::StrCat(lhs, "; the rule needs none of ", rname);
      case Op::kLike:
        return absl::StrCat(lhs, "; the rule needs a match for ", rname);
      case Op::kInDomain:
        return absl::StrCat(lhs, "; the rule needs an address or host in ", rname);
    }
    return lhs;
  }

  // The first false condition of a false expression, in source order.
  std::string WhyFalse(const Expr& e) const {
    switch (e.kind) {
      case ExprKind::kAnd:
        for (const auto& c : e.children)
          if (ref_.Eval(c, r_) == kFalse) return WhyFalse(c);
        break;
      case ExprKind::kOr: {
        std::vector<std::string> parts;
        for (const auto& c : e.children) parts.push_back(WhyFalse(c));
        return absl::StrCat("none of the alternatives holds: ", absl::StrJoin(parts, "; and "));
      }
      case ExprKind::kNot:
        return absl::StrCat("'", Source(e.children[0].span),
                            "' holds, and the rule needs it not to");
      case ExprKind::kCompare:
        return WhyCompare(e);
      case ExprKind::kName:
        if (IsAttribute(e)) return absl::StrCat(e.text, " is false; the rule needs true");
        break;
      case ExprKind::kIsPresent:
        return absl::StrCat(e.children[0].text, " is missing; the rule needs it present");
      case ExprKind::kIsMissing:
        return absl::StrCat(e.children[0].text, " is present (", Operand(e.children[0]),
                            "); the rule needs it missing");
      default:
        break;
    }
    return absl::StrCat("'", Source(e.span), "' is false");
  }

  std::vector<std::string> MissingOf(const CheckedRule& rule) const {
    std::vector<std::string> out;
    for (uint32_t a : rule.reads)
      if (!r_.present(a)) out.push_back(m_.schema.attrs[a].path);
    return out;
  }

  std::string ItemNames(uint64_t mask) const {
    std::vector<std::string> v;
    if (m_.items_enum >= 0) {
      const auto& items = m_.schema.enums[m_.items_enum].members;
      for (size_t i = 0; i < items.size(); ++i)
        if ((mask >> i) & 1) v.push_back(items[i]);
    }
    return v.empty() ? "nothing" : absl::StrJoin(v, ", ");
  }

  std::string Render(const std::string& msg, const Decision& dec) const {
    std::string out;
    for (size_t i = 0; i < msg.size(); ++i) {
      if (msg[i] == '{') {
        size_t close = msg.find('}', i);
        if (close != std::string::npos) {
          std::string name = msg.substr(i + 1, close - i - 1);
          if (name == "granted") {
            out += ItemNames(dec.granted_mask());
            i = close;
            continue;
          }
          if (name == "withheld") {
            out += ItemNames(dec.withheld_mask());
            i = close;
            continue;
          }
          auto it = m_.schema.attr_by_path.find(name);
          if (it != m_.schema.attr_by_path.end()) {
            out += Plain(it->second);
            i = close;
            continue;
          }
        }
      }
      out += msg[i];
    }
    return out;
  }

  // Each conditional obligation of an applying rule, and whether it follows.
  std::vector<std::string> Duties(const CheckedRule& cr) const {
    std::vector<std::string> out;
    for (const CheckedObligation& o : cr.obligations) {
      if (!o.condition) continue;
      const Obligation& d = *o.decl;
      const std::string name =
          writ::Obligation{d.name.name, d.argument ? std::optional<std::string>(d.argument->value)
                                                   : std::nullopt}
              .ToString();
      const std::string cond =
          absl::StrCat(o.unless ? "unless " : "when ", Source(o.condition->span));
      const Tri t = ref_.Eval(*o.condition, r_);
      if (t == kUnknown) {
        std::vector<std::string> missing;
        for (uint32_t a : o.reads)
          if (!r_.present(a)) missing.push_back(m_.schema.attrs[a].path);
        out.push_back(absl::StrCat(name, ": cannot tell (", cond, "; missing ",
                                   absl::StrJoin(missing, ", "), ")"));
      } else {
        const bool follows = (t == kTrue) != o.unless;
        out.push_back(absl::StrCat(name, follows ? " follows (" : " does not follow (", cond,
                                   " is ", t == kTrue ? "true" : "false", ")"));
      }
    }
    return out;
  }

  Explanation Run(const Decision& dec) {
    Explanation ex;
    ex.decision = dec;
    std::set<uint32_t> deciding(dec.deciding_rule_indices().begin(),
                                dec.deciding_rule_indices().end());
    bool stopped = false;  // first_match: a rule before this one decided
    for (size_t i = 0; i < m_.rules.size(); ++i) {
      const CheckedRule& cr = m_.rules[i];
      const RuleDecl& d = *cr.decl;
      const CompiledRule& rule = program_.rules[i];
      RuleOutcome o;
      o.rule = rule.name;
      if (d.title) o.title = d.title->value;
      o.effect = rule.effect;
      for (const auto& c : d.cites) o.cites.push_back(c.value);
      SourceLocation loc = sources_.Locate(d.name.span);
      o.source = {loc.path, loc.line, loc.column};
      Tri t = ref_.Applies(i, r_);
      o.status = t == kTrue    ? RuleOutcome::Status::kApplied
                 : t == kFalse ? RuleOutcome::Status::kNotApplied
                               : RuleOutcome::Status::kUnknown;
      o.deciding = deciding.count(static_cast<uint32_t>(i)) > 0;
      if (o.deciding) {
        o.reason = Render(rule.message, dec);
      } else if (t == kTrue) {
        if (m_.first_match && stopped) {
          o.reason = "applies, but an earlier rule decided (first_match)";
        } else if (dec.open()) {
          o.reason = "applies, but missing information left the decision open";
        } else {
          o.reason = absl::StrCat("applies, but ", AV(EffectName(dec.effect())),
                                  " takes precedence (deny_overrides)");
        }
      } else if (t == kUnknown) {
        o.missing = MissingOf(cr);
        o.reason = absl::StrCat("cannot tell: missing ", absl::StrJoin(o.missing, ", "));
        if (m_.first_match && stopped) o.reason += " (an earlier rule decided)";
      } else {
        Tri when = d.when ? ref_.Eval(*d.when, r_) : kTrue;
        Tri unless = d.unless ? ref_.Eval(*d.unless, r_) : kFalse;
        if (when == kFalse) {
          o.reason = WhyFalse(*d.when);
        } else if (unless == kTrue) {
          o.reason = absl::StrCat("the exception holds: unless ", Source(d.unless->span));
        } else {
          uint64_t requested = m_.items_attr >= 0 && r_.present(m_.items_attr)
                                   ? RequestAccess::Word(r_, m_.items_attr)
                                   : 0;
          o.reason = absl::StrCat("nothing requested that this rule may disclose (requested ",
                                  ItemNames(requested), "; it may disclose ",
                                  ItemNames(cr.disclose_mask), ")");
        }
      }
      if (t == kTrue) o.obligations = Duties(cr);
      if (t == kTrue && m_.first_match) stopped = true;
      ex.rules.push_back(std::move(o));
    }
    // The summary: one sentence.
    std::string effect(EffectName(dec.effect()));
    if (dec.open()) {
      ex.summary = absl::StrCat(effect, ": the decision depends on missing information (",
                                absl::StrJoin(dec.missing(), ", "),
                                "); a value could change it, so it goes to legal review");
    } else if (dec.by_default()) {
      ex.summary = absl::StrCat(effect, " by default: ", Render(program_.default_message, dec));
    } else {
      ex.summary =
          absl::StrCat(effect, " by ", absl::StrJoin(dec.deciding_rules(), ", "), ": ",
                       Render(program_.rules[dec.deciding_rule_indices()[0]].message, dec));
    }
    return ex;
  }

 private:
  const SourceSet& sources_;
  const Model& m_;
  const Program& program_;
  const Request& r_;
  ReferenceEvaluator ref_;
};

}  // namespace

Explanation Explain(const SourceSet& sources, const Model& model, const Program& program,
                    const Request& request, const Decision& decision) {
  return Explainer(sources, model, program, request).Run(decision);
}

}  // namespace writ::detail
