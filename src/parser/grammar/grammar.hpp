// File: src/parser/grammar/grammar.hpp
//
// The one entry point into the Spirit X3 grammar. The parser driver calls it
// once per top-level declaration, so that after a syntax error it can skip to
// the next declaration and keep reporting.
#ifndef WRIT_SRC_PARSER_GRAMMAR_GRAMMAR_HPP_
#define WRIT_SRC_PARSER_GRAMMAR_GRAMMAR_HPP_

#include <string>

#include "parser/grammar/cst.hpp"

namespace writ::detail::grammar {

// Where a declaration failed to parse and what the grammar expected there.
struct SyntaxError {
  const char* where = nullptr;
  std::string expected;  // e.g. "expression", "'}'"
};

// Skips whitespace and `//` comments.
void SkipSpace(const char*& it, const char* end);

// Parses one declaration starting at `it` (after skipping space). On success
// advances `it` past it and returns true. On failure fills `error`.
bool ParseDeclaration(const char*& it, const char* end, cst::Decl& out, SyntaxError& error);

}  // namespace writ::detail::grammar

#endif  // WRIT_SRC_PARSER_GRAMMAR_GRAMMAR_HPP_
