// File: src/checker/fold.cpp — folding constant expressions and printing values.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "checker/checker.hpp"
#include "common/dates.hpp"
#include "common/operators.hpp"

namespace writ::detail {

Value FoldConstant(const Expr& e, const Model& model) {
  Value v;
  v.type = e.type;
  switch (e.kind) {
    case ExprKind::kBool:
      v.b = e.bool_value;
      return v;
    case ExprKind::kInt:
    case ExprKind::kDate:
      v.i = e.int_value;
      return v;
    case ExprKind::kString:
      v.s = e.text;
      return v;
    case ExprKind::kSet:
      for (const auto& c : e.children) {
        Value x = FoldConstant(c, model);
        if (x.type.kind == TypeKind::kEnum) v.mask |= uint64_t{1} << x.i;
        if (x.type.kind == TypeKind::kString) v.strs.push_back(x.s);
      }
      std::sort(v.strs.begin(), v.strs.end());
      v.strs.erase(std::unique(v.strs.begin(), v.strs.end()), v.strs.end());
      return v;
    case ExprKind::kName:
      if (e.ref == NameRef::kEnumMember) {
        v.i = e.member;
        return v;
      }
      if (e.ref == NameRef::kLet) return model.lets[e.let];
      return v;  // attributes are not constants; the checker prevents this
    case ExprKind::kCompare: {
      Value l = FoldConstant(e.children[0], model), r = FoldConstant(e.children[1], model);
      v.b = CompareViews(e.op, ViewOf(l), ViewOf(r));
      return v;
    }
    case ExprKind::kIsPresent:
    case ExprKind::kIsMissing:
      return v;
    case ExprKind::kNot:
      v.b = !FoldConstant(e.children[0], model).b;
      return v;
    case ExprKind::kAnd:
      v.b = true;
      for (const auto& c : e.children) v.b = v.b && FoldConstant(c, model).b;
      return v;
    case ExprKind::kOr:
      v.b = false;
      for (const auto& c : e.children) v.b = v.b || FoldConstant(c, model).b;
      return v;
  }
  return v;
}

std::string ValueText(const Value& v, const Schema& schema) {
  switch (v.type.kind) {
    case TypeKind::kBool:
      return v.b ? "true" : "false";
    case TypeKind::kInt:
      return absl::StrCat(v.i);
    case TypeKind::kDate:
      return CivilFromDays(v.i);
    case TypeKind::kString:
      return absl::StrCat("\"", v.s, "\"");
    case TypeKind::kEnum:
      return schema.enums[v.type.enum_id].members[v.i];
    case TypeKind::kEnumSet: {
      std::vector<std::string> names;
      const auto& members = schema.enums[v.type.enum_id].members;
      for (size_t i = 0; i < members.size(); ++i)
        if ((v.mask >> i) & 1) names.push_back(members[i]);
      return absl::StrCat("{", absl::StrJoin(names, ", "), "}");
    }
    case TypeKind::kStringSet: {
      std::vector<std::string> q;
      for (auto& s : v.strs) q.push_back(absl::StrCat("\"", s, "\""));
      return absl::StrCat("{", absl::StrJoin(q, ", "), "}");
    }
    case TypeKind::kEmptySet:
      return "{}";
    case TypeKind::kError:
      return "<error>";
  }
  return "?";
}

}  // namespace writ::detail
