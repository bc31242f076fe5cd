// File: src/parser/grammar/cst.hpp
//
// The concrete syntax tree: shaped the way Spirit X3 synthesizes attributes,
// one struct per grammar rule. Nothing outside src/grammar/ and src/parser.cpp
// sees it; `cst_to_ast` in parser.cpp turns it into the Boost-free AST.
#ifndef WRIT_SRC_PARSER_GRAMMAR_CST_HPP_
#define WRIT_SRC_PARSER_GRAMMAR_CST_HPP_

#include <boost/optional.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "common/ast.hpp"

namespace writ::detail::cst {
namespace x3 = boost::spirit::x3;

// Every node records the text it was parsed from (set by `annotate_span`).
struct Tagged {
  const char* b = nullptr;
  const char* e = nullptr;
};

struct Name : Tagged {
  std::string text;
};
struct Str : Tagged {
  std::string value;
};
struct Int : Tagged {
  int64_t value = 0;
};
struct Date : Tagged {
  int y = 0, m = 0, d = 0;
};
struct Bool : Tagged {
  bool value = false;
};

using Atom = x3::variant<Date, Int, Str, Bool, Name>;
struct SetLit : Tagged {
  std::vector<Atom> elements;
};

struct OrExpr;
using Operand = x3::variant<Date, Int, Str, Bool, Name, SetLit, x3::forward_ast<OrExpr>>;

struct BinTail : Tagged {
  Op op = Op::kEq;
  Operand rhs;
};
struct IsTail : Tagged {
  bool present = true;
};
using Tail = x3::variant<BinTail, IsTail>;

struct Comparison : Tagged {
  Operand lhs;
  boost::optional<Tail> tail;
};
struct Unary : Tagged {
  std::vector<int> nots;  // one entry per leading `not`
  Comparison operand;
};
struct AndExpr : Tagged {
  Unary first;
  std::vector<Unary> rest;
};
struct OrExpr : Tagged {
  AndExpr first;
  std::vector<AndExpr> rest;
};

struct EffectV : Tagged {
  std::string effect;
  Str message;
};
struct NameList : Tagged {
  std::vector<Name> names;
};
// `when EXPR` or `unless EXPR` after an obligation.
struct ConditionV : Tagged {
  std::string kind;  // when, unless
  OrExpr expr;
};
struct ObligationV : Tagged {
  Name name;
  boost::optional<Str> argument;
  boost::optional<ConditionV> condition;
};
struct Assign : Tagged {
  Name path;
  Operand value;
};
struct GivenBlock : Tagged {
  std::vector<Assign> assigns;
};
struct ExpectV : Tagged {
  std::string what;  // allow, review, deny, granted, withheld, missing, obligation, no obligation
  std::vector<Name> names;
  boost::optional<Str> argument;  // obligation
};

// `version "file.writ" from 2024-09-23` in a history.
struct VersionV : Tagged {
  Str path;
  Date from;
};

using FieldValue =
    x3::variant<Str, Name, EffectV, NameList, OrExpr, ObligationV, GivenBlock, ExpectV, VersionV>;
struct Field : Tagged {
  std::string key;
  FieldValue value;
};

struct ImportD : Tagged {
  Str path;
};
struct PolicyD : Tagged {
  Name name;
  std::vector<Field> fields;
};
struct EnumD : Tagged {
  Name name;
  std::vector<Name> members;
};
struct TypeE : Tagged {
  std::string set_kw;  // "set" for set<name>, else empty
  Name name;
};
struct AttrD : Tagged {
  Name path;
  TypeE type;
};
struct LetD : Tagged {
  Name name;
  OrExpr value;
};
struct RuleD : Tagged {
  Name name;
  std::vector<Field> fields;
};
struct TestD : Tagged {
  Str description;
  std::vector<Field> fields;
};

struct HistoryD : Tagged {
  Name name;
  std::vector<Field> fields;
};

using Decl = x3::variant<ImportD, PolicyD, EnumD, AttrD, LetD, RuleD, TestD, HistoryD>;

}  // namespace writ::detail::cst

#endif  // WRIT_SRC_PARSER_GRAMMAR_CST_HPP_
