// File: src/parser/grammar/grammar.hpp
//
// The one entry point into the Spirit X3 grammar. The parser driver calls it
// once per top-level declaration, so that after a syntax error it can skip to
// the next declaration and keep reporting.
#ifndef WRIT_SRC_PARSER_GRAMMAR_GRAMMAR_HPP_
#define WRIT_SRC_PARSER_GRAMMAR_GRAMMAR_HPP_

#include <string>
#include <string_view>

#include "parser/grammar/cst.hpp"

namespace writ::detail::grammar {

// Where a declaration failed to parse and what the grammar expected there.
struct SyntaxError {
  const char* where = nullptr;
  std::string expected;  // e.g. "expression", "'}'"
};

// The reserved words: none of them can name an enum, a member, an
// attribute's first segment, a let or a rule.
inline constexpr std::string_view kKeywords[] = {
    "policy",         "import",       "enum",          "attr",    "let",       "rule",   "test",
    "history",        "from",         "title",         "version", "source",    "cite",   "combine",
    "items",          "default",      "when",          "unless",  "then",      "allow",  "review",
    "deny",           "disclose",     "obligation",    "given",   "expect",    "by",     "granted",
    "withheld",       "missing",      "and",           "or",      "not",       "in",     "contains",
    "contains_any",   "contains_all", "contains_none", "like",    "in_domain", "is",     "present",
    "true",           "false",        "set",           "bool",    "int",       "string", "date",
    "deny_overrides", "first_match",
};
bool IsKeyword(std::string_view word);

// Skips whitespace and `//` comments.
void SkipSpace(const char*& it, const char* end);

// Parses one declaration starting at `it` (after skipping space). On success
// advances `it` past it and returns true. On failure fills `error`.
bool ParseDeclaration(const char*& it, const char* end, cst::Decl& out, SyntaxError& error);

}  // namespace writ::detail::grammar

#endif  // WRIT_SRC_PARSER_GRAMMAR_GRAMMAR_HPP_
