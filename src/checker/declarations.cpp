// File: src/checker/declarations.cpp
//
// Declarations: names, enums, attributes and the policy block.
#include <algorithm>
#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "checker/checker_impl.hpp"
#include "common/names.hpp"

namespace writ::detail {

namespace {
// The type a misspelt or borrowed type name most likely means: names from
// other languages first (boolean, integer, timestamp), then the nearest.
std::string TypeNameSuggestion(const std::string& name, const std::vector<std::string>& known) {
  static const std::pair<const char*, const char*> kAliases[] = {
      {"boolean", "bool"},  {"Boolean", "bool"},  {"integer", "int"},    {"number", "int"},
      {"long", "int"},      {"int64", "int"},     {"str", "string"},     {"text", "string"},
      {"String", "string"}, {"datetime", "date"}, {"timestamp", "date"}, {"Date", "date"},
      {"time", "date"}};
  for (const auto& [from, to] : kAliases)
    if (name == from) return to;
  return NearestName(name, known);
}
}  // namespace

void Checker::DeclareNames() {
  for (auto& file : ast_.files) {
    for (auto& e : file.enums) {
      Claim(e.name.name, e.name.span, "an enum");
      if (m_.schema.enum_by_name.count(e.name.name)) continue;
      EnumInfo info;
      info.name = e.name.name;
      info.span = e.name.span;
      for (auto& mem : e.members) {
        if (!info.index.emplace(mem.name, info.members.size()).second) {
          Error(mem.span, "duplicate-member",
                absl::StrCat("enum '", e.name.name, "' lists '", mem.name, "' twice"));
          continue;
        }
        info.members.push_back(mem.name);
      }
      if (info.members.size() > kMaxEnumMembers) {
        Error(e.name.span, "enum-too-large",
              absl::StrCat("enum '", e.name.name, "' has ", info.members.size(),
                           " members; at most ", kMaxEnumMembers, " are allowed"));
        info.members.resize(kMaxEnumMembers);
      }
      if (info.members.empty()) {
        Error(e.name.span, "empty-enum", absl::StrCat("enum '", e.name.name, "' has no members"));
      }
      m_.schema.enum_by_name[info.name] = static_cast<int32_t>(m_.schema.enums.size());
      m_.schema.enums.push_back(std::move(info));
    }
  }
  for (auto& file : ast_.files) {
    for (auto& a : file.attrs) {
      AttrInfo info;
      info.path = a.path.name;
      info.span = a.path.span;
      const std::string& tn = a.type.name;
      bool ok = true;
      if (a.type.is_set) {
        if (tn == "string") {
          info.type = AttributeType::kStringSet;
        } else if (auto it = m_.schema.enum_by_name.find(tn); it != m_.schema.enum_by_name.end()) {
          info.type = AttributeType::kEnumSet;
          info.enum_id = it->second;
        } else {
          ok = false;
        }
      } else if (tn == "bool") {
        info.type = AttributeType::kBool;
      } else if (tn == "int") {
        info.type = AttributeType::kInt;
      } else if (tn == "string") {
        info.type = AttributeType::kString;
      } else if (tn == "date") {
        info.type = AttributeType::kDate;
      } else if (auto it = m_.schema.enum_by_name.find(tn); it != m_.schema.enum_by_name.end()) {
        info.type = AttributeType::kEnum;
        info.enum_id = it->second;
      } else {
        ok = false;
      }
      if (!ok && broken_enums_.count(tn)) {
        // Its enum did not parse (reported there): the attribute is broken too.
        broken_attrs_.insert(a.path.name);
        continue;
      }
      if (!ok) broken_attrs_.insert(a.path.name);  // its uses are not reported again
      if (!ok) {
        std::vector<std::string> cands = {"bool", "int", "string", "date"};
        for (auto& e : m_.schema.enums) cands.push_back(e.name);
        SourceSpan span = a.type.span;
        if (a.type.is_set) {
          std::string t = Text(span);
          size_t at = t.find(tn);
          if (at != std::string::npos)
            span = {span.file, span.offset + uint32_t(at), uint32_t(tn.size())};
        }
        Error(span, "unknown-type",
              a.type.is_set && (tn == "bool" || tn == "int" || tn == "date")
                  ? absl::StrCat("sets of ", tn,
                                 " are not supported; use set<string> or a set of an enum")
                  : absl::StrCat("unknown type '", tn, "'"),
              a.type.is_set && (tn == "bool" || tn == "int" || tn == "date")
                  ? ""
                  : TypeNameSuggestion(tn, cands));
        continue;
      }
      if (m_.schema.attr_by_path.count(info.path)) {
        Error(a.path.span, "duplicate-attribute",
              absl::StrCat("attribute '", info.path, "' is declared twice"));
        continue;
      }
      m_.schema.attr_by_path[info.path] = static_cast<uint32_t>(m_.schema.attrs.size());
      m_.schema.attrs.push_back(std::move(info));
    }
  }
  m_.schema.Layout();
  for (const auto& a : m_.schema.attrs) {
    for (size_t dot = a.path.find('.'); dot != std::string::npos; dot = a.path.find('.', dot + 1)) {
      std::string prefix = a.path.substr(0, dot);
      if (m_.schema.attr_by_path.count(prefix)) {
        Error(a.span, "attribute-prefix",
              absl::StrCat("attribute '", a.path, "' extends attribute '", prefix,
                           "'; a request cannot hold both"));
      }
    }
  }
  for (uint32_t f = 0; f < ast_.files.size(); ++f) {
    for (auto& l : ast_.files[f].lets) {
      Claim(l.name.name, l.name.span, "a let");
      if (let_index_.count(l.name.name)) continue;
      let_index_[l.name.name] = static_cast<int32_t>(m_.let_decls.size());
      m_.let_decls.push_back(&l);
    }
  }
  m_.lets.resize(m_.let_decls.size());
  let_state_.assign(m_.let_decls.size(), 0);
  for (auto [f, r] : ast_.rule_order) {
    const RuleDecl& rule = ast_.files[f].rules[r];
    Claim(rule.name.name, rule.name.span, "a rule");
  }
  for (uint32_t f = 0; f < ast_.files.size(); ++f) {
    for (auto& p : ast_.files[f].policies) Claim(p.name.name, p.name.span, "the policy");
  }
}

void Checker::CheckPolicy() {
  const PolicyDecl* policy = nullptr;
  for (auto& file : ast_.files) {
    for (auto& p : file.policies) {
      if (policy) {
        SourceLocation prev = sources_.Locate(policy->name.span);
        Error(p.name.span, "duplicate-policy",
              absl::StrCat("a second policy declaration; policy '", policy->name.name,
                           "' is declared at ", prev.path, ":", prev.line, ":", prev.column));
        continue;
      }
      policy = &p;
    }
  }
  if (!policy) {
    bool empty = true, has_rules_or_tests = !ast_.rule_order.empty();
    for (auto& f : ast_.files) {
      empty &= f.order.empty();
      has_rules_or_tests |= !f.tests.empty();
    }
    if (!HasErrors(diags_) && (empty || has_rules_or_tests)) {
      Error({0, 0, 0}, "missing-policy",
            empty ? "the file is empty; a policy needs a 'policy NAME { ... }' declaration"
                  : "no 'policy NAME { ... }' declaration; every policy needs exactly one");
    }
    return;
  }
  m_.name = policy->name.name;
  if (policy->title) m_.title = policy->title->value;
  if (policy->version) m_.version = policy->version->value;
  if (policy->source) m_.source = policy->source->value;
  m_.first_match = policy->combine && policy->combine->name == "first_match";
  if (policy->default_effect) {
    m_.default_effect = policy->default_effect->effect;
    m_.default_message = policy->default_effect->message.value;
    CheckPlaceholders(policy->default_effect->message);
  }
  if (policy->items) {
    auto it = m_.schema.attr_by_path.find(policy->items->name);
    if (it == m_.schema.attr_by_path.end()) {
      Error(policy->items->span, "unknown-attribute",
            absl::StrCat("unknown attribute '", policy->items->name, "'"),
            NearestName(policy->items->name, AttrNames()));
    } else if (m_.schema.attrs[it->second].type != AttributeType::kEnumSet) {
      Error(policy->items->span, "items-type",
            absl::StrCat("'items' needs a set of an enum; '", policy->items->name, "' is ",
                         AV(AttributeTypeName(m_.schema.attrs[it->second].type))));
    } else {
      m_.items_attr = static_cast<int32_t>(it->second);
      m_.items_enum = m_.schema.attrs[it->second].enum_id;
    }
  }
}

}  // namespace writ::detail
