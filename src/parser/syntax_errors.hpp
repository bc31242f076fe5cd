// File: src/parser/syntax_errors.hpp (internal)
//
// What a syntax error says and where the parser goes on: the token found
// (a whole UTF-8 character at least), hints that name the cause (a keyword
// used as a name, an operator from another language, an integer too large,
// a misspelt keyword), strings that run to the end of their line, the head
// of a declaration that did not parse (so that its name is still declared),
// and the scans that run before parsing (nesting depth) and after an error
// (the next declaration).
#ifndef WRIT_SRC_PARSER_SYNTAX_ERRORS_HPP_
#define WRIT_SRC_PARSER_SYNTAX_ERRORS_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/ast.hpp"

namespace writ::detail {

// Whether `p` starts with a declaration keyword (import, policy, ...).
bool StartsDeclaration(const char* p, const char* end);
// After a syntax error: the start of the next line that begins with a
// declaration keyword.
const char* Resync(const char* from, const char* end);
// The first place where brackets nest deeper than `limit` (strings and
// comments skipped), or null: checked before parsing, so that the
// grammar's recursion is bounded.
const char* TooDeep(const char* p, const char* end, int limit);

bool IsWordChar(char c);
// The token at `p`: a dotted word, a run of digits, an operator of one or
// two characters, or one UTF-8 character.
std::string_view TokenAt(const char* p, const char* end);
// The token at `where`, quoted, for "found ...".
std::string Describe(const char* where, const char* end);
// Opening quotes of strings that end at a line's end instead of a '"'.
std::vector<const char*> UnterminatedStrings(const char* p, const char* end);
// The kind and name of a declaration that failed to parse, if its head
// (`attr NAME`, `enum NAME`, ...) is there.
std::optional<std::pair<File::DeclKind, std::string>> BrokenHead(const char* p, const char* end);

// A syntax error made specific: where, how long, its code and message
// (empty: keep the generic message) and a suggestion.
struct Hint {
  const char* at;
  uint32_t length;
  std::string code, message, suggestion;
};
std::optional<Hint> SyntaxHint(const char* where, const char* end, const char* start,
                               const std::string& expected);

}  // namespace writ::detail

#endif  // WRIT_SRC_PARSER_SYNTAX_ERRORS_HPP_
