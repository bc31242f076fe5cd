// File: src/checker/expressions.cpp
//
// Expressions: name resolution by expected type and the type rules of
// docs/language.md §6.
#include <algorithm>
#include <functional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "checker/checker_impl.hpp"
#include "common/names.hpp"
#include "common/operators.hpp"

namespace writ::detail {

Type Checker::Name(Expr& e, std::optional<Type> expected) {
  if (expected && expected->kind == TypeKind::kError) expected.reset();
  const std::string& n = e.text;
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
      Error(e.span, "let-reads-attribute",
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
    if (enums.size() == 1) return ResolveMember(e, enums[0], m_.schema.enums[enums[0]].index.at(n));
    if (enums.size() > 1) {
      std::vector<std::string> names;
      for (int32_t id : enums) names.push_back(absl::StrCat(m_.schema.enums[id].name, ".", n));
      Error(e.span, "ambiguous-member",
            absl::StrCat("'", n, "' is a member of several enums; write ",
                         absl::StrJoin(names, " or ")));
      return e.type = T(TypeKind::kError);
    }
  }
  // A name whose declaration was already reported as broken.
  if (IsBrokenName(n)) return e.type = T(TypeKind::kError);
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

Type Checker::SetLiteral(Expr& e, std::optional<Type> expected) {
  std::optional<Type> elem;
  if (expected && expected->is_set() && expected->kind != TypeKind::kEmptySet) {
    elem = ElementOf(*expected);
  }
  if (!elem) {
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

Type Checker::Compare(Expr& e) {
  Expr& l = e.children[0];
  Expr& r = e.children[1];
  Type lt, rt;
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
      if (lt.kind != TypeKind::kInt && lt.kind != TypeKind::kDate && lt.kind != TypeKind::kString) {
        Error(l.span, "type-mismatch",
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
    case Op::kInDomain: {
      lt = Infer(l, std::nullopt);
      rt = Infer(r, std::nullopt);
      if (lt.kind == TypeKind::kError || rt.kind == TypeKind::kError) return T(TypeKind::kError);
      if (lt.kind != TypeKind::kString) {
        Error(l.span, "type-mismatch",
              absl::StrCat("'in_domain' tests a string (an e-mail address or host name); this is ",
                           TypeName(lt)));
        return T(TypeKind::kError);
      }
      const bool constant = r.kind == ExprKind::kString || r.kind == ExprKind::kSet ||
                            (r.kind == ExprKind::kName && r.ref == NameRef::kLet);
      if (!constant || !(rt.kind == TypeKind::kString || rt == SetOf(T(TypeKind::kString)))) {
        Error(r.span, "in-domain-names",
              "the right side of 'in_domain' is a domain name or a set of them, as constants "
              "(\"fbi.gov\" or {\"fbi.gov\", \"nyc.gov\"})");
        return T(TypeKind::kError);
      }
      // Each name: lower case, no '@'; the suggestion is the name fixed.
      const Value v = FoldConstant(r, m_);
      std::vector<std::string> names = v.strs;
      if (rt.kind == TypeKind::kString) names.push_back(v.s);
      for (const std::string& name : names) {
        const std::string problem = DomainNameProblem(name);
        if (problem.empty()) continue;
        std::string fixed = absl::AsciiStrToLower(name.substr(name.rfind('@') + 1));
        while (!fixed.empty() && fixed.front() == '.') fixed.erase(0, 1);
        while (!fixed.empty() && fixed.back() == '.') fixed.pop_back();
        Error(r.span, "bad-domain", absl::StrCat("'", name, "' is not a domain name: ", problem),
              DomainNameProblem(fixed).empty() ? fixed : "");
        return T(TypeKind::kError);
      }
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
      if (r.kind != ExprKind::kString &&
          !(r.kind == ExprKind::kName && r.ref == NameRef::kLet && rt.kind == TypeKind::kString)) {
        Error(r.span, "like-pattern", "the pattern of 'like' must be a string constant");
        return T(TypeKind::kError);
      }
      return e.type;
    }
  }
  return T(TypeKind::kError);
}

Type Checker::Infer(Expr& e, std::optional<Type> expected) {
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

}  // namespace writ::detail
