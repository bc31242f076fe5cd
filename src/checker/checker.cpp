// File: src/checker/checker.cpp
//
// The checker: declarations, name resolution (attributes, enum members by
// expected type, lets), the type rules of docs/language.md §6, let folding with
// cycle detection, message placeholders, `items`/`disclose` consistency and
// test blocks. Every problem is a diagnostic with a span and, where a
// declared name is near, a suggestion.
#include "checker/checker.hpp"

#include <algorithm>
#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/names.hpp"

namespace writ::detail {

std::string_view AttributeTypeName(AttributeType t) {
  switch (t) {
    case AttributeType::kBool:
      return "bool";
    case AttributeType::kInt:
      return "int";
    case AttributeType::kString:
      return "string";
    case AttributeType::kDate:
      return "date";
    case AttributeType::kEnum:
      return "enum";
    case AttributeType::kEnumSet:
      return "set<enum>";
    case AttributeType::kStringSet:
      return "set<string>";
  }
  return "?";
}

namespace {

Type T(TypeKind k, int32_t e = -1) { return Type{k, e}; }

Type AttrType(const AttrInfo& a) {
  switch (a.type) {
    case AttributeType::kBool:
      return T(TypeKind::kBool);
    case AttributeType::kInt:
      return T(TypeKind::kInt);
    case AttributeType::kString:
      return T(TypeKind::kString);
    case AttributeType::kDate:
      return T(TypeKind::kDate);
    case AttributeType::kEnum:
      return T(TypeKind::kEnum, a.enum_id);
    case AttributeType::kEnumSet:
      return T(TypeKind::kEnumSet, a.enum_id);
    case AttributeType::kStringSet:
      return T(TypeKind::kStringSet);
  }
  return T(TypeKind::kError);
}

Type ElementOf(Type set) {
  if (set.kind == TypeKind::kEnumSet) return T(TypeKind::kEnum, set.enum_id);
  if (set.kind == TypeKind::kStringSet) return T(TypeKind::kString);
  return T(TypeKind::kError);
}

Type SetOf(Type elem) {
  if (elem.kind == TypeKind::kEnum) return T(TypeKind::kEnumSet, elem.enum_id);
  if (elem.kind == TypeKind::kString) return T(TypeKind::kStringSet);
  return T(TypeKind::kError);
}

class Checker {
 public:
  Checker(Ast& ast, const SourceSet& sources, std::vector<Diagnostic>& diags)
      : ast_(ast), sources_(sources), diags_(diags) {}

  Model Run() {
    DeclareNames();
    CheckPolicy();
    FoldLets();
    CheckRules();
    CheckTests();
    WarnUnusedLets();
    return std::move(m_);
  }

 private:
  // ---- diagnostics --------------------------------------------------------
  void Error(SourceSpan span, std::string code, std::string msg, std::string suggestion = "") {
    diags_.push_back(
        {Severity::kError, std::move(code), span, std::move(msg), std::move(suggestion)});
  }
  void Warn(SourceSpan span, std::string code, std::string msg) {
    diags_.push_back({Severity::kWarning, std::move(code), span, std::move(msg), ""});
  }

  std::string TypeName(Type t) const {
    switch (t.kind) {
      case TypeKind::kError:
        return "<error>";
      case TypeKind::kBool:
        return "bool";
      case TypeKind::kInt:
        return "int";
      case TypeKind::kString:
        return "string";
      case TypeKind::kDate:
        return "date";
      case TypeKind::kEnum:
        return m_.schema.enums[t.enum_id].name;
      case TypeKind::kEnumSet:
        return absl::StrCat("set<", m_.schema.enums[t.enum_id].name, ">");
      case TypeKind::kStringSet:
        return "set<string>";
      case TypeKind::kEmptySet:
        return "set";
    }
    return "?";
  }

  std::string Text(const SourceSpan& s) const {
    return std::string(sources_.at(s.file).text().substr(s.offset, s.length));
  }

  // ---- declarations -------------------------------------------------------
  void Claim(const std::string& name, SourceSpan span, const char* what) {
    auto [it, inserted] = names_.emplace(name, std::make_pair(span, what));
    if (!inserted) {
      SourceLocation prev = sources_.Locate(it->second.first);
      Error(span, "duplicate-name",
            absl::StrCat("duplicate name '", name, "': already declared as ", it->second.second,
                         " at ", prev.path, ":", prev.line, ":", prev.column));
    }
  }

  void DeclareNames() {
    // Enums first: attribute types refer to them.
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
          } else if (auto it = m_.schema.enum_by_name.find(tn);
                     it != m_.schema.enum_by_name.end()) {
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
        if (!ok) {
          std::vector<std::string> cands = {"bool", "int", "string", "date"};
          for (auto& e : m_.schema.enums) cands.push_back(e.name);
          SourceSpan span = a.type.span;
          if (a.type.is_set) {
            // Point at the element type inside set<...>.
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
                    : NearestName(tn, cands));
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
    // A dotted attribute may not share its prefix with a scalar attribute
    // (`a` and `a.b`): a request could not say both in JSON.
    for (const auto& a : m_.schema.attrs) {
      for (size_t dot = a.path.find('.'); dot != std::string::npos;
           dot = a.path.find('.', dot + 1)) {
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

  void CheckPolicy() {
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
      // A file of only enums, attributes and lets is a library for imports;
      // after syntax errors the declaration may be in the part that failed.
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

  std::vector<std::string> AttrNames() const {
    std::vector<std::string> v;
    for (auto& a : m_.schema.attrs) v.push_back(a.path);
    return v;
  }

  // ---- lets ---------------------------------------------------------------
  void WarnUnusedLets() {
    std::vector<bool> used(m_.let_decls.size());
    std::function<void(const Expr&)> walk = [&](const Expr& e) {
      if (e.kind == ExprKind::kName && e.ref == NameRef::kLet) used[e.let] = true;
      for (const auto& c : e.children) walk(c);
    };
    for (auto* l : m_.let_decls) walk(l->value);
    for (auto& cr : m_.rules) {
      if (cr.decl->when) walk(*cr.decl->when);
      if (cr.decl->unless) walk(*cr.decl->unless);
    }
    for (auto& t : m_.tests)
      for (auto& g : t.decl->given) walk(g.value);
    // Only lets of files that have rules: a library of lets is for importers.
    for (size_t i = 0; i < used.size(); ++i) {
      if (used[i]) continue;
      uint32_t file = m_.let_decls[i]->name.span.file;
      bool file_has_rules = false;
      for (auto& cr : m_.rules) file_has_rules |= cr.decl->name.span.file == file;
      if (file_has_rules)
        Warn(m_.let_decls[i]->name.span, "unused-let",
             absl::StrCat("let '", m_.let_decls[i]->name.name, "' is never used"));
    }
  }

  void FoldLets() {
    for (size_t i = 0; i < m_.let_decls.size(); ++i) FoldLet(static_cast<int32_t>(i), {});
  }

  // 0 = not started, 1 = in progress, 2 = done, 3 = failed.
  bool FoldLet(int32_t i, SourceSpan use) {
    if (let_state_[i] == 2) return true;
    if (let_state_[i] == 3) return false;
    if (let_state_[i] == 1) {
      std::vector<std::string> cycle;
      bool in = false;
      for (int32_t j : let_stack_) {
        if (j == i) in = true;
        if (in) cycle.push_back(m_.let_decls[j]->name.name);
      }
      cycle.push_back(m_.let_decls[i]->name.name);
      Error(use, "let-cycle", absl::StrCat("let cycle: ", absl::StrJoin(cycle, " -> ")));
      return false;
    }
    let_state_[i] = 1;
    let_stack_.push_back(i);
    LetDecl& decl = const_cast<LetDecl&>(*m_.let_decls[i]);
    size_t errors_before = ErrorCount();
    in_let_ = true;
    Type t = Infer(decl.value, std::nullopt);
    in_let_ = false;
    let_stack_.pop_back();
    if (ErrorCount() > errors_before || t.kind == TypeKind::kError) {
      let_state_[i] = 3;
      return false;
    }
    m_.lets[i] = FoldConstant(decl.value, m_);
    let_state_[i] = 2;
    return true;
  }

  size_t ErrorCount() const {
    size_t n = 0;
    for (auto& d : diags_) n += d.severity == Severity::kError;
    return n;
  }

  // ---- expressions --------------------------------------------------------

  // A bare name that is neither an attribute nor a let: an enum member that
  // needs an expected type to resolve.
  bool IsBareMember(const Expr& e) const {
    if (e.kind == ExprKind::kSet) {
      if (e.children.empty()) return true;
      for (auto& c : e.children)
        if (!IsBareMember(c)) return false;
      return true;
    }
    if (e.kind != ExprKind::kName) return false;
    if (m_.schema.attr_by_path.count(e.text)) return false;
    if (e.text.find('.') != std::string::npos) return false;
    return !let_index_.count(e.text);
  }

  // Enums that have a member `name`.
  std::vector<int32_t> EnumsWith(const std::string& name) const {
    std::vector<int32_t> v;
    for (size_t i = 0; i < m_.schema.enums.size(); ++i)
      if (m_.schema.enums[i].index.count(name)) v.push_back(static_cast<int32_t>(i));
    return v;
  }

  Type ResolveMember(Expr& e, int32_t enum_id, uint32_t member) {
    e.ref = NameRef::kEnumMember;
    e.enum_id = enum_id;
    e.member = static_cast<int32_t>(member);
    e.type = T(TypeKind::kEnum, enum_id);
    return e.type;
  }

  Type Name(Expr& e, std::optional<Type> expected) {
    // An expectation that is itself an error tells nothing.
    if (expected && expected->kind == TypeKind::kError) expected.reset();
    const std::string& n = e.text;
    // E.m is always a member.
    if (size_t dot = n.find('.'); dot != std::string::npos) {
      std::string head = n.substr(0, dot), tail = n.substr(dot + 1);
      auto en = m_.schema.enum_by_name.find(head);
      if (en != m_.schema.enum_by_name.end() && tail.find('.') == std::string::npos) {
        const EnumInfo& info = m_.schema.enums[en->second];
        auto mem = info.index.find(tail);
        if (mem == info.index.end()) {
          Error(e.span, "unknown-member",
                absl::StrCat("enum '", head, "' has no member '", tail, "'"),
                NearestName(tail, info.members).empty()
                    ? ""
                    : absl::StrCat(head, ".", NearestName(tail, info.members)));
          return e.type = T(TypeKind::kError);
        }
        return ResolveMember(e, en->second, mem->second);
      }
    }
    Type want = expected.value_or(T(TypeKind::kError));
    if (want.is_set()) want = ElementOf(want);
    bool member_of_expected =
        want.kind == TypeKind::kEnum && m_.schema.enums[want.enum_id].index.count(n) > 0;
    auto let = let_index_.find(n);
    auto attr = m_.schema.attr_by_path.find(n);
    if (member_of_expected && let != let_index_.end()) {
      Error(e.span, "ambiguous-name",
            absl::StrCat("'", n, "' is both a let and a member of enum '",
                         m_.schema.enums[want.enum_id].name, "'; write ",
                         m_.schema.enums[want.enum_id].name, ".", n, " for the member"));
      return e.type = T(TypeKind::kError);
    }
    if (member_of_expected) {
      return ResolveMember(e, want.enum_id, m_.schema.enums[want.enum_id].index.at(n));
    }
    if (attr != m_.schema.attr_by_path.end()) {
      if (in_let_) {
        Error(
            e.span, "let-reads-attribute",
            absl::StrCat("a let may use only literals and other lets; '", n, "' is an attribute"));
        return e.type = T(TypeKind::kError);
      }
      e.ref = NameRef::kAttribute;
      e.attr = static_cast<int32_t>(attr->second);
      return e.type = AttrType(m_.schema.attrs[attr->second]);
    }
    if (let != let_index_.end()) {
      if (!FoldLet(let->second, e.span)) return e.type = T(TypeKind::kError);
      e.ref = NameRef::kLet;
      e.let = let->second;
      return e.type = m_.lets[let->second].type;
    }
    if (!expected && n.find('.') == std::string::npos) {
      std::vector<int32_t> enums = EnumsWith(n);
      if (enums.size() == 1)
        return ResolveMember(e, enums[0], m_.schema.enums[enums[0]].index.at(n));
      if (enums.size() > 1) {
        std::vector<std::string> names;
        for (int32_t id : enums) names.push_back(absl::StrCat(m_.schema.enums[id].name, ".", n));
        Error(e.span, "ambiguous-member",
              absl::StrCat("'", n, "' is a member of several enums; write ",
                           absl::StrJoin(names, " or ")));
        return e.type = T(TypeKind::kError);
      }
    }
    // Unknown: suggest from what fits here.
    std::vector<std::string> cands;
    if (want.kind == TypeKind::kEnum) {
      cands = m_.schema.enums[want.enum_id].members;
    } else {
      cands = AttrNames();
      for (auto& [name, i] : let_index_) cands.push_back(name);
      if (n.find('.') == std::string::npos && !expected) {
        for (auto& en : m_.schema.enums)
          for (auto& mem : en.members) cands.push_back(mem);
      }
    }
    std::string near = NearestName(n, cands);
    if (want.kind == TypeKind::kEnum) {
      Error(e.span, "unknown-member",
            absl::StrCat("'", n, "' is not a member of enum '", m_.schema.enums[want.enum_id].name,
                         "'"),
            near);
    } else if (n.find('.') != std::string::npos) {
      Error(e.span, "unknown-attribute", absl::StrCat("unknown attribute '", n, "'"), near);
    } else {
      Error(e.span, "unknown-name", absl::StrCat("unknown name '", n, "'"), near);
    }
    return e.type = T(TypeKind::kError);
  }

  Type SetLiteral(Expr& e, std::optional<Type> expected) {
    std::optional<Type> elem;
    if (expected && expected->is_set() && expected->kind != TypeKind::kEmptySet) {
      elem = ElementOf(*expected);
    }
    if (!elem) {
      // Take the element type from the first element that has one of its own.
      for (auto& c : e.children) {
        if (!IsBareMember(c)) {
          Type t = Infer(c, std::nullopt);
          if (t.kind == TypeKind::kError) return e.type = t;
          elem = t;
          break;
        }
      }
    }
    if (!elem && !e.children.empty()) {
      // All bare names: the one enum that has every one of them.
      std::vector<int32_t> common;
      for (size_t i = 0; i < m_.schema.enums.size(); ++i) {
        bool all = true;
        for (auto& c : e.children) all &= m_.schema.enums[i].index.count(c.text) > 0;
        if (all) common.push_back(static_cast<int32_t>(i));
      }
      if (common.size() == 1) {
        elem = T(TypeKind::kEnum, common[0]);
      } else if (common.size() > 1) {
        Error(e.span, "ambiguous-set",
              "the members of this set belong to several enums; write E.member for one of them");
        return e.type = T(TypeKind::kError);
      } else {
        // Report the first name that is in no enum.
        for (auto& c : e.children) {
          if (EnumsWith(c.text).empty()) return e.type = Name(c, std::nullopt);
        }
        Error(e.span, "mixed-set", "the members of this set do not belong to one enum");
        return e.type = T(TypeKind::kError);
      }
    }
    if (e.children.empty()) {
      return e.type = expected && expected->is_set() ? *expected : T(TypeKind::kEmptySet);
    }
    bool ok = true;
    for (auto& c : e.children) {
      Type t = Infer(c, *elem);
      if (t.kind == TypeKind::kError) {
        ok = false;
        continue;
      }
      if (!(t == *elem)) {
        Error(c.span, "type-mismatch",
              absl::StrCat("set element is ", TypeName(t), "; expected ", TypeName(*elem)));
        ok = false;
      }
    }
    if (!ok) return e.type = T(TypeKind::kError);
    Type st = SetOf(*elem);
    if (st.kind == TypeKind::kError) {
      Error(e.span, "bad-set",
            absl::StrCat("sets of ", TypeName(*elem),
                         " are not supported; only sets of enum "
                         "members or strings"));
    }
    return e.type = st;
  }

  bool Expect(const Expr& e, Type got, Type want, const char* what) {
    if (got.kind == TypeKind::kError || want.kind == TypeKind::kError) return false;
    if (got == want) return true;
    if (got.kind == TypeKind::kEmptySet && want.is_set()) return true;
    Error(e.span, "type-mismatch",
          absl::StrCat(what, " is ", TypeName(got), "; expected ", TypeName(want)));
    return false;
  }

  Type Compare(Expr& e) {
    Expr& l = e.children[0];
    Expr& r = e.children[1];
    Type lt, rt;
    // Infer the side that knows its type first; a bare member takes the
    // other side's type.
    auto both = [&](std::function<std::optional<Type>(Type)> rhs_from_lhs,
                    std::function<std::optional<Type>(Type)> lhs_from_rhs) {
      if (IsBareMember(l) && !IsBareMember(r)) {
        rt = Infer(r, std::nullopt);
        if (rt.kind == TypeKind::kError) return false;
        lt = Infer(l, lhs_from_rhs(rt));
      } else {
        lt = Infer(l, std::nullopt);
        if (lt.kind == TypeKind::kError) return false;
        rt = Infer(r, rhs_from_lhs(lt));
      }
      return lt.kind != TypeKind::kError && rt.kind != TypeKind::kError;
    };
    auto same = [](Type t) { return std::optional<Type>(t); };
    e.type = T(TypeKind::kBool);
    const std::string op = OpText(e.op);
    switch (e.op) {
      case Op::kEq:
      case Op::kNe: {
        if (!both(same, same)) return T(TypeKind::kError);
        if (lt.kind == TypeKind::kEmptySet && rt.is_set()) return e.type;
        if (!Expect(r, rt, lt, "right side of '==' / '!='")) return T(TypeKind::kError);
        return e.type;
      }
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe: {
        if (!both(same, same)) return T(TypeKind::kError);
        if (lt.kind != TypeKind::kInt && lt.kind != TypeKind::kDate &&
            lt.kind != TypeKind::kString) {
          Error(
              l.span, "type-mismatch",
              absl::StrCat("'", op, "' orders int, date or string values; this is ", TypeName(lt)));
          return T(TypeKind::kError);
        }
        if (!Expect(r, rt, lt, absl::StrCat("right side of '", op, "'").c_str()))
          return T(TypeKind::kError);
        return e.type;
      }
      case Op::kIn:
      case Op::kNotIn: {
        auto rhs = [](Type t) { return std::optional<Type>(SetOf(t)); };
        auto lhs = [](Type t) { return std::optional<Type>(ElementOf(t)); };
        if (!both(rhs, lhs)) return T(TypeKind::kError);
        if (lt.is_set() || (lt.kind != TypeKind::kEnum && lt.kind != TypeKind::kString)) {
          Error(l.span, "type-mismatch",
                absl::StrCat("'", op, "' tests an enum or string value; this is ", TypeName(lt),
                             lt.is_set() ? " (use contains_any / contains_all)" : ""));
          return T(TypeKind::kError);
        }
        if (!rt.is_set()) {
          Error(r.span, "type-mismatch",
                absl::StrCat("right side of '", op, "' must be a set; it is ", TypeName(rt)));
          return T(TypeKind::kError);
        }
        if (!Expect(r, rt, SetOf(lt), absl::StrCat("right side of '", op, "'").c_str()))
          return T(TypeKind::kError);
        return e.type;
      }
      case Op::kContains: {
        auto rhs = [](Type t) { return std::optional<Type>(ElementOf(t)); };
        auto lhs = [](Type t) { return std::optional<Type>(SetOf(t)); };
        if (!both(rhs, lhs)) return T(TypeKind::kError);
        if (!lt.is_set()) {
          Error(l.span, "type-mismatch",
                absl::StrCat("left side of 'contains' must be a set; it is ", TypeName(lt)));
          return T(TypeKind::kError);
        }
        if (!Expect(r, rt, ElementOf(lt), "right side of 'contains'")) return T(TypeKind::kError);
        return e.type;
      }
      case Op::kContainsAny:
      case Op::kContainsAll:
      case Op::kContainsNone: {
        if (!both(same, same)) return T(TypeKind::kError);
        if (!lt.is_set()) {
          Error(l.span, "type-mismatch",
                absl::StrCat("left side of '", op, "' must be a set; it is ", TypeName(lt)));
          return T(TypeKind::kError);
        }
        if (!rt.is_set()) {
          Error(r.span, "type-mismatch",
                absl::StrCat("right side of '", op, "' must be a set; it is ", TypeName(rt)));
          return T(TypeKind::kError);
        }
        if (lt.kind != TypeKind::kEmptySet && rt.kind != TypeKind::kEmptySet &&
            !Expect(r, rt, lt, absl::StrCat("right side of '", op, "'").c_str()))
          return T(TypeKind::kError);
        return e.type;
      }
      case Op::kLike: {
        lt = Infer(l, std::nullopt);
        rt = Infer(r, T(TypeKind::kString));
        if (lt.kind == TypeKind::kError || rt.kind == TypeKind::kError) return T(TypeKind::kError);
        if (lt.kind != TypeKind::kString) {
          Error(l.span, "type-mismatch",
                absl::StrCat("'like' matches strings; this is ", TypeName(lt)));
          return T(TypeKind::kError);
        }
        if (r.kind != ExprKind::kString && !(r.kind == ExprKind::kName && r.ref == NameRef::kLet &&
                                             rt.kind == TypeKind::kString)) {
          Error(r.span, "like-pattern", "the pattern of 'like' must be a string constant");
          return T(TypeKind::kError);
        }
        return e.type;
      }
    }
    return T(TypeKind::kError);
  }

  Type Infer(Expr& e, std::optional<Type> expected) {
    switch (e.kind) {
      case ExprKind::kBool:
        return e.type = T(TypeKind::kBool);
      case ExprKind::kInt:
        return e.type = T(TypeKind::kInt);
      case ExprKind::kString:
        return e.type = T(TypeKind::kString);
      case ExprKind::kDate:
        return e.type = T(TypeKind::kDate);
      case ExprKind::kSet:
        return SetLiteral(e, expected);
      case ExprKind::kName:
        return Name(e, expected);
      case ExprKind::kCompare:
        return Compare(e);
      case ExprKind::kIsPresent:
      case ExprKind::kIsMissing: {
        Expr& c = e.children[0];
        if (c.kind != ExprKind::kName || IsBareMember(c) || let_index_.count(c.text)) {
          Error(c.span, "presence-of-non-attribute",
                absl::StrCat("'is ", e.kind == ExprKind::kIsPresent ? "present" : "missing",
                             "' applies to attributes only"));
          return e.type = T(TypeKind::kError);
        }
        if (Infer(c, std::nullopt).kind == TypeKind::kError) return e.type = T(TypeKind::kError);
        return e.type = T(TypeKind::kBool);
      }
      case ExprKind::kNot:
      case ExprKind::kAnd:
      case ExprKind::kOr: {
        bool ok = true;
        for (auto& c : e.children)
          ok &= CheckBool(c, e.kind == ExprKind::kNot   ? "operand of 'not'"
                             : e.kind == ExprKind::kAnd ? "operand of 'and'"
                                                        : "operand of 'or'");
        return e.type = ok ? T(TypeKind::kBool) : T(TypeKind::kError);
      }
    }
    return e.type = T(TypeKind::kError);
  }

  bool CheckBool(Expr& e, const char* what) {
    Type t = Infer(e, T(TypeKind::kBool));
    if (t.kind == TypeKind::kError) return false;
    if (t.kind != TypeKind::kBool) {
      Error(
          e.span, "type-mismatch",
          absl::StrCat(what, " must be a condition (bool); '", Text(e.span), "' is ", TypeName(t)));
      return false;
    }
    return true;
  }

  // ---- rules --------------------------------------------------------------
  void CheckPlaceholders(const StringField& msg) {
    const std::string& s = msg.value;
    // Placeholders are found in the source text so that errors point at them.
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

  void CheckRules() {
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
      std::set<uint32_t> reads;
      if (rule.when) CollectAttributes(*rule.when, reads);
      if (rule.unless) CollectAttributes(*rule.unless, reads);
      if (cr.has_disclose && m_.items_attr >= 0) reads.insert(m_.items_attr);
      cr.reads.assign(reads.begin(), reads.end());
      m_.rules.push_back(cr);
    }
  }

  // ---- tests --------------------------------------------------------------
  void CheckTests() {
    for (uint32_t f = 0; f < ast_.files.size(); ++f) {
      for (auto& t : ast_.files[f].tests) {
        for (auto& g : t.given) {
          auto it = m_.schema.attr_by_path.find(g.path.name);
          if (it == m_.schema.attr_by_path.end()) {
            Error(g.path.span, "unknown-attribute",
                  absl::StrCat("unknown attribute '", g.path.name, "'"),
                  NearestName(g.path.name, AttrNames()));
            continue;
          }
          Type want = AttrType(m_.schema.attrs[it->second]);
          Type got = Infer(g.value, want);
          if (got.kind != TypeKind::kError) {
            if (g.value.kind == ExprKind::kName && g.value.ref == NameRef::kAttribute) {
              Error(g.value.span, "given-not-constant",
                    "a test gives constant values, not attributes");
            } else {
              Expect(g.value, got, want, absl::StrCat("value of '", g.path.name, "'").c_str());
            }
          }
        }
        for (auto& x : t.expects) {
          switch (x.kind) {
            case ExpectKind::kEffect:
              for (auto& n : x.names) {
                bool found = false;
                std::vector<std::string> names;
                for (auto& cr : m_.rules) {
                  found |= cr.decl->name.name == n.name;
                  names.push_back(cr.decl->name.name);
                }
                if (!found)
                  Error(n.span, "unknown-rule", absl::StrCat("unknown rule '", n.name, "'"),
                        NearestName(n.name, names));
              }
              break;
            case ExpectKind::kGranted:
            case ExpectKind::kWithheld:
              if (m_.items_enum < 0) {
                Error(x.span, "expect-without-items",
                      "'expect granted/withheld' needs the policy to declare 'items'");
                break;
              }
              for (auto& n : x.names) {
                const EnumInfo& en = m_.schema.enums[m_.items_enum];
                if (!en.index.count(n.name))
                  Error(n.span, "unknown-member",
                        absl::StrCat("'", n.name, "' is not a member of enum '", en.name, "'"),
                        NearestName(n.name, en.members));
              }
              break;
            case ExpectKind::kMissing:
              for (auto& n : x.names) {
                if (!m_.schema.attr_by_path.count(n.name))
                  Error(n.span, "unknown-attribute",
                        absl::StrCat("unknown attribute '", n.name, "'"),
                        NearestName(n.name, AttrNames()));
              }
              break;
            case ExpectKind::kObligation: {
              std::vector<std::string> names;
              for (auto& cr : m_.rules)
                for (auto& o : cr.decl->obligations) names.push_back(o.name.name);
              const std::string& want = x.names[0].name;
              if (std::find(names.begin(), names.end(), want) == names.end())
                Error(x.names[0].span, "unknown-obligation",
                      absl::StrCat("no rule has obligation '", want, "'"),
                      NearestName(want, names));
              break;
            }
          }
        }
        m_.tests.push_back({&t, f});
      }
    }
  }

  Ast& ast_;
  const SourceSet& sources_;
  std::vector<Diagnostic>& diags_;
  Model m_;
  std::map<std::string, std::pair<SourceSpan, const char*>> names_;
  std::map<std::string, int32_t> let_index_;
  std::vector<int> let_state_;
  std::vector<int32_t> let_stack_;
  bool in_let_ = false;
};

}  // namespace

const char* OpText(Op op) {
  switch (op) {
    case Op::kEq:
      return "==";
    case Op::kNe:
      return "!=";
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
    case Op::kIn:
      return "in";
    case Op::kNotIn:
      return "not in";
    case Op::kContains:
      return "contains";
    case Op::kContainsAny:
      return "contains_any";
    case Op::kContainsAll:
      return "contains_all";
    case Op::kContainsNone:
      return "contains_none";
    case Op::kLike:
      return "like";
  }
  return "?";
}

Model Check(Ast& ast, const SourceSet& sources, std::vector<Diagnostic>& diagnostics) {
  return Checker(ast, sources, diagnostics).Run();
}

}  // namespace writ::detail
