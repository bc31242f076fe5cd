// File: src/checker/checker_impl.hpp (internal to the checker)
//
// The Checker class, whose passes are split by concern across the files of
// checker/: declarations.cpp (names, enums, attributes, the policy block),
// lets.cpp (folding and cycles), expressions.cpp (name resolution and the
// type rules of docs/language.md §6), rules.cpp (rules, placeholders,
// items), tests.cpp (test blocks); checker.cpp runs them in order.
#ifndef WRIT_SRC_CHECKER_CHECKER_IMPL_HPP_
#define WRIT_SRC_CHECKER_CHECKER_IMPL_HPP_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "checker/checker.hpp"

namespace writ::detail {

// How deep folding may recurse through lets. Lets are folded in dependency
// order, so only a cycle recurses: around it, until it is found.
inline constexpr int kMaxLetDepth = 64;

inline Type T(TypeKind k, int32_t e = -1) { return Type{k, e}; }

inline Type AttrType(const AttrInfo& a) {
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

inline Type ElementOf(Type set) {
  if (set.kind == TypeKind::kEnumSet) return T(TypeKind::kEnum, set.enum_id);
  if (set.kind == TypeKind::kStringSet) return T(TypeKind::kString);
  return T(TypeKind::kError);
}

inline Type SetOf(Type elem) {
  if (elem.kind == TypeKind::kEnum) return T(TypeKind::kEnumSet, elem.enum_id);
  if (elem.kind == TypeKind::kString) return T(TypeKind::kStringSet);
  return T(TypeKind::kError);
}

class Checker {
 public:
  Checker(Ast& ast, const SourceSet& sources, std::vector<Diagnostic>& diags)
      : ast_(ast), sources_(sources), diags_(diags) {}

  Model Run() {
    NoteBrokenDeclarations();
    DeclareNames();
    CheckPolicy();
    FoldLets();
    CheckRules();
    CheckTests();
    WarnUnusedLets();
    return std::move(m_);
  }

 private:
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

  // ---- declarations (declarations.cpp) ---------------------------------------
  void Claim(const std::string& name, SourceSpan span, const char* what) {
    auto [it, inserted] = names_.emplace(name, std::make_pair(span, what));
    if (!inserted) {
      SourceLocation prev = sources_.Locate(it->second.first);
      Error(span, "duplicate-name",
            absl::StrCat("duplicate name '", name, "': already declared as ", it->second.second,
                         " at ", prev.path, ":", prev.line, ":", prev.column));
    }
  }

  void DeclareNames();

  void CheckPolicy();

  std::vector<std::string> AttrNames() const {
    std::vector<std::string> v;
    for (auto& a : m_.schema.attrs) v.push_back(a.path);
    return v;
  }

  // ---- lets (lets.cpp) -------------------------------------------------------
  void WarnUnusedLets();

  void FoldLets();

  // 0 = not started, 1 = in progress, 2 = done, 3 = failed.
  bool FoldLet(int32_t i, SourceSpan use);

  size_t ErrorCount() const {
    size_t n = 0;
    for (auto& d : diags_) n += d.severity == Severity::kError;
    return n;
  }

  // ---- expressions (expressions.cpp) -----------------------------------------
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

  Type Name(Expr& e, std::optional<Type> expected);

  Type SetLiteral(Expr& e, std::optional<Type> expected);

  bool Expect(const Expr& e, Type got, Type want, const char* what) {
    if (got.kind == TypeKind::kError || want.kind == TypeKind::kError) return false;
    if (got == want) return true;
    if (got.kind == TypeKind::kEmptySet && want.is_set()) return true;
    Error(e.span, "type-mismatch",
          absl::StrCat(what, " is ", TypeName(got), "; expected ", TypeName(want)));
    return false;
  }

  Type Compare(Expr& e);

  Type Infer(Expr& e, std::optional<Type> expected);

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

  // ---- rules (rules.cpp) -----------------------------------------------------
  void CheckPlaceholders(const StringField& msg);

  void CheckRules();

  // ---- tests (tests.cpp) -----------------------------------------------------
  void CheckTests();

  // ---- cascade control (checker.cpp) ------------------------------------
  // Declarations that did not parse (File::broken) or whose type is
  // unknown have been reported once; uses of their names are not reported
  // again.
  void NoteBrokenDeclarations();
  bool IsBrokenName(const std::string& name) const;

  // ---- state -----------------------------------------------------------------
  Ast& ast_;
  const SourceSet& sources_;
  std::vector<Diagnostic>& diags_;
  Model m_;
  std::map<std::string, std::pair<SourceSpan, const char*>> names_;
  std::map<std::string, int32_t> let_index_;
  std::vector<int> let_state_;
  std::vector<int32_t> let_stack_;
  bool in_let_ = false;
  std::set<std::string> broken_attrs_, broken_enums_, broken_lets_, broken_rules_;
  bool any_broken_ = false;  // some declaration did not parse
  bool let_depth_reported_ = false;
};

}  // namespace writ::detail

#endif  // WRIT_SRC_CHECKER_CHECKER_IMPL_HPP_
