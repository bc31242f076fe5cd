// File: src/parser/printer.hpp (internal)
//
// Canonical text from the AST, for `Format` and for the meaning hash.
#ifndef WRIT_SRC_PARSER_PRINTER_HPP_
#define WRIT_SRC_PARSER_PRINTER_HPP_

#include <string>

#include "common/ast.hpp"
#include "writ/source.hpp"

namespace writ::detail {

// Prints `file`. With `source`, comments from its text are kept.
std::string PrintFile(const File& file, const Source* source);
// Prints an expression on one line.
std::string PrintExpr(const Expr& e);
// Structural equality of two files, spans ignored.
bool SameFile(const File& a, const File& b);

}  // namespace writ::detail

#endif  // WRIT_SRC_PARSER_PRINTER_HPP_
