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
#include "checker/checker_impl.hpp"
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
    case Op::kInDomain:
      return "in_domain";
  }
  return "?";
}

void Checker::NoteBrokenDeclarations() {
  for (const File& f : ast_.files) {
    for (const auto& [kind, name] : f.broken) {
      any_broken_ = true;
      switch (kind) {
        case File::DeclKind::kAttr:
          broken_attrs_.insert(name);
          break;
        case File::DeclKind::kEnum:
          broken_enums_.insert(name);
          break;
        case File::DeclKind::kLet:
          broken_lets_.insert(name);
          break;
        case File::DeclKind::kRule:
          broken_rules_.insert(name);
          break;
        default:
          break;
      }
    }
  }
}

bool Checker::IsBrokenName(const std::string& name) const {
  if (broken_attrs_.count(name) || broken_lets_.count(name)) return true;
  // A bare name may be a member of an enum that did not parse.
  return !broken_enums_.empty() && name.find('.') == std::string::npos;
}

Model Check(Ast& ast, const SourceSet& sources, std::vector<Diagnostic>& diagnostics) {
  return Checker(ast, sources, diagnostics).Run();
}

}  // namespace writ::detail
