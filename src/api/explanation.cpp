// File: src/api/explanation.cpp — an explanation's text and JSON renderings.
#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "api/json_render.hpp"
#include "writ/decision.hpp"

namespace writ {

namespace {
const char* StatusName(RuleOutcome::Status s) {
  switch (s) {
    case RuleOutcome::Status::kApplied:
      return "applied";
    case RuleOutcome::Status::kNotApplied:
      return "not_applied";
    case RuleOutcome::Status::kUnknown:
      return "unknown";
  }
  return "unknown";
}
}  // namespace

std::string Explanation::ToText(bool color) const {
  const char* bold = color ? "\033[1m" : "";
  const char* dim = color ? "\033[2m" : "";
  const char* reset = color ? "\033[0m" : "";
  const char* ecolor = !color                                 ? ""
                       : decision.effect() == Effect::kAllow  ? "\033[1;32m"
                       : decision.effect() == Effect::kReview ? "\033[1;33m"
                                                              : "\033[1;31m";
  std::string out = absl::StrCat(ecolor, decision.ToText(), reset, "\n  ", summary, "\n");
  for (const auto& p : decision.problems())
    absl::StrAppend(&out, "  input problem: ", p.message, "\n");
  for (const auto& r : rules) {
    const char* mark = r.deciding                                  ? "=>"
                       : r.status == RuleOutcome::Status::kApplied ? "+ "
                       : r.status == RuleOutcome::Status::kUnknown ? "? "
                                                                   : "- ";
    absl::StrAppend(&out, "  ", mark, " ", bold, r.rule, reset, " (",
                    absl::string_view(EffectName(r.effect).data(), EffectName(r.effect).size()),
                    ") ", dim, r.source.path, ":", r.source.line, reset, "\n      ", r.reason,
                    "\n");
    for (const auto& c : r.cites) absl::StrAppend(&out, "      ", dim, "cites: ", c, reset, "\n");
    for (const auto& o : r.obligations) absl::StrAppend(&out, "      obligation ", o, "\n");
  }
  return out;
}

boost::json::object detail::ExplanationObject(const Explanation& e, std::string_view request,
                                              std::string_view input, bool tagged) {
  boost::json::object o = DecisionObject(e.decision, request, input, tagged);
  o["summary"] = e.summary;
  boost::json::array rs;
  for (const auto& r : e.rules) {
    boost::json::object ro;
    ro["rule"] = r.rule;
    if (!r.title.empty()) ro["title"] = r.title;
    ro["effect"] = std::string(EffectName(r.effect));
    ro["status"] = StatusName(r.status);
    ro["deciding"] = r.deciding;
    ro["reason"] = r.reason;
    boost::json::array miss, cites;
    for (const auto& m : r.missing) miss.emplace_back(m);
    for (const auto& c : r.cites) cites.emplace_back(c);
    ro["missing"] = std::move(miss);
    ro["cites"] = std::move(cites);
    if (!r.obligations.empty()) {
      boost::json::array duties;
      for (const auto& d : r.obligations) duties.emplace_back(d);
      ro["obligations"] = std::move(duties);
    }
    ro["source"] = absl::StrCat(r.source.path, ":", r.source.line, ":", r.source.column);
    rs.push_back(std::move(ro));
  }
  o["explanation"] = std::move(rs);
  return o;
}

std::string Explanation::ToJson() const {
  return boost::json::serialize(detail::ExplanationObject(*this, {}, {}, false));
}

std::string Explanation::ToJson(std::string_view request, std::string_view input) const {
  return boost::json::serialize(detail::ExplanationObject(*this, request, input, true));
}

}  // namespace writ
