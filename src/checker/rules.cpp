// File: src/checker/rules.cpp
//
// Rules: conditions, effects, messages and their placeholders, items and
// disclose lists.
#include <algorithm>
#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "checker/checker_impl.hpp"
#include "common/names.hpp"

namespace writ::detail {

void Checker::CheckPlaceholders(const StringField& msg) {
  const std::string& s = msg.value;
  std::string raw = Text(msg.span);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '{') continue;
    size_t close = s.find('}', i);
    if (close == std::string::npos) break;
    std::string name = s.substr(i + 1, close - i - 1);
    bool looks = !name.empty();
    for (char c : name) looks &= isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
    if (!looks) continue;
    if (name == "granted" || name == "withheld" || m_.schema.attr_by_path.count(name)) {
      i = close;
      continue;
    }
    SourceSpan span = msg.span;
    size_t at = raw.find("{" + name + "}");
    if (at != std::string::npos)
      span = {span.file, span.offset + uint32_t(at), uint32_t(name.size() + 2)};
    std::vector<std::string> cands = AttrNames();
    cands.push_back("granted");
    cands.push_back("withheld");
    Error(span, "unknown-placeholder",
          absl::StrCat("unknown placeholder '{", name,
                       "}'; placeholders name an attribute, {granted} or {withheld}"),
          NearestName(name, cands));
    i = close;
  }
}

void Checker::CheckRules() {
  for (auto [f, r] : ast_.rule_order) {
    RuleDecl& rule = ast_.files[f].rules[r];
    CheckedRule cr;
    cr.decl = &rule;
    cr.file = f;
    if (rule.when) CheckBool(*rule.when, "'when'");
    if (rule.unless) CheckBool(*rule.unless, "'unless'");
    if (rule.then) {
      cr.effect = rule.then->effect;
      CheckPlaceholders(rule.then->message);
    }
    if (rule.disclose) {
      cr.has_disclose = true;
      if (rule.then && rule.then->effect == EffectKind::kDeny) {
        Error(rule.disclose_span, "disclose-on-deny",
              "'disclose' is only for allow and review rules; a deny rule discloses nothing");
      }
      if (m_.items_enum < 0) {
        Error(rule.disclose_span, "disclose-without-items",
              "'disclose' needs the policy to name its requested items with 'items ATTR'");
      } else {
        const EnumInfo& en = m_.schema.enums[m_.items_enum];
        for (auto& item : rule.disclose.value()) {
          std::string name = item.name;
          if (name.rfind(en.name + ".", 0) == 0) name = name.substr(en.name.size() + 1);
          auto it = en.index.find(name);
          if (it == en.index.end()) {
            Error(item.span, "unknown-member",
                  absl::StrCat("'", item.name, "' is not a member of enum '", en.name,
                               "' (the items of this policy)"),
                  NearestName(name, en.members));
            continue;
          }
          cr.disclose_mask |= uint64_t{1} << it->second;
        }
        if (rule.disclose->empty()) {
          Error(rule.disclose_span, "empty-disclose",
                "'disclose {}' can never apply; list the items this rule may disclose");
        }
      }
    }
    for (auto& o : rule.obligations) {
      CheckedObligation co;
      co.decl = &o;
      if (o.condition) {
        CheckBool(*o.condition, o.unless ? "the obligation's 'unless'" : "the obligation's 'when'");
        std::set<uint32_t> cond_reads;
        CollectAttributes(*o.condition, cond_reads);
        co.condition = &*o.condition;
        co.unless = o.unless;
        co.reads.assign(cond_reads.begin(), cond_reads.end());
        cr.conditional_obligations = true;
      }
      cr.obligations.push_back(std::move(co));
    }
    if (rule.cites.empty()) {
      Warn(rule.name.span, "rule-without-cite",
           absl::StrCat("rule '", rule.name.name,
                        "' has no 'cite': quote the words of the policy text it encodes"));
    }
    std::set<uint32_t> reads;
    if (rule.when) CollectAttributes(*rule.when, reads);
    if (rule.unless) CollectAttributes(*rule.unless, reads);
    if (cr.has_disclose && m_.items_attr >= 0) reads.insert(m_.items_attr);
    cr.reads.assign(reads.begin(), reads.end());
    m_.rules.push_back(cr);
  }
}

}  // namespace writ::detail
