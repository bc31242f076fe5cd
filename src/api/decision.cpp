// File: src/api/decision.cpp — a decision's names and its JSON and text renderings.
#include "writ/decision.hpp"

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/history_data.hpp"
#include "api/json_render.hpp"
#include "api/policy_data.hpp"
#include "common/dates.hpp"
#include "writ/history.hpp"
#include "writ/policy.hpp"

namespace writ {

std::string_view EffectName(Effect effect) {
  switch (effect) {
    case Effect::kAllow:
      return "allow";
    case Effect::kReview:
      return "review";
    case Effect::kDeny:
      return "deny";
  }
  return "deny";
}

namespace {

std::vector<std::string> MaskNames(const Policy* p, uint64_t mask) {
  std::vector<std::string> out;
  if (!p) return out;
  const auto& items = p->item_names();
  for (size_t i = 0; i < items.size(); ++i)
    if ((mask >> i) & 1) out.push_back(items[i]);
  return out;
}

boost::json::array Array(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

}  // namespace

std::vector<std::string> Decision::deciding_rules() const {
  std::vector<std::string> out;
  if (!policy_) return out;
  for (uint32_t i : deciding_) out.push_back(policy_->rule_name(i));
  return out;
}

std::vector<std::string> Decision::granted() const { return MaskNames(policy_, granted_); }
std::vector<std::string> Decision::withheld() const { return MaskNames(policy_, withheld_); }

std::vector<std::string> Decision::missing() const {
  std::vector<std::string> out;
  if (!policy_) return out;
  for (uint32_t i : missing_) out.push_back(policy_->attribute_path(i));
  return out;
}

std::string Obligation::ToString() const {
  return argument ? absl::StrCat(name, "(\"", *argument, "\")") : name;
}

std::vector<Obligation> Decision::obligations() const {
  std::vector<Obligation> out;
  if (!policy_) return out;
  for (uint32_t i : deciding_) {
    for (const auto& o : detail::PolicyAccess::Data(*policy_).program.rules[i].obligations) {
      if (o.condition >= 0 && std::find(held_.begin(), held_.end(), o.id) == held_.end()) continue;
      Obligation ob{o.name, o.has_argument ? std::optional<std::string>(o.argument) : std::nullopt};
      if (std::find(out.begin(), out.end(), ob) == out.end()) out.push_back(std::move(ob));
    }
  }
  return out;
}

std::string_view Decision::message() const {
  if (!policy_) return {};
  const auto& program = detail::PolicyAccess::Data(*policy_).program;
  if (open_) return "the decision depends on missing information; legal review required";
  if (history_ && version_ == kNoVersion)
    return detail::HistoryAccess::Data(*history_).no_version_message;
  if (!deciding_.empty()) return program.rules[deciding_[0]].message;
  return program.default_message;
}

// Which version of a history decided, as JSON.
boost::json::object detail::DecisionAccess::HistoryObject(const Decision& d) {
  const PolicyHistory& h = *d.history_;
  boost::json::object o;
  o["name"] = h.name();
  if (d.version_ >= 0) {
    o["version"] = h.versions()[d.version_].path;
    o["from"] = h.versions()[d.version_].from;
  } else {
    o["version"] = nullptr;
    o["from"] = nullptr;
  }
  if (d.has_as_of()) {
    o["as_of"] = CivilFromDays(d.as_of_);
  } else {
    o["as_of"] = nullptr;
  }
  o["every_version"] = d.version_ == Decision::kEveryVersion;
  return o;
}

// The same in words, for ToText.
std::string detail::DecisionAccess::HistoryText(const Decision& d) {
  const PolicyHistory& h = *d.history_;
  if (d.version_ >= 0) {
    return absl::StrCat("history ", h.name(), ": ", h.versions()[d.version_].path,
                        " (in force from ", h.versions()[d.version_].from, ")");
  }
  if (d.has_as_of())
    return absl::StrCat("history ", h.name(), ": no version in force on ", CivilFromDays(d.as_of_));
  if (d.version_ == Decision::kEveryVersion)
    return absl::StrCat("history ", h.name(), ": no '", h.date_attribute(),
                        "' date; every version decides alike");
  return absl::StrCat("history ", h.name(), ": no '", h.date_attribute(),
                      "' date; the versions decide differently");
}

boost::json::object detail::DecisionObject(const Decision& d, std::string_view request,
                                           std::string_view input, bool tagged) {
  return DecisionAccess::Object(d, request, input, tagged);
}

boost::json::object detail::DecisionAccess::Object(const Decision& d, std::string_view request,
                                                   std::string_view input, bool tagged) {
  boost::json::object o;
  if (tagged) {
    o["request"] = request;
    o["input"] = input;
  }
  o["effect"] = std::string(EffectName(d.effect_));
  o["rules"] = Array(d.deciding_rules());
  o["default"] = d.by_default_;
  o["open"] = d.open_;
  o["granted"] = Array(d.granted());
  o["withheld"] = Array(d.withheld());
  boost::json::array obligations;
  for (const writ::Obligation& ob : d.obligations()) {
    boost::json::object oo;
    oo["name"] = ob.name;
    if (ob.argument) {
      oo["argument"] = *ob.argument;
    } else {
      oo["argument"] = nullptr;
    }
    obligations.push_back(std::move(oo));
  }
  o["obligations"] = std::move(obligations);
  o["missing"] = Array(d.missing());
  boost::json::array problems;
  for (const auto& p : d.problems_) {
    boost::json::object po;
    po["attribute"] = p.attribute;
    po["message"] = p.message;
    problems.push_back(std::move(po));
  }
  o["problems"] = std::move(problems);
  if (d.history_) o["history"] = HistoryObject(d);
  if (d.policy_ && !(d.history_ && d.version_ == Decision::kNoVersion)) {
    boost::json::object po;
    po["name"] = d.policy_->name();
    po["version"] = d.policy_->version();
    po["sha256"] = d.policy_->sha256();
    o["policy"] = std::move(po);
  }
  return o;
}

std::string Decision::ToJson() const {
  return boost::json::serialize(detail::DecisionObject(*this, {}, {}, false));
}

std::string Decision::ToJson(std::string_view request, std::string_view input) const {
  return boost::json::serialize(detail::DecisionObject(*this, request, input, true));
}

std::string Decision::ToText() const {
  std::string out =
      absl::StrCat(absl::string_view(EffectName(effect_).data(), EffectName(effect_).size()));
  std::vector<std::string> rules = deciding_rules();
  if (open_) {
    absl::StrAppend(&out, " (open: missing ", absl::StrJoin(missing(), ", "), ")");
  } else if (rules.empty()) {
    absl::StrAppend(&out, " by default");
  } else {
    absl::StrAppend(&out, " by ", absl::StrJoin(rules, ", "));
  }
  auto g = granted(), w = withheld();
  if (!g.empty()) absl::StrAppend(&out, "; granted {", absl::StrJoin(g, ", "), "}");
  if (!w.empty()) absl::StrAppend(&out, "; withheld {", absl::StrJoin(w, ", "), "}");
  std::vector<std::string> ob;
  for (const Obligation& o : obligations()) ob.push_back(o.ToString());
  if (!ob.empty()) absl::StrAppend(&out, "; obligations ", absl::StrJoin(ob, ", "));
  for (const auto& p : problems_) absl::StrAppend(&out, "; input problem: ", p.message);
  if (history_) absl::StrAppend(&out, "; ", detail::DecisionAccess::HistoryText(*this));
  return out;
}

}  // namespace writ
