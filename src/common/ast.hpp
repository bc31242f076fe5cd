// File: src/common/ast.hpp (internal)
//
// The Boost-free syntax tree that the parser produces and the checker
// annotates. Every node keeps the span of the text it came from, so the
// checker, the explainer and the formatter can point back at the source.
#ifndef WRIT_SRC_COMMON_AST_HPP_
#define WRIT_SRC_COMMON_AST_HPP_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "writ/source.hpp"

namespace writ::detail {

// ---- Types (filled in by the checker) ------------------------------------

enum class TypeKind : uint8_t {
  kError,  // already reported; suppresses follow-on errors
  kBool,
  kInt,
  kString,
  kDate,
  kEnum,
  kEnumSet,
  kStringSet,
  kEmptySet,  // `{}` before context gives it an element type
};

struct Type {
  TypeKind kind = TypeKind::kError;
  int32_t enum_id = -1;  // for kEnum and kEnumSet
  friend bool operator==(const Type&, const Type&) = default;
  bool is_set() const {
    return kind == TypeKind::kEnumSet || kind == TypeKind::kStringSet ||
           kind == TypeKind::kEmptySet;
  }
};

// ---- Expressions ---------------------------------------------------------

enum class ExprKind : uint8_t {
  kBool,
  kInt,
  kString,
  kDate,
  kSet,        // children: elements
  kName,       // text: identifier or dotted path; resolved by the checker
  kCompare,    // op, children[0] op children[1]
  kIsPresent,  // children[0] is an attribute
  kIsMissing,
  kNot,  // children[0]
  kAnd,  // children[0] and children[1]
  kOr,
};

enum class Op : uint8_t {
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIn,
  kNotIn,
  kContains,
  kContainsAny,
  kContainsAll,
  kContainsNone,
  kLike,
  kInDomain,  // an e-mail address or host name in one of some DNS domains
};

const char* OpText(Op op);

// What a kName refers to once checked.
enum class NameRef : uint8_t { kUnresolved, kAttribute, kEnumMember, kLet };

struct Expr {
  ExprKind kind = ExprKind::kBool;
  Op op = Op::kEq;
  SourceSpan span;
  bool bool_value = false;
  int64_t int_value = 0;  // int literal, date as days since 1970-01-01
  std::string text;       // string literal value, or the name as written
  std::vector<Expr> children;

  // Checker annotations.
  Type type;
  NameRef ref = NameRef::kUnresolved;
  int32_t attr = -1;     // attribute index, for kAttribute
  int32_t enum_id = -1;  // for kEnumMember
  int32_t member = -1;   // for kEnumMember
  int32_t let = -1;      // for kLet
};

// True for a name the checker resolved to an attribute.
inline bool IsAttribute(const Expr& e) {
  return e.kind == ExprKind::kName && e.ref == NameRef::kAttribute;
}

// Adds the index of every attribute `e` reads to `out`.
template <typename Set>
void CollectAttributes(const Expr& e, Set& out) {
  if (IsAttribute(e)) out.insert(static_cast<uint32_t>(e.attr));
  for (const auto& c : e.children) CollectAttributes(c, out);
}

// ---- Declarations --------------------------------------------------------

struct Ident {
  std::string name;
  SourceSpan span;
};

struct StringField {
  std::string value;
  SourceSpan span;
};

struct Import {
  StringField path;
  SourceSpan span;
};

struct EnumDecl {
  Ident name;
  std::vector<Ident> members;
  SourceSpan span;
};

struct TypeExpr {
  std::string name;     // bool, int, string, date, or an enum name
  bool is_set = false;  // set<name>
  SourceSpan span;
};

struct AttrDecl {
  Ident path;
  TypeExpr type;
  SourceSpan span;
};

struct LetDecl {
  Ident name;
  Expr value;
  SourceSpan span;
};

enum class EffectKind : uint8_t { kAllow, kReview, kDeny };

struct EffectField {
  EffectKind effect = EffectKind::kDeny;
  StringField message;
  SourceSpan span;
};

// `obligation NAME ("arg")? (when|unless EXPR)?` (docs/language.md §4): a
// duty that follows when its rule decides and, if it has one, its
// condition holds (`unless`: does not hold).
struct Obligation {
  Ident name;
  std::optional<StringField> argument;
  std::optional<Expr> condition;
  bool unless = false;  // the condition is written `unless EXPR`
  SourceSpan span;
};

struct PolicyDecl {
  Ident name;
  std::optional<StringField> title, version, source;
  std::optional<Ident> combine;  // deny_overrides | first_match
  std::optional<Ident> items;    // attribute path
  std::optional<EffectField> default_effect;
  SourceSpan span;
};

struct RuleDecl {
  Ident name;
  std::optional<StringField> title;
  std::vector<StringField> cites;
  std::optional<Expr> when, unless;
  std::optional<EffectField> then;
  std::optional<std::vector<Ident>> disclose;
  SourceSpan disclose_span;
  std::vector<Obligation> obligations;
  SourceSpan span;
};

// `attr.path = LITERAL` inside `given { ... }`.
struct Given {
  Ident path;
  Expr value;
  SourceSpan span;
};

enum class ExpectKind : uint8_t {
  kEffect,
  kGranted,
  kWithheld,
  kMissing,
  kObligation,    // `expect obligation NAME ("arg")?`
  kNoObligation,  // `expect no obligation NAME`
};

struct Expect {
  ExpectKind kind = ExpectKind::kEffect;
  EffectKind effect = EffectKind::kDeny;
  std::vector<Ident> names;             // rules (by), items, attributes, or the obligation
  std::optional<StringField> argument;  // kObligation: the argument it must have
  SourceSpan span;
};

struct TestDecl {
  StringField description;
  std::vector<Given> given;
  std::optional<StringField> given_file;
  std::vector<Expect> expects;
  SourceSpan span;
};

// `version "file.writ" from DATE` in a history (docs/language.md §13).
struct VersionDecl {
  StringField path;      // relative to the history's file
  int64_t from = 0;      // days since 1970-01-01
  SourceSpan from_span;  // the date as written
  SourceSpan span;
};

// `history NAME { title "..."  date ATTR  version "f.writ" from DATE ... }`:
// the versions of one policy and the day each took effect.
struct HistoryDecl {
  Ident name;
  std::optional<StringField> title;
  std::optional<Ident> date;  // the date attribute every version declares
  std::vector<VersionDecl> versions;
  SourceSpan span;
};

// One parsed file, declarations in source order.
struct File {
  uint32_t source = 0;
  std::vector<Import> imports;
  std::vector<PolicyDecl> policies;
  std::vector<EnumDecl> enums;
  std::vector<AttrDecl> attrs;
  std::vector<LetDecl> lets;
  std::vector<RuleDecl> rules;
  std::vector<TestDecl> tests;
  std::vector<HistoryDecl> histories;
  // Order of declarations as written, for the formatter: (kind, index).
  enum class DeclKind : uint8_t { kImport, kPolicy, kEnum, kAttr, kLet, kRule, kTest, kHistory };
  std::vector<std::pair<DeclKind, uint32_t>> order;
  // Declarations that did not parse, by kind and name, as far as they got:
  // the checker takes their names as declared, so that their uses are not
  // reported again (one root cause, one error).
  std::vector<std::pair<DeclKind, std::string>> broken;
};

// A whole policy: every file, root first, and the rules in evaluation order
// (imported rules at the point of their import).
struct Program;
struct Ast {
  std::vector<File> files;
  // (file index, rule index within that file) in evaluation order.
  std::vector<std::pair<uint32_t, uint32_t>> rule_order;
};

}  // namespace writ::detail

#endif  // WRIT_SRC_COMMON_AST_HPP_
