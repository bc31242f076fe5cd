// File: src/api/coverage.cpp
#include "api/coverage.hpp"

#include <boost/json.hpp>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace writ {
namespace detail {

namespace {

bool IsLeaf(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kCompare:
      return IsAttribute(e.children[0]) || IsAttribute(e.children[1]);
    case ExprKind::kIsPresent:
    case ExprKind::kIsMissing:
      return true;
    case ExprKind::kName:
      return IsAttribute(e);
    default:
      return false;
  }
}

}  // namespace

CoverageRecorder::CoverageRecorder(const PolicyData& data, CoverageReport& report)
    : data_(data), report_(report), ref_(data.model) {
  if (!report_.rules.empty()) {
    // Recording again into a filled report: find the leaves again by order.
    std::vector<ConditionCoverage> kept = std::move(report_.conditions);
    report_.conditions.clear();
    for (const auto& r : data_.model.rules) AllLeaves(r);
    if (kept.size() == report_.conditions.size()) report_.conditions = std::move(kept);
    return;
  }
  for (const auto& r : data_.model.rules) {
    RuleCoverage rc;
    rc.rule = r.decl->name.name;
    rc.where = data_.sources.Locate(r.decl->name.span);
    report_.rules.push_back(std::move(rc));
    AllLeaves(r);
  }
}

// The leaves of a rule's conditions, and of its obligations' conditions (a
// test suite should see each duty both follow and not), in that order.
void CoverageRecorder::AllLeaves(const CheckedRule& r) {
  if (r.decl->when) Leaves(*r.decl->when, r.decl->name.name);
  if (r.decl->unless) Leaves(*r.decl->unless, r.decl->name.name);
  for (const CheckedObligation& o : r.obligations)
    if (o.condition) Leaves(*o.condition, r.decl->name.name, /*obligation=*/true);
}

void CoverageRecorder::Leaves(const Expr& e, const std::string& rule, bool obligation) {
  if (IsLeaf(e)) {
    ConditionCoverage c;
    c.rule = rule;
    const writ::Source& src = data_.sources.at(e.span.file);
    c.text = std::string(src.text().substr(e.span.offset, e.span.length));
    c.where = data_.sources.Locate(e.span);
    c.can_be_unknown = e.kind != ExprKind::kIsPresent && e.kind != ExprKind::kIsMissing;
    c.obligation = obligation;
    index_[&e] = report_.conditions.size();
    report_.conditions.push_back(std::move(c));
    return;
  }
  for (const auto& c : e.children) Leaves(c, rule, obligation);
}

// The leaves that make `e` false (is_false) or true, as the explainer names
// the first false condition: the first false conjunct, every alternative.
void CoverageRecorder::Reason(const Expr& e, bool is_false, const Request& r) {
  if (auto it = index_.find(&e); it != index_.end()) {
    reason_[it->second] = true;
    return;
  }
  switch (e.kind) {
    case ExprKind::kNot:
      Reason(e.children[0], !is_false, r);
      return;
    case ExprKind::kAnd:
    case ExprKind::kOr: {
      // and-false / or-true: the first child deciding it; otherwise all.
      const bool first_decides = (e.kind == ExprKind::kAnd) == is_false;
      const Tri want = is_false ? kFalse : kTrue;
      for (const auto& c : e.children) {
        if (ref_.Eval(c, r) != want) continue;
        Reason(c, is_false, r);
        if (first_decides) return;
      }
      return;
    }
    default:
      return;
  }
}

void CoverageRecorder::Record(const Request& r) {
  ++report_.tests;
  reason_.assign(report_.conditions.size(), false);
  const Model& m = data_.model;
  for (size_t i = 0; i < m.rules.size(); ++i) {
    const Tri t = ref_.Applies(i, r);
    RuleCoverage& rc = report_.rules[i];
    (t == kTrue ? rc.applied : t == kFalse ? rc.not_applied : rc.unknown) += 1;
    if (t != kFalse) continue;
    const RuleDecl& d = *m.rules[i].decl;
    if (d.when && ref_.Eval(*d.when, r) == kFalse) {
      Reason(*d.when, true, r);
    } else if (d.unless && ref_.Eval(*d.unless, r) == kTrue) {
      Reason(*d.unless, false, r);
    }
  }
  for (const auto& [leaf, k] : index_) {
    ConditionCoverage& c = report_.conditions[k];
    const Tri t = ref_.Eval(*leaf, r);
    (t == kTrue ? c.seen_true : t == kFalse ? c.seen_false : c.seen_unknown) += 1;
    if (reason_[k]) ++c.reason;
  }
}

}  // namespace detail

namespace {
double Percent(int part, int whole) { return whole == 0 ? 100.0 : 100.0 * part / whole; }
}  // namespace

int CoverageReport::rules_covered() const {
  int n = 0;
  for (const auto& r : rules) n += r.covered();
  return n;
}
int CoverageReport::condition_outcomes() const {
  int n = 0;
  for (const auto& c : conditions) n += c.outcomes();
  return n;
}
int CoverageReport::condition_outcomes_seen() const {
  int n = 0;
  for (const auto& c : conditions) n += c.outcomes_seen();
  return n;
}
int CoverageReport::rule_conditions() const {
  int n = 0;
  for (const auto& c : conditions) n += !c.obligation;
  return n;
}
int CoverageReport::reasons_seen() const {
  int n = 0;
  for (const auto& c : conditions) n += c.reason > 0;
  return n;
}
double CoverageReport::rule_percent() const {
  return Percent(rules_covered(), static_cast<int>(rules.size()));
}
double CoverageReport::condition_percent() const {
  return Percent(condition_outcomes_seen(), condition_outcomes());
}

std::string CoverageReport::ToText() const {
  std::string out = absl::StrFormat(
      "%d tests: rules %d/%d (%.1f%%), condition outcomes %d/%d (%.1f%%), conditions seen as "
      "the reason a rule did not apply %d/%d\n",
      tests, rules_covered(), static_cast<int>(rules.size()), rule_percent(),
      condition_outcomes_seen(), condition_outcomes(), condition_percent(), reasons_seen(),
      rule_conditions());
  for (const auto& r : rules) {
    if (r.covered()) continue;
    absl::StrAppend(&out, "  ", r.where.path, ":", r.where.line, ": rule ", r.rule,
                    r.applied ? "" : " never seen applying",
                    !r.applied && !r.not_applied ? " or" : "",
                    r.not_applied ? "" : " never seen not applying", "\n");
  }
  for (const auto& c : conditions) {
    std::vector<std::string> missing;
    if (!c.seen_true) missing.push_back("true");
    if (!c.seen_false) missing.push_back("false");
    if (c.can_be_unknown && !c.seen_unknown) missing.push_back("unknown");
    if (missing.empty()) continue;
    absl::StrAppend(&out, "  ", c.where.path, ":", c.where.line, ":", c.where.column, ": '", c.text,
                    "' (rule ", c.rule, ") never seen ", absl::StrJoin(missing, ", "), "\n");
  }
  return out;
}

std::string CoverageReport::ToLcov() const {
  // One record per file, its lines in order.
  std::map<std::string, std::vector<std::string>> lines;
  std::map<std::string, std::pair<int, int>> branches;  // found, hit
  auto count = [](int n) { return n > 0 ? absl::StrCat(n) : std::string("0"); };
  for (const auto& r : rules) {
    auto& l = lines[r.where.path];
    l.push_back(absl::StrCat("DA:", r.where.line, ",", r.applied));
    l.push_back(absl::StrCat("BRDA:", r.where.line, ",0,0,", count(r.applied)));
    l.push_back(absl::StrCat("BRDA:", r.where.line, ",0,1,", count(r.not_applied)));
    branches[r.where.path].first += 2;
    branches[r.where.path].second += (r.applied > 0) + (r.not_applied > 0);
  }
  int block = 1;
  for (const auto& c : conditions) {
    auto& l = lines[c.where.path];
    l.push_back(absl::StrCat("BRDA:", c.where.line, ",", block, ",0,", count(c.seen_true)));
    l.push_back(absl::StrCat("BRDA:", c.where.line, ",", block, ",1,", count(c.seen_false)));
    if (c.can_be_unknown)
      l.push_back(absl::StrCat("BRDA:", c.where.line, ",", block, ",2,", count(c.seen_unknown)));
    ++block;
    branches[c.where.path].first += c.outcomes();
    branches[c.where.path].second += c.outcomes_seen();
  }
  std::string out;
  for (const auto& [path, ls] : lines) {
    int found = 0, hit = 0;
    for (const auto& r : rules)
      if (r.where.path == path) ++found, hit += r.applied > 0;
    absl::StrAppend(&out, "TN:\nSF:", path, "\n");
    for (const auto& l : ls) absl::StrAppend(&out, l, "\n");
    absl::StrAppend(&out, "BRF:", branches[path].first, "\nBRH:", branches[path].second,
                    "\nLF:", found, "\nLH:", hit, "\nend_of_record\n");
  }
  return out;
}

std::string CoverageReport::ToJson() const {
  namespace json = boost::json;
  json::array rs, cs;
  for (const auto& r : rules)
    rs.push_back(json::object{{"rule", r.rule},
                              {"location", absl::StrCat(r.where.path, ":", r.where.line)},
                              {"applied", r.applied},
                              {"not_applied", r.not_applied},
                              {"unknown", r.unknown},
                              {"covered", r.covered()}});
  for (const auto& c : conditions)
    cs.push_back(json::object{
        {"rule", c.rule},
        {"condition", c.text},
        {"location", absl::StrCat(c.where.path, ":", c.where.line, ":", c.where.column)},
        {"true", c.seen_true},
        {"false", c.seen_false},
        {"unknown", c.can_be_unknown ? json::value(c.seen_unknown) : json::value(nullptr)},
        {"reason", c.reason},
        {"obligation", c.obligation}});
  json::object summary{{"rules", rules.size()},
                       {"rules_covered", rules_covered()},
                       {"rule_percent", rule_percent()},
                       {"condition_outcomes", condition_outcomes()},
                       {"condition_outcomes_seen", condition_outcomes_seen()},
                       {"condition_percent", condition_percent()},
                       {"conditions", conditions.size()},
                       {"reasons_seen", reasons_seen()}};
  return json::serialize(json::object{{"tests", tests},
                                      {"rules", std::move(rs)},
                                      {"conditions", std::move(cs)},
                                      {"summary", summary}});
}

}  // namespace writ
